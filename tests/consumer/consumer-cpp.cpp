// SPDX-License-Identifier: MIT
#include <SocketTask>

#include "echoserver.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
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
