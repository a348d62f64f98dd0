// SPDX-License-Identifier: MIT
#include "chatserver.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QWebSocket>

ChatServer::ChatServer(QObject *parent)
    : QObject(parent), m_server(QStringLiteral("sockettask-chat"), QWebSocketServer::NonSecureMode)
{
    connect(&m_server, &QWebSocketServer::newConnection, this, &ChatServer::onNewConnection);
}

ChatServer::~ChatServer()
{
    for (QWebSocket *socket : m_clients.keys()) {
        socket->disconnect(this);
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("server stopped"));
    }
}

bool ChatServer::listen(const QHostAddress &address, quint16 port)
{
    return m_server.listen(address, port);
}

QUrl ChatServer::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("ws"));
    const QHostAddress address = m_server.serverAddress();
    url.setHost(address == QHostAddress::Any || address == QHostAddress::AnyIPv4
            ? QStringLiteral("127.0.0.1")
            : address.toString());
    url.setPort(m_server.serverPort());
    return url;
}

QStringList ChatServer::users() const
{
    QStringList nicks;
    for (const Client &client : m_clients) {
        if (!client.nick.isEmpty())
            nicks << client.nick;
    }
    nicks.sort(Qt::CaseInsensitive);
    return nicks;
}

void ChatServer::onNewConnection()
{
    while (QWebSocket *socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        if (m_clients.size() >= m_maxClients) {
            error(socket, QStringLiteral("the room is full (%1 people)").arg(m_maxClients));
            // 4001: Qt 6.4 reads the registered 1013 (try again later) as a protocol error, 1002.
            socket->close(QWebSocketProtocol::CloseCode(4001), QStringLiteral("room full"));
            socket->deleteLater();
            continue;
        }
        // An oversized message closes that client with 1009 instead of filling our memory.
        socket->setMaxAllowedIncomingMessageSize(maxMessageBytes);
        socket->setMaxAllowedIncomingFrameSize(maxMessageBytes);
        m_clients.insert(socket, {});
        connect(socket, &QWebSocket::textMessageReceived, this,
            [this, socket](const QString &text) { onText(socket, text); });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket] {
            error(socket, QStringLiteral("binary messages are not part of the protocol"));
        });
        connect(socket, &QWebSocket::aboutToClose, this, [this, socket] {
            if (m_clients.contains(socket))
                m_clients[socket].closeFrame = true;
        });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            leave(socket);
            socket->deleteLater();
        });
        Q_EMIT clientCountChanged();
    }
}

void ChatServer::onText(QWebSocket *socket, const QString &text)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        error(socket, QStringLiteral("malformed message: expected a JSON object"));
        return;
    }
    const QJsonObject message = document.object();
    const QString type = message.value(QLatin1String("type")).toString();
    const bool joined = !m_clients.value(socket).nick.isEmpty();
    if (type == QLatin1String("join")) {
        if (joined)
            error(socket, QStringLiteral("already joined"));
        else
            join(socket, message.value(QLatin1String("nick")).toString());
    } else if (type == QLatin1String("chat")) {
        const QJsonValue textValue = message.value(QLatin1String("text"));
        const QString chat = textValue.toString();
        if (!joined)
            error(socket, QStringLiteral("join first"));
        else if (!textValue.isString() || chat.trimmed().isEmpty())
            error(socket, QStringLiteral("a chat message needs a non-empty text"));
        else if (chat.toUtf8().size() > maxTextBytes)
            error(socket, QStringLiteral("text too long: at most %1 bytes").arg(maxTextBytes));
        else {
            QJsonObject message { { "type", "chat" }, { "nick", m_clients.value(socket).nick },
                { "text", chat }, { "time", QDateTime::currentMSecsSinceEpoch() } };
            m_history.append(message);
            if (m_history.size() > historySize)
                m_history.removeFirst();
            broadcast(message);
        }
    } else if (type == QLatin1String("ping")) {
        sendTo(socket, { { "type", "pong" } }); // an application's own keepalive
    } else if (type == QLatin1String("leave")) {
        socket->close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("bye"));
    } else {
        error(socket, QStringLiteral("unknown message type \"%1\"").arg(type.left(32)));
    }
}

void ChatServer::join(QWebSocket *socket, const QString &requested)
{
    const QString wanted = requested.simplified();
    if (wanted.isEmpty() || wanted.size() > maxNickLength) {
        error(socket, QStringLiteral("a nickname has 1 to %1 characters").arg(maxNickLength));
        return;
    }
    const QString nick = uniqueNick(wanted);
    m_clients[socket].nick = nick;
    sendTo(socket,
        { { "type", "welcome" }, { "nick", nick }, { "users", QJsonArray::fromStringList(users()) },
            { "history", m_history } });
    Q_EMIT clientJoined(nick);
    broadcast({ { "type", "notice" }, { "text", QStringLiteral("%1 joined").arg(nick) } });
    broadcast({ { "type", "users" }, { "users", QJsonArray::fromStringList(users()) } });
}

void ChatServer::leave(QWebSocket *socket)
{
    const Client client = m_clients.take(socket);
    Q_EMIT clientCountChanged();
    if (client.nick.isEmpty())
        return;
    const QString &nick = client.nick;
    // Qt 6.4 says 1000 after a drop without a close frame too: only aboutToClose tells.
    Q_EMIT clientLeft(nick, client.closeFrame ? int(socket->closeCode()) : 1006);
    broadcast({ { "type", "notice" }, { "text", QStringLiteral("%1 left").arg(nick) } });
    broadcast({ { "type", "users" }, { "users", QJsonArray::fromStringList(users()) } });
}

QString ChatServer::uniqueNick(const QString &wanted) const
{
    const QStringList taken = users();
    auto isTaken
        = [&taken](const QString &nick) { return taken.contains(nick, Qt::CaseInsensitive); };
    if (!isTaken(wanted))
        return wanted;
    for (int n = 2;; ++n) {
        const QString suffix = QStringLiteral("-%1").arg(n);
        const QString candidate = wanted.left(maxNickLength - suffix.size()) + suffix;
        if (!isTaken(candidate))
            return candidate;
    }
}

void ChatServer::sendTo(QWebSocket *socket, QJsonObject message)
{
    message.insert(QLatin1String("time"), QDateTime::currentMSecsSinceEpoch());
    socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void ChatServer::broadcast(QJsonObject message)
{
    if (!message.contains(QLatin1String("time")))
        message.insert(QLatin1String("time"), QDateTime::currentMSecsSinceEpoch());
    const QString text = QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact));
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        if (!it.value().nick.isEmpty())
            it.key()->sendTextMessage(text);
    }
}

void ChatServer::error(QWebSocket *socket, const QString &text)
{
    sendTo(socket, { { "type", "error" }, { "text", text } });
}
