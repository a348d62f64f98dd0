// SPDX-License-Identifier: MIT
// The threads example of the SocketTask class page; tests/docs builds and runs it.
#pragma once

//! [worker]
#include <SocketTask>

#include <QObject>
#include <QUrl>

// Lives in a thread of its own: the tasks it makes live there too, and their listeners run
// there, from that thread's event loop.
class Worker : public QObject
{
    Q_OBJECT
public:
    void connectTo(const QUrl &url) // call it in the worker's thread
    {
        SocketTask *task = SocketTask::connectSocket(SocketTask::ConnectOption(url), this);
        if (!task)
            return;
        task->onOpen([task](const SocketTask::OnOpenCallbackResult &) {
            task->send(QStringLiteral("hello from a worker"));
        });
        task->onMessage([this, task](const SocketTask::OnMessageCallbackResult &r) {
            Q_EMIT received(r.data.toString()); // queued to receivers in other threads
            task->close();
        });
    }

Q_SIGNALS:
    void received(const QString &text);
};
//! [worker]
