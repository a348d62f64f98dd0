#!/usr/bin/env bash
# The project's one entry point on a Debian 12 machine (README's Quick start):
#   ./build.sh demo   install what is missing, build, run the demo chat (QML client with its
#                     chat server embedded; extra arguments go to it, e.g. --nick NAME)
#   ./build.sh test   install what is missing, build, run the whole test suite (ctest)
#   ./build.sh test-fast
#                     the same, but not the tests that build SocketTask again as a user would
#                     (label install: consumers, the Debian package) or count instructions
#                     (label bench): the loop while working; CI runs `test`
#   ./build.sh test-sanitizers
#                     the whole suite again, built by clang with -fsanitize=address,undefined
#   ./build.sh memcheck
#                     the C++ test programs under valgrind memcheck (0 errors expected)
#   ./build.sh bench [ARGS]
#                     install, build, run sockettask-bench with ARGS (e.g. --quick,
#                     --instructions; docs/performance.md)
#   ./build.sh test-on SUITE [COMMAND]
#                     the same `./build.sh COMMAND` (default: test) inside a chroot of another
#                     Debian release (trixie: Qt 6.8, sid: the newest Qt), made with mmdebstrap
#                     and kept in $SOCKETTASK_CHROOTS (default /var/tmp/sockettask-chroots)
#   ./build.sh deps   only install what is missing
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}

# Qt and the tools the tests and docs use; the same names on Debian 12 (Qt 6.4), 13 (Qt 6.8)
# and sid (the newest Qt).
PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-websockets-dev qt6-declarative-dev qt6-declarative-dev-tools
    qt6-tools-dev-tools
    qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
    qml6-module-qtquick qml6-module-qtquick-window qml6-module-qtquick-layouts
    qml6-module-qtquick-controls qml6-module-qtquick-templates
    qml6-module-qttest qml6-module-qtwebsockets
    python3 python3-websockets python3-markdown openssl fonts-dejavu-core valgrind
    build-essential debhelper dpkg-dev lintian file esbuild ccache
)

install_deps() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    echo "Installing: ${missing[*]}"
    "${sudo[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

# Debian's clang and its sanitizer runtime (libclang-rt-N-dev, N its major version: a
# Recommends of clang, which install_deps's --no-install-recommends leaves out).
install_clang() {
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    if ! dpkg -s clang >/dev/null 2>&1; then
        "${sudo[@]}" apt-get update
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends clang
    fi
    local rt
    rt=libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev
    dpkg -s "$rt" >/dev/null 2>&1 ||
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "$rt"
}

# Runs `./build.sh "$@"` in a chroot of Debian release $suite, with this source tree mounted at
# /src and the build in the chroot's /root/build. The chroot is made once (about a minute) and
# kept, with what build.sh installed in it: delete its folder to start again from a fresh one,
# but only with nothing mounted in it (`mount | grep FOLDER`): a run that was killed leaves the
# machine's /dev bound inside, and `rm -rf` would empty the machine's /dev through it (this
# happened once). Each run first unmounts what a killed run left.
test_on() {
    local suite=${1:?usage: $0 test-on trixie|sid|bookworm [COMMAND]}
    shift
    [ $# -eq 0 ] && set -- test
    local chroots=${SOCKETTASK_CHROOTS:-/var/tmp/sockettask-chroots}
    local root=$chroots/$suite
    [ "$(id -u)" -eq 0 ] || { echo "test-on needs root (chroot, mount)" >&2; exit 2; }
    if [ ! -d "$root" ]; then
        dpkg -s mmdebstrap >/dev/null 2>&1 || {
            apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y mmdebstrap; }
        mkdir -p "$chroots"
        rm -rf "$root.new"
        # A mirror's sid may be past its Release file's Valid-Until; that is no reason to stop.
        mmdebstrap --variant=apt --aptopt='Acquire::Check-Valid-Until "false"' \
            "$suite" "$root.new" "${SOCKETTASK_MIRROR:-http://deb.debian.org/debian}"
        mv "$root.new" "$root"
    fi
    local left
    for left in $(awk -v r="$root/" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r); do
        umount -l "$left"
    done
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    mkdir -p "$root/src"
    # Unmounted in reverse order however the run ends.
    trap "umount -l '$root/src' '$root/dev/shm' '$root/dev/pts' '$root/dev' '$root/proc'" EXIT
    mount -t proc proc "$root/proc"
    mount --bind /dev "$root/dev"
    mount -t devpts devpts "$root/dev/pts"
    mount -t tmpfs tmpfs "$root/dev/shm"
    mount --bind "$PWD" "$root/src"
    echo "== $suite: ./build.sh $*"
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
        TERM="${TERM:-dumb}" CI="${CI:-}" BUILD_DIR="/root/$(basename "$BUILD_DIR")" \
        bash -c 'cd /src && ./build.sh "$@"' build.sh "$@"
}

# ccache: a fresh build folder, a rebuild after a change, and the tests that build the library
# again (the consumers' add_subdirectory and FetchContent, dpkg-buildpackage) compile only what
# changed since any earlier run. Set in the environment, so that those builds inherit it (CMake
# reads CMAKE_CXX_COMPILER_LAUNCHER from there). Paths are hashed relative to each build's own
# folder (base_dir /, no hash of the folder): a clone elsewhere or a test's scratch folder hits.
use_ccache() {
    command -v ccache >/dev/null || return 0
    export CMAKE_CXX_COMPILER_LAUNCHER=ccache CMAKE_C_COMPILER_LAUNCHER=ccache
    export CCACHE_BASEDIR=/ CCACHE_NOHASHDIR=true
    # Named: debhelper (compat 13) gives the package build a HOME of its own.
    export CCACHE_DIR=${CCACHE_DIR:-$(ccache -k cache_dir)}
    export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
}

build() {
    use_ccache
    # CI (CI=true) turns warnings into errors: a new Qt's deprecation must not go unseen.
    local werror=OFF
    [ -n "${CI:-}" ] && werror=ON
    local log
    log=$(mktemp)
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" \
        -DCMAKE_CXX_COMPILER_LAUNCHER="${CMAKE_CXX_COMPILER_LAUNCHER:-}" \
        -DSOCKETTASK_WERROR="$werror" "$@" 2>&1 | tee "$log"
    if [ "$werror" = ON ] && grep -q '^CMake \(Deprecation \)\?Warning' "$log"; then
        rm -f "$log"
        echo "build.sh: CMake warned while configuring (CI treats warnings as errors)" >&2
        exit 1
    fi
    rm -f "$log"
    cmake --build "$BUILD_DIR" --parallel "$(nproc)"
}

case "${1:-}" in
deps)
    install_deps
    ;;
test-on)
    shift
    test_on "$@"
    ;;
bench)
    install_deps
    build
    shift
    exec "$BUILD_DIR/bench/sockettask-bench" "$@"
    ;;
demo)
    install_deps
    build
    shift
    exec "$BUILD_DIR/demo/qml/sockettask-chat" "$@"
    ;;
test | test-fast)
    install_deps
    build
    export QT_QPA_PLATFORM=offscreen
    skip=()
    [ "$1" = test-fast ] && skip=(--label-exclude 'install|bench')
    # One test more than cores: several mostly wait (tst_hostile on Qt's 5 s frame timeout,
    # tst_faults on a blocked event loop) while the package build and callgrind keep both busy.
    # After a one-line change in src/: 89 s with --parallel 2, 73 s with 3.
    ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$(($(nproc) + 1))" "${skip[@]}"
    ;;
test-sanitizers)
    install_deps
    # With clang: the sanitizers' reference compiler, and CI's check that clang builds the
    # whole tree with no warning (CI=true: as errors). GCC builds everything else.
    install_clang
    export CC=clang CXX=clang++
    BUILD_DIR=${BUILD_DIR}-sanitizers
    build -DSOCKETTASK_SANITIZE=ON
    export QT_QPA_PLATFORM=offscreen
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1
    export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
    export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$(nproc)"
    ;;
memcheck)
    install_deps
    build
    export QT_QPA_PLATFORM=offscreen
    vg=(valgrind --tool=memcheck --error-exitcode=1 --errors-for-leak-kinds=definite
        --leak-check=full --show-leak-kinds=definite --suppressions=tests/valgrind.supp --quiet)
    # The C++ suites; the load and soak cases are left to the sanitizer run (too slow here).
    for section in connect task send close events limits qtfacts reconnect reentrancy; do
        "${vg[@]}" "$BUILD_DIR/tests/auto/sockettask/tst_$section"
    done
    "${vg[@]}" "$BUILD_DIR/tests/auto/chatserver/tst_chatserver"
    "${vg[@]}" "$BUILD_DIR/tests/auto/qml/tst_staticengine" "$BUILD_DIR/qml"
    "${vg[@]}" "$BUILD_DIR/tests/reliability/tst_interop"
    "${vg[@]}" "$BUILD_DIR/tests/reliability/tst_hostile" scenario serverNotReading bufferedAmount \
        auth_urlCredentials auth_refused auth_askedFor
    "${vg[@]}" "$BUILD_DIR/tests/reliability/tst_faults" dropMidStream \
        serverCloseInTheMiddleOfABurst eventLoopBlocked2s tls
    echo "memcheck: 0 errors"
    ;;
*)
    echo "usage: $0 demo|test|test-sanitizers|memcheck|bench [ARGS]|test-on SUITE [COMMAND]|deps" >&2
    exit 2
    ;;
esac
