#!/usr/bin/env bash
# The project's one entry point on a Debian 12 machine (README's Quick start):
#   ./build.sh demo   install what is missing, build, run the demo chat (QML client with its
#                     chat server embedded; extra arguments go to it, e.g. --nick NAME)
#   ./build.sh test   install what is missing, build, run the whole test suite (ctest)
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
    python3 python3-websockets openssl fonts-dejavu-core
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
*)
    echo "usage: $0 demo|test|deps" >&2
    exit 2
    ;;
esac
