// SPDX-License-Identifier: MIT
// sockettask-chat-server [--host ADDR] [--port N]: the demo's chat room on its own.
#include "chatserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    app.setApplicationName(QStringLiteral("sockettask-chat-server"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The SocketTask demo chat room."));
    parser.addHelpOption();
    parser.addOption(
        { QStringLiteral("host"), QStringLiteral("Address to listen on (default 127.0.0.1)."),
            QStringLiteral("ADDR"), QStringLiteral("127.0.0.1") });
    parser.addOption(
        { QStringLiteral("port"), QStringLiteral("Port to listen on (default 8765; 0 = any free)."),
            QStringLiteral("N"), QStringLiteral("8765") });
    parser.process(app);

    QTextStream err(stderr);
    const QHostAddress host(parser.value(QStringLiteral("host")));
    bool portOk = false;
    const uint port = parser.value(QStringLiteral("port")).toUInt(&portOk);
    if (host.isNull() || !portOk || port > 65535) {
        err << "sockettask-chat-server: --host must be an IP address and --port 0..65535\n";
        return 2;
    }
    ChatServer server;
    if (!server.listen(host, quint16(port))) {
        err << "sockettask-chat-server: cannot listen on " << host.toString() << ':' << port << ": "
            << server.errorString() << '\n';
        return 1;
    }
    QTextStream(stdout) << "chat server listening on " << server.url().toString() << Qt::endl;
    QObject::connect(&server, &ChatServer::clientJoined, &server, [](const QString &nick) {
        QTextStream(stdout) << "joined: " << nick << Qt::endl;
    });
    QObject::connect(&server, &ChatServer::clientLeft, &server, [](const QString &nick, int code) {
        QTextStream(stdout) << "left: " << nick << " (close " << code << ")" << Qt::endl;
    });
    return app.exec();
}
