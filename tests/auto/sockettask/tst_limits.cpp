// SPDX-License-Identifier: MIT
// Lifetime and limits (docs/contract.md, "Lifetime and limits"): the C++ side, against real WebSocket peers on loopback (tests/shared).

#include "recorder.h"
#include "testserver.h"
#include "trywait.h"
#include <QMetaEnum>
#include <QPointer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <SocketTask>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sockettaskbinding_p.h>
#include <stdexcept>
#include <sys/socket.h>

class tst_Limits : public SocketTaskTestCase
{
    Q_OBJECT

private Q_SLOTS:
    void limit_default();
    void limit_settableAndZero();
    void limit_closedTaskFreesSlotWithoutListeners();
    void limit_checkedLast();
    void destroy_open_sendsGoingAway();
    void destroy_connecting_freesSlot();
    void incomingLimit();
};

void tst_Limits::limit_default()
{
    QCOMPARE(SocketTask::maxConcurrentTasks(), 5);
    TestServer server(TestServer::Hang);
    std::vector<std::unique_ptr<SocketTask>> tasks;
    for (int i = 0; i < 5; ++i)
        tasks.emplace_back(SocketTask::connectSocket(optionFor(server.url())));
    QCOMPARE(SocketTask::liveTaskCount(), 5);
    CallbackLog calls;
    SocketTask::ConnectOption option = optionFor(server.url());
    static_cast<SocketTask::Callbacks &>(option) = calls.callbacks();
    QCOMPARE(SocketTask::connectSocket(option), nullptr);
    QCOMPARE(calls.calls, QStringList({ "fail", "complete" }));
    QCOMPARE(calls.results.at(0).errMsg,
        QStringLiteral("connectSocket:fail exceed max concurrent socket tasks: 5"));
    // closing one frees its slot once it is CLOSED
    tasks.front()->close();
    TRY_COMPARE(tasks.front()->readyState(), SocketTask::CLOSED);
    QCOMPARE(SocketTask::liveTaskCount(), 4);
    std::unique_ptr<SocketTask> again(SocketTask::connectSocket(optionFor(server.url())));
    QVERIFY(again);
}

void tst_Limits::limit_settableAndZero()
{
    TestServer server(TestServer::Hang);
    SocketTask::setMaxConcurrentTasks(2);
    std::vector<std::unique_ptr<SocketTask>> tasks;
    tasks.emplace_back(SocketTask::connectSocket(optionFor(server.url())));
    tasks.emplace_back(SocketTask::connectSocket(optionFor(server.url())));
    CallbackLog calls;
    QCOMPARE(
        SocketTaskBinding::connectSocket(looseOptionFor(server.url()), calls.callbacks()), nullptr);
    QCOMPARE(calls.results.at(0).errMsg,
        QStringLiteral("connectSocket:fail exceed max concurrent socket tasks: 2"));
    // bad limits are refused with a warning, and change nothing
    QTest::ignoreMessage(
        QtWarningMsg, "setMaxConcurrentTasks: the limit is 0 (none) or more, not -1; it stays 2");
    SocketTask::setMaxConcurrentTasks(-1);
    QCOMPARE(SocketTask::maxConcurrentTasks(), 2);
    QTest::ignoreMessage(QtWarningMsg,
        "setMaxIncomingMessageSize: the size is 1 byte or more, not 0; it stays 67108864");
    SocketTask::setMaxIncomingMessageSize(0);
    QCOMPARE(SocketTask::maxIncomingMessageSize(), qint64(64 * 1024 * 1024));
    SocketTask::setMaxConcurrentTasks(0); // no limit
    for (int i = 0; i < 20; ++i) {
        tasks.emplace_back(SocketTask::connectSocket(optionFor(server.url())));
        QVERIFY(tasks.back());
    }
    QCOMPARE(SocketTask::liveTaskCount(), 22);
}

void tst_Limits::limit_closedTaskFreesSlotWithoutListeners()
{
    // Taro's browser build leaks a slot when no onClose is set; a CLOSED task frees its own.
    SocketTask::setMaxConcurrentTasks(1);
    const QUrl refused(QStringLiteral("ws://127.0.0.1:%1/").arg(closedPort()));
    std::unique_ptr<SocketTask> first(SocketTask::connectSocket(optionFor(refused)));
    QVERIFY(first);
    TRY_COMPARE(first->readyState(), SocketTask::CLOSED);
    QCOMPARE(SocketTask::liveTaskCount(), 0);
    std::unique_ptr<SocketTask> second(SocketTask::connectSocket(optionFor(refused)));
    QVERIFY(second);
    TRY_COMPARE(second->readyState(), SocketTask::CLOSED);
}

void tst_Limits::limit_checkedLast()
{
    // Check 7 comes after the parameter checks: bad options say so even at the limit.
    SocketTask::setMaxConcurrentTasks(1);
    TestServer server(TestServer::Hang);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    CallbackLog calls;
    QVariantMap option = looseOptionFor(server.url());
    option.insert("timeout", -1);
    QCOMPARE(SocketTaskBinding::connectSocket(option, calls.callbacks()), nullptr);
    QCOMPARE(calls.results.at(0).errMsg,
        QStringLiteral("connectSocket:fail parameter error: parameter.timeout must be a finite "
                       "number >= 0, not -1"));
}

void tst_Limits::destroy_open_sendsGoingAway()
{
    // Qt 6.4: a dying QWebSocket emits its signals synchronously; no listener may hear them.
    TestServer server(TestServer::Echo);
    auto *task = SocketTask::connectSocket(optionFor(server.url()));
    EventLog log;
    log.attach(task);
    const auto listenersAlive = std::make_shared<int>();
    task->onClose([listenersAlive](const auto &) {});
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    delete task;
    QCOMPARE(log.events, QStringList({ "open" })); // nothing heard inside the deletion
    QCOMPARE(listenersAlive.use_count(), 1); // and the listeners went with the task
    QCOMPARE(SocketTask::liveTaskCount(), 0);
    TRY_COMPARE(server.closes.size(), 1);
    QCOMPARE(server.closes.first().code, 1001);
}

void tst_Limits::destroy_connecting_freesSlot()
{
    TestServer server(TestServer::Hang);
    auto *task = SocketTask::connectSocket(optionFor(server.url()));
    EventLog log;
    log.attach(task);
    const auto listenersAlive = std::make_shared<int>();
    task->onError([listenersAlive](const auto &) {});
    QCOMPARE(SocketTask::liveTaskCount(), 1);
    delete task;
    QCOMPARE(log.events, QStringList()); // nothing heard inside the deletion
    QCOMPARE(listenersAlive.use_count(), 1);
    QCOMPARE(SocketTask::liveTaskCount(), 0);
}

void tst_Limits::incomingLimit()
{
    QCOMPARE(SocketTask::maxIncomingMessageSize(), qint64(64 * 1024 * 1024));
    TestServer server(TestServer::Echo);
    {
        std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
        QCOMPARE(task->ws()->maxAllowedIncomingMessageSize(), quint64(64 * 1024 * 1024));
    }
    SocketTask::setMaxIncomingMessageSize(1024);
    auto restore = qScopeGuard([] { SocketTask::setMaxIncomingMessageSize(64 * 1024 * 1024); });
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    task->send(SocketTask::SendOption(QStringLiteral("big 1024"))); // at the limit: fine
    TRY_COMPARE(log.messages.size(), 1);
    task->send(SocketTask::SendOption(QStringLiteral("big 1025")));
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events.size(), 4);
    QCOMPARE(log.events.at(2),
        QStringLiteral("error:socketTask:fail incoming message larger than 1024 bytes"));
    QCOMPARE(log.close.code, 1009);
    TRY_COMPARE(server.closes.size(), 1);
    QCOMPARE(server.closes.first().code, 1009);
}

QTEST_GUILESS_MAIN(tst_Limits)
#include "tst_limits.moc"
