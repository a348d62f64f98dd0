#!/usr/bin/env bash
# The project's one entry point on a Debian 12 machine (README's Quick start):
#   ./build.sh demo   install what is missing, build, run the demo chat (QML client with its
#                     chat server embedded; extra arguments go to it, e.g. --nick NAME)
#   ./build.sh test   install what is missing, build, run the whole test suite (ctest)
#   ./build.sh test-sanitizers
#                     the whole suite again, built with -fsanitize=address,undefined
#   ./build.sh memcheck
#                     the C++ test programs under valgrind memcheck (0 errors expected)
#   ./build.sh deps   only install what is missing
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}

# Debian 12 packages: Qt 6.4.2 and the tools the tests and docs use.
PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-websockets-dev qt6-declarative-dev qt6-declarative-dev-tools
    qt6-tools-dev-tools
    qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
    qml6-module-qtquick qml6-module-qtquick-window qml6-module-qtquick-layouts
    qml6-module-qtquick-controls qml6-module-qtquick-templates
    qml6-module-qttest qml6-module-qtwebsockets
    python3 python3-websockets openssl fonts-dejavu-core valgrind
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

build() {
    cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "$@"
    cmake --build "$BUILD_DIR" --parallel "$(nproc)"
}

case "${1:-}" in
deps)
    install_deps
    ;;
demo)
    install_deps
    build
    shift
    exec "$BUILD_DIR/demo/qml/sockettask-chat" "$@"
    ;;
test)
    install_deps
    build
    export QT_QPA_PLATFORM=offscreen
    ctest --test-dir "$BUILD_DIR" --output-on-failure --parallel "$(nproc)"
    ;;
test-sanitizers)
    install_deps
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
    "${vg[@]}" "$BUILD_DIR/tests/auto/sockettask/tst_sockettask"
    "${vg[@]}" "$BUILD_DIR/tests/auto/chatserver/tst_chatserver"
    "${vg[@]}" "$BUILD_DIR/tests/reliability/tst_interop"
    "${vg[@]}" "$BUILD_DIR/tests/reliability/tst_faults" dropMidStream \
        serverCloseInTheMiddleOfABurst eventLoopBlocked2s tls
    echo "memcheck: 0 errors"
    ;;
*)
    echo "usage: $0 demo|test|test-sanitizers|memcheck|deps" >&2
    exit 2
    ;;
esac
