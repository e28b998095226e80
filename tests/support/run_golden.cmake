# Runs one golden case: `cvm <args> <case>.cvm` in the golden folder, and compares its
# stdout+stderr and exit code with <case>.expected. CVM_UPDATE_GOLDEN=1 rewrites it.
string(REGEX REPLACE "\\.cvm$" "" stem ${CASE})
file(STRINGS ${DIR}/${CASE} first_line LIMIT_COUNT 1)
set(args check)
if(first_line MATCHES "^// args: (.*)$")
  separate_arguments(args UNIX_COMMAND "${CMAKE_MATCH_1}")
endif()
execute_process(COMMAND ${CVM} ${args} ${CASE}
  WORKING_DIRECTORY ${DIR}
  OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE code)
set(actual "${out}${err}[exit ${code}]\n")
set(expected_file ${DIR}/${stem}.expected)
if("$ENV{CVM_UPDATE_GOLDEN}" STREQUAL "1")
  file(WRITE ${expected_file} "${actual}")
  return()
endif()
if(NOT EXISTS ${expected_file})
  message(FATAL_ERROR "missing ${expected_file}; actual output:\n${actual}")
endif()
file(READ ${expected_file} expected)
if(NOT actual STREQUAL expected)
  message(FATAL_ERROR "golden mismatch for ${CASE}\n--- expected\n${expected}--- actual\n${actual}")
endif()
