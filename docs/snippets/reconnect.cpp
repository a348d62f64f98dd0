// SPDX-License-Identifier: MIT
// The reconnect example of docs/getting-started-cpp.qdoc; tests/docs runs it against a server
// that crashes and comes back on the same port.
#include <SocketTask>

#include <functional>

//! [reconnect]
// Keeps a chat connection up: each new connection says "join" once open; `status` gets a line
// a UI can show ("connected", "reconnecting in 2 s (attempt 3)", "offline: ...").
SocketTaskReconnector *keepChatting(
    const QUrl &url, std::function<void(const QString &)> status, QObject *parent)
{
    SocketTask::ConnectOption option(url);
    option.setHeartbeat(10000, 5000); // a server gone silent is a drop too (onClose 1006)
    SocketTaskReconnector::Policy policy; // waits 0.5-1 s, 1-2 s, 2-4 s ... at most 30 s
    policy.setMaxAttempts(10); // then gaveUp()
    auto *link = new SocketTaskReconnector(option, policy, parent);
    QObject::connect(link, &SocketTaskReconnector::taskCreated, link, [status](SocketTask *task) {
        task->onOpen([task, status](const SocketTask::OnOpenCallbackResult &) {
            status(QStringLiteral("connected"));
            task->send("join");
        });
        task->onMessage([](const SocketTask::OnMessageCallbackResult &r) {
            qInfo() << "received" << r.data.toString();
        });
    });
    QObject::connect(
        link, &SocketTaskReconnector::reconnecting, link, [status](int delay, int attempt) {
            status(QStringLiteral("reconnecting in %1 s (attempt %2)")
                       .arg((delay + 999) / 1000)
                       .arg(attempt));
        });
    QObject::connect(link, &SocketTaskReconnector::gaveUp, link,
        [status](const QString &errMsg) { status(QStringLiteral("offline: ") + errMsg); });
    link->start(); // link->stop() closes with 1000 and ends it
    return link;
}
//! [reconnect]
