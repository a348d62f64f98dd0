#!/usr/bin/env bash
# Builds the Debian packages from debian/ (dpkg-buildpackage, as Debian would), runs lintian on
# them (no error, no warning, no override), checks what each package holds, and uses the
# installed files from an unpacked root: the C++ consumer through pkg-config and the QML module.
#   deb.sh SOURCE_DIR [WORK_DIR]
# WORK_DIR (emptied first, removed after): the same one on every run, so that the package is
# built under the same path, which Debian's flags name (-ffile-prefix-map), and ccache hits.
set -euo pipefail
src=$1
work=${2:-$(mktemp -d)}
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
tree="$work/sockettask-$version"
mkdir "$tree"
# The source tree without build folders or VCS data: what a release tarball holds.
tar -C "$src" --exclude='./build*' --exclude=./.git --exclude=./.ci -cf - . | tar -C "$tree" -xf -
# With Debian's default compiler, as its build daemons do, whatever CC/CXX the suite was built
# with (clang 14's DWARF 5 is more than Debian 12's dwz reads).
(cd "$tree" && env -u CC -u CXX dpkg-buildpackage -us -uc >"$work/build.log" 2>&1) ||
    { grep -v '^\[[0-9]*/[0-9]*\]' "$work/build.log" | tail -40; echo "FAIL: dpkg-buildpackage"; exit 1; }
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
changes="$work/sockettask_${version}_${arch}.changes"
ls "$work"/*.deb "$work"/*.dsc | sed "s|$work/|built |"

# lintian: errors and warnings fail; --no-override: nothing is hidden by an override file.
# (lintian says it should not run as root; it runs as whoever runs the tests.)
if ! lintian --fail-on error,warning --no-override --display-info "$changes" >"$work/lintian.txt" 2>&1; then
    cat "$work/lintian.txt"; echo "FAIL: lintian"; exit 1
fi
echo "lintian $(lintian --version | awk '{print $2}'): no error, no warning; its info lines:"
cat "$work/lintian.txt"

holds() { # holds PACKAGE FILE...: each FILE is in PACKAGE
    local deb="$work/${1}_${version}_${arch}.deb"
    shift
    dpkg-deb -c "$deb" | awk '{print $6}' >"$work/files.txt"
    for want in "$@"; do
        grep -qxF "$want" "$work/files.txt" || { cat "$work/files.txt"; echo "FAIL: $want not in $deb"; exit 1; }
    done
}
lib=./usr/lib/$multiarch
holds libsockettask1 "$lib/libSocketTask.so.$version" "$lib/libSocketTask.so.1" \
    ./usr/share/doc/libsockettask1/copyright ./usr/share/doc/libsockettask1/changelog.gz
holds libsockettask-dev "$lib/libSocketTask.so" ./usr/include/SocketTask/SocketTask \
    ./usr/include/SocketTask/SocketTaskReconnector ./usr/include/SocketTask/sockettaskreconnector.h \
    ./usr/include/SocketTask/sockettask_version.h "$lib/cmake/SocketTask/SocketTaskConfig.cmake" \
    "$lib/cmake/SocketTask/SocketTaskJavaScript.cmake" "$lib/pkgconfig/SocketTask.pc"
holds qml6-module-sockettask "$lib/qt6/qml/SocketTask/qmldir" \
    "$lib/qt6/qml/SocketTask/sockettaskqml.qmltypes" "$lib/qt6/qml/SocketTask/libsockettaskqml.so" \
    "$lib/qt6/qml/SocketTask/Impl/qmldir"
# The runtime holds no development file, the QML module no library of its own: a Widgets app
# installs libsockettask1 only, and that pulls in no QML.
depends=$(dpkg-deb -f "$work/libsockettask1_${version}_${arch}.deb" Depends)
echo "libsockettask1 Depends: $depends"
grep -q 'libc6' <<<"$depends" || { echo "FAIL: no shlibs dependency on libc6"; exit 1; }
grep -q 'qml' <<<"$depends" && { echo "FAIL: the runtime library depends on QML"; exit 1; }
# (Each output is read whole before it is searched: grep -q in a pipe may stop its writer.)
qml_depends=$(dpkg-deb -f "$work/qml6-module-sockettask_${version}_${arch}.deb" Depends)
# The plugin uses the library's private exported classes (SocketTaskBinding...): only the
# library of the same build will do.
echo "qml6-module-sockettask Depends: $qml_depends"
grep -q "libsockettask1 (= $version)" <<<"$qml_depends" ||
    { echo "FAIL: the QML module does not depend on libsockettask1 (= $version)"; exit 1; }
# Stripped, with the debug symbols in the -dbgsym package (found by build id).
dbgsym=$(ls "$work"/libsockettask1-dbgsym_"${version}"_"${arch}".*deb)
echo "debug symbols in $(basename "$dbgsym")"
for deb in libsockettask1 qml6-module-sockettask; do
    dpkg-deb -x "$work/${deb}_${version}_${arch}.deb" "$work/root"
done
dpkg-deb -x "$work/libsockettask-dev_${version}_${arch}.deb" "$work/root"
for so in "$work/root/usr/lib/$multiarch/libSocketTask.so.$version" \
    "$work/root/usr/lib/$multiarch/qt6/qml/SocketTask/libsockettaskqml.so"; do
    kind=$(file -L "$so")
    grep -q ', stripped' <<<"$kind" || { echo "$kind"; echo "FAIL: $so is not stripped"; exit 1; }
done

# Use the unpacked -dev package from outside, with pkg-config (its prefix moved to the root).
root="$work/root"
mkdir "$work/pc"
sed "s|^prefix=/usr\$|prefix=$root/usr|" "$root/usr/lib/$multiarch/pkgconfig/SocketTask.pc" >"$work/pc/SocketTask.pc"
export PKG_CONFIG_PATH="$work/pc"
pkg-config --exact-version="$version" SocketTask || { echo "FAIL: pkg-config SocketTask $version"; exit 1; }
# Qt 6 needs position-independent code in executables (Qt's CMake adds -fPIC; its .pc files do not).
# shellcheck disable=SC2046
g++ -std=c++17 -fPIC -o "$work/consumer-pkgconfig" -I "$src/tests/consumer" \
    "$src/tests/consumer/consumer-cpp.cpp" $(pkg-config --cflags --libs SocketTask)
libs=$(LD_LIBRARY_PATH="$root/usr/lib/$multiarch" ldd "$work/consumer-pkgconfig")
grep -q "libSocketTask.so.1 => $root/" <<<"$libs" ||
    { echo "$libs"; echo "FAIL: the pkg-config consumer did not use the packaged library"; exit 1; }
LD_LIBRARY_PATH="$root/usr/lib/$multiarch" "$work/consumer-pkgconfig"
# The packaged QML module: no RPATH (Debian's rule); it finds the library in the system
# directory, here through LD_LIBRARY_PATH.
dynamic=$(readelf -d "$root/usr/lib/$multiarch/qt6/qml/SocketTask/libsockettaskqml.so")
grep -qE 'R(UN)?PATH' <<<"$dynamic" &&
    { echo "FAIL: the packaged plugin has an RPATH"; exit 1; }
echo "PASS: three packages in Debian's shape, lintian clean; used from pkg-config"
