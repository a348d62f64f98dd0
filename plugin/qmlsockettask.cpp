// SPDX-License-Identifier: MIT
#include "qmlsockettask.h"

#include "promisejobs.h"

#include "sockettaskbinding_p.h"

#include "sockettaskbackend.h"

#include <QJSEngine>
#include <QMetaMethod>
#include <QQmlEngineExtensionPlugin>

#include <cmath>

// SocketTask.Impl is linked into this plugin: the engine finds it among the static plugins.
Q_IMPORT_QML_PLUGIN(SocketTask_ImplPlugin)

/*!
    \qmlmodule SocketTask 1.0
    \title SocketTask QML Types
    \brief Taro's WebSocket API for QML: the Taro singleton and the SocketTask type.

    \include requisites.qdocinc qml

    The rules (checks, errMsg strings, event order, limits) are the C++ core's; see the
    \l {SocketTask} C++ class.
*/

/*!
    \qmltype SocketTask
    \inqmlmodule SocketTask
    \brief A WebSocket task: what Taro.connectSocket() resolves with, and a declarative element.

    As returned by \l {Taro::connectSocket()}{Taro.connectSocket()}, a task is connecting
    already; add listeners in the Promise's \c then():

    \snippet TaroChat.qml connect

    Declared in QML, it connects while \l active is true:

    \snippet DeclarativeChat.qml socket

    Both come from the whole examples of \l {Getting Started in QML}.

    A task made by Taro.connectSocket() stays alive while it is not CLOSED, even when no
    JavaScript reference to it is left; once CLOSED the garbage collector may take it.
    The state values are on every task (\c {task.OPEN}) and on the type (\c {SocketTask.OPEN}).
*/

/*!
    \qmlproperty int SocketTask::socketTaskId
    The id of the current connection, from 1; 0 for an element that never connected.
*/
/*!
    \qmlproperty int SocketTask::readyState
    \c CONNECTING (0), \c OPEN (1), \c CLOSING (2) or \c CLOSED (3). An inactive element is
    \c CLOSED.
*/
/*!
    \qmlproperty string SocketTask::errMsg
    The errMsg of the latest result: of connecting, send(), close() or an error.
*/
/*!
    \qmlproperty string SocketTask::protocol
    The subprotocol the server chose, or an empty string.
*/
/*!
    \qmlproperty real SocketTask::bufferedAmount
    How many bytes wait to be written to the network: what send() accepted and the socket has
    not written yet, with each frame's header (2 to 14 bytes) and the pongs Qt queues itself (a
    browser counts the payload only). 0 once the task is CLOSING or CLOSED. It has no change
    signal (it changes with every write): read it when needed. When more than the limit waits
    (64 MiB; \c{SocketTask::setMaxBufferedAmount()} in C++), the task fails with 1008.
*/
/*!
    \qmlproperty string SocketTask::url
    The \c ws:// or \c wss:// URL. For the element, it takes effect the next time \l active
    becomes true.

    The element's options are typed (\c url a string, \c timeout a number, \c tcpNoDelay and
    \c perMessageDeflate booleans, \c protocols a list of strings), so qmllint and the QML
    engine catch a value of the wrong type: \c {url: 7} is a qmllint warning, and the engine
    turns 7 into "7", which connecting refuses with the errMsg of Taro.connectSocket. An
    option not set reads as its default. \c header and \c caCertificates stay JavaScript
    values, checked when connecting, because the engine would turn a wrong value into an
    empty one without a word. A task made by Taro.connectSocket keeps the options it was made
    with: only its \c url reads as its own, the other options read as their defaults.
*/
/*!
    \qmlproperty object SocketTask::header
    The element's extra handshake headers: an object of string values.
*/
/*!
    \qmlproperty list<string> SocketTask::protocols
    The element's offered subprotocols.
*/
/*!
    \qmlproperty real SocketTask::timeout
    The element's connect and handshake deadline in milliseconds; 0 means none. Default 60000.
*/
/*!
    \qmlproperty bool SocketTask::tcpNoDelay
    The element's TCP_NODELAY setting; unset keeps Qt's default (set).
*/
/*!
    \qmlproperty bool SocketTask::perMessageDeflate
    Accepted for Taro's sake; it has no effect (QtWebSockets has no compression).
*/
/*!
    \qmlproperty list<string> SocketTask::caCertificates
    The element's extra trusted certificates for \c wss://, as PEM text (or DER bytes in an
    ArrayBuffer): a private CA, say. The server's certificate is always verified, its host
    name included.
*/
/*!
    \qmlproperty object SocketTask::heartbeat
    The element's keepalive, \c {{ interval, timeout }} in milliseconds, as the \c heartbeat
    option of Taro.connectSocket: once OPEN, a ping every \c interval; when nothing at all
    arrives for \c timeout after one (default: \c interval; 0: never), the task fails with
    \c {"socketTask:fail heartbeat timeout"} and onClose 1006. Unset: no keepalive.
*/
/*!
    \qmlproperty string SocketTask::proxy
    The element's proxy, as the \c proxy option of Taro.connectSocket: an HTTP CONNECT proxy
    (\c {"http://user:password@host:3128"}) or a SOCKS5 one (\c {"socks5://host:1080"}), the
    user and password only if it wants them. Unset: the application's proxy, as for any
    QWebSocket.
*/
/*!
    \qmlproperty real SocketTask::bufferedAmountLowThreshold
    After a send leaves more than this many bytes waiting (\l bufferedAmount), the
    \l bufferedAmountLow() signal comes once, from the event loop, when the socket has written
    it down to this or below: RTCDataChannel's property, save that the default is -1 (off),
    not 0. Any negative value turns it off. Works for a task made by Taro.connectSocket (the
    task's own) and for the element (kept for each connection it makes).
*/
/*!
    \qmlproperty object SocketTask::reconnect
    The element's reconnect policy: set, the element connects again each time its connection
    closes with a code that retries (any but 1000 and 4000 to 4999, and the codes in
    \c retryCloseCodes) or cannot be made, while \l active stays true. Each connection is a
    new task (a new \l socketTaskId) with the element's listeners. The fields, all optional
    (the C++ \l {SocketTaskReconnector::Policy}):

    \table
    \header \li Field \li Default \li Meaning
    \row \li \c initialDelay \li 1000 \li ms before the first attempt
    \row \li \c multiplier \li 2 \li how much each wait grows over the one before
    \row \li \c maxDelay \li 30000 \li the longest wait, in ms
    \row \li \c jitter \li 0.5 \li the part of each wait, 0 to 1, taken off at random
    \row \li \c maxAttempts \li 0 \li attempts in a row that do not open before it gives
        up (\l gaveUp()); 0: no limit
    \row \li \c retryCloseCodes \li [] \li close codes that retry too (an application's
        4xxx code that means "come back later")
    \endtable

    \snippet Reconnect.qml reconnect

    The attempts count from 0 again once a connection opens. At the live-task limit
    (Taro.maxConcurrentTasks) it waits and tries again. \c {active = false} closes the
    connection with 1000 and stops. Checked when \l active becomes true, as the options are:
    \c {reconnect: { jitter: 2 }} fails with \c {"connectSocket:fail parameter error:
    parameter.reconnect.jitter must be a number from 0 to 1, not 2"} (errMsg, onError and
    \l gaveUp()). Unset: one connection each time \l active becomes true.
*/
/*!
    \qmlsignal SocketTask::reconnecting(int delay, int attempt)
    See \l reconnect: the connection closed (after the onClose listeners and \l closed()) or
    could not be made; attempt \a attempt starts in \a delay ms.
*/
/*!
    \qmlsignal SocketTask::gaveUp(string errMsg)
    See \l reconnect: the element stopped trying by itself, with \a errMsg, the last
    attempt's error, after \c maxAttempts attempts, or why the options were refused.
    \l active stays true: set it to false and true to begin again.
*/
/*!
    \qmlsignal SocketTask::bufferedAmountLow()
    See \l bufferedAmountLowThreshold. Only while the task is OPEN.
*/
/*!
    \qmlproperty real SocketTask::roundTripTime
    The milliseconds the last pong took to come back after its ping (see \l heartbeat); -1
    before one.
*/
/*!
    \qmlproperty bool SocketTask::active
    For the element: false at first; true connects with the properties above, false closes
    with 1000. A wrong property is reported through \l errMsg and \l errorOccurred().
*/
/*!
    \qmlproperty int SocketTask::CONNECTING
    0, on every task.
*/
/*!
    \qmlproperty int SocketTask::OPEN
    1, on every task.
*/
/*!
    \qmlproperty int SocketTask::CLOSING
    2, on every task.
*/
/*!
    \qmlproperty int SocketTask::CLOSED
    3, on every task.
*/
/*!
    \qmlmethod void SocketTask::onOpen(function listener)
    Adds \a listener, called with \c {{ header, protocol }} when the handshake succeeded.
    \c header is always empty: Qt 6.4 does not expose the response headers.
*/
/*!
    \qmlmethod void SocketTask::onMessage(function listener)
    Adds \a listener, called with \c {{ data }} for each message: a string for text, an
    ArrayBuffer for binary.
*/
/*!
    \qmlmethod void SocketTask::onError(function listener)
    Adds \a listener, called with \c {{ errMsg }} when connecting or the connection failed,
    just before onClose.
*/
/*!
    \qmlmethod void SocketTask::onClose(function listener)
    Adds \a listener, called once with \c {{ code, reason }} when the connection is over.
*/
/*!
    \qmlmethod Promise SocketTask::send(object option)
    Sends \a option's \c data: a string as text; an ArrayBuffer, a typed array or a DataView as
    binary. \c {option.success}, \c fail and \c complete run synchronously; the returned
    Promise resolves with the ok result and rejects with the fail result.
*/
/*!
    \qmlmethod Promise SocketTask::close(object option)
    Closes as \a option says: with its \c code (1000 or 3000 to 4999, default 1000) and \c reason
    (at most 123 bytes of UTF-8). Callbacks and Promise as for send().
*/
/*!
    \qmlsignal SocketTask::opened(object result)
    Emitted after the onOpen listeners, with the same \a result.
*/
/*!
    \qmlsignal SocketTask::messageReceived(object result)
    Emitted after the onMessage listeners, with the same \a result.
*/
/*!
    \qmlsignal SocketTask::errorOccurred(object result)
    Emitted after the onError listeners, with the same \a result; for the element, also when
    its properties fail the checks.
*/
/*!
    \qmlsignal SocketTask::closed(object result)
    Emitted after the onClose listeners, with the same \a result.
*/

QmlSocketTask::QmlSocketTask(QObject *parent)
    : QmlSocketTaskSignals(parent), m_element(std::make_unique<SocketTaskElement>())
{ }

QmlSocketTask::QmlSocketTask(SocketTask *task, SocketTaskBackend *backend)
    : m_backend(backend), m_active(true)
{
    attach(task);
    // Nobody may hold a JavaScript reference to it, yet it must keep working: it holds itself
    // until it is CLOSED, then the garbage collector may take it.
    QJSEngine::setObjectOwnership(this, QJSEngine::JavaScriptOwnership);
    m_self = backend->engine()->newQObject(this);
}

QmlSocketTask::~QmlSocketTask() = default;

SocketTaskBackend *QmlSocketTask::backend()
{
    if (!m_backend) {
        QJSEngine *engine = qjsEngine(this);
        Q_ASSERT_X(engine, "SocketTask", "used outside a QML engine");
        m_backend = SocketTaskBackend::of(engine);
    }
    return m_backend;
}

void QmlSocketTask::attach(SocketTask *task)
{
    m_task = task;
    task->setParent(this);
    connect(task, &SocketTask::readyStateChanged, this, &QmlSocketTask::readyStateChanged);
    connect(task, &SocketTask::errMsgChanged, this, &QmlSocketTask::errMsgChanged);
    connect(task, &SocketTask::protocolChanged, this, &QmlSocketTask::protocolChanged);
    connect(task, &SocketTask::roundTripTimeChanged, this, &QmlSocketTask::roundTripTimeChanged);
    task->setBufferedAmountLowThreshold(m_bufferedAmountLowThreshold);
    connect(task, &SocketTask::bufferedAmountLow, this, &QmlSocketTask::bufferedAmountLow);
    // The QML signals carry the listeners' result objects; make them only for a listener.
    connect(task, &SocketTask::opened, this, [this](const SocketTask::OnOpenCallbackResult &r) {
        if (isSignalConnected(QMetaMethod::fromSignal(&QmlSocketTask::opened)))
            Q_EMIT opened(backend()->toJs(r));
    });
    connect(task, &SocketTask::messageReceived, this,
        [this](const SocketTask::OnMessageCallbackResult &r) {
            if (isSignalConnected(QMetaMethod::fromSignal(&QmlSocketTask::messageReceived)))
                Q_EMIT messageReceived(backend()->toJs(r));
        });
    connect(
        task, &SocketTask::errorOccurred, this, [this](const SocketTask::OnErrorCallbackResult &r) {
            if (isSignalConnected(QMetaMethod::fromSignal(&QmlSocketTask::errorOccurred)))
                Q_EMIT errorOccurred(backend()->toJs(r));
        });
    connect(task, &SocketTask::closed, this, [this](const SocketTask::OnCloseCallbackResult &r) {
        if (isSignalConnected(QMetaMethod::fromSignal(&QmlSocketTask::closed)))
            Q_EMIT closed(backend()->toJs(r));
        m_self = QJSValue();
        m_added.clear(); // the core let go of them
    });
    Q_EMIT socketTaskIdChanged();
    Q_EMIT readyStateChanged();
    Q_EMIT errMsgChanged();
}

quint64 QmlSocketTask::addListener(Kind kind, const QJSValue &listener, SocketTask *task)
{
    SocketTaskBackend *b = backend();
    using Open = SocketTask::OnOpenCallbackResult;
    using Message = SocketTask::OnMessageCallbackResult;
    using Error = SocketTask::OnErrorCallbackResult;
    using Close = SocketTask::OnCloseCallbackResult;
    const SocketTaskBackend::Platform platform = m_platform;
    const int id = task->socketTaskId();
    switch (kind) {
    case SocketTaskElement::Open:
        return SocketTaskBinding::addListener(
            task, std::function<void(const Open &)>([b, listener, platform, id](const Open &r) {
                b->call(listener, b->nested(b->toJs(r), platform, id));
            }));
    case SocketTaskElement::Message:
        return SocketTaskBinding::addListener(task,
            std::function<void(const Message &)>(
                [b, wrapped = b->dataListener(listener, platform), platform, id](
                    const Message &r) { b->callWithData(wrapped, r.data, platform, id); }));
    case SocketTaskElement::Error:
        return SocketTaskBinding::addListener(
            task, std::function<void(const Error &)>([b, listener, platform, id](const Error &r) {
                b->call(listener, b->nested(b->toJs(r, platform), platform, id));
            }));
    case SocketTaskElement::Close:
        return SocketTaskBinding::addListener(
            task, std::function<void(const Close &)>([b, listener, platform, id](const Close &r) {
                b->call(listener, b->nested(b->toJs(r), platform, id));
            }));
    }
    return 0;
}

void QmlSocketTask::addRelay(const QString &kind, const QJSValue &listener)
{
    static const QStringList kinds = { QStringLiteral("open"), QStringLiteral("message"),
        QStringLiteral("error"), QStringLiteral("close") };
    const qsizetype index = kinds.indexOf(kind);
    if (m_task && index >= 0 && listener.isCallable())
        addListener(Kind(index), listener, m_task);
}

static const char *listenerApi[]
    = { "SocketTask.onOpen", "SocketTask.onMessage", "SocketTask.onError", "SocketTask.onClose" };
static const char *offApi[] = { "SocketTask.offOpen", "SocketTask.offMessage",
    "SocketTask.offError", "SocketTask.offClose" };

#define SOCKETTASK_LISTENER(method, kind)                                                          \
    void QmlSocketTask::method(const QJSValue &listener)                                           \
    {                                                                                              \
        if (!backend()->isListener(QString::fromLatin1(listenerApi[kind]), listener))              \
            return;                                                                                \
        if (m_element)                                                                             \
            m_element->listeners.append({ kind, listener });                                       \
        if (!m_task)                                                                               \
            return;                                                                                \
        if (const quint64 id = addListener(kind, listener, m_task))                                \
            m_added.append({ kind, listener, id });                                                \
    }
SOCKETTASK_LISTENER(onOpen, SocketTaskElement::Open)
SOCKETTASK_LISTENER(onMessage, SocketTaskElement::Message)
SOCKETTASK_LISTENER(onError, SocketTaskElement::Error)
SOCKETTASK_LISTENER(onClose, SocketTaskElement::Close)
#undef SOCKETTASK_LISTENER

// off*(listener): those that are `listener` (strict equality, as removeEventListener); with
// undefined, all of that kind. Anything else is a mistake, said as onOpen says it.
void QmlSocketTask::removeListeners(Kind kind, const QJSValue &listener)
{
    const bool all = listener.isUndefined();
    if (!all && !backend()->isListener(QString::fromLatin1(offApi[kind]), listener))
        return;
    auto matches = [kind, all, &listener](Kind k, const QJSValue &fn) {
        return k == kind && (all || fn.strictlyEquals(listener));
    };
    if (m_element) {
        m_element->listeners.removeIf(
            [&matches](const auto &added) { return matches(added.first, added.second); });
    }
    for (qsizetype i = 0; i < m_added.size();) {
        if (matches(m_added.at(i).kind, m_added.at(i).listener)) {
            const Added added = m_added.takeAt(i);
            if (m_task)
                SocketTaskBinding::removeListener(
                    m_task, SocketTaskBinding::ListenerKind(added.kind), added.id);
        } else {
            ++i;
        }
    }
}

void QmlSocketTask::offOpen(const QJSValue &listener)
{
    removeListeners(SocketTaskElement::Open, listener);
}

void QmlSocketTask::offMessage(const QJSValue &listener)
{
    removeListeners(SocketTaskElement::Message, listener);
}

void QmlSocketTask::offError(const QJSValue &listener)
{
    removeListeners(SocketTaskElement::Error, listener);
}

void QmlSocketTask::offClose(const QJSValue &listener)
{
    removeListeners(SocketTaskElement::Close, listener);
}

QJSValue QmlSocketTask::send(const QJSValue &option)
{
    SocketTaskBackend *b = backend();
    QJSValue data;
    if (m_task && option.isObject() && !option.isArray() && !option.isCallable()
        && b->onlyData(option, &data)) {
        // The hot path, { data } alone: no callbacks to wrap, no QVariantMap, and on success
        // the same settled Promise every time. No user code runs in here. The shape, one own
        // property `data`, stands for isPlainObject() here: asking that costs 2% of a send.
        const bool ok = SocketTaskBinding::sendData(m_task, b->toData(option, data));
        return ok
            ? b->resolved(m_task->errMsg())
            : b->settle(false, b->toJs(SocketTask::CallbackResult(m_task->errMsg()), m_platform));
    }
    SocketTaskBackend::CallRecord record(m_platform);
    const SocketTask::Callbacks callbacks = b->callbacks(option, &record);
    // A slot may delete the task inside the call; its callbacks still run.
    const QPointer<SocketTask> task = m_task;
    if (!m_task) {
        SocketTaskBinding::sendSocketMessage(nullptr, {}, callbacks); // an element never activated
    } else if (b->isPlainObject(option)) {
        // No QVariantMap of the options, only the data (Alipay's isBuffer read there).
        SocketTaskBinding::sendData(m_task, b->sendData(option, m_platform), callbacks);
    } else {
        SocketTaskBinding::send(m_task, b->toVariant(option), callbacks);
    }
    b->reportAfterReturn(record, task);
    return b->settle(record.ok, record.result);
}

QJSValue QmlSocketTask::close(const QJSValue &option)
{
    SocketTaskBackend *b = backend();
    SocketTaskBackend::CallRecord record(m_platform);
    const SocketTask::Callbacks callbacks = b->callbacks(option, &record);
    const QPointer<SocketTask> task = m_task; // a slot may delete it inside the call
    if (m_task)
        SocketTaskBinding::close(m_task, b->toVariant(option), callbacks);
    else
        SocketTaskBinding::closeSocket(nullptr, {}, callbacks);
    b->reportAfterReturn(record, task);
    return b->settle(record.ok, record.result);
}

int QmlSocketTask::socketTaskId() const
{
    return m_task ? m_task->socketTaskId() : 0;
}

int QmlSocketTask::readyState() const
{
    return m_task ? m_task->readyState() : SocketTask::CLOSED;
}

QString QmlSocketTask::errMsg() const
{
    if (m_task)
        return m_task->errMsg();
    return m_element ? m_element->errMsg : QString();
}

QString QmlSocketTask::protocol() const
{
    return m_task ? m_task->protocol() : QString();
}

double QmlSocketTask::bufferedAmount() const
{
    return m_task ? double(m_task->bufferedAmount()) : 0;
}

void QmlSocketTask::setErrMsg(const QString &errMsg)
{
    if (m_element->errMsg == errMsg)
        return;
    m_element->errMsg = errMsg;
    Q_EMIT errMsgChanged();
}

// Only an element's options can be set.
bool QmlSocketTask::isElement(const char *option) const
{
    if (!m_element) {
        qCWarning(lcSocketTaskQml,
            "SocketTask.%s: a task made by Taro.connectSocket keeps the options it was made with",
            option);
    }
    return m_element != nullptr;
}

QString QmlSocketTask::url() const
{
    if (m_element)
        return m_element->url.isUndefined() ? QString() : m_element->url.toString();
    return m_task ? m_task->url().toString() : QString(); // a Taro task's own
}

// The element keeps each option as the JavaScript value Taro.connectSocket would be given
// (undefined until set), so that connectElement() hands the core the same thing. One not set
// reads as the core's default. A task made by Taro.connectSocket keeps the options it was
// made with, and reads as the defaults.
#define SOCKETTASK_OPTION(Type, Param, getter, setter, signal, read, unset)                        \
    Type QmlSocketTask::getter() const                                                             \
    {                                                                                              \
        if (!m_element || m_element->getter.isUndefined())                                         \
            return unset;                                                                          \
        const QJSValue &value = m_element->getter;                                                 \
        return read;                                                                               \
    }                                                                                              \
    void QmlSocketTask::setter(Param value)                                                        \
    {                                                                                              \
        if (!isElement(#getter))                                                                   \
            return;                                                                                \
        if (!m_element->getter.isUndefined() && getter() == value)                                 \
            return;                                                                                \
        m_element->getter = qjsEngine(this)->toScriptValue(value);                                 \
        Q_EMIT signal();                                                                           \
    }
SOCKETTASK_OPTION(QStringList, const QStringList &, protocols, setProtocols, protocolsChanged,
    value.toVariant().toStringList(), QStringList())
SOCKETTASK_OPTION(double, double, timeout, setTimeout, timeoutChanged, value.toNumber(),
    SocketTask::ConnectOption().timeout())
// Qt sets TCP_NODELAY on its sockets unless told otherwise.
SOCKETTASK_OPTION(bool, bool, tcpNoDelay, setTcpNoDelay, tcpNoDelayChanged, value.toBool(),
    SocketTask::ConnectOption().tcpNoDelay().value_or(true))
SOCKETTASK_OPTION(
    QString, const QString &, proxy, setProxy, proxyChanged, value.toString(), QString())
SOCKETTASK_OPTION(bool, bool, perMessageDeflate, setPerMessageDeflate, perMessageDeflateChanged,
    value.toBool(), SocketTask::ConnectOption().perMessageDeflate())
#undef SOCKETTASK_OPTION

// header, caCertificates, heartbeat and reconnect stay JavaScript values (see qmlsockettask.h).
#define SOCKETTASK_SCRIPT_OPTION(field, setter, signal)                                            \
    void QmlSocketTask::setter(const QJSValue &value)                                              \
    {                                                                                              \
        if (!isElement(#field) || m_element->field.strictlyEquals(value))                          \
            return;                                                                                \
        m_element->field = value;                                                                  \
        Q_EMIT signal();                                                                           \
    }
SOCKETTASK_SCRIPT_OPTION(header, setHeader, headerChanged)
SOCKETTASK_SCRIPT_OPTION(caCertificates, setCaCertificates, caCertificatesChanged)
SOCKETTASK_SCRIPT_OPTION(heartbeat, setHeartbeat, heartbeatChanged)
SOCKETTASK_SCRIPT_OPTION(reconnect, setReconnect, reconnectChanged)
#undef SOCKETTASK_SCRIPT_OPTION

void QmlSocketTask::setBufferedAmountLowThreshold(double bytes)
{
    const qint64 threshold = bytes >= 0 && std::isfinite(bytes) ? qint64(bytes) : -1;
    if (threshold == m_bufferedAmountLowThreshold)
        return;
    m_bufferedAmountLowThreshold = threshold;
    if (m_task)
        m_task->setBufferedAmountLowThreshold(threshold);
    Q_EMIT bufferedAmountLowThresholdChanged();
}

void QmlSocketTask::setUrl(const QString &url)
{
    if (!isElement("url"))
        return;
    if (!m_element->url.isUndefined() && m_element->url.toString() == url)
        return;
    m_element->url = QJSValue(url);
    Q_EMIT urlChanged();
}

void QmlSocketTask::setActive(bool active)
{
    if (m_active == active)
        return;
    m_active = active;
    Q_EMIT activeChanged();
    if (m_element && !m_element->complete)
        return; // componentComplete() connects
    if (active && m_element)
        activate();
    else if (!active && m_element && m_element->reconnector)
        m_element->reconnector->stop(); // closes the task with 1000
    else if (!active && m_task)
        m_task->close();
}

void QmlSocketTask::componentComplete()
{
    if (!m_element)
        return;
    m_element->complete = true;
    if (m_active)
        activate();
}

// Becoming active: one connection, or a reconnector's first (the policy is checked as an
// option is; the reconnector makes each connection with connectElement()).
void QmlSocketTask::activate()
{
    if (m_element->reconnect.isUndefined()) {
        m_element->reconnector.reset();
        connectElement();
        return;
    }
    SocketTaskReconnector::Policy policy;
    const QString refused
        = SocketTaskBinding::reconnectPolicy(backend()->toVariant(m_element->reconnect), &policy);
    if (!refused.isEmpty()) {
        m_element->reconnector.reset();
        refuse(refused);
        QMetaObject::invokeMethod(
            this, [this, refused] { Q_EMIT gaveUp(refused); }, Qt::QueuedConnection);
        return;
    }
    if (!m_element->reconnector) {
        // A child too (deleted by its unique_ptr first): the element's object tree shows it.
        m_element->reconnector = std::make_unique<SocketTaskReconnector>(this);
        SocketTaskReconnector *reconnector = m_element->reconnector.get();
        SocketTaskBinding::setConnector(reconnector, [this](QString *failure) -> SocketTask * {
            connectElement();
            if (!m_task)
                *failure = m_element->errMsg;
            return m_task;
        });
        connect(
            reconnector, &SocketTaskReconnector::reconnecting, this, &QmlSocketTask::reconnecting);
        connect(reconnector, &SocketTaskReconnector::gaveUp, this, &QmlSocketTask::gaveUp);
    }
    m_element->reconnector->setPolicy(policy);
    m_element->reconnector->start();
}

// Options refused: no connection; errMsg says why, and onError, from the event loop.
void QmlSocketTask::refuse(const QString &errMsg)
{
    setErrMsg(errMsg);
    Q_EMIT socketTaskIdChanged();
    Q_EMIT readyStateChanged();
    // Like every event, from the event loop, not inside the assignment to `active`.
    QMetaObject::invokeMethod(
        this,
        [this, errMsg] {
            Q_EMIT errorOccurred(backend()->toJs(SocketTask::OnErrorCallbackResult(errMsg)));
        },
        Qt::QueuedConnection);
}

void QmlSocketTask::connectElement()
{
    SocketTaskBackend *b = backend();
    if (SocketTask *previous = m_task) {
        // Still closing from the last time: let it finish on its own, unheard.
        m_task = nullptr;
        previous->disconnect(this);
        previous->deleteLater();
    }
    // The element's properties have the options' names.
    QVariantMap option;
    for (const QString &name : SocketTaskBinding::connectOptionNames()) {
        const QJSValue value = m_element->option(name);
        if (!value.isUndefined() || name == QLatin1String("url"))
            option.insert(name, b->toVariant(value));
    }
    QString failure;
    SocketTask::Callbacks callbacks;
    callbacks.setFail([&failure](const SocketTask::CallbackResult &r) { failure = r.errMsg; });
    SocketTask *task = SocketTaskBinding::connectSocket(option, callbacks, this);
    if (!task) {
        refuse(failure);
        return;
    }
    SocketTaskBinding::setBeforeDelivery(task, &PromiseJobs::runPending);
    m_added.clear();
    for (const auto &[kind, listener] : std::as_const(m_element->listeners)) {
        if (const quint64 id = addListener(kind, listener, task))
            m_added.append({ kind, listener, id });
    }
    attach(task);
}
