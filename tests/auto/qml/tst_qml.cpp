// SPDX-License-Identifier: MIT
// Qt Quick Test runner for the QML side (tst_*.qml here), with -import for the SocketTask
// module and the test module SocketTaskTest (testhelper.h).
#include <QtQuickTest>

QUICK_TEST_MAIN(qml)
