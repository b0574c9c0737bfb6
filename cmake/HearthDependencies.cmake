# Third-party dependencies, each exposed as one imported or interface target.
# Which module may link which target is fixed by docs/architecture.md.

find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(CURL REQUIRED)  # CURL::libcurl, for pulling models (models/ only)

# llama.cpp + ggml: the pinned build from scripts/setup (CMAKE_PREFIX_PATH points
# at it), or a system installation with HEARTH_USE_SYSTEM_LLAMA=ON.
find_package(llama REQUIRED)
if(NOT HEARTH_LLAMA_SOURCE_DIR OR NOT EXISTS "${HEARTH_LLAMA_SOURCE_DIR}/include/llama.h")
  message(FATAL_ERROR "HEARTH_LLAMA_SOURCE_DIR must name a llama.cpp source tree "
                      "(run scripts/setup, which fetches the pinned one)")
endif()

# llama.cpp's common library (chat templates, JSON schema to grammar): its
# static archive is installed with the pinned build, its headers are not, so
# they come from the pinned source tree. models/ links it privately.
find_library(HEARTH_LLAMA_COMMON_LIBRARY NAMES llama-common common
             HINTS ${CMAKE_PREFIX_PATH} PATH_SUFFIXES lib lib64 REQUIRED)
add_library(hearth_llama_common STATIC IMPORTED)
set_target_properties(hearth_llama_common PROPERTIES IMPORTED_LOCATION "${HEARTH_LLAMA_COMMON_LIBRARY}")
target_include_directories(hearth_llama_common SYSTEM INTERFACE ${HEARTH_LLAMA_SOURCE_DIR}/common)
target_link_libraries(hearth_llama_common INTERFACE llama)

# cpp-httplib and nlohmann/json come from the llama.cpp tree's vendor/ folder
# (pinned with it); they are compiled here, not copied into the repository.
add_library(hearth_httplib STATIC ${HEARTH_LLAMA_SOURCE_DIR}/vendor/cpp-httplib/httplib.cpp)
target_include_directories(hearth_httplib SYSTEM PUBLIC ${HEARTH_LLAMA_SOURCE_DIR}/vendor/cpp-httplib)
target_link_libraries(hearth_httplib PUBLIC Threads::Threads)

add_library(hearth_json INTERFACE)
target_include_directories(hearth_json SYSTEM INTERFACE ${HEARTH_LLAMA_SOURCE_DIR}/vendor)

if(NOT HEARTH_USEARCH_DIR OR NOT EXISTS "${HEARTH_USEARCH_DIR}/include/usearch/index_dense.hpp")
  message(FATAL_ERROR "HEARTH_USEARCH_DIR must name the usearch package (run scripts/setup)")
endif()
add_library(hearth_usearch INTERFACE)
target_include_directories(hearth_usearch SYSTEM INTERFACE ${HEARTH_USEARCH_DIR}/include)

if(HEARTH_BUILD_TESTS)
  find_package(GTest REQUIRED)
  include(GoogleTest)
endif()
if(HEARTH_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()
