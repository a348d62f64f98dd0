// SPDX-License-Identifier: MIT
// Qt Quick Test runner for the QML examples the documentation shows (docs/snippets/*.qml):
// tst_docsnippets.qml loads each one against a real WebSocket peer (module SocketTaskTest).
#include <QtQuickTest>

QUICK_TEST_MAIN(docsnippets)
