// SPDX-License-Identifier: MIT
#pragma once

// The one place that knows QWebSocket's traps and how it differs between the Qt versions we
// support (6.4 to 6.11; docs/qt-versions.md). The core hears, through Listener, a socket that
// behaves the same on all of them: opened, messages, one readable failure, then over. What
// the server really sent (close codes, protocol violations) it learns from WireCheck.

#include "errmsg_p.h"
#include "options_p.h"
#include "wirecheck_p.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <optional>

class QObject;
class QAuthenticator;
class QTcpSocket;
class QWebSocket;

class WebSocketAdapter
{
public:
    class Listener
    {
    public:
        // The handshake succeeded; `header`: the response's headers (WireCheck::responseHeaders).
        virtual void socketOpened(QVariantMap &&header) = 0;
        virtual void socketText(const QString &message) = 0;
        virtual void socketBinary(const QByteArray &message) = 0;
        // Connecting or the connection failed; `why` is readable, without Qt's prefixes. It may
        // come after socketOver (Qt 6.4 says "disconnected" before the error that caused it).
        // `closeCode` is what onClose reports: 1006 unless a limit of ours decided the end.
        virtual void socketFailed(const QString &why, int closeCode) = 0;
        // Qt closed the connection itself (1009) because a message was over the limit.
        virtual void socketMessageTooBig(qint64 limit) = 0;
        // The connection is over: Qt disconnected, or we gave up on it (see abort()).
        virtual void socketOver() = 0;
        // Once open, after each read (the peer is alive): whether a message has begun and not
        // ended (the frame deadline runs while it has).
        virtual void socketRead(bool midMessage) = 0;
        // The answer to ping(), `ms` after it.
        virtual void socketPong(qint64 ms) = 0;
        // Bytes went to the network (only after watchWrites()).
        virtual void socketWrote() = 0;
        // The server asked for credentials the URL did not have (Qt 6.6+ only): fill in
        // `authenticator` now, or the handshake fails.
        virtual void socketAuthenticationRequired(QAuthenticator *authenticator) = 0;

    protected:
        ~Listener() = default;
    };

    WebSocketAdapter() = default;
    Q_DISABLE_COPY_MOVE(WebSocketAdapter)

    // Makes a fresh QWebSocket, a child of `owner`, and opens it; `listener` hears it from now on.
    void open(QObject *owner, Listener *listener, const ErrMsg::ConnectRequest &request,
        qint64 maxIncomingMessageSize, qint64 maxBufferedAmount);
    QWebSocket *ws() const { return m_ws; }

    void sendText(const QString &text);
    void sendBinary(const QByteArray &bytes);
    void ping();
    // From now on, tell socketWrote() after each write to the network.
    void watchWrites();
    // Bytes handed to the socket and not yet written to the network (frames, with their
    // headers, and Qt's own pongs and close frame).
    qint64 bufferedAmount() const;
    // True, and the connection fails (1008), when more than the limit waits to be written.
    bool overBufferLimit();
    // Fails the connection: `why` is reported, the socket is dropped at once.
    void fail(const QString &why, int closeCode = Default::abnormalCloseCode);
    // While connecting: abort, as a browser does; once open: the closing handshake.
    void close(int code, const QString &reason);
    // Stops listening and drops the connection, then reports socketOver().
    void abort();
    // Nothing more is heard from the socket.
    void stopListening();
    // For a task that is destroyed: close an open connection with 1001 (going away), and
    // delete the socket, later if it is inside one of its own signals now.
    // Closes and lets go of the QWebSocket. Inside its signal (Qt's code still on the stack),
    // it is not deleted but returned, for the caller to deleteLater once that code unwound.
    QWebSocket *destroy(bool insideItsSignal);

    QString subprotocol() const;
    int closeCode() const;
    QString closeReason() const;

private:
    void connectSignals();
    void watchWire();
    void afterQtRead();
    bool hasReadViolation(); // catches up on what Qt read; fails the connection on a violation
    void qtClosing();

    QWebSocket *m_ws = nullptr;
    QTcpSocket *m_wire = nullptr; // the socket QWebSocket reads from (its child)
    WireCheck m_check;
    QStringList m_protocols; // requested
    qint64 m_maxBufferedAmount = 0;
    bool m_opened = false;
    bool m_closing = false; // we closed, or gave up: what Qt does next is ours
    bool m_isTls = false;
    bool m_bufferFull = false; // the connection failed for it
    bool m_watchingWrites = false;
    bool m_followingPongs = false; // see ping()
    int m_messagesChecked = 0; // messages of this read already checked ahead
    bool passesChecks(); // may the message Qt emits now be delivered
    QObject *m_owner = nullptr;
    Listener *m_listener = nullptr;
    std::optional<bool> m_tcpNoDelay; // unset: Qt's own setting
    QStringList m_tlsErrors; // why the certificate was refused, if it was
};
