// SPDX-License-Identifier: MIT
#include "sockettaskreconnector_p.h"

#include "errmsg_p.h"
#include "options_p.h"
#include "sockettask_logging_p.h"

#include <QRandomGenerator>
#include <QTimerEvent>

#include <cmath>

class SocketTaskReconnector::Policy::Data : public QSharedData
{
public:
    int initialDelay = Default::reconnectInitialDelay;
    int maxDelay = Default::reconnectMaxDelay;
    double multiplier = Default::reconnectMultiplier;
    double jitter = Default::reconnectJitter;
    int maxAttempts = 0;
    QList<int> retryCloseCodes;
};

SocketTaskReconnector::Policy::Policy() : d(new Data) { }
SocketTaskReconnector::Policy::Policy(const Policy &other) = default;
SocketTaskReconnector::Policy::Policy(Policy &&other) noexcept = default;
SocketTaskReconnector::Policy &SocketTaskReconnector::Policy::operator=(const Policy &other)
    = default;
SocketTaskReconnector::Policy &SocketTaskReconnector::Policy::operator=(
    Policy &&other) noexcept = default;
SocketTaskReconnector::Policy::~Policy() = default;

#define SOCKETTASK_POLICY_FIELD(FieldType, ParameterType, field, setField)                         \
    FieldType SocketTaskReconnector::Policy::field() const                                         \
    {                                                                                              \
        return d->field;                                                                           \
    }                                                                                              \
    void SocketTaskReconnector::Policy::setField(ParameterType value)                              \
    {                                                                                              \
        d->field = value;                                                                          \
    }
SOCKETTASK_POLICY_FIELD(int, int, initialDelay, setInitialDelay)
SOCKETTASK_POLICY_FIELD(int, int, maxDelay, setMaxDelay)
SOCKETTASK_POLICY_FIELD(double, double, multiplier, setMultiplier)
SOCKETTASK_POLICY_FIELD(double, double, jitter, setJitter)
SOCKETTASK_POLICY_FIELD(int, int, maxAttempts, setMaxAttempts)
SOCKETTASK_POLICY_FIELD(QList<int>, const QList<int> &, retryCloseCodes, setRetryCloseCodes)
#undef SOCKETTASK_POLICY_FIELD

// 1000 is a goodbye; 4000-4999 are the application's own, and only it knows what they mean.
bool SocketTaskReconnector::Policy::retries(int closeCode) const
{
    if (d->retryCloseCodes.contains(closeCode))
        return true;
    return closeCode != Default::closeCode && !(closeCode >= 4000 && closeCode <= 4999);
}

int SocketTaskReconnector::Policy::delay(int attempt) const
{
    if (attempt < 1)
        return 0;
    const double grown = d->initialDelay * std::pow(d->multiplier, attempt - 1);
    return grown >= d->maxDelay ? d->maxDelay : int(grown); // also when the power overflows
}

SocketTaskReconnectorPrivate::SocketTaskReconnectorPrivate(SocketTaskReconnector *q) : q(q) { }

SocketTaskReconnectorPrivate *SocketTaskReconnectorPrivate::get(SocketTaskReconnector *reconnector)
{
    return reconnector->d.get();
}

void SocketTaskReconnectorPrivate::setActive(bool on)
{
    if (active == on)
        return;
    active = on;
    Q_EMIT q->activeChanged(on);
}

void SocketTaskReconnectorPrivate::connectNow()
{
    wait.stop();
    const QString refused = ErrMsg::checkReconnectPolicy(policy);
    if (!refused.isEmpty()) {
        giveUp(refused);
        return;
    }
    QString failure;
    SocketTask *made = nullptr;
    if (connector) {
        made = connector(&failure);
    } else {
        if (task && task->parent() == q)
            task->deleteLater(); // CLOSED: heard to its end
        SocketTask::ConnectOption withFailure = option;
        withFailure.setFail([&failure, fail = option.fail()](const SocketTask::CallbackResult &r) {
            failure = r.errMsg;
            if (fail)
                fail(r);
        });
        made = SocketTask::connectSocket(withFailure, q);
    }
    if (!made) {
        // At the live-task limit: another task may close, so wait as after a drop.
        const int limit = SocketTask::maxConcurrentTasks();
        if (limit > 0 && failure == ErrMsg::exceedLimit(limit))
            retry(failure);
        else
            giveUp(failure);
        return;
    }
    task = made;
    lastError.clear();
    QObject::connect(made, &SocketTask::opened, q, [this, made] {
        if (made == task)
            attempt = 0;
    });
    QObject::connect(made, &SocketTask::errorOccurred, q,
        [this, made](const SocketTask::OnErrorCallbackResult &r) {
            if (made == task)
                lastError = r.errMsg;
        });
    QObject::connect(
        made, &SocketTask::closed, q, [this, made](const SocketTask::OnCloseCallbackResult &r) {
            if (made == task)
                closed(r);
        });
    Q_EMIT q->taskCreated(made);
}

// After the task's own onClose listeners ran: the user hears the drop, then the wait.
void SocketTaskReconnectorPrivate::closed(const SocketTask::OnCloseCallbackResult &result)
{
    if (std::exchange(connectWhenClosed, false) && active) {
        connectNow();
        return;
    }
    if (!active)
        return;
    if (!policy.retries(result.code)) {
        qCDebug(lcSocketTask, "reconnect: close %d does not retry", result.code);
        setActive(false);
        return;
    }
    retry(lastError);
}

void SocketTaskReconnectorPrivate::retry(const QString &errMsg)
{
    ++attempt;
    if (policy.maxAttempts() > 0 && attempt > policy.maxAttempts()) {
        attempt = policy.maxAttempts();
        giveUp(errMsg);
        return;
    }
    const int full = policy.delay(attempt);
    const int delay = full
        - int(std::floor(full * policy.jitter() * QRandomGenerator::global()->generateDouble()));
    deadline = QDeadlineTimer(delay);
    wait.start(delay, Qt::PreciseTimer, q); // never early (a coarse timer may be, by 5%)
    qCDebug(lcSocketTask, "reconnect: attempt %d in %d ms", attempt, delay);
    Q_EMIT q->reconnecting(delay, attempt);
}

void SocketTaskReconnectorPrivate::giveUp(const QString &errMsg)
{
    qCDebug(lcSocketTask, "reconnect: gave up: %s", qUtf8Printable(errMsg));
    setActive(false);
    // From the event loop: start() may be where it gives up.
    QMetaObject::invokeMethod(
        q, [q = q, errMsg] { Q_EMIT q->gaveUp(errMsg); }, Qt::QueuedConnection);
}

/*!
    \class SocketTaskReconnector
    \inmodule SocketTask
    \inheaderfile SocketTask
    \brief Keeps a connection up: a new SocketTask each time the last one dropped, after a
    wait that grows.

    A SocketTask is one connection, as in Taro and the browser: once CLOSED it stays CLOSED.
    SocketTaskReconnector is the layer above it that most applications write by hand: it makes
    a task with its ConnectOption, and when that task closes with a code its Policy retries
    (any but 1000 and 4000 to 4999, by default), or fails to connect, it waits and makes a new
    one. The wait grows from Policy::initialDelay() by Policy::multiplier() up to
    Policy::maxDelay(), with a random part (Policy::jitter()) so that many clients dropped by
    one server do not come back at the same moment. The attempts count from 0 again once a
    connection opens.

    \snippet reconnect.cpp reconnect

    Each connection is a new SocketTask, with a new socketTaskId: add its listeners when
    taskCreated() gives it (they run from the event loop, so none is missed). It has one task
    not CLOSED at a time, and it respects SocketTask::maxConcurrentTasks(): at the limit it
    waits and tries again, as after a drop. stop() closes the connection with 1000 and makes no
    more; a close with 1000 from either side also ends it, as do
    Policy::maxAttempts() attempts in a row that did not open (gaveUp()). Options that
    connectSocket() refuses end it at once, with gaveUp() and the refusal's errMsg; so does a
    Policy out of range (\c {"connectSocket:fail parameter error: parameter.reconnect.jitter
    must be a number from 0 to 1, not 2"}).

    The tasks it makes are its children; the one before is deleted when the next is made.
    In QML, the SocketTask element's \c reconnect property uses it.
*/

/*!
    \class SocketTaskReconnector::Policy
    \inmodule SocketTask
    \brief When SocketTaskReconnector tries again, and how long it waits first.

    The wait before attempt \e k is \c {initialDelay * multiplier^(k-1)}, at most
    \c maxDelay, less a random part of up to \c jitter of it. With the defaults (1000, 30000,
    2, 0.5): 0.5 to 1 s, 1 to 2 s, 2 to 4 s, ... 15 to 30 s. An implicitly shared value type;
    its ranges are checked when the reconnector uses it.
*/
/*! \fn SocketTaskReconnector::Policy::Policy()
    The defaults: 1000 ms, doubling up to 30000 ms, jitter 0.5, no limit of attempts. */
/*! \fn SocketTaskReconnector::Policy::Policy(const Policy &other)
    Copies \a other. */
/*! \fn SocketTaskReconnector::Policy::Policy(Policy &&other)
    Moves \a other. */
/*! \fn SocketTaskReconnector::Policy &SocketTaskReconnector::Policy::operator=(const Policy &other)
    Copies \a other. */
/*! \fn SocketTaskReconnector::Policy &SocketTaskReconnector::Policy::operator=(Policy &&other)
    Moves \a other. */
/*! \fn SocketTaskReconnector::Policy::~Policy()
    Destroys the policy. */
/*! \fn int SocketTaskReconnector::Policy::initialDelay() const
    The wait before the first attempt, in ms (at least 0). Default 1000. */
/*! \fn void SocketTaskReconnector::Policy::setInitialDelay(int ms)
    Sets the wait before the first attempt to \a ms. */
/*! \fn int SocketTaskReconnector::Policy::maxDelay() const
    The longest wait, in ms (at least 0). Default 30000. */
/*! \fn void SocketTaskReconnector::Policy::setMaxDelay(int ms)
    Sets the longest wait to \a ms. */
/*! \fn double SocketTaskReconnector::Policy::multiplier() const
    How much each wait grows over the one before (at least 1). Default 2. */
/*! \fn void SocketTaskReconnector::Policy::setMultiplier(double multiplier)
    Sets the growth of each wait to \a multiplier. */
/*! \fn double SocketTaskReconnector::Policy::jitter() const
    The part of each wait, from 0 to 1, taken off at random. Default 0.5. */
/*! \fn void SocketTaskReconnector::Policy::setJitter(double jitter)
    Sets the random part of each wait to \a jitter. */
/*! \fn int SocketTaskReconnector::Policy::maxAttempts() const
    The attempts in a row that may fail to open before the reconnector gives up; 0 (the
    default): no limit. */
/*! \fn void SocketTaskReconnector::Policy::setMaxAttempts(int attempts)
    Sets the attempts in a row to \a attempts. */
/*! \fn QList<int> SocketTaskReconnector::Policy::retryCloseCodes() const
    Close codes that retry besides the default ones (every code but 1000 and 4000 to 4999):
    an application's own code that means "come back later", say. Each from 1000 to 4999. */
/*! \fn void SocketTaskReconnector::Policy::setRetryCloseCodes(const QList<int> &codes)
    Sets the close codes that retry besides the default ones to \a codes. */
/*! \fn bool SocketTaskReconnector::Policy::retries(int closeCode) const
    Returns whether a close with \a closeCode is followed by a new attempt. */
/*! \fn int SocketTaskReconnector::Policy::delay(int attempt) const
    The wait before attempt \a attempt, in ms, before its random part is taken off. */

/*!
    Constructs a reconnector with \a parent; set its option() before start().
*/
SocketTaskReconnector::SocketTaskReconnector(QObject *parent)
    : QObject(parent), d(new SocketTaskReconnectorPrivate(this))
{ }

/*!
    Constructs a reconnector that connects with \a option and retries by \a policy, with
    \a parent. It connects when start() is called. The option's callbacks run for each
    connection it makes.
*/
SocketTaskReconnector::SocketTaskReconnector(
    const SocketTask::ConnectOption &option, const Policy &policy, QObject *parent)
    : SocketTaskReconnector(parent)
{
    d->option = option;
    d->policy = policy;
}

/*!
    Destroys the reconnector and the tasks it made (a live one without a close frame: call
    stop() first for a goodbye).
*/
SocketTaskReconnector::~SocketTaskReconnector() = default;

/*! The options each connection is made with. \sa setOption() */
SocketTask::ConnectOption SocketTaskReconnector::option() const
{
    return d->option;
}

/*! Sets the options of the next connection to \a option. */
void SocketTaskReconnector::setOption(const SocketTask::ConnectOption &option)
{
    d->option = option;
}

/*! When it tries again, and how long it waits. \sa setPolicy() */
SocketTaskReconnector::Policy SocketTaskReconnector::policy() const
{
    return d->policy;
}

/*! Sets the policy to \a policy; the wait already begun keeps its length. */
void SocketTaskReconnector::setPolicy(const Policy &policy)
{
    d->policy = policy;
}

/*!
    \property SocketTaskReconnector::task
    The latest connection: CONNECTING, OPEN, CLOSING, or CLOSED while the next one is awaited;
    nullptr before the first. taskCreated() tells when it changes.
*/
SocketTask *SocketTaskReconnector::task() const
{
    return d->task;
}

/*!
    \property SocketTaskReconnector::active
    True from start() until it stops trying: stop(), a close its policy does not retry, or
    giving up (gaveUp()).
*/
bool SocketTaskReconnector::isActive() const
{
    return d->active;
}

/*!
    \property SocketTaskReconnector::attempt
    The attempt awaited or under way since a connection last opened: 0 for the first
    connection and while one is open, then 1, 2, ...
*/
int SocketTaskReconnector::attempt() const
{
    return d->attempt;
}

/*! The milliseconds before the next attempt starts, or -1 when none is awaited. */
int SocketTaskReconnector::remainingTime() const
{
    return d->wait.isActive() ? int(d->deadline.remainingTime()) : -1;
}

/*!
    Connects now, and counts the attempts from 0. A connection CONNECTING or OPEN is kept; one
    CLOSING is followed by a new one once it is CLOSED; a wait under way ends.
*/
void SocketTaskReconnector::start()
{
    d->attempt = 0;
    d->setActive(true);
    d->wait.stop();
    const SocketTask::ReadyState state = d->task ? d->task->readyState() : SocketTask::CLOSED;
    if (state == SocketTask::CLOSING)
        d->connectWhenClosed = true; // one task not CLOSED at a time
    else if (state == SocketTask::CLOSED)
        d->connectNow();
}

/*!
    Makes no more connections; a connection that is not CLOSED is closed with 1000.
*/
void SocketTaskReconnector::stop()
{
    d->setActive(false);
    d->wait.stop();
    d->attempt = 0;
    d->connectWhenClosed = false;
    if (d->task && d->task->readyState() != SocketTask::CLOSED)
        d->task->close();
}

/*! \internal */
void SocketTaskReconnector::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == d->wait.timerId())
        d->connectNow();
    else
        QObject::timerEvent(event);
}

/*!
    \fn void SocketTaskReconnector::taskCreated(SocketTask *task)
    A connection was made: \a task is CONNECTING. Add its listeners (or connect to its
    signals) here; its events come from the event loop, after this.
*/
/*!
    \fn void SocketTaskReconnector::reconnecting(int delay, int attempt)
    The last connection closed (after its onClose listeners ran) or could not be made;
    attempt number \a attempt starts in \a delay ms. What a UI shows: "reconnecting in 3 s".
*/
/*!
    \fn void SocketTaskReconnector::gaveUp(const QString &errMsg)
    It stopped trying by itself, with \a errMsg: the last attempt's error after
    Policy::maxAttempts() attempts, or why the options or the policy were refused. Emitted
    from the event loop.
*/
/*!
    \fn void SocketTaskReconnector::activeChanged(bool active)
    isActive() became \a active.
*/
