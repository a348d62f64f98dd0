# cmake -DESBUILD=... -DINPUT=... -DOUTPUT=... -DTARGET=es2016 -P SocketTaskLowerJavaScript.cmake
# One file of sockettask_lower_javascript() (SocketTaskJavaScript.cmake): QML's directives out,
# esbuild, directives back in.
file(READ "${INPUT}" code)
# `.pragma library` and `.import "x.js" as X` are QML's, not JavaScript: each such line becomes
# an empty one for esbuild (its messages keep the file's line numbers) and goes back on top.
# (Regular expressions, not CMake lists: a list would split the code at its semicolons.)
set(directive "(^|\n)([ \t]*\\.(pragma|import)[ \t][^\n]*)")
string(REGEX MATCHALL "${directive}" found "${code}")
set(directives "")
foreach(line IN LISTS found)
    string(STRIP "${line}" line)
    string(APPEND directives "${line}\n")
endforeach()
string(REGEX REPLACE "${directive}" "\\1" javascript "${code}")
get_filename_component(extension "${INPUT}" LAST_EXT)
if(extension MATCHES "^\\.m?ts$")
    set(loader ts)
else()
    set(loader js)
endif()
get_filename_component(name "${INPUT}" NAME)
set(stripped "${OUTPUT}.in")
file(WRITE "${stripped}" "${javascript}")
execute_process(
    COMMAND "${ESBUILD}" "--loader=${loader}" "--target=${TARGET}" "--sourcefile=${name}"
        --log-level=warning
    INPUT_FILE "${stripped}"
    OUTPUT_VARIABLE lowered
    ERROR_VARIABLE problems
    RESULT_VARIABLE result)
file(REMOVE "${stripped}")
if(NOT result EQUAL 0)
    message(FATAL_ERROR "esbuild could not lower ${INPUT}:\n${problems}")
endif()
if(problems)
    message(WARNING "esbuild, lowering ${INPUT}:\n${problems}")
endif()
file(WRITE "${OUTPUT}" "${directives}${lowered}")
