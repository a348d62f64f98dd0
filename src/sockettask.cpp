// SPDX-License-Identifier: MIT
#include "sockettask_p.h"
#include "sockettaskbinding_p.h"

#include <QCoreApplication>
#include <QTimerEvent>
#include <QWebSocket>

#include <algorithm>
#include <exception>
#include <type_traits>

Q_LOGGING_CATEGORY(lcSocketTask, "sockettask", QtInfoMsg)

namespace {

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

std::atomic<int> s_nextId { 1 };
std::atomic<int> s_liveTasks { 0 };
std::atomic<int> s_maxConcurrentTasks { Default::maxConcurrentTasks };
std::atomic<qint64> s_maxIncomingMessageSize { Default::maxIncomingMessageSize };
std::atomic<qint64> s_maxBufferedAmount { Default::maxBufferedAmount };
std::atomic<int> s_frameTimeout { Default::frameTimeout };
std::atomic<int> s_closingTimeout { Default::closingTimeout };

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

// A process-wide limit: a value under `least` is refused, with a warning that says the rule.
template<typename T> void setLimit(std::atomic<T> &limit, T value, T least, const char *rule)
{
    if (value >= least) {
        limit.store(value);
        return;
    }
    qCWarning(lcSocketTask, "%s, not %s; it stays %s", rule, qPrintable(QString::number(value)),
        qPrintable(QString::number(limit.load())));
}

} // namespace

SocketTaskPrivate::SocketTaskPrivate(SocketTask *q)
    : q(q), id(s_nextId.fetch_add(1)), events(q, this)
{ }

SocketTask *SocketTaskPrivate::connect(
    const QVariant &option, const SocketTask::Callbacks &callbacks, QObject *parent)
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

void SocketTaskPrivate::report(const SocketTask::Callbacks &callbacks,
    const SocketTask::CallbackResult &result, bool ok, int taskId)
{
    invokeUserCode(
        ok ? callbacks.success() : callbacks.fail(), result, ok ? "success" : "fail", taskId);
    invokeUserCode(callbacks.complete(), result, "complete", taskId);
}

bool SocketTaskPrivate::finishCall(const QString &result, const SocketTask::Callbacks &callbacks)
{
    const bool ok = ErrMsg::isOk(result);
    const int taskId = id; // a slot of errMsgChanged may destroy the task
    setErrMsg(result);
    report(callbacks, { result, 0 }, ok, taskId);
    return ok;
}

void SocketTaskPrivate::start(const ErrMsg::ConnectRequest &request)
{
    Events::CallScope scope(&events);
    url = request.url;
    errMsg = ErrMsg::connectOk;
    // Every deadline here is a precise timer: a coarse one may fire 5% early, and, as a
    // browser's setTimeout, none ends before the time it was given.
    if (request.timeout > 0)
        timeout.start(request.timeout, Qt::PreciseTimer, q);
    heartbeatInterval = request.heartbeatInterval;
    heartbeatTimeout = request.heartbeatTimeout;
    qCDebug(lcSocketTask, "task %d: connecting to %s", id, qPrintable(url.toDisplayString()));
    socket.open(q, this, request, s_maxIncomingMessageSize.load(), s_maxBufferedAmount.load());
}

// Each handler that may reach user code runs under a Guard marked "inside a socket signal", so
// that a listener that destroys the task from here has the QWebSocket deleted later, not under
// its own feet.
void SocketTaskPrivate::socketOpened(QVariantMap &&header)
{
    Guard guard(&events, true);
    phase = Phase::Open;
    openHeader = std::move(header);
    timeout.stop();
    if (heartbeatInterval > 0)
        heartbeat.start(heartbeatInterval, Qt::PreciseTimer, q);
    post({ Event::Open, {} }, guard);
}

void SocketTaskPrivate::socketText(const QString &message)
{
    Guard guard(&events, true);
    post({ Event::Message, { message } }, guard);
}

void SocketTaskPrivate::socketBinary(const QByteArray &message)
{
    Guard guard(&events, true);
    post({ Event::Message, { message } }, guard);
}

void SocketTaskPrivate::socketFailed(const QString &why, int closeCode)
{
    const bool opened = phase == Phase::Open || phase == Phase::OverAfterOpen;
    recordError(opened ? ErrMsg::connectionFailed(why) : ErrMsg::connectFailed(why), closeCode);
}

void SocketTaskPrivate::socketRead(bool inside)
{
    heardSincePing = true;
    if (phase != Phase::Open)
        return;
    if (inside) // again after each read: no data for that long
        timeout.start(s_frameTimeout.load(), Qt::PreciseTimer, q);
    else if (timeout.isActive())
        timeout.stop();
}

void SocketTaskPrivate::socketPong(qint64 ms)
{
    Guard guard(&events, true); // a slot may destroy the task
    roundTripTime = ms;
    Q_EMIT q->roundTripTimeChanged(ms);
}

void SocketTaskPrivate::heartbeatTick()
{
    if (phase != Phase::Open || state != SocketTask::OPEN) {
        heartbeat.stop(); // closing or over: no more pings
        return;
    }
    if (heartbeatDeadline.isActive() && !heardSincePing)
        return; // one unanswered ping at a time: the deadline decides
    heardSincePing = false;
    socket.ping();
    if (heartbeatTimeout > 0)
        heartbeatDeadline.start(heartbeatTimeout, Qt::PreciseTimer, q);
}

void SocketTaskPrivate::heartbeatExpired()
{
    heartbeatDeadline.stop();
    if (heardSincePing || phase != Phase::Open)
        return;
    heartbeat.stop();
    qCDebug(lcSocketTask, "task %d: nothing heard for %d ms after a ping", id, heartbeatTimeout);
    socket.fail(ErrMsg::heartbeatTimedOut);
}

void SocketTaskPrivate::socketMessageTooBig(qint64 limit)
{
    if (state != SocketTask::CLOSING) // else it is the code we closed with
        recordError(ErrMsg::messageTooBig(limit), QWebSocketProtocol::CloseCodeTooMuchData);
}

// Always through the event loop: Qt 6.4 signals disconnected before the error that caused it
// (refused, DNS), and onError must come first.
void SocketTaskPrivate::socketOver()
{
    if (isOver())
        return;
    phase = phase == Phase::Open ? Phase::OverAfterOpen : Phase::OverBeforeOpen;
    events.postLater({ Event::Close, {} });
}

void SocketTaskPrivate::recordError(const QString &errMsg, int closeCode)
{
    // The first end decided wins. An error may come after disconnected (Qt 6.4: refused, DNS):
    // the Close event is still queued then, and reports it.
    if (ending)
        return;
    qCDebug(lcSocketTask, "task %d: %s", id, qPrintable(errMsg));
    error = errMsg;
    ending = closeCode;
}

void SocketTaskPrivate::failConnection()
{
    if (!isOver())
        socket.abort(); // reports socketOver: the Close event
}

void SocketTaskPrivate::timedOut()
{
    timeout.stop();
    if (phase == Phase::Open && state == SocketTask::CLOSING) {
        // The peer never answered our close frame (or never read it): give up, as a browser
        // does, with 1006 (no onError: the user asked for the end).
        qCDebug(
            lcSocketTask, "task %d: no close frame back within %d ms", id, s_closingTimeout.load());
        ending = Default::abnormalCloseCode;
        return failConnection();
    }
    if (phase == Phase::Open) // a message began and stopped coming
        return socket.fail(ErrMsg::frameStalled(s_frameTimeout.load()));
    if (phase != Phase::Handshake)
        return;
    recordError(ErrMsg::connectTimeout);
    failConnection();
}

void SocketTaskPrivate::post(Event &&event, Guard &guard)
{
    if (isOver())
        return; // nothing follows onClose
    // After close(), a message that still arrives is dropped, as a browser does (WHATWG: only an
    // OPEN WebSocket fires message). Qt 6.4 never has one: its close() drops the connection at
    // once; later versions wait for the peer's close frame, and data may come first.
    if (event.kind == Event::Message && state == SocketTask::CLOSING)
        return;
    events.post(std::move(event), guard);
}

template<typename Result>
void SocketTaskPrivate::notify(const Result &result, void (SocketTask::*signal)(const Result &),
    const char *what, Guard &guard)
{
    // As a browser's EventTarget: listeners added while this runs hear the next event, not this
    // one; one removed meanwhile is not called (it is only marked, so that indexes stay).
    const Listeners<Result> &all = listeners<Result>();
    const size_t count = all.size();
    ++notifying;
    for (size_t i = 0; i < count; ++i) {
        if (all[i].removed)
            continue;
        invokeUserCode(*all[i].call, result, what, id);
        if (guard.isDead())
            return;
    }
    if (--notifying == 0 && listenersRemoved)
        purgeRemoved();
    // Messages are many: skip their emission when no slot listens.
    if constexpr (std::is_same_v<Result, SocketTask::OnMessageCallbackResult>) {
        if (!messageReceivedIsConnected())
            return;
    }
    Q_EMIT(q->*signal)(result);
}

void SocketTaskPrivate::deliver(Event &event, Guard &guard)
{
    switch (event.kind) {
    case Event::Open: {
        protocol = socket.subprotocol();
        setState(SocketTask::OPEN);
        if (guard.isDead())
            return;
        if (!protocol.isEmpty())
            Q_EMIT q->protocolChanged(protocol);
        if (guard.isDead())
            return;
        SocketTask::OnOpenCallbackResult result(protocol);
        result.header = std::exchange(openHeader, {}); // nothing kept after open
        notify(result, &SocketTask::opened, "onOpen listener", guard);
        return;
    }
    case Event::Message:
        notify(event.message, &SocketTask::messageReceived, "onMessage listener", guard);
        return;
    case Event::Close:
        finish(guard);
        return;
    case Event::Callbacks:
        event.callbacks();
        return;
    }
}

void SocketTaskPrivate::finish(Guard &guard)
{
    // A close frame came (or we sent one): the peer's code and reason. Otherwise the end we
    // decided (Qt 6.4 would say 1000 for a failure).
    const SocketTask::OnCloseCallbackResult result = ending
        ? SocketTask::OnCloseCallbackResult(*ending, QString())
        : SocketTask::OnCloseCallbackResult(socket.closeCode(), socket.closeReason());
    socket.stopListening();
    timeout.stop();
    qCDebug(lcSocketTask, "task %d: closed %d %s", id, result.code, qPrintable(result.reason));

    setState(SocketTask::CLOSED);
    if (guard.isDead())
        return;
    if (!error.isEmpty()) {
        setErrMsg(error);
        if (guard.isDead())
            return;
        notify(SocketTask::OnErrorCallbackResult(error), &SocketTask::errorOccurred,
            "onError listener", guard);
        if (guard.isDead())
            return;
    }
    notify(result, &SocketTask::closed, "onClose listener", guard);
    if (guard.isDead())
        return;
    // Nothing more will be heard: let go of what the listeners hold (JS closures among them).
    std::apply([](auto &...each) { (each.clear(), ...); }, allListeners);
    phase = Phase::Done;
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

void SocketTaskPrivate::destroy()
{
    // Destroyed by code that a listener runs (a nested event loop): the listeners, and what
    // they captured, live until that code has returned; so does a QWebSocket whose own code is
    // on the stack below it (a deleteLater() from inside a nested loop would run in that loop).
    struct Leftovers
    {
        decltype(SocketTaskPrivate::allListeners) listeners;
        QPointer<QWebSocket> busySocket;
        ~Leftovers()
        {
            if (busySocket)
                busySocket->deleteLater();
        }
    };
    std::shared_ptr<Leftovers> leftovers;
    if (events.isRunningUserCode()) {
        leftovers = std::make_shared<Leftovers>();
        leftovers->listeners = std::move(allListeners);
        events.keepUntilUnwound(leftovers);
    }
    // The callbacks of calls made before still run, from the event loop: nothing is lost.
    for (Event &event : events.take([](const Event &e) { return e.kind == Event::Callbacks; }))
        QMetaObject::invokeMethod(
            QCoreApplication::instance(), std::move(event.callbacks), Qt::QueuedConnection);
    // Listeners that are running learn that the task is gone; none runs after this.
    const bool insideSocketSignal = events.kill();
    releaseLiveSlot();
    // Inside its signal means inside a Guard: user code runs, and the leftovers exist.
    if (QWebSocket *busy = socket.destroy(insideSocketSignal))
        leftovers->busySocket = busy;
}

QString SocketTaskPrivate::doSend(const QVariant &data)
{
    QString result = ErrMsg::checkSendData(data);
    if (!result.isEmpty())
        return result;
    if (state != SocketTask::OPEN)
        return ErrMsg::sendNotOpen;
    if (isOver())
        return ErrMsg::sendNotConnected; // dropped; onClose is on its way
    if (socket.overBufferLimit()) // the connection fails with it
        return ErrMsg::sendBufferFull(s_maxBufferedAmount.load());
    if (ending)
        return ErrMsg::sendNotConnected; // failed; onClose is on its way
    write(data);
    return ErrMsg::sendOk;
}

bool SocketTaskPrivate::send(const QVariant &data, const SocketTask::Callbacks &callbacks)
{
    if (callbacks.isEmpty() && sendAtOnce(data))
        return true;
    return finishCall(doSend(data), callbacks); // may delete the task: touch nothing after
}

// The hot path of a send without callbacks: data that passes the checks, on an OPEN task, is
// written at once, without the result bookkeeping. False: doSend finds the errMsg.
template<typename Data> bool SocketTaskPrivate::sendAtOnce(const Data &data)
{
    if (state != SocketTask::OPEN || isOver() || ending || !ErrMsg::sendDataPasses(data)
        || socket.overBufferLimit())
        return false;
    write(data);
    setErrMsg(ErrMsg::sendOk);
    return true;
}

void SocketTaskPrivate::write(const QString &text)
{
    Events::CallScope scope(&events);
    socket.sendText(text);
    if (Q_UNLIKELY(bufferedAmountLowThreshold >= 0))
        noteBuffered();
}

void SocketTaskPrivate::write(const QByteArray &bytes)
{
    Events::CallScope scope(&events);
    socket.sendBinary(bytes);
    if (Q_UNLIKELY(bufferedAmountLowThreshold >= 0))
        noteBuffered();
}

void SocketTaskPrivate::noteBuffered()
{
    if (aboveLowThreshold || socket.bufferedAmount() <= bufferedAmountLowThreshold)
        return;
    aboveLowThreshold = true;
    socket.watchWrites();
}

// As RTCDataChannel's bufferedamountlow: once, when what waits falls from above the
// threshold to it or below. Emitted from the event loop on its own, so that a slot may
// delete the task.
void SocketTaskPrivate::socketWrote()
{
    if (!aboveLowThreshold || socket.bufferedAmount() > bufferedAmountLowThreshold)
        return;
    aboveLowThreshold = false;
    QMetaObject::invokeMethod(
        q,
        [this] {
            if (state == SocketTask::OPEN)
                Q_EMIT q->bufferedAmountLow(socket.bufferedAmount());
        },
        Qt::QueuedConnection);
}

// Inside Qt's handling of the 401: the slots must fill the authenticator before it goes on.
void SocketTaskPrivate::socketAuthenticationRequired(QAuthenticator *authenticator)
{
    Guard guard(&events, true); // a slot may destroy the task
    Q_EMIT q->authenticationRequired(authenticator);
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
    if (state == SocketTask::CLOSING || isOver())
        return ErrMsg::closeOk;
    Guard guard(&events, false); // a slot of readyStateChanged may destroy the task
    Events::CallScope scope(&events, &guard);
    if (state == SocketTask::CONNECTING) {
        // The attempt is aborted, with 1006 and no onError; forget what the handshake may
        // already have queued (the user never saw OPEN).
        ending = Default::abnormalCloseCode;
        events.take([](const Event &event) { return event.kind != Event::Callbacks; });
        failConnection();
    } else {
        setState(SocketTask::CLOSING);
        if (guard.isDead())
            return ErrMsg::closeOk;
        // the peer's close frame, or we abort
        timeout.start(s_closingTimeout.load(), Qt::PreciseTimer, q);
        socket.close(code, reason);
    }
    return ErrMsg::closeOk;
}

template<typename Result>
quint64 SocketTaskPrivate::addListener(Listener<Result> &&listener, const QObject *context)
{
    // After onClose nothing more is heard: a listener added then is dropped.
    if (!listener || phase == Phase::Done)
        return 0;
    listeners<Result>().push_back({ std::make_unique<Listener<Result>>(std::move(listener)),
        ++lastListenerId, context, false });
    return lastListenerId;
}

// The one way listeners go: marked, and erased at once unless some are being called (then
// after: notify skips the marked ones, and its indexes stay valid).
template<typename Result, typename Which> void SocketTaskPrivate::removeWhere(Which which)
{
    for (ListenerEntry<Result> &entry : listeners<Result>()) {
        if (which(entry))
            entry.removed = true;
    }
    listenersRemoved = true;
    if (notifying == 0)
        purgeRemoved();
}

template<typename Result> void SocketTaskPrivate::removeListener(quint64 id)
{
    removeWhere<Result>([id](const ListenerEntry<Result> &entry) { return entry.id == id; });
}

template<typename Result> void SocketTaskPrivate::removeListeners()
{
    removeWhere<Result>([](const ListenerEntry<Result> &) { return true; });
}

template<typename Result>
void SocketTaskPrivate::removeListeners(
    const QObject *context, const char *function, const char *consequence)
{
    if (!context)
        return warnNoContext(function, consequence);
    removeWhere<Result>(
        [context](const ListenerEntry<Result> &entry) { return entry.context == context; });
}

void SocketTaskPrivate::purgeRemoved()
{
    listenersRemoved = false;
    std::apply(
        [](auto &...each) {
            (each.erase(std::remove_if(each.begin(), each.end(),
                            [](const auto &entry) { return entry.removed; }),
                 each.end()),
                ...);
        },
        allListeners);
}

// Explicit instantiations: the bindings (SocketTaskBinding) add and remove by id.
template quint64 SocketTaskPrivate::addListener(
    Listener<SocketTask::OnOpenCallbackResult> &&, const QObject *);
template quint64 SocketTaskPrivate::addListener(
    Listener<SocketTask::OnMessageCallbackResult> &&, const QObject *);
template quint64 SocketTaskPrivate::addListener(
    Listener<SocketTask::OnErrorCallbackResult> &&, const QObject *);
template quint64 SocketTaskPrivate::addListener(
    Listener<SocketTask::OnCloseCallbackResult> &&, const QObject *);
template void SocketTaskPrivate::removeListener<SocketTask::OnOpenCallbackResult>(quint64);
template void SocketTaskPrivate::removeListener<SocketTask::OnMessageCallbackResult>(quint64);
template void SocketTaskPrivate::removeListener<SocketTask::OnErrorCallbackResult>(quint64);
template void SocketTaskPrivate::removeListener<SocketTask::OnCloseCallbackResult>(quint64);
template void SocketTaskPrivate::removeListeners<SocketTask::OnOpenCallbackResult>();
template void SocketTaskPrivate::removeListeners<SocketTask::OnMessageCallbackResult>();
template void SocketTaskPrivate::removeListeners<SocketTask::OnErrorCallbackResult>();
template void SocketTaskPrivate::removeListeners<SocketTask::OnCloseCallbackResult>();

void SocketTaskPrivate::queueCallbacks(std::function<void()> &&callbacks)
{
    // Through the queue, so that they run before any event that happens after the call
    // (onOpen cannot come before connectSocket's success), and never inside a listener.
    Event event { Event::Callbacks, {}, std::move(callbacks) };
    events.postLater(std::move(event));
}

/*!
    \module SocketTask
    \title SocketTask C++ Classes
    \brief The C++ core of SocketTask: Taro's WebSocket task API over \qt {qwebsocket.html} {QWebSocket}.

    \include requisites.qdocinc module

    The core links Qt Core, Network and WebSockets only, so a Qt Widgets application uses it
    with no QML. \l {Getting Started in C++} shows a whole program.
*/

/*!
    \class SocketTask
    \inmodule SocketTask
    \brief A WebSocket connection with the API of Taro's and WeChat's SocketTask.

    \include requisites.qdocinc class

    A task is made by connectSocket(), which checks its options, starts connecting and returns
    at once. What then happens is told to the listeners added with onOpen(), onMessage(),
    onError() and onClose(), and by the signals opened(), messageReceived(), errorOccurred() and
    closed(), always from the event loop and in this order: onOpen at most once, onMessage for
    each message, onError at most once, and onClose exactly once.

    \snippet chatclient.cpp listeners

    (The whole program: \l {Getting Started in C++}.)

    Each call (connectSocket(), send(), close()) reports its result synchronously: the
    \c success or \c fail callback of its option, then \c complete, with an \c errMsg such as
    \c {"sendSocketMessage:ok"}. The same string becomes the task's \l errMsg.

    One \qt {qwebsocket.html} {QWebSocket} is made for each task and is reachable through ws()
    for what this API does not cover, such as TLS details; a proxy
    (\qt {qnetworkproxy.html} {QNetworkProxy}) is ConnectOption::setProxy(), which applies
    before the socket opens. OnOpenCallbackResult::header has the handshake response's
    headers, read from the bytes the server sent (QWebSocket does not expose them); and
    QtWebSockets has no compression, so
    ConnectOption::perMessageDeflate has no effect.

    Messages are logged in the category \c sockettask: warnings (a listener threw) by default,
    each event with \c {QT_LOGGING_RULES="sockettask.debug=true"}.

    \section1 Threads

    Like QWebSocket, SocketTask is reentrant, not thread-safe. A task lives in the thread that
    called connectSocket() (its \c parent must live there too), and so do its QWebSocket and its
    timers: that thread's event loop delivers the task's events, and its listeners and signals
    run there. Call send(), close() and the getters from that thread only; from another one,
    queue the call to the task (\qt {qmetaobject.html#invokeMethod} {QMetaObject::invokeMethod()}
    or a queued signal). Connecting to the task's signals from another thread is fine, as for any
    \qt {qobject.html} {QObject}.

    A task starts connecting inside connectSocket(): there is no moment before that to move it.
    To use tasks in another thread, move an object of yours there with
    \qt {qobject.html#moveToThread} {QObject::moveToThread()} and call connectSocket() from that
    thread, with that object as the parent:

    \snippet worker.h worker
    \snippet worker.cpp start

    Moving a task itself to another thread is not supported.

    The static functions are thread-safe: the limits (maxConcurrentTasks(),
    maxIncomingMessageSize(), maxBufferedAmount(), frameTimeout()) are process-wide and may be
    read and set from any thread, and liveTaskCount() counts the live tasks of all threads.
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
    \fn void SocketTask::authenticationRequired(QAuthenticator *authenticator)
    The server answered the handshake with HTTP 401 and the URL's user and password
    (\c {ws://user:password@host/}) did not satisfy it, or there were none: set the user and
    password on \a authenticator in the slot, which must be a direct connection (the
    default, in the task's thread), and Qt sends the handshake again with them (HTTP Basic
    or Digest, as the server asked). Leave it untouched and the task fails:
    \c {"connectSocket:fail the server answered \"HTTP/1.1 401 Unauthorized\", not 101
    Switching Protocols"}, then onClose 1006. The slot may run more than once, when the server
    refuses what it was given.

    Qt 6.6 and later only (QWebSocket::authenticationRequired): with Qt 6.4 and 6.5 it is
    never emitted, and the URL's user and password go with the first handshake request as
    HTTP Basic credentials instead; a server that asks for Digest refuses them. See
    \l {qt-versions.html}{Qt versions}.
*/
SocketTask::SocketTask(QObject *parent) : QObject(parent), d(new SocketTaskPrivate(this)) { }

/*!
    \internal
*/
void SocketTask::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&SocketTask::messageReceived))
        d->messageSlotsMayHaveChanged();
}

/*!
    \internal
*/
void SocketTask::disconnectNotify(const QMetaMethod &signal)
{
    // Qt passes an invalid method when it does not say which signal lost a slot.
    if (!signal.isValid() || signal == QMetaMethod::fromSignal(&SocketTask::messageReceived))
        d->messageSlotsMayHaveChanged();
}

/*!
    \internal
*/
void SocketTask::timerEvent(QTimerEvent *event)
{
    const int timer = event->timerId();
    if (timer == d->timeout.timerId())
        d->timedOut();
    else if (timer == d->heartbeat.timerId())
        d->heartbeatTick();
    else if (timer == d->heartbeatDeadline.timerId())
        d->heartbeatExpired();
    else
        QObject::timerEvent(event);
}

/*!
    Destroys the task. An open connection is closed with 1001 (going away); no listener runs
    afterwards. A listener may destroy its own task.
*/
SocketTask::~SocketTask()
{
    d->destroy();
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
    // One set of checks for both APIs: the binding's (errmsg.cpp), on the same names.
    QVariantMap header;
    const QMap<QString, QString> headerFields = option.header();
    for (auto it = headerFields.cbegin(); it != headerFields.cend(); ++it)
        header.insert(it.key(), it.value());
    QVariantMap map { { Option::url, option.url() }, { Option::header, header },
        { Option::protocols, option.protocols() },
        { Option::perMessageDeflate, option.perMessageDeflate() },
        { Option::timeout, option.timeout() } };
    if (const std::optional<bool> tcpNoDelay = option.tcpNoDelay())
        map.insert(Option::tcpNoDelay, *tcpNoDelay);
    QVariantList certificates;
    for (const QSslCertificate &certificate : option.caCertificates())
        certificates << certificate.toDer();
    map.insert(Option::caCertificates, certificates);
    if (const std::optional<QNetworkProxy> proxy = option.proxy())
        map.insert(Option::proxy, QVariant::fromValue(*proxy));
    if (option.heartbeatInterval() != 0 || option.heartbeatTimeout() != 0)
        map.insert(Option::heartbeat,
            QVariantMap { { Option::interval, option.heartbeatInterval() },
                { Option::timeout, option.heartbeatTimeout() } });
    return SocketTaskPrivate::connect(map, option, parent);
}

/*!
    Sends \a option's data: a QString as a text message, a QByteArray as a binary message.
    It fails unless the task is OPEN. Returns true when the message was queued to the socket,
    as the \c success callback also tells.
*/
bool SocketTask::send(const SendOption &option)
{
    return d->send(option.data(), option);
}

/*!
    \overload
    Sends \a text as a text message: the same as \c{send(SendOption(text))}, without building
    a SendOption (the cheapest way to send from C++).
*/
bool SocketTask::send(const QString &text)
{
    return d->sendAtOnce(text) || d->finishCall(d->doSend(text), {});
}

/*!
    \overload
    Sends \a data as a binary message.
*/
bool SocketTask::send(const QByteArray &data)
{
    return d->sendAtOnce(data) || d->finishCall(d->doSend(data), {});
}

/*!
    \overload
    Sends \a text, UTF-8, as a text message: a string literal is text, as in JavaScript. A null
    pointer fails as null data does.
*/
bool SocketTask::send(const char *text)
{
    return send(SendOption(text));
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
    SocketTaskPrivate::call(this, option,
        [&option](SocketTaskPrivate *d) { return d->doClose(option.code(), option.reason()); });
}

/*!
    Adds \a listener, to run when the handshake succeeded. Each call adds one; listeners run in
    the order they were added, from the event loop. One that throws is logged, and the others
    still run.
*/
void SocketTask::onOpen(std::function<void(const OnOpenCallbackResult &)> listener)
{
    d->addListener<OnOpenCallbackResult>(std::move(listener));
}

/*!
    Adds \a listener, to run for each message, in the order they arrived.
*/
void SocketTask::onMessage(std::function<void(const OnMessageCallbackResult &)> listener)
{
    d->addListener<OnMessageCallbackResult>(std::move(listener));
}

/*!
    Adds \a listener, to run when connecting failed (refused, host not found, TLS, a refused
    handshake, the timeout) or the connection failed (dropped, a message over
    maxIncomingMessageSize()). It runs just before onClose.
*/
void SocketTask::onError(std::function<void(const OnErrorCallbackResult &)> listener)
{
    d->addListener<OnErrorCallbackResult>(std::move(listener));
}

/*!
    Adds \a listener, to run once when the connection is over. After it ran, the task lets go
    of all its listeners.

    A listener may run a nested event loop (a dialog's \c exec()): what happens meanwhile is
    delivered, in order, once it has returned, never inside it. It may also destroy the task;
    then the listeners still on the stack return normally and no other runs.
*/
void SocketTask::onClose(std::function<void(const OnCloseCallbackResult &)> listener)
{
    d->addListener<OnCloseCallbackResult>(std::move(listener));
}

/*!
    \overload
    \since 1.1
    Adds \a listener, not called once \a context is destroyed. The recommended form when the
    listener uses a QObject (a widget, say): pass that object as \a context, as for
    QObject::connect(sender, signal, context, functor). A null \a context adds nothing (with a warning).

    \snippet chatclient.cpp listeners
*/
void SocketTask::onOpen(
    const QObject *context, std::function<void(const OnOpenCallbackResult &)> listener)
{
    d->addListener<OnOpenCallbackResult>(context, std::move(listener), "SocketTask::onOpen");
}

/*!
    \overload
    \since 1.1
    Adds \a listener, not called once \a context is destroyed.
*/
void SocketTask::onMessage(
    const QObject *context, std::function<void(const OnMessageCallbackResult &)> listener)
{
    d->addListener<OnMessageCallbackResult>(context, std::move(listener), "SocketTask::onMessage");
}

/*!
    \overload
    \since 1.1
    Adds \a listener, not called once \a context is destroyed.
*/
void SocketTask::onError(
    const QObject *context, std::function<void(const OnErrorCallbackResult &)> listener)
{
    d->addListener<OnErrorCallbackResult>(context, std::move(listener), "SocketTask::onError");
}

/*!
    \overload
    \since 1.1
    Adds \a listener, not called once \a context is destroyed.
*/
void SocketTask::onClose(
    const QObject *context, std::function<void(const OnCloseCallbackResult &)> listener)
{
    d->addListener<OnCloseCallbackResult>(context, std::move(listener), "SocketTask::onClose");
}

/*!
    \since 1.1
    Removes every onOpen listener. Listeners removed while the open event is being delivered
    are not called after that; one added then hears the next event only (as a browser's
    EventTarget).
    \sa onOpen()
*/
void SocketTask::offOpen()
{
    d->removeListeners<OnOpenCallbackResult>();
}

/*!
    \since 1.1
    Removes every onMessage listener.
*/
void SocketTask::offMessage()
{
    d->removeListeners<OnMessageCallbackResult>();
}

/*!
    \since 1.1
    Removes every onError listener.
*/
void SocketTask::offError()
{
    d->removeListeners<OnErrorCallbackResult>();
}

/*!
    \since 1.1
    Removes every onClose listener.
*/
void SocketTask::offClose()
{
    d->removeListeners<OnCloseCallbackResult>();
}

/*!
    \overload
    \since 1.1
    Removes the onOpen listeners added with \a context, as
    QObject::disconnect(task, nullptr, context, nullptr) does for slots. A null \a context
    removes nothing (with a warning).

    \snippet chatclient.cpp off
*/
void SocketTask::offOpen(const QObject *context)
{
    d->removeListeners<OnOpenCallbackResult>(context, "SocketTask::offOpen", "nothing removed");
}

/*!
    \overload
    \since 1.1
    Removes the onMessage listeners added with \a context.
*/
void SocketTask::offMessage(const QObject *context)
{
    d->removeListeners<OnMessageCallbackResult>(
        context, "SocketTask::offMessage", "nothing removed");
}

/*!
    \overload
    \since 1.1
    Removes the onError listeners added with \a context.
*/
void SocketTask::offError(const QObject *context)
{
    d->removeListeners<OnErrorCallbackResult>(context, "SocketTask::offError", "nothing removed");
}

/*!
    \overload
    \since 1.1
    Removes the onClose listeners added with \a context.
*/
void SocketTask::offClose(const QObject *context)
{
    d->removeListeners<OnCloseCallbackResult>(context, "SocketTask::offClose", "nothing removed");
}

void SocketTaskPrivate::warnNoContext(const char *function, const char *consequence)
{
    qCWarning(lcSocketTask, "%s: no context object (a listener needs a live one); %s", function,
        consequence);
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
    Returns how many bytes wait to be written to the network: what send() accepted and the
    socket has not written yet, with the frames' headers (2 to 14 bytes each) and the pongs and
    close frame Qt queues itself. A browser's bufferedAmount counts the payload only. It is 0
    once the task is CLOSING or CLOSED. More than maxBufferedAmount() fails the task.
*/
qint64 SocketTask::bufferedAmount() const
{
    return d->socket.bufferedAmount();
}

/*!
    Returns the mark under which a send that had left more waiting is followed by
    bufferedAmountLow(); -1 (the default) means never.
*/
qint64 SocketTask::bufferedAmountLowThreshold() const
{
    return d->bufferedAmountLowThreshold;
}

/*!
    Sets the mark to \a bytes: after a send leaves more than \a bytes waiting to be written
    (bufferedAmount()), bufferedAmountLow() is emitted once, from the event loop, when the
    socket has written enough for it to fall to \a bytes or below. As RTCDataChannel's
    bufferedAmountLowThreshold, save that the default is -1 (off) rather than 0: watching the
    writes costs a little on every send. A negative value turns it off.

    A sender that waits for the signal before sending more keeps the memory a fast producer
    uses bounded; maxBufferedAmount() is the hard limit.
*/
void SocketTask::setBufferedAmountLowThreshold(qint64 bytes)
{
    d->bufferedAmountLowThreshold = bytes < 0 ? -1 : bytes;
    d->aboveLowThreshold = false;
}

/*!
    \fn void SocketTask::bufferedAmountLow(qint64 bufferedAmount)
    Emitted when what waits to be written fell to bufferedAmountLowThreshold() or below after
    a send had left more; \a bufferedAmount is what waits now. Only while the task is OPEN.
*/

/*!
    \property SocketTask::roundTripTime
    \brief the milliseconds the last pong took to come back after its ping; -1 before one.

    The keepalive (ConnectOption::setHeartbeat()) pings; so does ws()->ping().
*/
qint64 SocketTask::roundTripTime() const
{
    return d->roundTripTime;
}

/*!
    Returns the QWebSocket the task wraps, for what the API does not cover (TLS details; a
    proxy is ConnectOption::setProxy(), as ws()->setProxy() comes too late). Listening to its signals is fine; calling open() or close() on it bypasses the task.
*/
QWebSocket *SocketTask::ws() const
{
    return d->socket.ws();
}

/*!
    \since 1.0
    Returns the version of the SocketTask library the application runs with, such as "1.0.0".
    The macro \c SOCKETTASK_VERSION_STRING gives the version of the headers it was compiled
    with, and \c {SOCKETTASK_VERSION >= SOCKETTASK_VERSION_CHECK(1, 0, 0)} compares at compile
    time, as QT_VERSION and QT_VERSION_CHECK do.
*/
QString SocketTask::libraryVersion()
{
    return QStringLiteral(SOCKETTASK_VERSION_STRING);
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
    const int before = s_maxConcurrentTasks.load();
    setLimit(
        s_maxConcurrentTasks, limit, 0, "setMaxConcurrentTasks: the limit is 0 (none) or more");
    if (s_maxConcurrentTasks.load() != before) // the QML module follows the value through this
        Q_EMIT SocketTaskLimits::instance()->maxConcurrentTasksChanged();
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
    setLimit(s_maxIncomingMessageSize, bytes, qint64(1),
        "setMaxIncomingMessageSize: the size is 1 byte or more");
}
/*!
    Returns how many bytes may wait to be written per task (64 MiB by default; 0: no limit).
    When more waits (a server that does not read: our sends, or Qt's answers to its pings), the
    task fails: onError \c{socketTask:fail more than N bytes wait to be sent: the server does
    not read them}, then onClose with 1008. A send() that finds more waiting fails with
    \c{sendSocketMessage:fail more than N bytes wait to be sent}. One send() of any size into a
    buffer under the limit is accepted.
*/
qint64 SocketTask::maxBufferedAmount()
{
    return s_maxBufferedAmount.load();
}
/*!
    Sets how many bytes may wait to be written, for tasks made from now on, to \a bytes; 0
    means no limit.
*/
void SocketTask::setMaxBufferedAmount(qint64 bytes)
{
    setLimit(s_maxBufferedAmount, bytes, qint64(0),
        "setMaxBufferedAmount: the size is 0 (none) or more bytes");
}
/*!
    Returns how long, in milliseconds, a message that began (a frame, or the fragments of a
    message) may go without data (5000 by
    default). Then the task fails: onError \c{socketTask:fail no data for N ms in the middle
    of a message}, onClose 1006. Qt 6.4 to 6.11 give up after 5000 ms themselves (reported the
    same way), so a longer timeout changes nothing.
*/
int SocketTask::frameTimeout()
{
    return s_frameTimeout.load();
}
/*!
    Sets the frame timeout to \a ms (1 or more) for reads from now on.
*/
void SocketTask::setFrameTimeout(int ms)
{
    setLimit(s_frameTimeout, ms, 1, "setFrameTimeout: the timeout is 1 ms or more");
}
/*!
    \since 1.1
    Returns how long, in milliseconds, the peer has to answer close() with its close frame
    (20000 by default, Firefox's figure). Then the task aborts the connection and onClose
    tells 1006, with no onError: a peer that never reads or never answers cannot keep a task
    CLOSING, holding one of maxConcurrentTasks(), for ever.
*/
int SocketTask::closingTimeout()
{
    return s_closingTimeout.load();
}
/*!
    \since 1.1
    Sets the closing timeout to \a ms (1 or more) for close() calls from now on.
*/
void SocketTask::setClosingTimeout(int ms)
{
    setLimit(s_closingTimeout, ms, 1, "setClosingTimeout: the timeout is 1 ms or more");
}
