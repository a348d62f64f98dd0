// SPDX-License-Identifier: MIT
#pragma once

#include "errmsg_p.h"
#include "eventqueue_p.h"
#include "options_p.h"
#include "sockettask.h"
#include "sockettask_logging_p.h"
#include "websocketadapter_p.h"

#include <QBasicTimer>
#include <QMetaMethod>
#include <QPointer>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

struct SocketTaskEvent
{
    enum Kind { Open, Message, Close, Callbacks } kind;
    SocketTask::OnMessageCallbackResult message = {}; // for Message
    std::function<void()> callbacks = {}; // for Callbacks: a call's, run after it returned
};

// final: deleted through its own type (SocketTask::d), never as a Listener.
class SocketTaskPrivate final : public WebSocketAdapter::Listener
{
public:
    using Event = SocketTaskEvent;
    using Events = EventQueue<Event, SocketTaskPrivate>;
    using Guard = Events::Guard;

    // Where the connection is, as the socket told it. readyState follows as the user hears the
    // events (an Open event may still wait in the queue while the phase is Open).
    enum class Phase {
        Handshake, // connecting: TCP, TLS, the WebSocket handshake (the timeout runs)
        Open, // the handshake succeeded
        // The connection is over; the Close event is queued or being delivered. Which one tells
        // what a failure reported after it is (Qt 6.4 reports a refused port that way).
        OverBeforeOpen,
        OverAfterOpen,
        Done, // onClose was heard: nothing more to hear
    };
    bool isOver() const { return phase >= Phase::OverBeforeOpen; }

    explicit SocketTaskPrivate(SocketTask *q);
    static SocketTaskPrivate *get(SocketTask *task) { return task->d.get(); }

    // connectSocket, both typed and from a binding: the checks, the limit, the task.
    static SocketTask *connect(
        const QVariant &option, const SocketTask::Callbacks &callbacks, QObject *parent);
    // The end of every call: its result becomes the task's errMsg, then success or fail, then
    // complete run. True when ok. May delete the task: touch nothing after it.
    bool finishCall(const QString &result, const SocketTask::Callbacks &callbacks);
    // A whole call whose work (`work(d)`, the errMsg) may reach a slot that destroys the task
    // (readyStateChanged, inside close()): then only the callbacks run, with the result.
    template<typename Work>
    static bool call(SocketTask *task, const SocketTask::Callbacks &callbacks, Work work)
    {
        SocketTaskPrivate *const d = get(task);
        const int taskId = d->id;
        Guard guard(&d->events, false);
        const QString result = work(d);
        if (!guard.isDead())
            return d->finishCall(result, callbacks);
        const bool ok = ErrMsg::isOk(result);
        report(callbacks, { result, 0 }, ok, taskId);
        return ok;
    }
    static void report(const SocketTask::Callbacks &callbacks,
        const SocketTask::CallbackResult &result, bool ok, int taskId);

    void start(const ErrMsg::ConnectRequest &request);
    // send() of data given as a QVariant (SendOption's, or a binding's).
    bool send(const QVariant &data, const SocketTask::Callbacks &callbacks);
    QString doSend(const QVariant &data); // the checks, in the contract's order, then write
    template<typename Data> bool sendAtOnce(const Data &data);
    QString doClose(int code, const QString &reason);
    void timedOut();
    void destroy();

    template<typename Result> using Listener = std::function<void(const Result &)>;
    // Adds a listener; its id (for removeListener), 0 when none was added. `context`: see below.
    template<typename Result>
    quint64 addListener(Listener<Result> &&listener, const QObject *context = nullptr);
    // Removes listeners, as a browser's removeEventListener: one removed while its event is
    // being delivered is not called after that (sockettask.cpp, notify).
    template<typename Result> void removeListener(quint64 id);
    template<typename Result> void removeListeners(); // all of that kind
    template<typename Result>
    void removeListeners(const QObject *context, const char *function, const char *consequence);
    // A facade's success/fail/complete that its platform runs after the call has returned
    // (SocketTaskBinding::runAfterReturn): behind the events already waiting, before any later.
    void queueCallbacks(std::function<void()> &&callbacks);
    void setBeforeDelivery(std::function<void()> checkpoint)
    {
        events.setBeforeDelivery(std::move(checkpoint));
    }
    // A listener that is not called once `context` is destroyed (Qt's connect() idiom); a null
    // context adds nothing, with a warning naming `function`, as connect() warns.
    static void warnNoContext(const char *function, const char *consequence = "not added");
    template<typename Result>
    void addListener(const QObject *context, Listener<Result> &&listener, const char *function)
    {
        if (!context) {
            warnNoContext(function);
            return;
        }
        if (!listener)
            return;
        addListener<Result>(
            [guarded = QPointer<const QObject>(context), listener = std::move(listener)](
                const Result &result) {
                if (guarded)
                    listener(result);
            },
            context);
    }

    // Inline: every send sets it, almost always to the same shared string.
    void setErrMsg(const QString &newErrMsg)
    {
        if (errMsg.constData() != newErrMsg.constData())
            changeErrMsg(newErrMsg);
    }
    void messageSlotsMayHaveChanged()
    {
        messageSlotsChanged.store(true, std::memory_order_relaxed);
    }

    SocketTask *const q;
    const int id;
    QUrl url;
    SocketTask::ReadyState state = SocketTask::CONNECTING;
    QString errMsg;
    QString protocol;
    QVariantMap openHeader; // the response's headers, from the handshake until onOpen
    WebSocketAdapter socket;
    // The connect + handshake deadline, then the frame deadline; see SocketTask::timerEvent.
    QBasicTimer timeout;
    // The keepalive (ConnectOption::setHeartbeat): a ping every heartbeatInterval once open,
    // and a deadline from each ping that anything read from the peer meets (heardSincePing:
    // one store per read, no timer touched).
    QBasicTimer heartbeat;
    QBasicTimer heartbeatDeadline;
    int heartbeatInterval = 0;
    int heartbeatTimeout = 0;
    bool heardSincePing = true;
    qint64 roundTripTime = -1; // ms, of the last pong; -1 before one
    // bufferedAmountLow: armed when a send leaves more than the threshold waiting (-1: off).
    qint64 bufferedAmountLowThreshold = -1;
    bool aboveLowThreshold = false;
    void noteBuffered();
    void heartbeatTick();
    void heartbeatExpired();

private:
    // What the socket says (WebSocketAdapter::Listener).
    void socketOpened(QVariantMap &&header) override;
    void socketText(const QString &message) override;
    void socketBinary(const QByteArray &message) override;
    void socketFailed(const QString &why, int closeCode) override;
    void socketMessageTooBig(qint64 limit) override;
    void socketOver() override;
    void socketRead(bool midMessage) override;
    void socketPong(qint64 ms) override;
    void socketWrote() override;
    void socketAuthenticationRequired(QAuthenticator *authenticator) override;
    // What the user hears (from EventQueue).
    friend Events;
    void deliver(Event &event, Guard &guard);

    void post(Event &&event, Guard &guard); // Open, Message
    void finish(Guard &guard);
    void recordError(const QString &errMsg, int closeCode = Default::abnormalCloseCode);
    void failConnection();
    void setState(SocketTask::ReadyState state);
    void changeErrMsg(const QString &newErrMsg);
    void releaseLiveSlot();
    // Data that passed the checks.
    void write(const QString &text);
    void write(const QByteArray &bytes);
    void write(const QVariant &data);

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

    // Owned one by one: a listener may add a listener while it runs, and the vector may move,
    // but the running std::function does not. (No allocation until a listener is added.)
    template<typename Result> struct ListenerEntry
    {
        std::unique_ptr<Listener<Result>> call;
        quint64 id;
        const QObject *context; // the context it was added with (for removal), or null
        bool removed; // while its kind is being delivered; erased after (purgeRemoved)
    };
    template<typename Result> using Listeners = std::vector<ListenerEntry<Result>>;
    template<typename Result> Listeners<Result> &listeners()
    {
        return std::get<Listeners<Result>>(allListeners);
    }

    // Runs the listeners of `result`'s kind, then emits `signal` (sockettask.cpp).
    template<typename Result>
    void notify(const Result &result, void (SocketTask::*signal)(const Result &), const char *what,
        Guard &guard);

    template<typename Result, typename Which> void removeWhere(Which which);
    void purgeRemoved();

    Events events;
    Phase phase = Phase::Handshake;
    quint64 lastListenerId = 0;
    int notifying = 0; // listeners of some kind are being called: removal only marks
    bool listenersRemoved = false; // marked while notifying: purge after
    bool holdsLiveSlot = false; // see reserveLiveSlot

    std::tuple<Listeners<SocketTask::OnOpenCallbackResult>,
        Listeners<SocketTask::OnMessageCallbackResult>,
        Listeners<SocketTask::OnErrorCallbackResult>, Listeners<SocketTask::OnCloseCallbackResult>>
        allListeners;

    bool messageSlots = false; // see messageReceivedIsConnected
    std::atomic<bool> messageSlotsChanged { false };
    QString error; // the first error, reported just before onClose
    // The close code onClose tells when we decided the end (a failure, the user's abort), with
    // no reason; unset: the close frame the socket saw tells.
    std::optional<int> ending;
};
