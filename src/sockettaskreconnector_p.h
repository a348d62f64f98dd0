// SPDX-License-Identifier: MIT
#pragma once

#include "sockettaskreconnector.h"

#include <QBasicTimer>
#include <QDeadlineTimer>
#include <QPointer>

#include <functional>

class SocketTaskReconnectorPrivate
{
public:
    explicit SocketTaskReconnectorPrivate(SocketTaskReconnector *q);
    static SocketTaskReconnectorPrivate *get(SocketTaskReconnector *reconnector);

    void connectNow();
    void closed(const SocketTask::OnCloseCallbackResult &result);
    void retry(const QString &errMsg); // the next attempt, after its wait, or giving up
    void giveUp(const QString &errMsg);
    void setActive(bool active);

    SocketTaskReconnector *const q;
    SocketTask::ConnectOption option;
    SocketTaskReconnector::Policy policy;
    // How a binding connects instead (the QML element, with its JavaScript options): the task,
    // or nullptr and the failure's errMsg. The binding owns its tasks.
    std::function<SocketTask *(QString *failure)> connector;
    QPointer<SocketTask> task;
    QString lastError; // the latest task's onError errMsg: what gaveUp() tells
    QBasicTimer wait;
    QDeadlineTimer deadline;
    int attempt = 0;
    bool active = false;
    bool connectWhenClosed = false; // start() while the task was CLOSING
};
