// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QObject>
#include <QPointer>

class QJSEngine;

// A browser's microtask checkpoint for Qt's JavaScript engine: runs the Promise reactions that
// wait (and those they queue) now, before a socket event reaches JavaScript.
//
// Qt's engine runs each reaction as an event posted to its ReactionHandler, one per pass of the
// event loop (qv4promiseobject.cpp, ReactionHandler::addReaction, Qt 6.4 to 6.11), so a socket
// event could land between two steps of a `.then` chain. That object is not public: it is found
// once, by the class name its moc gives it, on the first event it gets (each engine is given one
// when it is watched); then sendPostedEvents() to it runs what waits, and a filter on it counts
// what ran. Posted events of other receivers are not touched. One per thread.
class PromiseJobs : public QObject
{
public:
    // Makes sure `engine`'s reaction handler is found (an engine made later is watched too).
    static void watch(QJSEngine *engine);
    // Runs the reactions waiting in this thread's engines, until none waits.
    static void runPending();
    // Whether a reaction handler was found (tst_qtfacts: a Qt that renames it fails there).
    static bool isWatching();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    static PromiseJobs *ofThisThread();
    QList<QPointer<QObject>> m_handlers;
    int m_searching = 0; // engines whose handler is not found yet
    quint64 m_ran = 0; // events that reached a handler
};
