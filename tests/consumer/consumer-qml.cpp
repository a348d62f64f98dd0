// SPDX-License-Identifier: MIT
// Runs consumer.qml (argument 1) with `url` set to a loopback echo server; QML_IMPORT_PATH
// (from the environment) must lead to the installed module.
#include "echoserver.h"

#include <QCoreApplication>
#include <QQmlComponent>
#include <QQmlEngine>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 2)
        qFatal("usage: consumer-qml FILE.qml");
    QWebSocketServer *server = startEchoServer(&app);
    QQmlEngine engine;
    QObject::connect(&engine, &QQmlEngine::exit, &app, &QCoreApplication::exit);
    QQmlComponent component(&engine, QUrl::fromLocalFile(QString::fromLocal8Bit(argv[1])));
    const QString url = QStringLiteral("ws://127.0.0.1:%1/").arg(server->serverPort());
    std::unique_ptr<QObject> root(component.createWithInitialProperties({ { "url", url } }));
    if (!root) {
        qWarning().noquote() << component.errorString();
        return 1;
    }
    return app.exec();
}
