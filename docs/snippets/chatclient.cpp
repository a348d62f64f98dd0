// SPDX-License-Identifier: MIT
// The C++ example of docs/getting-started-cpp.qdoc; tests/docs builds and runs it.
#include "chatclient.h"

#include <SocketTask>

#include <QDebug>

ChatClient::ChatClient(const QUrl &url, QObject *parent) : QObject(parent), m_url(url) { }

//! [listeners]
void ChatClient::start()
{
    SocketTask::ConnectOption option(m_url);
    option.setHeader(QStringLiteral("Authorization"), QStringLiteral("Bearer 123"));
    option.setProtocols({ QStringLiteral("chat") });
    option.setFail([](const SocketTask::CallbackResult &r) { qWarning() << r.errMsg; });

    SocketTask *task = SocketTask::connectSocket(option, this); // nullptr if option is invalid
    if (!task) {
        Q_EMIT finished(0);
        return;
    }
    task->onOpen([task](const SocketTask::OnOpenCallbackResult &) {
        task->send(QStringLiteral("hello")); // text; a QByteArray is sent as binary
    });
    task->onMessage([task](const SocketTask::OnMessageCallbackResult &r) {
        qInfo() << "received" << r.data.toString();
        task->close(SocketTask::CloseOption(1000, QStringLiteral("bye")));
    });
    task->onError([](const SocketTask::OnErrorCallbackResult &r) { qWarning() << r.errMsg; });
    // `this` as the context: the listener is not called once this ChatClient is gone.
    task->onClose(this, [this, task](const SocketTask::OnCloseCallbackResult &r) {
        qInfo() << "closed" << r.code << r.reason; // 1006 if it failed or dropped
        task->deleteLater();
        Q_EMIT finished(r.code);
    });
}
//! [listeners]

//! [signals]
void ChatClient::startWithSignals()
{
    SocketTask *task = SocketTask::connectSocket(SocketTask::ConnectOption(m_url), this);
    if (!task) {
        Q_EMIT finished(0);
        return;
    }
    connect(task, &SocketTask::opened, task, [task] { task->send(QStringLiteral("hello")); });
    connect(task, &SocketTask::messageReceived, task,
        [task](const SocketTask::OnMessageCallbackResult &r) {
            qInfo() << "received" << r.data.toString();
            task->close(SocketTask::CloseOption(1000, QStringLiteral("bye")));
        });
    connect(task, &SocketTask::errorOccurred, this,
        [](const SocketTask::OnErrorCallbackResult &r) { qWarning() << r.errMsg; });
    connect(
        task, &SocketTask::closed, this, [this, task](const SocketTask::OnCloseCallbackResult &r) {
            task->deleteLater();
            Q_EMIT finished(r.code);
        });
}
//! [signals]

//! [off]
// A panel shows the messages while it is open: its listener has the panel as context, so
// closing the panel removes that panel's listeners only; the connection and the others stay.
void ChatClient::showIn(SocketTask *task, QObject *panel, std::function<void(const QString &)> show)
{
    task->onMessage(
        panel, [show](const SocketTask::OnMessageCallbackResult &r) { show(r.data.toString()); });
}

void ChatClient::hideFrom(SocketTask *task, QObject *panel)
{
    task->offMessage(panel); // as QObject::disconnect(task, nullptr, panel, nullptr)
}
//! [off]
