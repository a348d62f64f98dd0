// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QNetworkRequest>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QUrl>
#include <QWebSocketServer>

class QTcpSocket;
class QWebSocket;

// A real WebSocket peer on an ephemeral loopback port, playing one scenario of the tests.
class TestServer : public QObject
{
    Q_OBJECT
public:
    enum Mode {
        // Echoes every message, and obeys commands sent as text:
        //   "drop"               drop TCP without a close frame
        //   "close CODE REASON"  close with that code and reason
        //   "burst N"            send N text messages "0".."N-1"
        //   "burstdrop N"        send N text messages, then drop TCP without a close frame
        //   "big N"              send one binary message of N bytes
        Echo,
        TwoThenClose, // on open: send "one", "two", then close 4000 "bye"
        Stream, // on open: send "0".."49", one every 10 ms, then close 4000 "done"
        Refuse403, // answer the handshake with HTTP 403
        Refuse404, // answer the handshake with HTTP 404
        Hang, // accept TCP, never answer
        // HTTP Basic authentication (user alice, password s3cret): without them, 401 with
        // realm "chat" and "Connection: close"; with them, Echo.
        BasicAuth,
    };
    Q_ENUM(Mode)

    explicit TestServer(Mode mode, QObject *parent = nullptr);
    ~TestServer() override;

    QUrl url() const;
    Q_INVOKABLE quint16 port() const; // the same after restart()

    // A crash: every connection dropped without a close frame (onClose 1006), and nobody
    // listening; restart() listens on the same port again (WebSocket modes).
    Q_INVOKABLE void crash();
    Q_INVOKABLE bool restart();

    // For QML tests.
    Q_INVOKABLE QString urlString() const { return url().toString(); }
    Q_INVOKABLE int connectionCount() const { return connections; }
    Q_INVOKABLE QString header(int connection, const QString &name) const;
    // The URL the client asked for (path and query), of a connection that opened.
    Q_INVOKABLE QString requestUrl(int connection) const
    {
        return connection < handshakes.size()
            ? handshakes.at(connection).url().toString(QUrl::FullyEncoded)
            : QString();
    }
    Q_INVOKABLE int receivedCount() const { return int(received.size()); }
    Q_INVOKABLE QVariant receivedAt(int i) const { return received.value(i); }
    Q_INVOKABLE int closeCount() const { return int(closes.size()); }
    Q_INVOKABLE int closeCodeAt(int i) const { return closes.value(i).code; }
    Q_INVOKABLE QString closeReasonAt(int i) const { return closes.value(i).reason; }

    // What the server saw.
    QList<QNetworkRequest> handshakes; // WebSocket modes
    QList<QByteArray> rawRequests; // Refuse*/Hang modes
    QList<QVariant> received; // messages from clients, in order
    struct Close
    {
        int code;
        QString reason;
    };
    QList<Close> closes; // close code/reason each client sent us
    int connections = 0;
    QList<QPointer<QWebSocket>> clients;

Q_SIGNALS:
    void clientConnected();
    void messageReceived();
    void clientDisconnected();

private:
    void onWebSocket();
    void onTcp();
    void authenticate(QTcpSocket *socket);
    Mode m_mode;
    QWebSocketServer m_ws { QStringLiteral("TestServer"), QWebSocketServer::NonSecureMode };
    QTcpServer m_tcp;
    quint16 m_port = 0;
};
