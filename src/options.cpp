// SPDX-License-Identifier: MIT
// The value types of the public API: the options of the calls and the results listeners get.
#include "options_p.h"
#include "sockettask.h"

// Copy, move and destroy, out of line so that the private classes can grow.
#define SOCKETTASK_VALUE_TYPE(Type)                                                                \
    SocketTask::Type::Type(const Type &other) = default;                                           \
    SocketTask::Type::Type(Type &&other) noexcept = default;                                       \
    SocketTask::Type &SocketTask::Type::operator=(const Type &other) = default;                    \
    SocketTask::Type &SocketTask::Type::operator=(Type &&other) noexcept = default;                \
    SocketTask::Type::~Type() = default;

// A field of an option: its getter and its setter.
#define SOCKETTASK_FIELD(Type, FieldType, ParameterType, field, setField)                          \
    FieldType SocketTask::Type::field() const                                                      \
    {                                                                                              \
        return d->field;                                                                           \
    }                                                                                              \
    void SocketTask::Type::setField(ParameterType value)                                           \
    {                                                                                              \
        d->field = value;                                                                          \
    }

using Header = QMap<QString, QString>; // the macro's arguments cannot hold a comma
using Certificates = QList<QSslCertificate>;

// Nothing yet: the fields a later version adds to a result.
class SocketTask::Result::Extension : public QSharedData
{
};

void SocketTask::Result::retain() noexcept
{
    extension->ref.ref();
}
void SocketTask::Result::release() noexcept
{
    if (!extension->ref.deref())
        delete extension;
}

SocketTask::OnCloseCallbackResult::OnCloseCallbackResult() : code(Default::abnormalCloseCode) { }

class SocketTask::Callbacks::Data : public QSharedData
{
public:
    Callback success, fail, complete;
};

SocketTask::Callbacks::Callbacks() = default;
SocketTask::Callbacks::Callbacks(Callback success, Callback fail, Callback complete)
    : d(new Data { {}, std::move(success), std::move(fail), std::move(complete) })
{ }
SOCKETTASK_VALUE_TYPE(Callbacks)

namespace {
const SocketTask::Callback none;
}

const SocketTask::Callback &SocketTask::Callbacks::success() const
{
    return d ? d->success : none;
}
const SocketTask::Callback &SocketTask::Callbacks::fail() const
{
    return d ? d->fail : none;
}
const SocketTask::Callback &SocketTask::Callbacks::complete() const
{
    return d ? d->complete : none;
}
void SocketTask::Callbacks::setSuccess(Callback success)
{
    if (!d)
        d = new Data;
    d->success = std::move(success);
}
void SocketTask::Callbacks::setFail(Callback fail)
{
    if (!d)
        d = new Data;
    d->fail = std::move(fail);
}
void SocketTask::Callbacks::setComplete(Callback complete)
{
    if (!d)
        d = new Data;
    d->complete = std::move(complete);
}
bool SocketTask::Callbacks::isEmpty() const
{
    return !d || (!d->success && !d->fail && !d->complete);
}

class SocketTask::ConnectOption::Data : public QSharedData
{
public:
    QUrl url;
    QMap<QString, QString> header;
    QStringList protocols;
    std::optional<bool> tcpNoDelay;
    bool perMessageDeflate = false;
    int timeout = Default::timeout;
    QList<QSslCertificate> caCertificates;
    int heartbeatInterval = 0;
    int heartbeatTimeout = 0;
    std::optional<QNetworkProxy> proxy;
};

SocketTask::ConnectOption::ConnectOption() : d(new Data) { }
SocketTask::ConnectOption::ConnectOption(const QUrl &url) : d(new Data)
{
    d->url = url;
}
SOCKETTASK_VALUE_TYPE(ConnectOption)
SOCKETTASK_FIELD(ConnectOption, QUrl, const QUrl &, url, setUrl)
SOCKETTASK_FIELD(ConnectOption, Header, const Header &, header, setHeader)
SOCKETTASK_FIELD(ConnectOption, QStringList, const QStringList &, protocols, setProtocols)
SOCKETTASK_FIELD(ConnectOption, bool, bool, perMessageDeflate, setPerMessageDeflate)
SOCKETTASK_FIELD(ConnectOption, int, int, timeout, setTimeout)
SOCKETTASK_FIELD(
    ConnectOption, Certificates, const Certificates &, caCertificates, setCaCertificates)

void SocketTask::ConnectOption::setHeader(const QString &name, const QString &value)
{
    d->header.insert(name, value);
}
int SocketTask::ConnectOption::heartbeatInterval() const
{
    return d->heartbeatInterval;
}
int SocketTask::ConnectOption::heartbeatTimeout() const
{
    return d->heartbeatTimeout;
}
void SocketTask::ConnectOption::setHeartbeat(int intervalMs, int timeoutMs)
{
    d->heartbeatInterval = intervalMs;
    d->heartbeatTimeout = timeoutMs;
}
std::optional<QNetworkProxy> SocketTask::ConnectOption::proxy() const
{
    return d->proxy;
}
void SocketTask::ConnectOption::setProxy(const QNetworkProxy &proxy)
{
    d->proxy = proxy;
}
std::optional<bool> SocketTask::ConnectOption::tcpNoDelay() const
{
    return d->tcpNoDelay;
}
void SocketTask::ConnectOption::setTcpNoDelay(bool tcpNoDelay)
{
    d->tcpNoDelay = tcpNoDelay;
}

class SocketTask::SendOption::Data : public QSharedData
{
public:
    QVariant data; // only ever a QString, a QByteArray, or nullptr (a null const char *)
};

SocketTask::SendOption::SendOption() : d(new Data) { }
SocketTask::SendOption::SendOption(const QString &text) : d(new Data { {}, text }) { }
SocketTask::SendOption::SendOption(const QByteArray &binary) : d(new Data { {}, binary }) { }
SocketTask::SendOption::SendOption(const char *utf8Text)
    : d(new Data {
        {}, utf8Text ? QVariant(QString::fromUtf8(utf8Text)) : QVariant::fromValue(nullptr) })
{ }
SOCKETTASK_VALUE_TYPE(SendOption)

QVariant SocketTask::SendOption::data() const
{
    return d->data;
}
void SocketTask::SendOption::setData(const QString &text)
{
    d->data = text;
}
void SocketTask::SendOption::setData(const QByteArray &binary)
{
    d->data = binary;
}

class SocketTask::CloseOption::Data : public QSharedData
{
public:
    int code = Default::closeCode;
    QString reason;
};

SocketTask::CloseOption::CloseOption() : d(new Data) { }
SocketTask::CloseOption::CloseOption(int code, const QString &reason)
    : d(new Data { {}, code, reason })
{ }
SOCKETTASK_VALUE_TYPE(CloseOption)
SOCKETTASK_FIELD(CloseOption, int, int, code, setCode)
SOCKETTASK_FIELD(CloseOption, QString, const QString &, reason, setReason)

/*!
    \class SocketTask::Result
    \inmodule SocketTask
    \brief The base of the results: room for fields a later version adds, with no change of size.

    The fields of a result are inline, so that a listener reads them cheaply on every message;
    a field added later is reached through an accessor, and lives in an extension that is null
    until then. So new fields do not break the ABI of \c libSocketTask.so.1.
*/

/*!
    \class SocketTask::CallbackResult
    \inmodule SocketTask
    \brief What the success, fail and complete callbacks of a call receive.
*/
/*!
    \variable SocketTask::CallbackResult::errMsg
    \brief \c {"<call>:ok"} or \c {"<call>:fail <why>"}, for example
    \c {"closeSocket:fail WebSocket is not connected"}.
*/
/*!
    \variable SocketTask::CallbackResult::socketTaskId
    \brief the new task's id, in the result of a successful connectSocket(); otherwise 0.
*/

/*!
    \typedef SocketTask::Callback
    A callback of a call: \c {std::function<void(const CallbackResult &)>}.
*/

/*!
    \class SocketTask::Callbacks
    \inmodule SocketTask
    \brief The callbacks of a call, run synchronously inside it: success or fail, then complete.

    The options of connectSocket(), send() and close() are Callbacks too. An implicitly shared
    value type: copies are cheap.
*/
/*!
    \fn SocketTask::Callbacks::Callbacks(Callback success, Callback fail, Callback complete)
    Makes the callbacks \a success, \a fail and \a complete.
*/

/*!
    \class SocketTask::ConnectOption
    \inmodule SocketTask
    \brief The options of connectSocket(), with Taro's names: an implicitly shared value type
    whose setters can grow in later versions without breaking the ABI.

    \code
    SocketTask::ConnectOption option(QUrl("wss://example.com/chat"));
    option.setHeader({ { "Authorization", "Bearer abc" } });
    option.setFail([](const SocketTask::CallbackResult &r) { qWarning() << r.errMsg; });
    \endcode
*/
/*!
    \fn SocketTask::ConnectOption::url() const
    Returns the URL: \c ws:// or \c wss://, with a host.
*/
/*!
    \fn void SocketTask::ConnectOption::setUrl(const QUrl &url)
    Sets the option to \a url.
*/
/*!
    \fn SocketTask::ConnectOption::header() const
    Returns the extra HTTP headers sent with the handshake. Names must be HTTP tokens, values
    must not hold CR, LF or NUL, and the headers the handshake writes itself (Host, Connection,
    Upgrade, Sec-WebSocket-Key, Sec-WebSocket-Version, Sec-WebSocket-Extensions,
    Content-Length) cannot be given.
*/
/*!
    \fn void SocketTask::ConnectOption::setHeader(const QMap<QString, QString> &header)
    Sets the option to \a header.
*/
/*!
    \fn void SocketTask::ConnectOption::setHeader(const QString &name, const QString &value)
    \overload
    Adds the header \a name with \a value, or replaces its value.
*/
/*!
    \fn SocketTask::ConnectOption::protocols() const
    Returns the subprotocols offered in \c Sec-WebSocket-Protocol.
*/
/*!
    \fn void SocketTask::ConnectOption::setProtocols(const QStringList &protocols)
    Sets the option to \a protocols.
*/
/*!
    \fn SocketTask::ConnectOption::tcpNoDelay() const
    Returns whether TCP_NODELAY is set or cleared on the socket; unset keeps Qt's default (set).
*/
/*!
    \fn void SocketTask::ConnectOption::setTcpNoDelay(bool tcpNoDelay)
    Sets the option to \a tcpNoDelay.
*/
/*!
    \fn SocketTask::ConnectOption::caCertificates() const
    Returns the certificates trusted for \c wss:// in addition to the system's, such as a
    private CA. The peer's certificate is always verified, its host name included.
*/
/*!
    \fn void SocketTask::ConnectOption::setCaCertificates(const QList<QSslCertificate> &certificates)
    Sets the option to \a certificates.
*/
/*!
    \fn SocketTask::ConnectOption::perMessageDeflate() const
    Returns the flag that is accepted for Taro's sake; it has no effect, as QtWebSockets has no
   compression.
*/
/*!
    \fn void SocketTask::ConnectOption::setPerMessageDeflate(bool perMessageDeflate)
    Sets the option to \a perMessageDeflate.
*/
/*!
    \fn SocketTask::ConnectOption::timeout() const
    Returns the milliseconds allowed for connecting and the handshake; 0 means no limit. The
    default is 60000.
*/
/*!
    \fn void SocketTask::ConnectOption::setTimeout(int milliseconds)
    Sets the option to \a milliseconds.
*/
/*!
    \fn SocketTask::ConnectOption::proxy() const
    Returns the proxy the task connects through, if one was set; unset, the application's
    proxy applies (\qt {qnetworkproxy.html} {QNetworkProxy::applicationProxy()}),
    as for any QWebSocket.
*/
/*!
    \fn void SocketTask::ConnectOption::setProxy(const QNetworkProxy &proxy)
    Sets the proxy to \a proxy: an HTTP proxy (HTTP CONNECT) or a SOCKS5 one, with its user
    name and password if it wants them, or QNetworkProxy::NoProxy to connect directly. It
    applies before the socket opens (\c {ws()->setProxy()} after connectSocket() would come too
    late). A proxy that refuses, or wants other credentials, fails the connection: onError
    says so, then onClose 1006. In QML the option is a URL string:
    \c {proxy: "socks5://user:password@host:1080"} or \c {"http://host:3128"}.
*/
/*!
    \fn SocketTask::ConnectOption::heartbeatInterval() const
    Returns the milliseconds between the keepalive pings once the task is OPEN; 0 (the
    default) means none. See setHeartbeat().
*/
/*!
    \fn SocketTask::ConnectOption::heartbeatTimeout() const
    Returns the milliseconds the task waits, after a keepalive ping, for anything at all to
    arrive (a pong, a message, a ping of the server's); 0 means it never gives up.
*/
/*!
    \fn void SocketTask::ConnectOption::setHeartbeat(int intervalMs, int timeoutMs)
    Turns the keepalive on: once the task is OPEN it sends a ping every \a intervalMs, and
    when nothing at all arrives for \a timeoutMs after one (0: it never gives up), the task
    fails: onError with \c {"socketTask:fail heartbeat timeout"}, then onClose 1006, as a
    dropped connection. SocketTask::roundTripTime() tells how long the last pong took. No
    ping is sent while one is still unanswered. An interval of 0 turns it off. The values
    are checked as \c {heartbeat: { interval, timeout }} is in QML: negative values fail
    connectSocket.
*/

/*!
    \fn SocketTask::ConnectOption::ConnectOption(const QUrl &url)
    Makes the options of a connection to \a url.
*/

/*!
    \class SocketTask::SendOption
    \inmodule SocketTask
    \brief The option of send(): its data is a QString (a text message) or a QByteArray (a
    binary message), and nothing else compiles.
*/
/*!
    \fn SocketTask::SendOption::data() const
    Returns the data: a QString, a QByteArray, or an invalid QVariant when none was set (send()
    then fails, as with undefined data in JavaScript).
*/

/*!
    \class SocketTask::CloseOption
    \inmodule SocketTask
    \brief The option of close().
*/
/*!
    \fn SocketTask::CloseOption::code() const
    Returns the close code: 1000 (the default), or 3000 to 4999.
*/
/*!
    \fn SocketTask::CloseOption::reason() const
    Returns the close reason, at most 123 bytes of UTF-8.
*/

/*!
    \class SocketTask::OnOpenCallbackResult
    \inmodule SocketTask
    \brief What onOpen listeners receive.
*/
/*!
    \variable SocketTask::OnOpenCallbackResult::header
    \brief the headers of the server's handshake response (101 Switching Protocols).

    Names are as the server spelled them (the first spelling, when one is repeated in another
    case); values are QStrings, the header's bytes read as Latin-1, as a browser reads them. A
    header sent more than once has its values joined with \c {", "}, as RFC 9110 (5.3) allows,
    except \c Set-Cookie, whose values cannot be joined (a cookie's \c Expires has a comma):
    it is a QStringList, one cookie each, whole, even when there is one (Node.js's rule for
    \c {set-cookie}). Read once, from the bytes QWebSocket consumed: it costs nothing per
    message, and the task keeps nothing of it after onOpen.
*/
/*!
    \variable SocketTask::OnOpenCallbackResult::protocol
    \brief the subprotocol the server chose, or an empty string.
*/

/*!
    \class SocketTask::OnMessageCallbackResult
    \inmodule SocketTask
    \brief What onMessage listeners receive.
*/
/*!
    \variable SocketTask::OnMessageCallbackResult::data
    \brief a QString for a text message, a QByteArray for a binary message.
*/

/*!
    \class SocketTask::OnErrorCallbackResult
    \inmodule SocketTask
    \brief What onError listeners receive.
*/
/*!
    \variable SocketTask::OnErrorCallbackResult::errMsg
    \brief what went wrong, for example \c {"connectSocket:fail timeout"}.
*/

/*!
    \class SocketTask::OnCloseCallbackResult
    \inmodule SocketTask
    \brief What onClose listeners receive.
*/
/*!
    \variable SocketTask::OnCloseCallbackResult::code
    \brief the close code the peer sent, or 1006 when the connection failed or dropped without
    a close frame.
*/
/*!
    \variable SocketTask::OnCloseCallbackResult::reason
    \brief the close reason the peer sent, or an empty string.
*/
