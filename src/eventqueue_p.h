// SPDX-License-Identifier: MIT
#pragma once

// The contract's event rules in one unit (docs/contract.md, "Events"): events reach the user in
// the order they happened, from the event loop, never inside a call of the user
// (connectSocket/send/close); nothing follows the last one; and a listener may destroy the
// task that runs it.

#include <QList>
#include <QMetaObject>
#include <QObject>

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
    };

    // A call of the user (connectSocket/send/close): events that happen meanwhile wait for the
    // event loop.
    class CallScope
    {
    public:
        explicit CallScope(EventQueue *queue) : queue(queue) { ++queue->callDepth; }
        ~CallScope() { --queue->callDepth; }
        Q_DISABLE_COPY_MOVE(CallScope)

    private:
        EventQueue *queue;
    };

    EventQueue(QObject *context, Receiver *receiver) : context(context), receiver(receiver) { }
    Q_DISABLE_COPY_MOVE(EventQueue)

    // Delivered at once when no call of the user is on the stack and nothing waits, else
    // queued behind what waits.
    void post(Event &&event, Guard &guard)
    {
        if (callDepth == 0 && queue.isEmpty()) {
            receiver->deliver(event, guard);
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
    // Forgets what waits (the user aborted; they never see it).
    void clear() { queue.clear(); }

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

private:
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
        Guard guard(this, false);
        while (!queue.isEmpty()) {
            Event event = queue.takeFirst();
            receiver->deliver(event, guard);
            if (guard.dead)
                return;
        }
    }

    QObject *const context; // the drain runs in its thread, and never after it is gone
    Receiver *const receiver;
    QList<Event> queue;
    Guard *guards = nullptr;
    int callDepth = 0;
    bool drainScheduled = false;
};
