// SPDX-License-Identifier: MIT
#include "testserver.h"

#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

TestServer::TestServer(Mode mode, QObject *parent) : QObject(parent), m_mode(mode)
{
    if (mode == BasicAuth) // a request that passes goes on to the WebSocket server, as Echo
        connect(&m_ws, &QWebSocketServer::newConnection, this, &TestServer::onWebSocket);
    if (mode == Echo || mode == TwoThenClose || mode == Stream) {
        m_ws.setSupportedSubprotocols({ QStringLiteral("chat"), QStringLiteral("superchat") });
        connect(&m_ws, &QWebSocketServer::newConnection, this, &TestServer::onWebSocket);
        if (!m_ws.listen(QHostAddress::LocalHost, 0))
            qFatal("TestServer: cannot listen: %s", qPrintable(m_ws.errorString()));
    } else {
        connect(&m_tcp, &QTcpServer::newConnection, this, &TestServer::onTcp);
        if (!m_tcp.listen(QHostAddress::LocalHost, 0))
            qFatal("TestServer: cannot listen: %s", qPrintable(m_tcp.errorString()));
    }
    m_port = m_ws.isListening() ? m_ws.serverPort() : m_tcp.serverPort();
}

void TestServer::crash()
{
    for (const auto &client : std::as_const(clients)) {
        if (client)
            client->abort();
    }
    m_ws.close();
}

bool TestServer::restart()
{
    return m_ws.listen(QHostAddress::LocalHost, m_port);
}

TestServer::~TestServer()
{
    for (const auto &client : std::as_const(clients)) {
        if (client) {
            client->disconnect(this);
            client->abort();
        }
    }
}

quint16 TestServer::port() const
{
    return m_port;
}

QUrl TestServer::url() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/path?q=1").arg(port()));
}

QString TestServer::header(int connection, const QString &name) const
{
    if (connection < handshakes.size())
        return QString::fromUtf8(handshakes.at(connection).rawHeader(name.toLatin1()));
    // A refused or hung handshake: look in the raw request.
    for (const QByteArray &line : rawRequests.value(connection).split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0
            && line.left(colon).trimmed().compare(name.toLatin1(), Qt::CaseInsensitive) == 0)
            return QString::fromUtf8(line.mid(colon + 1).trimmed());
    }
    return {};
}

void TestServer::onWebSocket()
{
    while (QWebSocket *socket = m_ws.nextPendingConnection()) {
        socket->setParent(this);
        ++connections;
        handshakes.append(socket->request());
        clients.append(socket);
        connect(socket, &QWebSocket::textMessageReceived, this, [this, socket](const QString &m) {
            received.append(m);
            const QStringList words = m.split(QLatin1Char(' '));
            if (m == QLatin1String("drop")) {
                socket->abort();
            } else if (words.size() >= 2 && words.first() == QLatin1String("close")) {
                socket->close(QWebSocketProtocol::CloseCode(words.at(1).toInt()),
                    words.mid(2).join(QLatin1Char(' ')));
            } else if (words.size() == 2 && words.first() == QLatin1String("burst")) {
                const int n = words.at(1).toInt();
                for (int i = 0; i < n; ++i)
                    socket->sendTextMessage(QString::number(i));
            } else if (words.size() == 2 && words.first() == QLatin1String("burstdrop")) {
                const int n = words.at(1).toInt();
                for (int i = 0; i < n; ++i)
                    socket->sendTextMessage(QString::number(i));
                socket->flush(); // into the kernel, then drop TCP without a close frame
                socket->abort();
            } else if (words.size() == 2 && words.first() == QLatin1String("big")) {
                socket->sendBinaryMessage(QByteArray(words.at(1).toLongLong(), 'x'));
            } else {
                socket->sendTextMessage(m);
            }
            Q_EMIT messageReceived();
        });
        connect(
            socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray &m) {
                received.append(m);
                socket->sendBinaryMessage(m);
                Q_EMIT messageReceived();
            });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] {
            closes.append({ socket->closeCode(), socket->closeReason() });
            Q_EMIT clientDisconnected();
        });
        if (m_mode == TwoThenClose) {
            socket->sendTextMessage(QStringLiteral("one"));
            socket->sendTextMessage(QStringLiteral("two"));
            socket->close(QWebSocketProtocol::CloseCode(4000), QStringLiteral("bye"));
        }
        if (m_mode == Stream) {
            auto *timer = new QTimer(socket);
            connect(timer, &QTimer::timeout, socket, [socket, timer, sent = 0]() mutable {
                if (sent < 50) {
                    socket->sendTextMessage(QString::number(sent++));
                } else {
                    timer->stop();
                    socket->close(QWebSocketProtocol::CloseCode(4000), QStringLiteral("done"));
                }
            });
            timer->start(10);
        }
        Q_EMIT clientConnected();
    }
}

void TestServer::onTcp()
{
    while (QTcpSocket *socket = m_tcp.nextPendingConnection()) {
        socket->setParent(this);
        if (m_mode == BasicAuth) { // counted in onWebSocket, once in
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { authenticate(socket); });
            continue;
        }
        ++connections;
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
            buffer->append(socket->readAll());
            if (!buffer->contains("\r\n\r\n"))
                return;
            rawRequests.append(*buffer);
            if (m_mode == Refuse403)
                socket->write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
            else if (m_mode == Refuse404)
                socket->write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            // Hang: say nothing, keep the connection.
        });
        Q_EMIT clientConnected();
    }
}

// BasicAuth: the request is only peeked at, so that QWebSocketServer reads it whole if it passes.
void TestServer::authenticate(QTcpSocket *socket)
{
    const QByteArray request = socket->peek(socket->bytesAvailable());
    const qsizetype end = request.indexOf("\r\n\r\n");
    if (end < 0)
        return;
    rawRequests.append(request.left(end + 4));
    const QByteArray expected = "Basic " + QByteArrayLiteral("alice:s3cret").toBase64();
    bool authorized = false;
    for (const QByteArray &line : request.left(end).split('\n')) {
        const qsizetype colon = line.indexOf(':');
        authorized |= colon > 0
            && line.left(colon).trimmed().compare("authorization", Qt::CaseInsensitive) == 0
            && line.mid(colon + 1).trimmed() == expected;
    }
    socket->disconnect(this);
    if (authorized) {
        m_ws.handleConnection(socket);
        return;
    }
    socket->write("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"chat\"\r\n"
                  "Connection: close\r\nContent-Length: 0\r\n\r\n");
    socket->disconnectFromHost();
}
