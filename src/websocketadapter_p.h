// SPDX-License-Identifier: MIT
#pragma once

// The one place that knows QWebSocket's traps and how it differs between the Qt versions we
// support (6.4 to 6.11; docs/qt-versions.md). The core hears, through Listener, a socket that
// behaves the same on all of them: opened, messages, one readable failure, then over.

#include "errmsg_p.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

class QObject;
class QWebSocket;

class WebSocketAdapter
{
public:
    class Listener
    {
    public:
        virtual void socketOpened() = 0;
        virtual void socketText(const QString &message) = 0;
        virtual void socketBinary(const QByteArray &message) = 0;
        // Connecting or the connection failed; `why` is readable, without Qt's prefixes. It may
        // come after socketOver (Qt 6.4 says "disconnected" before the error that caused it).
        virtual void socketFailed(const QString &why) = 0;
        // Qt closed the connection itself (1009) because a message was over the limit.
        virtual void socketMessageTooBig(qint64 limit) = 0;
        // The connection is over: Qt disconnected, or we gave up on it (see abort()).
        virtual void socketOver() = 0;

    protected:
        ~Listener() = default;
    };

    WebSocketAdapter() = default;
    Q_DISABLE_COPY_MOVE(WebSocketAdapter)

    // Makes a fresh QWebSocket, a child of `owner`, and opens it; `listener` hears it from now on.
    void open(QObject *owner, Listener *listener, const ErrMsg::ConnectRequest &request,
        qint64 maxIncomingMessageSize);
    QWebSocket *ws() const { return m_ws; }

    void sendText(const QString &text);
    void sendBinary(const QByteArray &bytes);
    // While connecting: abort, as a browser does; once open: the closing handshake.
    void close(int code, const QString &reason);
    // Stops listening and drops the connection, then reports socketOver().
    void abort();
    // Nothing more is heard from the socket.
    void stopListening();
    // For a task that is destroyed: close an open connection with 1001 (going away), and
    // delete the socket, later if it is inside one of its own signals now.
    void destroy(bool insideItsSignal);

    QString subprotocol() const;
    int closeCode() const;
    QString closeReason() const;

private:
    void connectSignals();

    QWebSocket *m_ws = nullptr;
    QObject *m_owner = nullptr;
    Listener *m_listener = nullptr;
    std::optional<bool> m_tcpNoDelay; // unset: Qt's own setting
    QStringList m_tlsErrors; // why the certificate was refused, if it was
};
