// SPDX-License-Identifier: MIT
// The smallest complete use of SocketTask from C++: an echo server in the same process, a task
// that connects to it, exchanges two messages and closes, printing every event.

#include <SocketTask>

#include <QCoreApplication>
#include <QTextStream>
#include <QWebSocket>
#include <QWebSocketServer>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);

    //! [server]
    QWebSocketServer server(QStringLiteral("echo"), QWebSocketServer::NonSecureMode);
    if (!server.listen(QHostAddress::LocalHost, 0)) {
        out << "cannot listen: " << server.errorString() << Qt::endl;
        return 1;
    }
    QObject::connect(&server, &QWebSocketServer::newConnection, &server, [&server] {
        QWebSocket *peer = server.nextPendingConnection();
        QObject::connect(peer, &QWebSocket::textMessageReceived, peer,
            [peer](const QString &m) { peer->sendTextMessage(m); });
        QObject::connect(peer, &QWebSocket::binaryMessageReceived, peer,
            [peer](const QByteArray &m) { peer->sendBinaryMessage(m); });
        QObject::connect(peer, &QWebSocket::disconnected, peer, &QObject::deleteLater);
    });
    //! [server]

    //! [connect]
    SocketTask::ConnectOption option;
    option.setUrl(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort())));
    option.setHeader(QStringLiteral("X-Client"), QStringLiteral("sockettask-console"));
    option.setSuccess([&out](const SocketTask::CallbackResult &r) {
        out << "connectSocket: " << r.errMsg << " (socketTaskId " << r.socketTaskId << ")"
            << Qt::endl;
    });
    SocketTask *task = SocketTask::connectSocket(option, &app);
    if (!task)
        return 1;
    //! [connect]

    //! [listeners]
    int received = 0;
    task->onOpen([&out, task](const SocketTask::OnOpenCallbackResult &) {
        out << "onOpen: readyState " << task->readyState() << Qt::endl;
        task->send(QStringLiteral("hello, SocketTask"));
        task->send(QByteArray("\x01\x02\x03", 3));
    });
    task->onMessage([&](const SocketTask::OnMessageCallbackResult &r) {
        if (r.data.metaType().id() == QMetaType::QString)
            out << "onMessage: text \"" << r.data.toString() << "\"" << Qt::endl;
        else
            out << "onMessage: binary " << r.data.toByteArray().toHex(' ') << Qt::endl;
        if (++received == 2)
            task->close(SocketTask::CloseOption(1000, QStringLiteral("done")));
    });
    task->onError([&out](const SocketTask::OnErrorCallbackResult &r) {
        out << "onError: " << r.errMsg << Qt::endl;
    });
    task->onClose([&](const SocketTask::OnCloseCallbackResult &r) {
        out << "onClose: code " << r.code << ", reason \"" << r.reason << "\"" << Qt::endl;
        app.exit(received == 2 && r.code == 1000 ? 0 : 1);
    });
    //! [listeners]
    return app.exec();
}
