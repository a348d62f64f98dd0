// SPDX-License-Identifier: MIT
#include "sockettask.h"

#include "errmsg_p.h"
#include "sockettask_logging_p.h"

#include <QAbstractSocket>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

#include <atomic>
#include <deque>
#include <exception>

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

class SocketTaskPrivate
{
public:
    // Marks a stretch of code that calls out to user code; tells whether the task died meanwhile.
    struct Guard
    {
        Guard(SocketTaskPrivate *d, bool insideWsSignal)
            : d(d), outer(d->guards), insideWsSignal(insideWsSignal)
        {
            d->guards = this;
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
        QVariant data;
    };

    explicit SocketTaskPrivate(SocketTask *q) : q(q), id(s_nextId.fetch_add(1)) { }

    void start(const ErrMsg::ConnectRequest &request);
    void connectWs();
    void post(Event::Kind kind, QVariant data = {});
    void scheduleDrain();
    void drain();
    void deliver(Event &event, Guard &guard);
    void finish(Guard &guard);
    void recordError(const QString &errMsg, int closeCode = 1006);
    void failConnection();
    void setState(SocketTask::ReadyState state);
    void setErrMsg(const QString &errMsg);
    void releaseLiveSlot();
    QString doSend(const QVariant &data);
    QString doClose(int code, const QString &reason);

    template<typename Result>
    void notify(const std::deque<std::function<void(const Result &)>> &listeners,
        const Result &result, void (SocketTask::*signal)(const Result &), const char *what,
        Guard &guard)
    {
        // Listeners added while this runs hear the next event, not this one.
        const size_t count = listeners.size();
        for (size_t i = 0; i < count; ++i) {
            invokeUserCode(listeners[i], result, what, id);
            if (guard.dead)
                return;
        }
        Q_EMIT(q->*signal)(result);
    }

    SocketTask *const q;
    const int id;
    QUrl url;
    QWebSocket *ws = nullptr;
    QTimer timeout;
    std::optional<bool> tcpNoDelay;
    SocketTask::ReadyState state = SocketTask::CONNECTING;
    QString errMsg;
    QString protocol;
    bool holdsLiveSlot = false;

    // Deques: a listener may add a listener while it runs without moving the running one.
    std::deque<std::function<void(const SocketTask::OnOpenCallbackResult &)>> openListeners;
    std::deque<std::function<void(const SocketTask::OnMessageCallbackResult &)>> messageListeners;
    std::deque<std::function<void(const SocketTask::OnErrorCallbackResult &)>> errorListeners;
    std::deque<std::function<void(const SocketTask::OnCloseCallbackResult &)>> closeListeners;

    std::deque<Event> queue;
    Guard *guards = nullptr;
    int callDepth = 0;
    bool drainScheduled = false;
    bool handshakeDone = false;
    bool closeQueued = false; // the connection is over; its Close event is queued or delivered
    bool abortedByUser = false;
    bool listenersReleased = false; // after onClose: nothing more to hear
    QString error; // the first error, reported just before onClose
    int errorCloseCode = 1006;
};

void SocketTaskPrivate::start(const ErrMsg::ConnectRequest &request)
{
    CallScope scope(this);
    url = request.url;
    tcpNoDelay = request.tcpNoDelay;
    errMsg = ErrMsg::connectOk;

    // One fresh QWebSocket per task: Qt 6.4 keeps closeCode() and ignoreSslErrors() across opens.
    ws = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, q);
    const quint64 limit = quint64(s_maxIncomingMessageSize.load());
    ws->setMaxAllowedIncomingMessageSize(limit);
    ws->setMaxAllowedIncomingFrameSize(limit);
    connectWs();

    QNetworkRequest httpRequest(url);
    for (const auto &[name, value] : request.header)
        httpRequest.setRawHeader(name, value);
    QWebSocketHandshakeOptions options;
    options.setSubprotocols(request.protocols);

    if (request.timeout > 0) {
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, q, [this] {
            if (closeQueued || handshakeDone)
                return;
            recordError(ErrMsg::connectTimeout);
            failConnection();
        });
        timeout.start(request.timeout);
    }
    qCDebug(lcSocketTask, "task %d: connecting to %s", id, qPrintable(url.toDisplayString()));
    ws->open(httpRequest, options);
}

void SocketTaskPrivate::connectWs()
{
    // Every handler runs under a Guard marked "inside a ws signal", so that a listener that
    // destroys the task from here has the QWebSocket deleted later, not under its own feet.
    QObject::connect(ws, &QWebSocket::connected, q, [this] {
        Guard guard(this, true);
        handshakeDone = true;
        timeout.stop();
        // Qt 6.4 turns TCP_NODELAY on when the TCP connection opens; ours comes after that.
        if (tcpNoDelay) {
            if (auto *socket = ws->findChild<QTcpSocket *>())
                socket->setSocketOption(QAbstractSocket::LowDelayOption, *tcpNoDelay ? 1 : 0);
        }
        post(Event::Open);
    });
    QObject::connect(ws, &QWebSocket::textMessageReceived, q, [this](const QString &message) {
        Guard guard(this, true);
        post(Event::Message, message);
    });
    QObject::connect(ws, &QWebSocket::binaryMessageReceived, q, [this](const QByteArray &message) {
        Guard guard(this, true);
        post(Event::Message, message);
    });
    // Qt 6.4: `error` is overloaded with the getter; errorOccurred only exists from 6.5.
    QObject::connect(ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), q,
        [this](QAbstractSocket::SocketError) {
            Guard guard(this, true);
            // Qt prefixes some messages with its own function name; drop it.
            QString why = ws->errorString();
            why.remove(QRegularExpression(QStringLiteral("^\\w+::\\w+: ")));
            recordError(handshakeDone ? ErrMsg::connectionFailed(why) : ErrMsg::connectFailed(why));
            // Qt 6.4 leaves a refused handshake (HTTP 403/404) in ConnectingState
            // with no disconnected(); end it ourselves once Qt is done with it.
            if (!closeQueued)
                QMetaObject::invokeMethod(
                    q, [this] { failConnection(); }, Qt::QueuedConnection);
        });
    QObject::connect(ws, &QWebSocket::disconnected, q, [this] {
        Guard guard(this, true);
        // Qt closes with 1009 itself when a message is over the limit, and says nothing else.
        if (error.isEmpty() && ws->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData
            && state != SocketTask::CLOSING)
            recordError(
                ErrMsg::connectionFailed(QStringLiteral("incoming message larger than %1 bytes")
                                             .arg(ws->maxAllowedIncomingMessageSize())),
                QWebSocketProtocol::CloseCodeTooMuchData);
        post(Event::Close);
    });
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
    QObject::disconnect(ws, nullptr, q, nullptr);
    ws->abort();
    post(Event::Close);
}

void SocketTaskPrivate::post(Event::Kind kind, QVariant data)
{
    if (closeQueued)
        return; // nothing follows onClose
    if (kind == Event::Close) {
        // Always through the event loop: Qt 6.4 signals disconnected before the error that
        // caused it (refused, DNS), and onError must come first.
        closeQueued = true;
    } else if (callDepth == 0 && queue.empty()) {
        Guard guard(this, false);
        Event event { kind, std::move(data) };
        deliver(event, guard);
        return;
    }
    queue.push_back(Event { kind, std::move(data) });
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
    while (!queue.empty()) {
        Event event = std::move(queue.front());
        queue.pop_front();
        deliver(event, guard);
        if (guard.dead)
            return;
    }
}

void SocketTaskPrivate::deliver(Event &event, Guard &guard)
{
    switch (event.kind) {
    case Event::Open: {
        protocol = ws->subprotocol();
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
        notify(messageListeners, SocketTask::OnMessageCallbackResult { std::move(event.data) },
            &SocketTask::messageReceived, "onMessage listener", guard);
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
        result.code = ws->closeCode();
        result.reason = ws->closeReason();
    } else if (!error.isEmpty()) {
        // Failed or dropped without a close frame; Qt 6.4 would say 1000 here.
        result.code = errorCloseCode;
    }
    QObject::disconnect(ws, nullptr, q, nullptr);
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

void SocketTaskPrivate::setErrMsg(const QString &newErrMsg)
{
    if (errMsg.constData() == newErrMsg.constData() || errMsg == newErrMsg)
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
    CallScope scope(this);
    if (data.metaType().id() == QMetaType::QString)
        ws->sendTextMessage(*static_cast<const QString *>(data.constData()));
    else
        ws->sendBinaryMessage(*static_cast<const QByteArray *>(data.constData()));
    return ErrMsg::sendOk;
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
        // Qt 6.4's close() while connecting emits a spurious error and a warning: abort instead,
        // and forget what the handshake may already have queued (the user never saw OPEN).
        abortedByUser = true;
        queue.clear();
        failConnection();
    } else {
        setState(SocketTask::CLOSING);
        ws->close(QWebSocketProtocol::CloseCode(code), reason);
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
    return errMsg.endsWith(QLatin1String(":ok"));
}

} // namespace

SocketTask::SocketTask(QObject *parent) : QObject(parent), d(new SocketTaskPrivate(this)) { }

SocketTask::~SocketTask()
{
    // Listeners that are running learn that the task is gone; none runs after this.
    bool insideWsSignal = false;
    for (auto *guard = d->guards; guard; guard = guard->outer) {
        guard->dead = true;
        insideWsSignal = insideWsSignal || guard->insideWsSignal;
    }
    d->releaseLiveSlot();
    if (QWebSocket *ws = d->ws) {
        // Qt 6.4 emits disconnected & co. synchronously while it dies: stop listening first.
        QObject::disconnect(ws, nullptr, this, nullptr);
        if (ws->state() == QAbstractSocket::ConnectedState)
            ws->close(QWebSocketProtocol::CloseCodeGoingAway);
        else
            ws->abort();
        ws->setParent(nullptr);
        if (insideWsSignal)
            ws->deleteLater(); // it is still inside its own signal emission
        else
            delete ws;
    }
}

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
    return connectSocket(map, option, parent);
}

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

void SocketTask::send(const SendOption &option)
{
    const QString result = d->doSend(option.data);
    d->setErrMsg(result);
    report(option, { result, 0 }, isOk(result), d->id);
}

void SocketTask::send(const QVariant &option, const Callbacks &callbacks)
{
    QVariant data;
    QString result = ErrMsg::checkSendOption(option, &data);
    if (result.isEmpty())
        result = d->doSend(data);
    d->setErrMsg(result);
    report(callbacks, { result, 0 }, isOk(result), d->id);
}

void SocketTask::close()
{
    close(CloseOption());
}

void SocketTask::close(const CloseOption &option)
{
    const QString result = d->doClose(option.code, option.reason);
    d->setErrMsg(result);
    report(option, { result, 0 }, isOk(result), d->id);
}

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

void SocketTask::sendSocketMessage(
    SocketTask *task, const QVariant &option, const Callbacks &callbacks)
{
    if (task && task->readyState() != CLOSED) {
        task->send(option, callbacks);
        return;
    }
    report(callbacks, { ErrMsg::sendNotConnected, 0 }, false, 0);
}

void SocketTask::closeSocket(SocketTask *task, const QVariant &option, const Callbacks &callbacks)
{
    if (task && task->readyState() != CLOSED) {
        task->close(option, callbacks);
        return;
    }
    report(callbacks, { ErrMsg::closeNotConnected, 0 }, false, 0);
}

void SocketTask::onOpen(std::function<void(const OnOpenCallbackResult &)> listener)
{
    if (listener && !d->listenersReleased)
        d->openListeners.push_back(std::move(listener));
}

void SocketTask::onMessage(std::function<void(const OnMessageCallbackResult &)> listener)
{
    if (listener && !d->listenersReleased)
        d->messageListeners.push_back(std::move(listener));
}

void SocketTask::onError(std::function<void(const OnErrorCallbackResult &)> listener)
{
    if (listener && !d->listenersReleased)
        d->errorListeners.push_back(std::move(listener));
}

void SocketTask::onClose(std::function<void(const OnCloseCallbackResult &)> listener)
{
    if (listener && !d->listenersReleased)
        d->closeListeners.push_back(std::move(listener));
}

int SocketTask::socketTaskId() const
{
    return d->id;
}
SocketTask::ReadyState SocketTask::readyState() const
{
    return d->state;
}
QString SocketTask::errMsg() const
{
    return d->errMsg;
}
QString SocketTask::protocol() const
{
    return d->protocol;
}
QUrl SocketTask::url() const
{
    return d->url;
}
QWebSocket *SocketTask::ws() const
{
    return d->ws;
}

int SocketTask::maxConcurrentTasks()
{
    return s_maxConcurrentTasks.load();
}
void SocketTask::setMaxConcurrentTasks(int limit)
{
    s_maxConcurrentTasks.store(qMax(0, limit));
}
int SocketTask::liveTaskCount()
{
    return s_liveTasks.load();
}
qint64 SocketTask::maxIncomingMessageSize()
{
    return s_maxIncomingMessageSize.load();
}
void SocketTask::setMaxIncomingMessageSize(qint64 bytes)
{
    s_maxIncomingMessageSize.store(qMax<qint64>(1, bytes));
}

QString SocketTask::typeName(const QVariant &value)
{
    return ErrMsg::typeName(value);
}
