// SPDX-License-Identifier: MIT
#include "promisejobs.h"

#include <QCoreApplication>
#include <QEvent>
#include <QJSEngine>
#include <QThread>

#include <cstring>
#include <memory>

namespace {
// QV4::Promise::ReactionHandler (qtdeclarative, src/qml/jsruntime/qv4promiseobject_p.h).
constexpr char handlerClass[] = "QV4::Promise::ReactionHandler";
} // namespace

namespace {
// Deleted with its thread. Not QThreadStorage: runPending() asks before every event a listener
// hears, and QThreadStorage's lookup cost 190 instructions a message (Qt 6.4, callgrind).
thread_local std::unique_ptr<PromiseJobs> jobsOfThisThread;
} // namespace

PromiseJobs *PromiseJobs::ofThisThread()
{
    if (!jobsOfThisThread)
        jobsOfThisThread.reset(new PromiseJobs);
    return jobsOfThisThread.get();
}

void PromiseJobs::watch(QJSEngine *engine)
{
    PromiseJobs *jobs = ofThisThread();
    if (jobs->m_searching++ == 0)
        QCoreApplication::instance()->installEventFilter(jobs);
    // A reaction of its own: the engine's handler gets an event in the next pass.
    engine->evaluate(QStringLiteral("Promise.resolve().then(function () {})"));
}

bool PromiseJobs::eventFilter(QObject *watched, QEvent *event)
{
    Q_UNUSED(event);
    if (m_handlers.contains(watched)) {
        ++m_ran;
        return false;
    }
    // Only while an engine's handler is not found: the application's every event passes here.
    if (m_searching > 0 && watched->thread() == QThread::currentThread()
        && std::strcmp(watched->metaObject()->className(), handlerClass) == 0) {
        m_handlers.append(watched);
        watched->installEventFilter(this); // counts what runs there from now on
        ++m_ran;
        if (--m_searching == 0)
            QCoreApplication::instance()->removeEventFilter(this);
    }
    return false;
}

void PromiseJobs::runPending()
{
    PromiseJobs *jobs = jobsOfThisThread.get();
    if (!jobs || jobs->m_handlers.isEmpty())
        return;
    // Each pass runs what was posted before it; what those reactions post, the next pass.
    quint64 before;
    do {
        before = jobs->m_ran;
        for (const QPointer<QObject> &handler : std::as_const(jobs->m_handlers)) {
            if (handler)
                QCoreApplication::sendPostedEvents(handler, 0);
        }
    } while (jobs->m_ran != before);
}

bool PromiseJobs::isWatching()
{
    return jobsOfThisThread && !jobsOfThisThread->m_handlers.isEmpty();
}
