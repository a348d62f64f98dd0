# sockettask_lower_javascript(<out-var> SOURCES <file>... [TARGET <es-version>]
#                             [OUTPUT_DIRECTORY <dir>])
#
# Lowers JavaScript (and TypeScript) that Qt's engine cannot run to what it runs: async
# functions and await, object spread and rest, class fields, optional catch bindings, `?.` and
# `??`, for Qt 6.4 to 6.11 alike. It uses esbuild (Debian: apt-get install esbuild; or npm
# install esbuild, then -DSOCKETTASK_ESBUILD=node_modules/.bin/esbuild), at build time, only
# for the files given: an app that does not call this needs neither esbuild nor node.
#
# QML's own lines (`.pragma library`, `.import ... as ...`) are kept. Each file becomes
# <OUTPUT_DIRECTORY>/<its path relative to the current source dir, or its name for a file
# elsewhere> (.ts -> .js, .mts -> .mjs),
# default ${CMAKE_CURRENT_BINARY_DIR}/lowered; <out-var> gets their paths, each with
# QT_RESOURCE_ALIAS set to that relative path, so that they go into qt_add_qml_module's
# QML_FILES (or qt_add_resources) under the names the QML documents import. TARGET is esbuild's
# (default es2016: the newest that lowers all of the above).
# Looked for once, when this file is included: SOCKETTASK_ESBUILD tells whether the function can
# run (a project may build its modern-JavaScript parts only then).
find_program(SOCKETTASK_ESBUILD NAMES esbuild HINTS "${CMAKE_SOURCE_DIR}/node_modules/.bin"
    DOC "esbuild, for sockettask_lower_javascript()")

function(sockettask_lower_javascript out_var)
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "TARGET;OUTPUT_DIRECTORY" "SOURCES")
    if(arg_UNPARSED_ARGUMENTS OR NOT arg_SOURCES)
        message(FATAL_ERROR "sockettask_lower_javascript(<out-var> SOURCES <file>... "
            "[TARGET <es-version>] [OUTPUT_DIRECTORY <dir>])")
    endif()
    if(NOT arg_TARGET)
        set(arg_TARGET es2016)
    endif()
    if(NOT arg_OUTPUT_DIRECTORY)
        set(arg_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/lowered")
    endif()
    if(NOT SOCKETTASK_ESBUILD)
        message(FATAL_ERROR "sockettask_lower_javascript needs esbuild: apt-get install esbuild "
            "(Debian 12 and later), or npm install esbuild and -DSOCKETTASK_ESBUILD=<its path>")
    endif()
    set(script "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/SocketTaskLowerJavaScript.cmake")
    set(outputs)
    foreach(source IN LISTS arg_SOURCES)
        get_filename_component(input "${source}" ABSOLUTE)
        file(RELATIVE_PATH name "${CMAKE_CURRENT_SOURCE_DIR}" "${input}")
        if(name MATCHES "^\\.\\./")
            get_filename_component(name "${input}" NAME) # not under this directory: its name
        endif()
        string(REGEX REPLACE "\\.ts$" ".js" name "${name}")
        string(REGEX REPLACE "\\.mts$" ".mjs" name "${name}")
        set(output "${arg_OUTPUT_DIRECTORY}/${name}")
        set(lower "${CMAKE_COMMAND}" "-DESBUILD=${SOCKETTASK_ESBUILD}" "-DINPUT=${input}"
            "-DOUTPUT=${output}" "-DTARGET=${arg_TARGET}" -P "${script}")
        # Qt 6.4 and 6.5's qt_add_qml_module copy each QML file at configure time and print
        # "Error copying file" for one the build has not made yet (6.6 skips it): lower it now
        # too. Quietly: the build step below lowers it again and reports what esbuild says.
        if(Qt6_VERSION VERSION_LESS 6.6 AND NOT EXISTS "${output}")
            execute_process(COMMAND ${lower} OUTPUT_QUIET ERROR_QUIET)
        endif()
        add_custom_command(OUTPUT "${output}"
            COMMAND ${lower}
            DEPENDS "${input}" "${script}"
            COMMENT "Lowering ${name} to ${arg_TARGET} (esbuild)"
            VERBATIM)
        set_source_files_properties("${output}" PROPERTIES GENERATED TRUE
            QT_RESOURCE_ALIAS "${name}")
        list(APPEND outputs "${output}")
    endforeach()
    set(${out_var} "${outputs}" PARENT_SCOPE)
endfunction()
