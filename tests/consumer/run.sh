#!/usr/bin/env bash
# Installs the build into a scratch prefix and uses it from outside, as a consumer would:
#   run.sh BUILD_DIR SOURCE_DIR STEP      STEP: cpp | qml | qmllint
set -euo pipefail
build=$1 src=$2 step=$3
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
qml_dir="$prefix/lib/qt6/qml"
[ -f "$qml_dir/SocketTask/qmldir" ] || { echo "FAIL: no qmldir in $qml_dir"; exit 1; }
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
    ;;
esac
echo "PASS: consumer $step"
