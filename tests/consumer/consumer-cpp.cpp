// SPDX-License-Identifier: MIT
#include <SocketTask/SocketTask> // the qualified form, from any prefix
#include <SocketTask> // and the short one

#include "echoserver.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    static_assert(SOCKETTASK_VERSION >= SOCKETTASK_VERSION_CHECK(1, 0, 0));
    static_assert(SOCKETTASK_VERSION_CHECK(1, 0, 0) > SOCKETTASK_VERSION_CHECK(0, 255, 255));
    if (SocketTask::libraryVersion() != QLatin1String(SOCKETTASK_VERSION_STRING)) {
        qWarning("consumer-cpp: compiled with SocketTask %s, runs with %s",
            SOCKETTASK_VERSION_STRING, qPrintable(SocketTask::libraryVersion()));
        return 1;
    }
    QWebSocketServer *server = startEchoServer(&app);
    SocketTask::ConnectOption option;
    option.setUrl(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(server->serverPort())));
    SocketTask *task = SocketTask::connectSocket(option, &app);
    if (!task)
        return 1;
    QString echoed;
    task->onOpen([task](const auto &) { task->send(QStringLiteral("installed")); });
    task->onMessage([&](const SocketTask::OnMessageCallbackResult &r) {
        echoed = r.data.toString();
        task->close();
    });
    task->onClose([&](const SocketTask::OnCloseCallbackResult &r) {
        qInfo("consumer-cpp: echoed \"%s\", closed %d", qPrintable(echoed), r.code);
        app.exit(echoed == QLatin1String("installed") && r.code == 1000 ? 0 : 1);
    });
    return app.exec();
}
