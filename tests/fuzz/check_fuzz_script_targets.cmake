# Fails unless `SCRIPT --list` (scripts/fuzz) names every fuzz target in
# TARGETS (the ones tests/fuzz/CMakeLists.txt defines) and no other.
#   cmake -DSCRIPT=scripts/fuzz "-DTARGETS=a;b;c" -P check_fuzz_script_targets.cmake
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND bash ${SCRIPT} --list OUTPUT_VARIABLE listed RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${SCRIPT} --list failed with ${status}")
endif()
string(STRIP "${listed}" listed)
string(REPLACE "\n" ";" listed "${listed}")
foreach(target IN LISTS TARGETS)
  if(NOT target IN_LIST listed)
    message(FATAL_ERROR "fuzz target '${target}' is defined in tests/fuzz/CMakeLists.txt but missing "
                        "from ALL_TARGETS in ${SCRIPT}")
  endif()
endforeach()
foreach(target IN LISTS listed)
  if(NOT target IN_LIST TARGETS)
    message(FATAL_ERROR "${SCRIPT} lists '${target}', which tests/fuzz/CMakeLists.txt does not define")
  endif()
endforeach()
list(LENGTH TARGETS count)
message(STATUS "${SCRIPT} lists all ${count} fuzz targets")
