// SPDX-License-Identifier: MIT
#pragma once

// The contract's event rules in one unit (docs/contract.md, "Events"): events reach the user in
// the order they happened, from the event loop, never inside a call of the user
// (connectSocket/send/close) nor inside another event's listener (one that runs a nested event
// loop, a dialog's exec(), hears what came meanwhile after it returns); nothing follows the
// last one; and a listener may destroy the task that runs it.

#include <QList>
#include <QMetaObject>
#include <QObject>

#include <functional>
#include <memory>

// Receiver::deliver(Event &, Guard &) hears each event: a direct call, not a virtual one, as
// every message passes here.
template<typename Event, typename Receiver> class EventQueue
{
public:
    // Marks a stretch of code that calls out to user code; tells whether the task died meanwhile.
    class Guard
    {
    public:
        Guard(EventQueue *queue, bool insideSocketSignal)
            : queue(queue), outer(queue->guards), insideSocketSignal(insideSocketSignal)
        {
            // The chain holds stack objects on purpose: each takes itself off as it goes.
            QT_WARNING_PUSH
            QT_WARNING_DISABLE_GCC("-Wdangling-pointer")
            queue->guards = this;
            QT_WARNING_POP
        }
        ~Guard()
        {
            if (!dead)
                queue->guards = outer;
        }
        Q_DISABLE_COPY_MOVE(Guard)
        bool isDead() const { return dead; }

    private:
        friend class EventQueue;
        EventQueue *queue;
        Guard *outer;
        bool insideSocketSignal;
        bool dead = false;
        std::shared_ptr<void> keep; // see keepUntilUnwound
    };

    // A call of the user (connectSocket/send/close): events that happen meanwhile wait until
    // it returns. Where a slot reached inside may destroy the task (readyStateChanged in
    // close()), pass the Guard that tells, declared before the scope; the hot paths (each
    // message written) pass none and pay nothing for it.
    class CallScope
    {
    public:
        explicit CallScope(EventQueue *queue, const Guard *guard = nullptr)
            : queue(queue), guard(guard)
        {
            ++queue->callDepth;
        }
        ~CallScope()
        {
            if (guard && guard->isDead())
                return;
            --queue->callDepth;
            queue->resumeIfIdle();
        }
        Q_DISABLE_COPY_MOVE(CallScope)

    private:
        EventQueue *queue;
        const Guard *guard;
    };

    EventQueue(QObject *context, Receiver *receiver) : context(context), receiver(receiver) { }
    Q_DISABLE_COPY_MOVE(EventQueue)

    // Runs before each event is delivered (the QML API's: the JavaScript engine's pending Promise
    // reactions, as a browser's microtask checkpoint before a task). Empty for the C++ API.
    void setBeforeDelivery(std::function<void()> checkpoint)
    {
        beforeDelivery = std::move(checkpoint);
    }

    // Delivered at once when no call of the user and no listener is on the stack and nothing
    // waits, else queued behind what waits.
    void post(Event &&event, Guard &guard)
    {
        if (isIdle() && queue.isEmpty()) {
            if (beforeDelivery) {
                // Queued first: a call made by the checkpoint's code (close()) sees it there.
                queue.push_back(std::move(event));
                deliverWaiting(guard);
            } else {
                deliverNow(event, guard);
            }
            if (!guard.dead)
                resumeIfIdle(); // what came while the listeners ran
            return;
        }
        queue.push_back(std::move(event));
        scheduleDrain();
    }
    // Always through the event loop (the last event: see SocketTaskPrivate::socketOver).
    void postLater(Event &&event)
    {
        queue.push_back(std::move(event));
        scheduleDrain();
    }
    // Takes out what waits and `which` selects, in order (what the user aborted and never
    // sees; what a task being destroyed hands on).
    template<typename Which> QList<Event> take(Which which)
    {
        QList<Event> taken;
        QList<Event> kept;
        for (Event &event : queue)
            (which(event) ? taken : kept).push_back(std::move(event));
        queue = std::move(kept);
        return taken;
    }

    // For a task being destroyed: every running guard learns it. True if one of them runs
    // inside a signal of the socket (which must then be deleted later).
    bool kill()
    {
        bool insideSocketSignal = false;
        for (Guard *guard = guards; guard; guard = guard->outer) {
            guard->dead = true;
            insideSocketSignal = insideSocketSignal || guard->insideSocketSignal;
        }
        return insideSocketSignal;
    }
    // Whether user code of this task (a listener, a slot, a call) is on the stack.
    bool isRunningUserCode() const { return guards != nullptr; }
    // For a task being destroyed while its user code runs (a listener whose nested event loop
    // deleted the task): `object` (the listeners, whose captures that code may still use)
    // lives until the outermost of that code has returned. Call before kill().
    void keepUntilUnwound(std::shared_ptr<void> object)
    {
        Guard *outermost = guards;
        if (!outermost)
            return;
        while (outermost->outer)
            outermost = outermost->outer;
        outermost->keep = std::move(object);
    }

private:
    bool isIdle() const { return callDepth == 0 && !delivering; }
    // What waits, in order, each after the checkpoint (which runs user code: a drain inside
    // it waits, and what it does to the queue, a close() that forgets it, counts).
    void deliverWaiting(Guard &guard)
    {
        while (!queue.isEmpty()) {
            if (beforeDelivery) {
                delivering = true;
                beforeDelivery();
                if (guard.dead)
                    return;
                delivering = false;
                if (!isIdle() || queue.isEmpty())
                    return;
            }
            Event event = queue.takeFirst();
            deliverNow(event, guard);
            if (guard.dead)
                return;
        }
    }
    void deliverNow(Event &event, Guard &guard)
    {
        delivering = true;
        receiver->deliver(event, guard);
        if (!guard.dead)
            delivering = false;
    }
    // The call or listener that held events back returned: deliver what waits.
    void resumeIfIdle()
    {
        if (isIdle() && !queue.isEmpty())
            scheduleDrain();
    }
    void scheduleDrain()
    {
        if (drainScheduled)
            return;
        drainScheduled = true;
        QMetaObject::invokeMethod(
            context, [this] { drain(); }, Qt::QueuedConnection);
    }
    void drain()
    {
        drainScheduled = false;
        // Run from a nested event loop inside a call or a listener: whoever is busy resumes.
        if (!isIdle())
            return;
        Guard guard(this, false);
        deliverWaiting(guard);
    }

    QObject *const context; // the drain runs in its thread, and never after it is gone
    Receiver *const receiver;
    QList<Event> queue;
    Guard *guards = nullptr;
    int callDepth = 0;
    bool delivering = false; // a listener (or a slot of the event's signal) is running
    bool drainScheduled = false;
    std::function<void()> beforeDelivery; // see setBeforeDelivery
};
