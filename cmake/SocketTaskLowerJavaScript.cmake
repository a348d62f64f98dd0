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

# Taro's own modules, as real files import them (`import Taro from '@tarojs/taro'`, `import {
# connectSocket } from '@tarojs/taro'`): bound to the Taro singleton, which `import SocketTask`
# makes a property of the engine's global object. A named import calls the singleton's function
# of that name when called (an app's own replacement included). Each statement becomes lines of
# plain JavaScript, as many as it had, so that line numbers stay.
set(taro_module "['\"]@tarojs/taro(-h5|-rn)?['\"]")
set(binder "")
string(REGEX MATCHALL "(^|[\n;])[ \t]*import[ \t\n]+[^;'\"]*[ \t\n]from[ \t\n]*${taro_module}[ \t]*;?"
    statements "${javascript}")
foreach(statement IN LISTS statements)
    string(REGEX MATCH "import[ \t\n]+([^;'\"]*)[ \t\n]from" clause "${statement}")
    string(STRIP "${CMAKE_MATCH_1}" clause)
    string(REGEX REPLACE "[ \t\n]+" " " clause "${clause}")
    set(bindings "")
    set(named "")
    if(clause MATCHES "^([A-Za-z_$][A-Za-z0-9_$]*) ?, ?(.*)$")
        set(default_name "${CMAKE_MATCH_1}")
        set(rest "${CMAKE_MATCH_2}")
    elseif(clause MATCHES "^[A-Za-z_$][A-Za-z0-9_$]*$")
        set(default_name "${clause}")
        set(rest "")
    else()
        set(default_name "")
        set(rest "${clause}")
    endif()
    if(default_name AND NOT default_name STREQUAL "Taro")
        string(APPEND bindings "var ${default_name} = Taro; ")
    endif()
    if(rest MATCHES "^\\* ?as ([A-Za-z_$][A-Za-z0-9_$]*)$")
        string(APPEND bindings "var ${CMAKE_MATCH_1} = Taro; ")
    elseif(rest MATCHES "^{(.*)}$")
        string(REPLACE "," ";" names "${CMAKE_MATCH_1}")
        foreach(name IN LISTS names)
            string(STRIP "${name}" name)
            if(name STREQUAL "")
                continue()
            endif()
            if(name MATCHES "^([A-Za-z_$][A-Za-z0-9_$]*) as ([A-Za-z_$][A-Za-z0-9_$]*)$")
                set(imported "${CMAKE_MATCH_1}")
                set(local "${CMAKE_MATCH_2}")
            else()
                set(imported "${name}")
                set(local "${name}")
            endif()
            if(imported STREQUAL "default")
                string(APPEND bindings "var ${local} = Taro; ")
            else()
                string(APPEND bindings "var ${local} = __sockettaskImport(Taro, \"${imported}\"); ")
                set(binder "function __sockettaskImport(object, name) { return typeof object[name] === \"function\" ? function () { return object[name].apply(object, arguments) } : object[name] }\n")
            endif()
        endforeach()
    elseif(NOT rest STREQUAL "")
        message(FATAL_ERROR "${INPUT}: cannot read the import of Taro: ${statement}")
    endif()
    # As many lines as the statement had
    string(REGEX MATCHALL "\n" newlines "${statement}")
    list(LENGTH newlines count)
    string(REGEX MATCH "^[\n;]" lead "${statement}")
    set(replacement "${lead}${bindings}")
    if(lead STREQUAL "\n")
        math(EXPR count "${count} - 1")
    endif()
    if(count GREATER 0)
        foreach(i RANGE 1 ${count})
            string(APPEND replacement "\n")
        endforeach()
    endif()
    string(REPLACE "${statement}" "${replacement}" javascript "${javascript}")
endforeach()

# A .js file of a QML document is a script, not a module: its `export`s become plain
# declarations (esbuild's CommonJS output keeps each one a top-level name, which the document
# reads as `Helper.name`). An .mjs file stays a module: QML loads it as one.
set(format "")
set(prologue "")
if(NOT extension MATCHES "^\\.m" AND javascript MATCHES "(^|[\n;])[ \t]*export[ \t\n{*]")
    set(format "--format=cjs")
    set(prologue "var exports = {}; var module = { exports: exports };\n")
endif()
get_filename_component(name "${INPUT}" NAME)
set(stripped "${OUTPUT}.in")
file(WRITE "${stripped}" "${javascript}")
execute_process(
    COMMAND "${ESBUILD}" "--loader=${loader}" "--target=${TARGET}" "--sourcefile=${name}"
        --log-level=warning ${format}
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
file(WRITE "${OUTPUT}" "${directives}${prologue}${binder}${lowered}")
