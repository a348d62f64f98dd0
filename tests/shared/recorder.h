// SPDX-License-Identifier: MIT
#pragma once

// What every C++ test of SocketTask shares: the recorders of events and callbacks, option
// helpers, the round-trip sentinel, and the fixture (each test starts and ends with no live
// task).

#include "trywait.h"

#include <SocketTask>

#include <QCoreApplication>
#include <QObject>
#include <QTcpServer>
#include <QTest>

#include <memory>

using CallbackResult = SocketTask::CallbackResult;

// Records every event of a task as one line, so a test can compare the whole sequence.
struct EventLog
{
    QStringList events;
    QList<QVariant> messages;
    SocketTask::OnOpenCallbackResult open;
    SocketTask::OnCloseCallbackResult close;

    void attach(SocketTask *task)
    {
        task->onOpen([this](const SocketTask::OnOpenCallbackResult &r) {
            open = r;
            events << QStringLiteral("open");
        });
        task->onMessage([this](const SocketTask::OnMessageCallbackResult &r) {
            messages << r.data;
            events << QStringLiteral("message");
        });
        task->onError([this](const SocketTask::OnErrorCallbackResult &r) {
            events << QStringLiteral("error:") + r.errMsg;
        });
        task->onClose([this](const SocketTask::OnCloseCallbackResult &r) {
            close = r;
            events << QStringLiteral("close:%1:%2").arg(r.code).arg(r.reason);
        });
    }
    bool closed() const { return !events.isEmpty() && events.last().startsWith("close:"); }
};

// success/fail/complete as they were called, in order.
struct CallbackLog
{
    QStringList calls;
    QList<CallbackResult> results;
    SocketTask::Callbacks callbacks()
    {
        return { [this](const CallbackResult &r) { record("success", r); },
            [this](const CallbackResult &r) { record("fail", r); },
            [this](const CallbackResult &r) { record("complete", r); } };
    }
    void record(const char *which, const CallbackResult &r)
    {
        calls << QString::fromLatin1(which);
        results << r;
    }
};

// An option with the callbacks of a CallbackLog.
template<typename Option>
inline Option withCallbacks(Option option, const SocketTask::Callbacks &callbacks)
{
    static_cast<SocketTask::Callbacks &>(option) = callbacks;
    return option;
}

inline SocketTask::ConnectOption optionFor(const QUrl &url)
{
    SocketTask::ConnectOption option;
    option.setUrl(url);
    return option;
}

inline QVariantMap looseOptionFor(const QUrl &url)
{
    return { { QStringLiteral("url"), url.toString() } };
}

// The round-trip sentinel of "nothing more happens": returns once every event posted before it
// was handled (a task delivers what it queued through posted events), where a fixed wait would
// only hope so.
inline void handlePostedEvents()
{
    bool reached = false;
    QMetaObject::invokeMethod(
        QCoreApplication::instance(), [&reached] { reached = true; }, Qt::QueuedConnection);
    TRY_VERIFY(reached);
}

// A loopback port that nobody listens on.
inline quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

// A task made with `option`, its events recorded in `log` from the start.
inline std::unique_ptr<SocketTask> recordedTask(
    const SocketTask::ConnectOption &option, EventLog *log)
{
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(option));
    if (task)
        log->attach(task.get());
    return task;
}

// A task connected to `url`, its events recorded in `log`, once it is OPEN (or after 5 s: the
// caller checks its readyState).
inline std::unique_ptr<SocketTask> openTask(const QUrl &url, EventLog *log)
{
    std::unique_ptr<SocketTask> task = recordedTask(optionFor(url), log);
    if (!task)
        return task;
    if (!TestWait::until([&task] { return task->readyState() == SocketTask::OPEN; }, 5000))
        qWarning() << "openTask: not OPEN after 5 s:" << log->events;
    return task;
}

// The fixture: each test starts with no live task and the default limit, and leaves none.
class SocketTaskTestCase : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
};
