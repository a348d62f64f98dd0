// SPDX-License-Identifier: MIT
#include "websocketadapter_p.h"

#include <QAbstractSocket>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslError>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

void WebSocketAdapter::open(QObject *owner, Listener *listener,
    const ErrMsg::ConnectRequest &request, qint64 maxIncomingMessageSize)
{
    m_owner = owner;
    m_listener = listener;
    m_tcpNoDelay = request.tcpNoDelay;

    // One fresh QWebSocket per task: Qt (6.4 at least) keeps closeCode() and ignoreSslErrors()
    // across open() calls on one socket.
    m_ws = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, owner);
    // Qt's default limits are about 2 GiB.
    m_ws->setMaxAllowedIncomingMessageSize(quint64(maxIncomingMessageSize));
    m_ws->setMaxAllowedIncomingFrameSize(quint64(maxIncomingMessageSize));
    if (!request.caCertificates.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(request.caCertificates);
        m_ws->setSslConfiguration(tls);
    }
    connectSignals();

    QNetworkRequest httpRequest(request.url);
    for (const auto &[name, value] : request.header)
        httpRequest.setRawHeader(name, value);
    QWebSocketHandshakeOptions options;
    options.setSubprotocols(request.protocols);
    m_ws->open(httpRequest, options);
}

void WebSocketAdapter::connectSignals()
{
    QWebSocket *ws = m_ws;
    Listener *listener = m_listener;
    QObject::connect(ws, &QWebSocket::connected, m_owner, [this] {
        // Qt turns TCP_NODELAY on when the TCP connection opens; ours comes after that.
        if (m_tcpNoDelay) {
            if (auto *socket = m_ws->findChild<QTcpSocket *>())
                socket->setSocketOption(QAbstractSocket::LowDelayOption, *m_tcpNoDelay ? 1 : 0);
        }
        m_listener->socketOpened();
    });
    QObject::connect(ws, &QWebSocket::textMessageReceived, m_owner,
        [listener](const QString &message) { listener->socketText(message); });
    QObject::connect(ws, &QWebSocket::binaryMessageReceived, m_owner,
        [listener](const QByteArray &message) { listener->socketBinary(message); });
    // Certificate problems come first, then a generic SslHandshakeFailedError: keep the why.
    QObject::connect(ws, &QWebSocket::sslErrors, m_owner, [this](const QList<QSslError> &errors) {
        m_tlsErrors.clear();
        for (const QSslError &e : errors)
            m_tlsErrors << e.errorString();
    });
    auto onError = [this](QAbstractSocket::SocketError) {
        // Qt prefixes some messages with its own function name; drop it.
        QString why = m_ws->errorString();
        why.remove(QRegularExpression(QStringLiteral("^\\w+::\\w+: ")));
        if (!m_tlsErrors.isEmpty())
            why = ErrMsg::tlsFailed(m_tlsErrors);
        // Some errors are never followed by disconnected: a refused handshake (HTTP 403/404)
        // leaves Qt 6.4.0-6.4.2 in ConnectingState, and an error inside open() (any version)
        // has nothing to disconnect. Give up on the socket once Qt is done with this signal;
        // the listener ignores a second socketOver.
        QMetaObject::invokeMethod(
            m_owner, [this] { abort(); }, Qt::QueuedConnection);
        m_listener->socketFailed(why);
    };
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    QObject::connect(ws, &QWebSocket::errorOccurred, m_owner, onError);
#else
    // Qt 6.4: `error` is overloaded with the getter; errorOccurred only exists from 6.5.
    QObject::connect(
        ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), m_owner, onError);
#endif
    // Qt closes with 1009 itself when a message is over the limit, and says nothing else. Catch
    // it as Qt sends its close frame: Qt 6.4 then drops the TCP connection at once, but later
    // versions wait for the peer's answer, and their "remote host closed" error comes first.
    // (A peer's own close frame with 1009 reads the same; see the hostile-servers issue.)
    QObject::connect(ws, &QWebSocket::aboutToClose, m_owner, [this] {
        if (m_ws->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData)
            m_listener->socketMessageTooBig(qint64(m_ws->maxAllowedIncomingMessageSize()));
    });
    QObject::connect(
        ws, &QWebSocket::disconnected, m_owner, [listener] { listener->socketOver(); });
}

void WebSocketAdapter::sendText(const QString &text)
{
    m_ws->sendTextMessage(text);
}

void WebSocketAdapter::sendBinary(const QByteArray &bytes)
{
    m_ws->sendBinaryMessage(bytes);
}

void WebSocketAdapter::close(int code, const QString &reason)
{
    // close() while connecting makes Qt 6.4 emit a spurious error ("Invalid socket descriptor")
    // and a warning; a browser aborts the attempt, and so do we.
    if (m_ws->state() != QAbstractSocket::ConnectedState) {
        abort();
        return;
    }
    // Qt 6.4 drops the connection inside close(); later versions wait for the peer's close
    // frame, and messages may come first (the core drops them: the task is CLOSING).
    m_ws->close(QWebSocketProtocol::CloseCode(code), reason);
}

void WebSocketAdapter::abort()
{
    stopListening();
    m_ws->abort();
    m_listener->socketOver();
}

void WebSocketAdapter::stopListening()
{
    QObject::disconnect(m_ws, nullptr, m_owner, nullptr);
}

void WebSocketAdapter::destroy(bool insideItsSignal)
{
    if (!m_ws)
        return;
    // A dying QWebSocket emits disconnected & co. synchronously: stop listening first.
    stopListening();
    if (m_ws->state() == QAbstractSocket::ConnectedState)
        m_ws->close(QWebSocketProtocol::CloseCodeGoingAway);
    else
        m_ws->abort();
    m_ws->setParent(nullptr);
    if (insideItsSignal)
        m_ws->deleteLater();
    else
        delete m_ws;
    m_ws = nullptr;
}

QString WebSocketAdapter::subprotocol() const
{
    return m_ws->subprotocol();
}

int WebSocketAdapter::closeCode() const
{
    return m_ws->closeCode();
}

QString WebSocketAdapter::closeReason() const
{
    return m_ws->closeReason();
}
