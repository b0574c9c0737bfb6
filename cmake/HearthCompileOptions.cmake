# Compiler settings shared by every hearth target: warnings are errors,
# sanitizers when HEARTH_SANITIZE asks for them.

add_library(hearth_compile_options INTERFACE)
target_compile_options(hearth_compile_options INTERFACE
  -Wall -Wextra -Wpedantic -Werror -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Woverloaded-virtual -Wimplicit-fallthrough
  -Wformat=2
  # Designated initializers ({.path = p}) leave the other fields at their
  # defaults on purpose; GCC 12 warns about that under -Wextra.
  -Wno-missing-field-initializers)

if(HEARTH_SANITIZE)
  string(REPLACE ";" "," _hearth_sanitizers "${HEARTH_SANITIZE}")
  target_compile_options(hearth_compile_options INTERFACE
    -fsanitize=${_hearth_sanitizers} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(hearth_compile_options INTERFACE -fsanitize=${_hearth_sanitizers})
endif()

# libFuzzer builds (clang, tests/fuzz/): every hearth library gets coverage
# instrumentation, so the fuzzer is guided by the parser it fuzzes, not only
# by the target's few lines.
option(HEARTH_LIBFUZZER "Link fuzz targets with libFuzzer (clang only)" OFF)
if(HEARTH_LIBFUZZER)
  target_compile_options(hearth_compile_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

# hearth_module(NAME SOURCES ... DEPS ...): one library target per module,
# named hearth_<NAME>, with the project's warnings and the src/ include root.
function(hearth_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(hearth_${name} STATIC ${ARG_SOURCES})
  target_include_directories(hearth_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(hearth_${name} PUBLIC hearth_compile_options ${ARG_DEPS}
                                       PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# hearth_unit_test(NAME SOURCES ... DEPS ...): a GoogleTest binary registered with ctest.
function(hearth_unit_test name)
  if(NOT HEARTH_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE hearth_compile_options ${ARG_DEPS} GTest::gtest_main GTest::gmock)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
