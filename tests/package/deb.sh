#!/usr/bin/env bash
# Builds the .deb (library + QML module, prefix /usr), checks its file list, unpacks it into a
# scratch root and runs the QML consumer against the unpacked module.
#   deb.sh SOURCE_DIR CONSUMER_QML_BINARY_DIR
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake -S "$src" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DSOCKETTASK_BUILD_TESTS=OFF -DSOCKETTASK_BUILD_DEMO=OFF -DSOCKETTASK_BUILD_EXAMPLES=OFF \
    -DSOCKETTASK_BUILD_BENCH=OFF >/dev/null
cmake --build "$work/build" >/dev/null
(cd "$work/build" && cpack >/dev/null)
deb=$(ls "$work"/build/*.deb)
echo "built $(basename "$deb")"
dpkg-deb -c "$deb" | awk '{print $6}' | tee "$work/files.txt"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
for want in \
    "./usr/lib/$multiarch/libSocketTask.so.1.0.0" \
    "./usr/lib/$multiarch/cmake/SocketTask/SocketTaskConfig.cmake" \
    "./usr/include/SocketTask/SocketTask" \
    "./usr/lib/$multiarch/qt6/qml/SocketTask/qmldir" \
    "./usr/lib/$multiarch/qt6/qml/SocketTask/sockettaskqml.qmltypes" \
    "./usr/lib/$multiarch/qt6/qml/SocketTask/libsockettaskqml.so"; do
    grep -qxF "$want" "$work/files.txt" || { echo "FAIL: $want not in the package"; exit 1; }
done
dpkg-deb -x "$deb" "$work/root"
# The unpacked plugin must find the unpacked library through its own RPATH.
plugin="$work/root/usr/lib/$multiarch/qt6/qml/SocketTask/libsockettaskqml.so"
ldd "$plugin" | grep -F "libSocketTask.so.1 => $work/root/usr/lib/$multiarch/" || { ldd "$plugin"; echo "FAIL: plugin RPATH"; exit 1; }
echo "PASS: the package holds the library, headers, CMake package and QML module"
