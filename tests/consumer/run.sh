#!/usr/bin/env bash
# Uses SocketTask from outside, as an app would (tests/consumer/CMakeLists.txt):
#   run.sh BUILD_DIR SOURCE_DIR STEP
# STEP cpp | qml | qmllint: the build installed into a scratch prefix, found by find_package;
# STEP subdirectory | fetchcontent: the source built inside the app's own build.
set -euo pipefail
build=$1 src=$2 step=$3
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
qml_dir="$prefix/lib/qt6/qml"
case "$step" in
cpp | qml | qmllint)
    cmake --install "$build" --prefix "$prefix" >/dev/null
    [ -f "$qml_dir/SocketTask/qmldir" ] || { echo "FAIL: no qmldir in $qml_dir"; exit 1; }
    ;;
esac
case "$step" in
cpp | qml)
    # The public headers are typed: the binding's QVariant entry points stay private.
    if grep -rnE 'ScriptType|SocketTaskBinding|const QVariant &option' "$prefix/include/SocketTask"; then
        echo "FAIL: binding types in the public headers"; exit 1
    fi
    # A sanitized library wants sanitized programs (the ASan runtime must load first).
    flags=$(grep -q '^SOCKETTASK_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" && echo "-fsanitize=address,undefined" || true)
    # Quiet unless it fails: then the compiler's words are the point.
    { cmake -S "$src/tests/consumer" -B "$prefix/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" &&
        cmake --build "$prefix/consumer"; } >"$prefix/build.log" 2>&1 ||
        { cat "$prefix/build.log"; echo "FAIL: the consumer does not build"; exit 1; }
    if [ "$step" = cpp ]; then
        # it must load the installed library, not the build tree's
        ldd "$prefix/consumer/consumer-cpp" | grep "libSocketTask.so.1 => $prefix/lib/" 
        "$prefix/consumer/consumer-cpp"
    else
        QML_IMPORT_PATH="$qml_dir" "$prefix/consumer/consumer-qml" "$src/tests/consumer/consumer.qml"
    fi
    ;;
qmllint)
    out=$(/usr/lib/qt6/bin/qmllint -I "$qml_dir" "$src/tests/consumer/consumer.qml" 2>&1) || true
    [ -z "$out" ] || { echo "$out"; echo "FAIL: qmllint does not know the installed types"; exit 1; }
    # and it does know them: a wrong property is caught
    bad="$prefix/bad.qml"
    printf 'import QtQml\nimport SocketTask\nSocketTask { nosuchProperty: 1 }\n' >"$bad"
    out=$(/usr/lib/qt6/bin/qmllint -I "$qml_dir" "$bad" 2>&1) || true
    # Qt 6.4 says 'no property "nosuchProperty" exists', 6.8 and later 'Property "nosuchProperty"
    # does not exist': either way a warning on that line that names the property.
    grep -q '^Warning: .*bad.qml:3:.*"nosuchProperty"' <<<"$out" || { echo "$out"; echo "FAIL: qmllint did not check SocketTask"; exit 1; }
    # and the element's options are typed: a value of the wrong type is a warning on its line
    printf 'import QtQml\nimport SocketTask\nSocketTask {\n url: 7\n timeout: "abc"\n tcpNoDelay: "yes"\n protocols: 5\n}\n' >"$bad"
    out=$(/usr/lib/qt6/bin/qmllint -I "$qml_dir" "$bad" 2>&1) || true
    for line in 4 5 6 7; do
        grep -q "^Warning: .*bad.qml:$line:" <<<"$out" ||
            { echo "$out"; echo "FAIL: qmllint did not check the type on line $line of:"; cat -n "$bad"; exit 1; }
    done
    # The app's own qmllint target finds the module through IMPORT_PATH (README, Use it from QML).
    cmake -S "$src/tests/consumer" -B "$prefix/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
    out=$(cmake --build "$prefix/consumer" --target consumer-qml_qmllint 2>&1) ||
        { echo "$out"; echo "FAIL: the consumer's qmllint target"; exit 1; }
    ;;
subdirectory | fetchcontent)
    app="$prefix/app"
    # Both put SocketTask where FetchContent does (_deps/sockettask-src and -build), so that
    # the compiler cache (ccache, base_dir /: paths relative to the build) serves the second
    # with what the first compiled. The subdirectory is a copy of this source tree without its
    # build folders (ccache reads a link as the path it points to).
    mkdir -p "$app/_deps/sockettask-src"
    tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$app/_deps/sockettask-src" -xf -
    how=(-DSOCKETTASK_SOURCE_DIR="$app/_deps/sockettask-src")
    if [ "$step" = fetchcontent ]; then
        rm -rf "$app/_deps/sockettask-src"
        # The release's source tarball, as made by cpack's source package.
        (cd "$prefix" && cpack --config "$build/CPackSourceConfig.cmake" >/dev/null)
        tarball=$(ls "$prefix"/SocketTask-*-Source.tar.xz)
        echo "fetching $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"
        how=(-DSOCKETTASK_URL="file://$tarball")
    fi
    cmake -S "$src/tests/consumer" -B "$app" -G Ninja -DSOCKETTASK_CONSUME="$step" "${how[@]}" \
        >"$prefix/configure.log" 2>&1 || { cat "$prefix/configure.log"; echo "FAIL: configure"; exit 1; }
    # The app's own docs target and packaging stay its own.
    grep -q 'CPACK_PACKAGE_NAME "sockettask-consumer"' "$app/CPackConfig.cmake" ||
        { echo "FAIL: SocketTask took over the app's CPack"; exit 1; }
    docs=$(cmake --build "$app" --target docs)
    grep -q "docs of the consumer" <<<"$docs" ||
        { echo "FAIL: the app's docs target is not its own"; exit 1; }
    # Only the library and the QML module are built: no tests, demo, bench or examples.
    targets=$(ninja -C "$app" -t targets all | sed "s/:.*//; s|.*/||")
    if grep -E '^(tst_|sockettask-chat|sockettask-bench|sockettask-console)' <<<"$targets"; then
        echo "FAIL: a subproject builds its tests, demo, bench or examples"; exit 1
    fi
    start=$SECONDS
    cmake --build "$app" >"$prefix/build.log" 2>&1 || { cat "$prefix/build.log"; echo "FAIL: build"; exit 1; }
    steps=$(grep -o '^\[[0-9]*/[0-9]*\]' "$prefix/build.log" | tail -1 | cut -d/ -f2 | tr -d ']')
    echo "the app with SocketTask as a $step: $steps build steps, $((SECONDS - start)) s"
    "$app/consumer-cpp"
    # Nothing installed: the module is found in the app's build, where SocketTask_QML_DIR says.
    QML_IMPORT_PATH=$(cat "$app/qml-dir.txt") "$app/consumer-qml" "$src/tests/consumer/consumer.qml"
    cmake --build "$app" --target consumer-qml_qmllint >/dev/null ||
        { echo "FAIL: the app's qmllint target does not find SocketTask"; exit 1; }
    ;;
esac
echo "PASS: consumer $step"
