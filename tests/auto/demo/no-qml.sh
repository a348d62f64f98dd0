#!/usr/bin/env bash
# The Widgets client uses the C++ API only: no QML library is loaded with it.
set -euo pipefail
libs=$(ldd "$1")
echo "$libs"
if echo "$libs" | grep -Ei 'libQt6(Qml|Quick)'; then echo "FAIL: QML linked"; exit 1; fi
echo "$libs" | grep -q libSocketTask || { echo "FAIL: SocketTask not linked"; exit 1; }
echo "PASS: no QML linked"
