// SPDX-License-Identifier: MIT
// The keepalive, proxy and backpressure example of docs/getting-started-cpp.qdoc; tests/docs
// runs it against a loopback server.
#include <SocketTask>

#include <QNetworkProxy>

//! [upload]
// Sends `chunks` binary messages of 1 MiB, each one only when what waits to be written has
// fallen under 64 KiB, over a connection that pings every 10 s (and fails when the server is
// silent for 5 s after a ping). `proxy`, if given, is used before the socket opens.
SocketTask *upload(
    const QUrl &url, int chunks, const std::optional<QNetworkProxy> &proxy, QObject *parent)
{
    SocketTask::ConnectOption option(url);
    option.setHeartbeat(10000, 5000);
    if (proxy)
        option.setProxy(*proxy); // e.g. QNetworkProxy(QNetworkProxy::Socks5Proxy, host, 1080)
    SocketTask *task = SocketTask::connectSocket(option, parent);
    if (!task)
        return nullptr;
    task->setBufferedAmountLowThreshold(64 * 1024);
    auto sent = std::make_shared<int>(0);
    auto sendChunk = [task, sent] {
        task->send(QByteArray(1024 * 1024, '\0'));
        ++*sent;
    };
    task->onOpen([sendChunk](const SocketTask::OnOpenCallbackResult &) { sendChunk(); });
    QObject::connect(task, &SocketTask::bufferedAmountLow, task, [task, sent, chunks, sendChunk] {
        if (*sent < chunks)
            sendChunk();
        else
            task->close();
    });
    task->onError([](const SocketTask::OnErrorCallbackResult &r) {
        qWarning() << r.errMsg; // "socketTask:fail heartbeat timeout", a proxy's refusal...
    });
    return task;
}
//! [upload]
