// SPDX-License-Identifier: MIT
#pragma once

#include "qmlsockettask.h"

#include <QtQml/qqml.h>

// The task's type for Taro.qml and Wx.qml, which import SocketTask.Impl and not SocketTask: the
// engine loads every singleton of a module that a file imports, so two singletons of
// `import SocketTask` that imported it would each wait for the other. Not creatable here.
struct QmlSocketTaskForImpl
{
    Q_GADGET
    QML_FOREIGN(QmlSocketTask)
    QML_NAMED_ELEMENT(SocketTask)
    QML_UNCREATABLE("made by Taro.connectSocket and Wx.connectSocket")
};
