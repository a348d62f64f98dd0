// SPDX-License-Identifier: MIT
#include "websocketadapter_p.h"

#include "options_p.h"
#include "sockettask_logging_p.h"

#include <QAbstractSocket>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslError>
#include <QSslSocket>
#include <QTcpSocket>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

void WebSocketAdapter::open(QObject *owner, Listener *listener,
    const ErrMsg::ConnectRequest &request, qint64 maxIncomingMessageSize, qint64 maxBufferedAmount)
{
    m_owner = owner;
    m_listener = listener;
    m_tcpNoDelay = request.tcpNoDelay;
    m_protocols = request.protocols;
    m_maxBufferedAmount = maxBufferedAmount;

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
    if (request.proxy)
        m_ws->setProxy(*request.proxy); // before open(): later, Qt would not use it
    connectSignals();

    QNetworkRequest httpRequest(request.url);
    for (const auto &[name, value] : request.header)
        httpRequest.setRawHeader(name, value);
#if QT_VERSION < QT_VERSION_CHECK(6, 6, 0)
    // Qt 6.4-6.5 cannot answer a server's 401 (6.6+ answers it with the URL's user and password,
    // Basic or Digest, then asks authenticationRequired). What we do instead: the URL's
    // credentials go with the handshake, as HTTP Basic (what Node's ws does), unless the header
    // has an Authorization of its own.
    const QUrl &url = request.url;
    if ((!url.userName().isEmpty() || !url.password().isEmpty())
        && !httpRequest.hasRawHeader("Authorization")) {
        const QByteArray credentials = url.userName(QUrl::FullyDecoded).toUtf8() + ':'
            + url.password(QUrl::FullyDecoded).toUtf8();
        httpRequest.setRawHeader("Authorization", "Basic " + credentials.toBase64());
    }
#endif
    QWebSocketHandshakeOptions options;
    options.setSubprotocols(request.protocols);
    m_ws->open(httpRequest, options);
    watchWire();
}

// QWebSocket made its socket inside open() and connected to it first: our slots run after
// Qt's, and WireCheck reads what Qt consumed.
void WebSocketAdapter::watchWire()
{
    m_wire = m_ws->findChild<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
    if (!m_wire) {
        // open() failed at once (its error is on its way), or Qt changed (tst_qtfacts).
        if (m_ws->state() != QAbstractSocket::UnconnectedState)
            qCWarning(lcSocketTask,
                "QWebSocket made no QTcpSocket child in open(): the wire checks, bufferedAmount "
                "and the write limit are off (Qt %s)",
                qVersion());
        return;
    }
    m_isTls = qobject_cast<QSslSocket *>(m_wire) != nullptr;
    // Certificate problems come first, then a generic SslHandshakeFailedError: keep the why.
    // Followed only over TLS: each signal followed costs the connection memory (one this far
    // down QWebSocket's list, about 400 bytes). The handshake comes later, from the event loop.
    if (m_isTls) {
        QObject::connect(
            m_ws, &QWebSocket::sslErrors, m_owner, [this](const QList<QSslError> &errors) {
                m_tlsErrors.clear();
                for (const QSslError &e : errors)
                    m_tlsErrors << e.errorString();
            });
    }
    // From the TCP connection on, before any byte of the response can arrive.
    QObject::connect(
        m_wire, &QAbstractSocket::connected, m_owner, [this] { m_check.watch(m_wire); });
    QObject::connect(m_wire, &QIODevice::readyRead, m_owner, [this] { afterQtRead(); });
}

void WebSocketAdapter::afterQtRead()
{
    m_messagesChecked = 0; // Qt emitted every whole message it had
    if (m_closing || hasReadViolation())
        return;
    if (!m_opened) {
        if (!m_check.checkPendingResponse())
            fail(m_check.violation());
        return;
    }
    if (overBufferLimit())
        return;
    m_listener->socketRead(m_check.isMidMessage());
}

bool WebSocketAdapter::passesChecks()
{
    if (m_closing)
        return false;
    // Many messages come in one read: the first one checks the rest ahead (one peek), and
    // those pass without touching the socket.
    if (m_messagesChecked > 0) {
        --m_messagesChecked;
        return true;
    }
    if (hasReadViolation())
        return false;
    m_messagesChecked = m_check.checkAhead();
    return true;
}

bool WebSocketAdapter::hasReadViolation()
{
    if (m_check.catchUp())
        return false;
    fail(m_check.violation());
    return true;
}

bool WebSocketAdapter::overBufferLimit()
{
    if (m_bufferFull)
        return true;
    if (m_maxBufferedAmount <= 0 || bufferedAmount() <= m_maxBufferedAmount)
        return false;
    m_bufferFull = true;
    fail(ErrMsg::tooMuchWaiting(m_maxBufferedAmount), Default::bufferFullCloseCode);
    return true;
}

qint64 WebSocketAdapter::bufferedAmount() const
{
    if (!m_wire || m_closing)
        return 0;
    qint64 amount = m_wire->bytesToWrite();
    if (m_isTls)
        amount += static_cast<QSslSocket *>(m_wire)->encryptedBytesToWrite();
    return amount;
}

void WebSocketAdapter::fail(const QString &why, int closeCode)
{
    if (m_closing)
        return;
    m_closing = true;
    m_listener->socketFailed(why, closeCode);
    // Not inside Qt's own signal: drop the connection once Qt is done with it. RFC 6455 7.1.7
    // asks for a close frame first (1002: protocol error) where one can still be sent.
    QMetaObject::invokeMethod(
        m_owner,
        [this, closeCode] {
            if (m_ws->state() == QAbstractSocket::ConnectedState
                && closeCode == Default::abnormalCloseCode)
                m_ws->close(QWebSocketProtocol::CloseCodeProtocolError);
            abort();
        },
        Qt::QueuedConnection);
}

// Qt closes in three cases: the server's close frame, our close(), and a fault Qt found
// itself. Which one, Qt does not say (its signals are the same); WireCheck does.
void WebSocketAdapter::qtClosing()
{
    if (m_closing || hasReadViolation() || m_check.closeFrame())
        return;
    // Qt may have stopped in the middle of what it judged (a frame's first bytes): read on.
    m_check.checkAhead();
    if (!m_check.violation().isEmpty())
        return fail(m_check.violation());
    // Qt's own close, named by the code it chose (our reading found nothing wrong before it).
    switch (m_ws->closeCode()) {
    case QWebSocketProtocol::CloseCodeTooMuchData:
        m_listener->socketMessageTooBig(qint64(m_ws->maxAllowedIncomingMessageSize()));
        m_closing = true; // Qt sent its 1009: let it finish (the server sees why)
        return;
    case QWebSocketProtocol::CloseCodeWrongDatatype:
        return fail(QStringLiteral("invalid UTF-8 in a text message"));
    case QWebSocketProtocol::CloseCodeGoingAway: // Qt 6.4-6.11 give up after 5 s
        return fail(ErrMsg::frameStalled(Default::frameTimeout));
    default:
        return fail(QStringLiteral("Qt closed the connection with %1: %2")
                        .arg(int(m_ws->closeCode()))
                        .arg(m_ws->closeReason()));
    }
}

void WebSocketAdapter::connectSignals()
{
    QWebSocket *ws = m_ws;
    Listener *listener = m_listener;
    QObject::connect(ws, &QWebSocket::connected, m_owner, [this] {
        // Qt has consumed the response: what it let through and RFC 6455 does not fails here.
        if (hasReadViolation())
            return;
        QVariantMap header = m_check.responseHeaders(); // read once: the next call lets go of it
        if (const QString problem = m_check.acceptedResponseProblem(); !problem.isEmpty())
            return fail(problem);
        m_opened = true;
        // Qt turns TCP_NODELAY on when the TCP connection opens; ours comes after that.
        if (m_tcpNoDelay) {
            if (auto *socket = m_ws->findChild<QTcpSocket *>())
                socket->setSocketOption(QAbstractSocket::LowDelayOption, *m_tcpNoDelay ? 1 : 0);
        }
        m_listener->socketOpened(std::move(header));
    });
    // Qt emits a message as soon as it has read it: check the frames it came in first, so that
    // nothing from a server that broke the protocol is delivered (a masked frame, say).
    QObject::connect(ws, &QWebSocket::textMessageReceived, m_owner, [this](const QString &message) {
        if (passesChecks())
            m_listener->socketText(message);
    });
    QObject::connect(
        ws, &QWebSocket::binaryMessageReceived, m_owner, [this](const QByteArray &message) {
            if (passesChecks())
                m_listener->socketBinary(message);
        });
    auto onError = [this](QAbstractSocket::SocketError) {
        if (m_closing)
            return;
        // Qt prefixes some messages with its own function name; drop it.
        QString why = m_ws->errorString();
        why.remove(QRegularExpression(QStringLiteral("^\\w+::\\w+: ")));
        if (!m_tlsErrors.isEmpty())
            why = ErrMsg::tlsFailed(m_tlsErrors);
        // A refused handshake: say what was wrong with the response, in our words (Qt's vary
        // between versions and miss some causes).
        if (!m_opened) {
            m_check.catchUp();
            m_check.checkPendingResponse(); // Qt refuses headers over 800 KiB; we, over 256
            if (const QString problem = m_check.handshakeProblem(m_protocols); !problem.isEmpty())
                why = problem;
        }
        // Some errors are never followed by disconnected: a refused handshake (HTTP 403/404)
        // leaves Qt 6.4.0-6.4.2 in ConnectingState, and an error inside open() (any version)
        // has nothing to disconnect. Give up on the socket once Qt is done with this signal;
        // the listener ignores a second socketOver.
        QMetaObject::invokeMethod(
            m_owner, [this] { abort(); }, Qt::QueuedConnection);
        m_listener->socketFailed(why, 1006);
    };
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    QObject::connect(ws, &QWebSocket::errorOccurred, m_owner, onError);
#else
    // Qt 6.4: `error` is overloaded with the getter; errorOccurred only exists from 6.5.
    QObject::connect(
        ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), m_owner, onError);
#endif
#if QT_VERSION >= QT_VERSION_CHECK(6, 6, 0)
    // Qt 6.6+: a 401 the URL's credentials did not answer. Direct: the authenticator is filled
    // in before Qt goes on (a queued slot would be too late).
    QObject::connect(ws, &QWebSocket::authenticationRequired, m_owner,
        [listener](QAuthenticator *authenticator) {
            listener->socketAuthenticationRequired(authenticator);
        });
#endif
    // Qt emits aboutToClose as it sends its close frame, before the socket lets go of what it
    // read: the moment to learn who closed.
    QObject::connect(ws, &QWebSocket::aboutToClose, m_owner, [this] { qtClosing(); });
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

void WebSocketAdapter::ping()
{
    // Followed from the first ping on (memory, as for sslErrors): a pong nobody asked for
    // measures no round trip.
    if (!m_followingPongs) {
        m_followingPongs = true;
        QObject::connect(
            m_ws, &QWebSocket::pong, m_owner, [this](quint64 elapsed, const QByteArray &) {
                if (!m_closing)
                    m_listener->socketPong(qint64(elapsed));
            });
    }
    m_ws->ping();
}

void WebSocketAdapter::watchWrites()
{
    if (m_watchingWrites || !m_wire)
        return;
    m_watchingWrites = true;
    auto wrote = [this] {
        if (!m_closing)
            m_listener->socketWrote();
    };
    // Over TLS, bytesWritten says the bytes were encrypted, and comes before they even count
    // in encryptedBytesToWrite(): only encryptedBytesWritten says they reached the network.
    if (m_isTls)
        QObject::connect(
            static_cast<QSslSocket *>(m_wire), &QSslSocket::encryptedBytesWritten, m_owner, wrote);
    else
        QObject::connect(m_wire, &QIODevice::bytesWritten, m_owner, wrote);
}

void WebSocketAdapter::close(int code, const QString &reason)
{
    // close() while connecting makes Qt 6.4 emit a spurious error ("Invalid socket descriptor")
    // and a warning; a browser aborts the attempt, and so do we.
    if (m_ws->state() != QAbstractSocket::ConnectedState) {
        abort();
        return;
    }
    m_closing = true;
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

QWebSocket *WebSocketAdapter::destroy(bool insideItsSignal)
{
    if (!m_ws)
        return nullptr;
    // A dying QWebSocket emits disconnected & co. synchronously: stop listening first.
    stopListening();
    if (m_ws->state() == QAbstractSocket::ConnectedState)
        m_ws->close(QWebSocketProtocol::CloseCodeGoingAway);
    else
        m_ws->abort();
    m_ws->setParent(nullptr);
    QWebSocket *const busy = insideItsSignal ? m_ws : nullptr;
    if (!insideItsSignal)
        delete m_ws;
    m_ws = nullptr;
    return busy;
}

QString WebSocketAdapter::subprotocol() const
{
    return m_ws->subprotocol();
}

// The server's close frame as it was sent (Qt turns 1012-1014 into 1002 and an empty one into
// 1000); otherwise the code we closed with.
int WebSocketAdapter::closeCode() const
{
    if (const auto &frame = m_check.closeFrame(); frame && !m_closing)
        return frame->code;
    return m_ws->closeCode();
}

QString WebSocketAdapter::closeReason() const
{
    if (const auto &frame = m_check.closeFrame(); frame && !m_closing)
        return frame->reason;
    return m_ws->closeReason();
}
