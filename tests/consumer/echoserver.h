// SPDX-License-Identifier: MIT
#pragma once
#include <QWebSocket>
#include <QWebSocketServer>

// A loopback echo server for the consumers to talk to.
inline QWebSocketServer *startEchoServer(QObject *parent)
{
    auto *server = new QWebSocketServer(QStringLiteral("echo"), QWebSocketServer::NonSecureMode, parent);
    if (!server->listen(QHostAddress::LocalHost, 0))
        qFatal("cannot listen");
    QObject::connect(server, &QWebSocketServer::newConnection, server, [server] {
        QWebSocket *peer = server->nextPendingConnection();
        QObject::connect(peer, &QWebSocket::textMessageReceived, peer,
                         [peer](const QString &m) { peer->sendTextMessage(m); });
        QObject::connect(peer, &QWebSocket::disconnected, peer, &QObject::deleteLater);
    });
    return server;
}
