// SPDX-License-Identifier: MIT
#include "sockettask.h"

#include "errmsg_p.h"
#include "sockettask_logging_p.h"
#include "websocketadapter_p.h"

#include <QBasicTimer>
#include <QMetaMethod>
#include <QTimerEvent>
#include <QWebSocket>

#include <atomic>
#include <exception>
#include <type_traits>
#include <vector>

Q_LOGGING_CATEGORY(lcSocketTask, "sockettask", QtInfoMsg)

namespace {

std::atomic<int> s_nextId { 1 };
std::atomic<int> s_liveTasks { 0 };
std::atomic<int> s_maxConcurrentTasks { 5 };
std::atomic<qint64> s_maxIncomingMessageSize { 64 * 1024 * 1024 };

bool reserveLiveSlot()
{
    const int limit = s_maxConcurrentTasks.load();
    int live = s_liveTasks.load();
    do {
        if (limit > 0 && live >= limit)
            return false;
    } while (!s_liveTasks.compare_exchange_weak(live, live + 1));
    return true;
}

// User code (listeners, callbacks) may throw; that must not stop the others or the task.
template<typename Fn, typename Arg>
void invokeUserCode(const Fn &fn, const Arg &arg, const char *what, int taskId)
{
    if (!fn)
        return;
    try {
        fn(arg);
    } catch (const std::exception &e) {
        qCWarning(lcSocketTask, "task %d: %s threw: %s", taskId, what, e.what());
    } catch (...) {
        qCWarning(lcSocketTask, "task %d: %s threw a non-standard exception", taskId, what);
    }
}

} // namespace

class SocketTaskPrivate : public WebSocketAdapter::Listener
{
public:
    // Marks a stretch of code that calls out to user code; tells whether the task died meanwhile.
    struct Guard
    {
        Guard(SocketTaskPrivate *d, bool insideWsSignal)
            : d(d), outer(d->guards), insideWsSignal(insideWsSignal)
        {
            // The chain holds stack objects on purpose: each takes itself off as it goes.
            QT_WARNING_PUSH
            QT_WARNING_DISABLE_GCC("-Wdangling-pointer")
            d->guards = this;
            QT_WARNING_POP
        }
        ~Guard()
        {
            if (!dead)
                d->guards = outer;
        }
        Q_DISABLE_COPY_MOVE(Guard)
        SocketTaskPrivate *d;
        Guard *outer;
        bool insideWsSignal;
        bool dead = false;
    };

    // connectSocket/send/close: events that happen meanwhile wait for the event loop.
    struct CallScope
    {
        explicit CallScope(SocketTaskPrivate *d) : d(d) { ++d->callDepth; }
        ~CallScope() { --d->callDepth; }
        Q_DISABLE_COPY_MOVE(CallScope)
        SocketTaskPrivate *d;
    };

    struct Event
    {
        enum Kind { Open, Message, Close } kind;
        SocketTask::OnMessageCallbackResult message; // for Message
    };

    explicit SocketTaskPrivate(SocketTask *q) : q(q), id(s_nextId.fetch_add(1)) { }

    void start(const ErrMsg::ConnectRequest &request);
    // What the socket says (WebSocketAdapter::Listener).
    void socketOpened() override;
    void socketText(const QString &message) override;
    void socketBinary(const QByteArray &message) override;
    void socketFailed(const QString &why) override;
    void socketMessageTooBig(qint64 limit) override;
    void socketOver() override;
    void post(Event &&event, Guard &guard); // Open, Message
    void postClose();
    void scheduleDrain();
    void drain();
    void deliver(Event &event, Guard &guard);
    void finish(Guard &guard);
    void recordError(const QString &errMsg, int closeCode = 1006);
    void failConnection();
    void setState(SocketTask::ReadyState state);
    // Inline: every send sets it, almost always to the same shared string.
    void setErrMsg(const QString &newErrMsg)
    {
        if (errMsg.constData() != newErrMsg.constData())
            changeErrMsg(newErrMsg);
    }
    void changeErrMsg(const QString &newErrMsg);
    // Qt's answer (isSignalConnected takes a lock: about 100 instructions), asked again only
    // after a connection to the signal changed (connectNotify may not ask it itself).
    bool messageReceivedIsConnected()
    {
        if (messageSlotsChanged.load(std::memory_order_relaxed)) {
            messageSlotsChanged.store(false, std::memory_order_relaxed);
            static const QMetaMethod signal = QMetaMethod::fromSignal(&SocketTask::messageReceived);
            messageSlots = q->isSignalConnected(signal);
        }
        return messageSlots;
    }
    void releaseLiveSlot();
    QString doSend(const QVariant &data); // the checks, in the contract's order, then write
    template<typename Data> bool sendAtOnce(const Data &data);
    // Data that passed the checks.
    void write(const QString &text);
    void write(const QByteArray &bytes);
    void write(const QVariant &data);
    QString doClose(int code, const QString &reason);

    // Owned one by one: a listener may add a listener while it runs, and the vector may move,
    // but the running std::function does not. (No allocation until a listener is added.)
    template<typename Result>
    using Listeners = std::vector<std::unique_ptr<std::function<void(const Result &)>>>;

    template<typename Result>
    void notify(const Listeners<Result> &listeners, const Result &result,
        void (SocketTask::*signal)(const Result &), const char *what, Guard &guard)
    {
        // Listeners added while this runs hear the next event, not this one.
        const size_t count = listeners.size();
        for (size_t i = 0; i < count; ++i) {
            invokeUserCode(*listeners[i], result, what, id);
            if (guard.dead)
                return;
        }
        // Messages are many: skip their emission when no slot listens.
        if constexpr (std::is_same_v<Result, SocketTask::OnMessageCallbackResult>) {
            if (!messageReceivedIsConnected())
                return;
        }
        Q_EMIT(q->*signal)(result);
    }

    SocketTask *const q;
    const int id;
    QUrl url;
    WebSocketAdapter socket;
    QBasicTimer timeout; // the connect + handshake deadline; see SocketTask::timerEvent
    SocketTask::ReadyState state = SocketTask::CONNECTING;
    QString errMsg;
    QString protocol;
    bool holdsLiveSlot = false;

    Listeners<SocketTask::OnOpenCallbackResult> openListeners;
    Listeners<SocketTask::OnMessageCallbackResult> messageListeners;
    Listeners<SocketTask::OnErrorCallbackResult> errorListeners;
    Listeners<SocketTask::OnCloseCallbackResult> closeListeners;

    QList<Event> queue; // events waiting for the event loop (see post)
    Guard *guards = nullptr;
    int callDepth = 0;
    bool drainScheduled = false;
    bool handshakeDone = false;
    bool closeQueued = false; // the connection is over; its Close event is queued or delivered
    bool abortedByUser = false;
    bool listenersReleased = false; // after onClose: nothing more to hear
    bool messageSlots = false; // see messageReceivedIsConnected
    std::atomic<bool> messageSlotsChanged { false };
    QString error; // the first error, reported just before onClose
    int errorCloseCode = 1006;
};

void SocketTaskPrivate::start(const ErrMsg::ConnectRequest &request)
{
    CallScope scope(this);
    url = request.url;
    errMsg = ErrMsg::connectOk;
    if (request.timeout > 0)
        timeout.start(request.timeout, q);
    qCDebug(lcSocketTask, "task %d: connecting to %s", id, qPrintable(url.toDisplayString()));
    socket.open(q, this, request, s_maxIncomingMessageSize.load());
}

// Each handler that may reach user code runs under a Guard marked "inside a ws signal", so that
// a listener that destroys the task from here has the QWebSocket deleted later, not under its
// own feet.
void SocketTaskPrivate::socketOpened()
{
    Guard guard(this, true);
    handshakeDone = true;
    timeout.stop();
    post({ Event::Open, {} }, guard);
}

void SocketTaskPrivate::socketText(const QString &message)
{
    Guard guard(this, true);
    post({ Event::Message, { message } }, guard);
}

void SocketTaskPrivate::socketBinary(const QByteArray &message)
{
    Guard guard(this, true);
    post({ Event::Message, { message } }, guard);
}

void SocketTaskPrivate::socketFailed(const QString &why)
{
    recordError(handshakeDone ? ErrMsg::connectionFailed(why) : ErrMsg::connectFailed(why));
}

void SocketTaskPrivate::socketMessageTooBig(qint64 limit)
{
    if (state != SocketTask::CLOSING) // else it is the code we closed with
        recordError(ErrMsg::messageTooBig(limit), QWebSocketProtocol::CloseCodeTooMuchData);
}

void SocketTaskPrivate::socketOver()
{
    Guard guard(this, true);
    postClose();
}

void SocketTaskPrivate::recordError(const QString &errMsg, int closeCode)
{
    // The first error wins. It may come after disconnected (Qt 6.4: refused, DNS): the Close
    // event is still queued then, and reports it.
    if (!error.isEmpty())
        return;
    qCDebug(lcSocketTask, "task %d: %s", id, qPrintable(errMsg));
    error = errMsg;
    errorCloseCode = closeCode;
}

void SocketTaskPrivate::failConnection()
{
    if (closeQueued)
        return;
    socket.abort(); // reports socketOver: the Close event
}

// Called from Qt's signals, under their `guard`: delivered at once when no connectSocket/send/
// close is on the stack and nothing waits, else queued behind what waits.
void SocketTaskPrivate::post(Event &&event, Guard &guard)
{
    if (closeQueued)
        return; // nothing follows onClose
    // After close(), a message that still arrives is dropped, as a browser does (WHATWG: only an
    // OPEN WebSocket fires message). Qt 6.4 never has one: its close() drops the connection at
    // once; later versions wait for the peer's close frame, and data may come first.
    if (event.kind == Event::Message && state == SocketTask::CLOSING)
        return;
    if (callDepth == 0 && queue.isEmpty()) {
        deliver(event, guard);
        return;
    }
    queue.push_back(std::move(event));
    scheduleDrain();
}

// Always through the event loop: Qt 6.4 signals disconnected before the error that caused it
// (refused, DNS), and onError must come first.
void SocketTaskPrivate::postClose()
{
    if (closeQueued)
        return;
    closeQueued = true;
    queue.push_back({ Event::Close, {} });
    scheduleDrain();
}

void SocketTaskPrivate::scheduleDrain()
{
    if (drainScheduled)
        return;
    drainScheduled = true;
    QMetaObject::invokeMethod(
        q, [this] { drain(); }, Qt::QueuedConnection);
}

void SocketTaskPrivate::drain()
{
    drainScheduled = false;
    Guard guard(this, false);
    while (!queue.isEmpty()) {
        Event event = queue.takeFirst();
        deliver(event, guard);
        if (guard.dead)
            return;
    }
}

void SocketTaskPrivate::deliver(Event &event, Guard &guard)
{
    switch (event.kind) {
    case Event::Open: {
        protocol = socket.subprotocol();
        setState(SocketTask::OPEN);
        if (guard.dead)
            return;
        if (!protocol.isEmpty())
            Q_EMIT q->protocolChanged(protocol);
        if (guard.dead)
            return;
        notify(openListeners, SocketTask::OnOpenCallbackResult { {}, protocol },
            &SocketTask::opened, "onOpen listener", guard);
        return;
    }
    case Event::Message:
        notify(messageListeners, event.message, &SocketTask::messageReceived, "onMessage listener",
            guard);
        return;
    case Event::Close:
        finish(guard);
        return;
    }
}

void SocketTaskPrivate::finish(Guard &guard)
{
    SocketTask::OnCloseCallbackResult result;
    if (error.isEmpty() && !abortedByUser) {
        // A close frame came (or we sent one): the peer's code and reason.
        result.code = socket.closeCode();
        result.reason = socket.closeReason();
    } else if (!error.isEmpty()) {
        // Failed or dropped without a close frame; Qt 6.4 would say 1000 here.
        result.code = errorCloseCode;
    }
    socket.stopListening();
    timeout.stop();
    qCDebug(lcSocketTask, "task %d: closed %d %s", id, result.code, qPrintable(result.reason));

    setState(SocketTask::CLOSED);
    if (guard.dead)
        return;
    if (!error.isEmpty()) {
        setErrMsg(error);
        if (guard.dead)
            return;
        notify(errorListeners, SocketTask::OnErrorCallbackResult { error },
            &SocketTask::errorOccurred, "onError listener", guard);
        if (guard.dead)
            return;
    }
    notify(closeListeners, result, &SocketTask::closed, "onClose listener", guard);
    if (guard.dead)
        return;
    // Nothing more will be heard: let go of what the listeners hold (JS closures among them).
    openListeners.clear();
    messageListeners.clear();
    errorListeners.clear();
    closeListeners.clear();
    listenersReleased = true;
}

void SocketTaskPrivate::setState(SocketTask::ReadyState newState)
{
    if (state == newState)
        return;
    state = newState;
    if (state == SocketTask::CLOSED)
        releaseLiveSlot(); // before anyone hears of it, so a listener may connect again
    Q_EMIT q->readyStateChanged(state);
}

void SocketTaskPrivate::changeErrMsg(const QString &newErrMsg)
{
    if (errMsg == newErrMsg)
        return;
    errMsg = newErrMsg;
    Q_EMIT q->errMsgChanged(errMsg);
}

void SocketTaskPrivate::releaseLiveSlot()
{
    if (holdsLiveSlot) {
        holdsLiveSlot = false;
        s_liveTasks.fetch_sub(1);
    }
}

QString SocketTaskPrivate::doSend(const QVariant &data)
{
    QString result = ErrMsg::checkSendData(data);
    if (!result.isEmpty())
        return result;
    if (state != SocketTask::OPEN)
        return ErrMsg::sendNotOpen;
    if (closeQueued)
        return ErrMsg::sendNotConnected; // dropped; onClose is on its way
    write(data);
    return ErrMsg::sendOk;
}

// The hot path of a send without callbacks: data that passes the checks, on an OPEN task, is
// written at once, without the result bookkeeping. False: doSend finds the errMsg.
template<typename Data> bool SocketTaskPrivate::sendAtOnce(const Data &data)
{
    if (state != SocketTask::OPEN || closeQueued || !ErrMsg::sendDataPasses(data))
        return false;
    write(data);
    setErrMsg(ErrMsg::sendOk);
    return true;
}

void SocketTaskPrivate::write(const QString &text)
{
    CallScope scope(this);
    socket.sendText(text);
}

void SocketTaskPrivate::write(const QByteArray &bytes)
{
    CallScope scope(this);
    socket.sendBinary(bytes);
}

void SocketTaskPrivate::write(const QVariant &data)
{
    if (data.typeId() == QMetaType::QString)
        write(*static_cast<const QString *>(data.constData()));
    else
        write(*static_cast<const QByteArray *>(data.constData()));
}

QString SocketTaskPrivate::doClose(int code, const QString &reason)
{
    QString result = ErrMsg::checkClose(code, reason);
    if (!result.isEmpty())
        return result;
    if (state == SocketTask::CLOSED)
        return ErrMsg::closeNotConnected;
    if (state == SocketTask::CLOSING || closeQueued)
        return ErrMsg::closeOk;
    CallScope scope(this);
    if (state == SocketTask::CONNECTING) {
        // The attempt is aborted; forget what the handshake may already have queued (the user
        // never saw OPEN).
        abortedByUser = true;
        queue.clear();
        failConnection();
    } else {
        setState(SocketTask::CLOSING);
        socket.close(code, reason);
    }
    return ErrMsg::closeOk;
}

namespace {

void report(const SocketTask::Callbacks &callbacks, const SocketTask::CallbackResult &result,
    bool ok, int taskId)
{
    invokeUserCode(
        ok ? callbacks.success : callbacks.fail, result, ok ? "success" : "fail", taskId);
    invokeUserCode(callbacks.complete, result, "complete", taskId);
}

bool isOk(const QString &errMsg)
{
    // The ok results are the shared strings of errmsg_p.h: compare by identity first.
    const QChar *p = errMsg.constData();
    if (p == ErrMsg::sendOk.constData() || p == ErrMsg::closeOk.constData())
        return true;
    return errMsg.endsWith(QLatin1String(":ok"));
}

} // namespace

/*!
    \module SocketTask
    \title SocketTask C++ Classes
    \brief The C++ core of SocketTask: Taro's WebSocket task API over QWebSocket.

    Link \c SocketTask::SocketTask with CMake (\c {find_package(SocketTask CONFIG REQUIRED)}) and
    include \c {<SocketTask>}. The core links Qt Core, Network and WebSockets only, so a Qt
    Widgets application uses it with no QML.
*/

/*!
    \class SocketTask
    \inmodule SocketTask
    \brief A WebSocket connection with the API of Taro's and WeChat's SocketTask.

    A task is made by connectSocket(), which checks its options, starts connecting and returns
    at once. What then happens is told to the listeners added with onOpen(), onMessage(),
    onError() and onClose(), and by the signals opened(), messageReceived(), errorOccurred() and
    closed(), always from the event loop and in this order: onOpen at most once, onMessage for
    each message, onError at most once, and onClose exactly once.

    \code
    SocketTask::ConnectOption option;
    option.url = QUrl("wss://example.com/chat");
    SocketTask *task = SocketTask::connectSocket(option, this);
    task->onOpen([task](const SocketTask::OnOpenCallbackResult &) {
        task->send(QStringLiteral("hello")); // a QByteArray is sent as binary
    });
    task->onMessage([](const SocketTask::OnMessageCallbackResult &r) { qDebug() << r.data; });
    \endcode

    Each call (connectSocket(), send(), close()) reports its result synchronously: the
    \c success or \c fail callback of its option, then \c complete, with an \c errMsg such as
    \c {"sendSocketMessage:ok"}. The same string becomes the task's \l errMsg.

    One QWebSocket is made for each task and is reachable through ws() for what this API does
    not cover, such as a proxy. Qt 6.4 does not expose the handshake's response headers, so
    OnOpenCallbackResult::header is always empty; and QtWebSockets has no compression, so
    ConnectOption::perMessageDeflate has no effect.

    Messages are logged in the category \c sockettask: warnings (a listener threw) by default,
    each event with \c {QT_LOGGING_RULES="sockettask.debug=true"}.
*/

/*!
    \enum SocketTask::ReadyState

    The state of a task. States only move forward: CONNECTING to OPEN to CLOSING to CLOSED,
    or straight to CLOSED when connecting fails or the connection drops.

    \value CONNECTING   0: the connection is being made (TCP, TLS, the WebSocket handshake).
    \value OPEN         1: messages can be sent and received.
    \value CLOSING      2: close() was called; the closing handshake is under way.
    \value CLOSED       3: the connection is over; onClose has been or is about to be heard.
*/

/*!
    \property SocketTask::socketTaskId
    \brief a number that identifies the task in this process, from 1, never reused.
*/

/*!
    \property SocketTask::readyState
    \brief the state of the task.
*/

/*!
    \property SocketTask::errMsg
    \brief the errMsg of the latest result on this task: of connectSocket(), send(), close(),
    or of an error reported to onError.
*/

/*!
    \property SocketTask::protocol
    \brief the subprotocol the server chose among ConnectOption::protocols, or an empty string.
*/

/*!
    \property SocketTask::url
    \brief the URL the task connects to.
*/

/*!
    \property SocketTask::CONNECTING
    \brief the value of ReadyState::CONNECTING, 0, on every task, as Taro has it.
*/

/*!
    \property SocketTask::OPEN
    \brief the value of ReadyState::OPEN, 1, on every task.
*/

/*!
    \property SocketTask::CLOSING
    \brief the value of ReadyState::CLOSING, 2, on every task.
*/

/*!
    \property SocketTask::CLOSED
    \brief the value of ReadyState::CLOSED, 3, on every task.
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
*/
/*!
    \variable SocketTask::Callbacks::success
    \brief runs when the call succeeds.
*/
/*!
    \variable SocketTask::Callbacks::fail
    \brief runs when the call fails.
*/
/*!
    \variable SocketTask::Callbacks::complete
    \brief runs after success or fail, whichever ran.
*/

/*!
    \class SocketTask::ConnectOption
    \inmodule SocketTask
    \brief The options of connectSocket(), with Taro's field names.
*/
/*!
    \variable SocketTask::ConnectOption::url
    \brief a \c ws:// or \c wss:// URL with a host.
*/
/*!
    \variable SocketTask::ConnectOption::header
    \brief extra HTTP headers sent with the handshake. Names must be HTTP tokens, values must
    not hold CR, LF or NUL, and the headers the handshake writes itself (Host, Connection,
    Upgrade, Sec-WebSocket-Key, Sec-WebSocket-Version, Sec-WebSocket-Extensions,
    Content-Length) cannot be given.
*/
/*!
    \variable SocketTask::ConnectOption::protocols
    \brief the subprotocols offered in \c Sec-WebSocket-Protocol.
*/
/*!
    \variable SocketTask::ConnectOption::tcpNoDelay
    \brief sets or clears TCP_NODELAY on the socket; unset keeps Qt's default (set).
*/
/*!
    \variable SocketTask::ConnectOption::caCertificates
    \brief certificates trusted for \c wss:// in addition to the system's, such as a private
    CA. The peer's certificate is always verified, its host name included. In the QVariant
    overload: an array of PEM strings or DER QByteArrays.
*/
/*!
    \variable SocketTask::ConnectOption::perMessageDeflate
    \brief accepted for Taro's sake; it has no effect, as QtWebSockets has no compression.
*/
/*!
    \variable SocketTask::ConnectOption::timeout
    \brief milliseconds allowed for connecting and the handshake; 0 means no limit.
*/

/*!
    \class SocketTask::SendOption
    \inmodule SocketTask
    \brief The option of send().
*/
/*!
    \variable SocketTask::SendOption::data
    \brief a QString sends a text message, a QByteArray a binary message.
*/

/*!
    \class SocketTask::CloseOption
    \inmodule SocketTask
    \brief The option of close().
*/
/*!
    \variable SocketTask::CloseOption::code
    \brief the close code: 1000, or 3000 to 4999.
*/
/*!
    \variable SocketTask::CloseOption::reason
    \brief the close reason, at most 123 bytes of UTF-8.
*/

/*!
    \class SocketTask::OnOpenCallbackResult
    \inmodule SocketTask
    \brief What onOpen listeners receive.
*/
/*!
    \variable SocketTask::OnOpenCallbackResult::header
    \brief always empty: Qt 6.4 does not expose the handshake's response headers.
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

/*!
    \class SocketTask::ScriptType
    \inmodule SocketTask
    \brief Stands for a script value that has no Qt counterpart in the QVariant overloads.

    A binding of a dynamically typed language puts \c {QVariant::fromValue(ScriptType{"Function"})}
    where a function (or a Date, a Symbol...) was given, so that errMsg can name its type.
*/
/*!
    \variable SocketTask::ScriptType::exception
    \brief when reading the value threw, what it threw; errMsg then says so.
*/
/*!
    \variable SocketTask::ScriptType::name
    \brief the type's name as errMsg shows it, such as \c Function.
*/

/*!
    \fn void SocketTask::opened(const SocketTask::OnOpenCallbackResult &result)
    Emitted after the onOpen listeners ran, with the same \a result.
*/
/*!
    \fn void SocketTask::messageReceived(const SocketTask::OnMessageCallbackResult &result)
    Emitted after the onMessage listeners ran, with the same \a result.
*/
/*!
    \fn void SocketTask::errorOccurred(const SocketTask::OnErrorCallbackResult &result)
    Emitted after the onError listeners ran, with the same \a result.
*/
/*!
    \fn void SocketTask::closed(const SocketTask::OnCloseCallbackResult &result)
    Emitted after the onClose listeners ran, with the same \a result.
*/
/*!
    \fn void SocketTask::readyStateChanged(SocketTask::ReadyState readyState)
    Emitted when the state changes to \a readyState.
*/
/*!
    \fn void SocketTask::errMsgChanged(const QString &errMsg)
    Emitted when the task's errMsg changes to \a errMsg.
*/
/*!
    \fn void SocketTask::protocolChanged(const QString &protocol)
    Emitted when the server chose the subprotocol \a protocol.
*/
/*!
    \fn int SocketTask::connectingValue() const
    \internal
*/
/*!
    \fn int SocketTask::openValue() const
    \internal
*/
/*!
    \fn int SocketTask::closingValue() const
    \internal
*/
/*!
    \fn int SocketTask::closedValue() const
    \internal
*/

SocketTask::SocketTask(QObject *parent) : QObject(parent), d(new SocketTaskPrivate(this)) { }

/*!
    \reimp
*/
void SocketTask::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&SocketTask::messageReceived))
        d->messageSlotsChanged.store(true, std::memory_order_relaxed);
}

/*!
    \reimp
*/
void SocketTask::disconnectNotify(const QMetaMethod &signal)
{
    // Qt passes an invalid method when it does not say which signal lost a slot.
    if (!signal.isValid() || signal == QMetaMethod::fromSignal(&SocketTask::messageReceived))
        d->messageSlotsChanged.store(true, std::memory_order_relaxed);
}

/*!
    \reimp
*/
void SocketTask::timerEvent(QTimerEvent *event)
{
    if (event->timerId() != d->timeout.timerId())
        return QObject::timerEvent(event);
    d->timeout.stop();
    if (d->closeQueued || d->handshakeDone)
        return;
    d->recordError(ErrMsg::connectTimeout);
    d->failConnection();
}

/*!
    Destroys the task. An open connection is closed with 1001 (going away); no listener runs
    afterwards. A listener may destroy its own task.
*/
SocketTask::~SocketTask()
{
    // Listeners that are running learn that the task is gone; none runs after this.
    bool insideWsSignal = false;
    for (auto *guard = d->guards; guard; guard = guard->outer) {
        guard->dead = true;
        insideWsSignal = insideWsSignal || guard->insideWsSignal;
    }
    d->releaseLiveSlot();
    d->socket.destroy(insideWsSignal);
}

/*!
    Checks \a option, and if it is valid makes a task with \a parent that starts connecting,
    and returns it in the CONNECTING state. Then \c success and \c complete run with
    \c {{ socketTaskId, errMsg: "connectSocket:ok" }}.

    If an option is invalid, or maxConcurrentTasks() tasks are live already, \c fail and
    \c complete run with an errMsg that says why, and it returns \nullptr.
*/
SocketTask *SocketTask::connectSocket(const ConnectOption &option, QObject *parent)
{
    QVariantMap header;
    for (auto it = option.header.cbegin(); it != option.header.cend(); ++it)
        header.insert(it.key(), it.value());
    QVariantMap map { { QStringLiteral("url"), option.url }, { QStringLiteral("header"), header },
        { QStringLiteral("protocols"), option.protocols },
        { QStringLiteral("perMessageDeflate"), option.perMessageDeflate },
        { QStringLiteral("timeout"), option.timeout } };
    if (option.tcpNoDelay)
        map.insert(QStringLiteral("tcpNoDelay"), *option.tcpNoDelay);
    if (!option.caCertificates.isEmpty()) {
        QVariantList certificates;
        for (const QSslCertificate &certificate : option.caCertificates)
            certificates << certificate.toDer();
        map.insert(QStringLiteral("caCertificates"), certificates);
    }
    return connectSocket(map, option, parent);
}

/*!
    \overload
    The same as connectSocket() with a ConnectOption, for bindings of dynamically typed
    languages: \a option is a QVariantMap with the fields of ConnectOption, \a callbacks are
    the call's callbacks, and \a parent becomes the task's parent. A field of the wrong type is
    reported with its JavaScript type name (see typeName()).
*/
SocketTask *SocketTask::connectSocket(
    const QVariant &option, const Callbacks &callbacks, QObject *parent)
{
    ErrMsg::ConnectRequest request;
    QString error = ErrMsg::checkConnectOption(option, &request);
    if (error.isEmpty() && !reserveLiveSlot())
        error = ErrMsg::exceedLimit(s_maxConcurrentTasks.load());
    if (!error.isEmpty()) {
        qCDebug(lcSocketTask) << error;
        report(callbacks, { error, 0 }, false, 0);
        return nullptr;
    }
    auto *task = new SocketTask(parent);
    task->d->holdsLiveSlot = true;
    task->d->start(request);
    const int id = task->d->id;
    report(callbacks, { ErrMsg::connectOk, id }, true, id); // may delete the task: touch nothing
    return task;
}

/*!
    Sends \a option's data: a QString as a text message, a QByteArray as a binary message.
    It fails unless the task is OPEN. Returns true when the message was queued to the socket,
    as the \c success callback also tells.
*/
bool SocketTask::send(const SendOption &option)
{
    if (!option.success && !option.fail && !option.complete && d->sendAtOnce(option.data))
        return true;
    const QString result = d->doSend(option.data);
    const bool ok = isOk(result);
    d->setErrMsg(result);
    report(option, { result, 0 }, ok, d->id); // may delete the task: touch nothing after
    return ok;
}

/*!
    \overload
    Sends \a text as a text message: the same as \c{send({ {}, text })}, without building a
    SendOption (the cheapest way to send from C++).
*/
bool SocketTask::send(const QString &text)
{
    return d->sendAtOnce(text) || send(SendOption { {}, text });
}

/*!
    \overload
    Sends \a data as a binary message.
*/
bool SocketTask::send(const QByteArray &data)
{
    return d->sendAtOnce(data) || send(SendOption { {}, data });
}

/*!
    \overload
    Sends \a text, UTF-8, as a text message: a string literal is text, as in JavaScript. A null
    pointer fails as null data does.
*/
bool SocketTask::send(const char *text)
{
    return text ? send(QString::fromUtf8(text))
                : send(SendOption { {}, QVariant::fromValue(nullptr) });
}

/*!
    \overload
    The same, for bindings: \a option is a QVariantMap with \c data; \a callbacks are the
    call's callbacks.
*/
void SocketTask::send(const QVariant &option, const Callbacks &callbacks)
{
    QVariant data;
    QString result = ErrMsg::checkSendOption(option, &data);
    if (result.isEmpty())
        result = d->doSend(data);
    d->setErrMsg(result);
    report(callbacks, { result, 0 }, isOk(result), d->id);
}

/*!
    Closes the connection with code 1000.
*/
void SocketTask::close()
{
    close(CloseOption());
}

/*!
    Closes the connection with \a option's code and reason. When OPEN, the task becomes
    CLOSING and onClose later tells the code and reason that came back; when CONNECTING, the
    attempt is aborted and onClose tells 1006, with no onError. It fails when the task is
    already CLOSED, or when the code is not 1000 or 3000 to 4999, or the reason is longer than
    123 bytes of UTF-8.
*/
void SocketTask::close(const CloseOption &option)
{
    const QString result = d->doClose(option.code, option.reason);
    d->setErrMsg(result);
    report(option, { result, 0 }, isOk(result), d->id);
}

/*!
    \overload
    The same, for bindings: \a option is a QVariantMap with \c code and \c reason, or
    invalid for the defaults; \a callbacks are the call's callbacks.
*/
void SocketTask::close(const QVariant &option, const Callbacks &callbacks)
{
    int code = 1000;
    QString reason;
    QString result = ErrMsg::checkCloseOption(option, &code, &reason);
    if (result.isEmpty())
        result = d->doClose(code, reason);
    d->setErrMsg(result);
    report(callbacks, { result, 0 }, isOk(result), d->id);
}

/*!
    WeChat's one-socket \c sendSocketMessage: sends \a option through \a task as send() does,
    with \a callbacks. With no task, or a CLOSED one, it fails with
    \c {"sendSocketMessage:fail WebSocket is not connected"}.
*/
void SocketTask::sendSocketMessage(
    SocketTask *task, const QVariant &option, const Callbacks &callbacks)
{
    if (task && task->readyState() != CLOSED) {
        task->send(option, callbacks);
        return;
    }
    report(callbacks, { ErrMsg::sendNotConnected, 0 }, false, 0);
}

/*!
    WeChat's one-socket \c closeSocket: closes \a task with \a option as close() does, with
    \a callbacks. With no task, or a CLOSED one, it fails with
    \c {"closeSocket:fail WebSocket is not connected"}.
*/
void SocketTask::closeSocket(SocketTask *task, const QVariant &option, const Callbacks &callbacks)
{
    if (task && task->readyState() != CLOSED) {
        task->close(option, callbacks);
        return;
    }
    report(callbacks, { ErrMsg::closeNotConnected, 0 }, false, 0);
}

/*!
    Adds \a listener, to run when the handshake succeeded. Each call adds one; listeners run in
    the order they were added, from the event loop. One that throws is logged, and the others
    still run.
*/
void SocketTask::onOpen(std::function<void(const OnOpenCallbackResult &)> listener)
{
    if (listener && !d->listenersReleased)
        d->openListeners.push_back(
            std::make_unique<std::decay_t<decltype(listener)>>(std::move(listener)));
}

/*!
    Adds \a listener, to run for each message, in the order they arrived.
*/
void SocketTask::onMessage(std::function<void(const OnMessageCallbackResult &)> listener)
{
    if (listener && !d->listenersReleased)
        d->messageListeners.push_back(
            std::make_unique<std::decay_t<decltype(listener)>>(std::move(listener)));
}

/*!
    Adds \a listener, to run when connecting failed (refused, host not found, TLS, a refused
    handshake, the timeout) or the connection failed (dropped, a message over
    maxIncomingMessageSize()). It runs just before onClose.
*/
void SocketTask::onError(std::function<void(const OnErrorCallbackResult &)> listener)
{
    if (listener && !d->listenersReleased)
        d->errorListeners.push_back(
            std::make_unique<std::decay_t<decltype(listener)>>(std::move(listener)));
}

/*!
    Adds \a listener, to run once when the connection is over. After it ran, the task lets go
    of all its listeners.
*/
void SocketTask::onClose(std::function<void(const OnCloseCallbackResult &)> listener)
{
    if (listener && !d->listenersReleased)
        d->closeListeners.push_back(
            std::make_unique<std::decay_t<decltype(listener)>>(std::move(listener)));
}

/*!
    Returns the task's id; see \l socketTaskId.
*/
int SocketTask::socketTaskId() const
{
    return d->id;
}
/*!
    Returns the task's state.
*/
SocketTask::ReadyState SocketTask::readyState() const
{
    return d->state;
}
/*!
    Returns the errMsg of the latest result on this task.
*/
QString SocketTask::errMsg() const
{
    return d->errMsg;
}
/*!
    Returns the subprotocol the server chose.
*/
QString SocketTask::protocol() const
{
    return d->protocol;
}
/*!
    Returns the URL the task connects to.
*/
QUrl SocketTask::url() const
{
    return d->url;
}
/*!
    Returns the QWebSocket the task wraps, for what the API does not cover (proxy, TLS details).
    Listening to its signals is fine; calling open() or close() on it bypasses the task.
*/
QWebSocket *SocketTask::ws() const
{
    return d->socket.ws();
}

/*!
    Returns how many tasks may be live (not CLOSED) at once; 0 means no limit. The default is 5.
*/
int SocketTask::maxConcurrentTasks()
{
    return s_maxConcurrentTasks.load();
}
/*!
    Sets the number of live tasks allowed at once to \a limit; 0 means no limit.
*/
void SocketTask::setMaxConcurrentTasks(int limit)
{
    if (limit < 0) {
        qCWarning(lcSocketTask,
            "setMaxConcurrentTasks: the limit is 0 (none) or more, not %d; "
            "it stays %d",
            limit, s_maxConcurrentTasks.load());
        return;
    }
    s_maxConcurrentTasks.store(limit);
}
/*!
    Returns how many tasks are live (made and not yet CLOSED) in this process.
*/
int SocketTask::liveTaskCount()
{
    return s_liveTasks.load();
}
/*!
    Returns the largest incoming message, in bytes, a task accepts (64 MiB by default). A
    bigger one closes the task with 1009, reported through onError and onClose.
*/
qint64 SocketTask::maxIncomingMessageSize()
{
    return s_maxIncomingMessageSize.load();
}
/*!
    Sets the largest incoming message for tasks made from now on to \a bytes.
*/
void SocketTask::setMaxIncomingMessageSize(qint64 bytes)
{
    if (bytes < 1) {
        qCWarning(lcSocketTask,
            "setMaxIncomingMessageSize: the size is 1 byte or more, not %lld; "
            "it stays %lld",
            bytes, s_maxIncomingMessageSize.load());
        return;
    }
    s_maxIncomingMessageSize.store(bytes);
}

/*!
    Returns the JavaScript name of \a value's type as errMsg uses it: \c Undefined for an
    invalid QVariant, \c Null for \nullptr, \c Number, \c String, \c Boolean, \c Array,
    \c Object, \c ArrayBuffer for a QByteArray, or a ScriptType's name.
*/
QString SocketTask::typeName(const QVariant &value)
{
    return ErrMsg::typeName(value);
}
