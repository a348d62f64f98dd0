// SPDX-License-Identifier: MIT
// SocketTaskReconnector: a new connection after a drop, with backoff and jitter, the close codes
// that retry, the live-task limit, stop() and the checks. Against real peers on loopback: a
// server stopped mid-stream and started again on the same port, a port nobody listens on.

#include "recorder.h"
#include "testserver.h"
#include "trywait.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>
#include <SocketTask>

#include <memory>

// A server that streams "tick N" to each client every 5 ms, and that a test stops (dropping
// every connection without a close frame, as a crashed or rebooted server does) and starts again
// on the same port.
class TickServer : public QObject
{
    Q_OBJECT
public:
    bool start(quint16 port = 0)
    {
        m_server = std::make_unique<QWebSocketServer>(
            QStringLiteral("TickServer"), QWebSocketServer::NonSecureMode);
        connect(m_server.get(), &QWebSocketServer::newConnection, this, [this] {
            while (QWebSocket *socket = m_server->nextPendingConnection()) {
                ++connections;
                socket->setParent(m_server.get());
                auto *timer = new QTimer(socket);
                connect(timer, &QTimer::timeout, socket, [socket, this] {
                    socket->sendTextMessage(QStringLiteral("tick %1").arg(ticks++));
                });
                timer->start(5);
                connect(socket, &QWebSocket::disconnected, socket, [socket, this] {
                    closeCodes << socket->closeCode();
                    socket->deleteLater();
                });
            }
        });
        if (!m_server->listen(QHostAddress::LocalHost, port))
            return false;
        m_port = m_server->serverPort();
        return true;
    }
    // Every connection dropped (TCP reset, no close frame), and nobody listening any more.
    void crash()
    {
        for (QWebSocket *socket : m_server->findChildren<QWebSocket *>())
            socket->abort();
        m_server.reset();
    }
    quint16 port() const { return m_port; } // the last one listened on
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(m_port)); }
    int connections = 0;
    int ticks = 0;
    QList<int> closeCodes;

private:
    std::unique_ptr<QWebSocketServer> m_server;
    quint16 m_port = 0;
};

Q_DECLARE_METATYPE(SocketTaskReconnector::Policy)

// A policy without jitter, so that each wait can be compared.
static SocketTaskReconnector::Policy exactPolicy(
    int initialDelay, int maxDelay, int maxAttempts = 0)
{
    SocketTaskReconnector::Policy policy;
    policy.setInitialDelay(initialDelay);
    policy.setMaxDelay(maxDelay);
    policy.setJitter(0);
    policy.setMaxAttempts(maxAttempts);
    return policy;
}

// What a reconnector did, in order: "task N" (a task made), "open", "close CODE", "reconnecting
// DELAY ATTEMPT", "gaveUp ERRMSG".
struct ReconnectLog
{
    QStringList events;
    QList<int> delays;
    QList<int> liveAtCreation; // SocketTask::liveTaskCount() when each task was made
    void attach(SocketTaskReconnector *r)
    {
        QObject::connect(r, &SocketTaskReconnector::taskCreated, r, [this](SocketTask *task) {
            events << QStringLiteral("task");
            liveAtCreation << SocketTask::liveTaskCount();
            task->onOpen([this](const auto &) { events << QStringLiteral("open"); });
            task->onClose(
                [this](const auto &c) { events << QStringLiteral("close %1").arg(c.code); });
        });
        QObject::connect(
            r, &SocketTaskReconnector::reconnecting, r, [this](int delay, int attempt) {
                delays << delay;
                events << QStringLiteral("reconnecting %1").arg(attempt);
            });
        QObject::connect(r, &SocketTaskReconnector::gaveUp, r,
            [this](const QString &errMsg) { events << QStringLiteral("gaveUp ") + errMsg; });
    }
    int count(const QString &event) const { return int(events.count(event)); }
};

class tst_Reconnect : public SocketTaskTestCase
{
    Q_OBJECT

private Q_SLOTS:
    void policy_defaults();
    void policy_delayGrowsToMax();
    void serverRestartsOnSamePort();
    void backoffGrowsThenGivesUp();
    void delayNeverEndsEarly();
    void jitterShortensEachWait();
    void closeCodes_data();
    void closeCodes();
    void liveTaskLimitRespected();
    void stop_whileOpen();
    void stop_whileWaiting();
    void startWhileClosing();
    void refusedOptionsGiveUp();
    void policyChecked_data();
    void policyChecked();
};

void tst_Reconnect::policy_defaults()
{
    const SocketTaskReconnector::Policy policy;
    QCOMPARE(policy.initialDelay(), 1000);
    QCOMPARE(policy.maxDelay(), 30000);
    QCOMPARE(policy.multiplier(), 2.0);
    QCOMPARE(policy.jitter(), 0.5);
    QCOMPARE(policy.maxAttempts(), 0);
    QVERIFY(policy.retryCloseCodes().isEmpty());
    QVERIFY(!policy.retries(1000));
    QVERIFY(!policy.retries(4000));
    QVERIFY(!policy.retries(4999));
    for (int code : { 1001, 1002, 1006, 1008, 1009, 1011, 3000, 3999 })
        QVERIFY2(policy.retries(code), qPrintable(QString::number(code)));
    SocketTaskReconnector::Policy asked = policy;
    asked.setRetryCloseCodes({ 4001, 1000 });
    QVERIFY(asked.retries(4001));
    QVERIFY(asked.retries(1000));
    QVERIFY(!asked.retries(4002));
    QVERIFY(policy.retryCloseCodes().isEmpty()); // a copy is its own
}

void tst_Reconnect::policy_delayGrowsToMax()
{
    SocketTaskReconnector::Policy policy;
    QCOMPARE(policy.delay(0), 0);
    QCOMPARE(policy.delay(1), 1000);
    QCOMPARE(policy.delay(2), 2000);
    QCOMPARE(policy.delay(5), 16000);
    QCOMPARE(policy.delay(6), 30000);
    QCOMPARE(policy.delay(100000), 30000); // the power overflows to infinity: still the max
    policy.setMultiplier(1);
    QCOMPARE(policy.delay(7), 1000);
}

// The scenario: a server stopped mid-stream, then started again on the same port.
void tst_Reconnect::serverRestartsOnSamePort()
{
    TickServer server;
    QVERIFY(server.start());
    SocketTaskReconnector reconnector(optionFor(server.url()), exactPolicy(40, 200));
    ReconnectLog log;
    log.attach(&reconnector);
    QSignalSpy active(&reconnector, &SocketTaskReconnector::activeChanged);
    reconnector.start();
    QCOMPARE(active.count(), 1);
    QVERIFY(reconnector.isActive());
    QCOMPARE(log.events, QStringList({ "task" }));
    QPointer<SocketTask> first = reconnector.task();
    const int firstId = first->socketTaskId();
    int heard = 0;
    first->onMessage([&heard](const auto &) { ++heard; });
    TRY_VERIFY(heard >= 10); // mid-stream
    QCOMPARE(reconnector.attempt(), 0);

    server.crash();
    // The drop is heard (onClose 1006), then the wait; the port is refused until the restart.
    TRY_VERIFY(log.count("reconnecting 2") == 1);
    QCOMPARE(log.events.mid(0, 5),
        QStringList({ "task", "open", "close 1006", "reconnecting 1", "task" }));
    QCOMPARE(log.delays.mid(0, 2), QList<int>({ 40, 80 }));
    QVERIFY(server.start(server.port()));
    TRY_COMPARE_WITH_TIMEOUT(log.count("open"), 2, 5000);
    QCOMPARE(reconnector.attempt(), 0); // counted from 0 again once open
    QCOMPARE(server.connections, 2);
    SocketTask *second = reconnector.task();
    QCOMPARE(second->readyState(), SocketTask::OPEN);
    QVERIFY(second->socketTaskId() > firstId); // a task of its own
    heard = 0;
    second->onMessage([&heard](const auto &) { ++heard; });
    TRY_VERIFY(heard >= 5); // the stream goes on
    // One task not CLOSED at a time: each was made when no other of this test was live.
    for (int live : std::as_const(log.liveAtCreation))
        QCOMPARE(live, 1);
    TRY_VERIFY(!first); // the CLOSED one was deleted once the next was made
    reconnector.stop();
    TRY_COMPARE(second->readyState(), SocketTask::CLOSED);
    TRY_COMPARE(server.closeCodes.size(), 2); // the crash's, then ours
    QCOMPARE(server.closeCodes.last(), 1000);
    QVERIFY(!reconnector.isActive());
}

void tst_Reconnect::backoffGrowsThenGivesUp()
{
    SocketTaskReconnector reconnector(
        optionFor(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(closedPort()))),
        exactPolicy(10, 40, 4));
    ReconnectLog log;
    log.attach(&reconnector);
    reconnector.start();
    TRY_VERIFY(!reconnector.isActive());
    TRY_COMPARE(log.events.size(), 5 * 2 + 4 + 1);
    QCOMPARE(log.delays, QList<int>({ 10, 20, 40, 40 }));
    QCOMPARE(log.count("task"), 5); // the first and 4 attempts
    QCOMPARE(log.count("close 1006"), 5);
    QCOMPARE(log.events.mid(0, 4), QStringList({ "task", "close 1006", "reconnecting 1", "task" }));
    QVERIFY2(
        log.events.last().startsWith("gaveUp connectSocket:fail "), qPrintable(log.events.last()));
    QCOMPARE(reconnector.attempt(), 4);
    QCOMPARE(reconnector.remainingTime(), -1);
}

// No deadline ends early (contract): a coarse timer may fire 5% early (190 ms of 200).
void tst_Reconnect::delayNeverEndsEarly()
{
    SocketTaskReconnector reconnector(
        optionFor(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(closedPort()))),
        exactPolicy(200, 200, 2));
    QElapsedTimer clock;
    clock.start();
    QList<qint64> waitStarted, taskMade; // ns
    connect(&reconnector, &SocketTaskReconnector::reconnecting, this,
        [&] { waitStarted << clock.nsecsElapsed(); });
    connect(&reconnector, &SocketTaskReconnector::taskCreated, this,
        [&] { taskMade << clock.nsecsElapsed(); });
    reconnector.start();
    TRY_VERIFY(!reconnector.isActive());
    QCOMPARE(waitStarted.size(), 2);
    QCOMPARE(taskMade.size(), 3); // the first and 2 attempts
    // The wait's timer starts just before `reconnecting` is emitted: the time between that
    // timer's start and this record (well under the 0.5 ms allowed) is all that is not seen.
    for (int i = 0; i < 2; ++i) {
        const qint64 waited = taskMade.at(i + 1) - waitStarted.at(i);
        QVERIFY2(waited >= 200'000'000 - 500'000, qPrintable(QStringLiteral("%1 ns").arg(waited)));
    }
}

void tst_Reconnect::jitterShortensEachWait()
{
    SocketTaskReconnector::Policy policy;
    policy.setInitialDelay(40);
    policy.setMultiplier(1);
    policy.setMaxAttempts(8);
    policy.setJitter(0.5);
    SocketTaskReconnector reconnector(
        optionFor(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(closedPort()))), policy);
    ReconnectLog log;
    log.attach(&reconnector);
    reconnector.start();
    TRY_VERIFY_WITH_TIMEOUT(!reconnector.isActive(), 5000);
    QCOMPARE(log.delays.size(), 8);
    for (int delay : std::as_const(log.delays))
        QVERIFY2(delay >= 20 && delay <= 40, qPrintable(QString::number(delay)));
    // Random: 8 waits of 21 possible lengths are not all the same (p = 21^-7).
    QVERIFY2(std::count(log.delays.begin(), log.delays.end(), log.delays.first()) < 8,
        qPrintable(QString::number(log.delays.first())));
}

void tst_Reconnect::closeCodes_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QList<int>>("retryCloseCodes");
    QTest::addColumn<bool>("retries");
    QTest::newRow("1000 normal: done") << 1000 << QList<int>() << false;
    QTest::newRow("4000 the app's own: done") << 4000 << QList<int>() << false;
    QTest::newRow("4999 the app's own: done") << 4999 << QList<int>() << false;
    QTest::newRow("4001 asked to retry") << 4001 << QList<int>({ 4001 }) << true;
    QTest::newRow("1000 asked to retry") << 1000 << QList<int>({ 1000 }) << true;
    QTest::newRow("1001 going away") << 1001 << QList<int>() << true;
    QTest::newRow("1011 server error") << 1011 << QList<int>() << true;
    QTest::newRow("1012 service restart") << 1012 << QList<int>() << true;
    QTest::newRow("3000 registered") << 3000 << QList<int>() << true;
}

// The server closes with `code`; a code that does not retry ends the reconnector.
void tst_Reconnect::closeCodes()
{
    QFETCH(int, code);
    QFETCH(QList<int>, retryCloseCodes);
    QFETCH(bool, retries);
    TestServer server(TestServer::Echo);
    SocketTaskReconnector::Policy policy = exactPolicy(20, 20);
    policy.setRetryCloseCodes(retryCloseCodes);
    SocketTaskReconnector reconnector(optionFor(server.url()), policy);
    ReconnectLog log;
    log.attach(&reconnector);
    reconnector.start();
    TRY_COMPARE(reconnector.task()->readyState(), SocketTask::OPEN);
    reconnector.task()->send(QStringLiteral("close %1 bye").arg(code));
    TRY_COMPARE(log.count(QStringLiteral("close %1").arg(code)), 1);
    if (retries) {
        TRY_COMPARE(log.count("open"), 2);
        QCOMPARE(log.events,
            QStringList({ "task", "open", QStringLiteral("close %1").arg(code), "reconnecting 1",
                "task", "open" }));
        QVERIFY(reconnector.isActive());
        reconnector.stop();
    } else {
        QVERIFY(!reconnector.isActive());
        QCOMPARE(log.events, QStringList({ "task", "open", QStringLiteral("close %1").arg(code) }));
        QCOMPARE(reconnector.remainingTime(), -1);
        handlePostedEvents();
        QCOMPARE(log.count("gaveUp"), 0); // done, not given up
    }
    TRY_COMPARE(reconnector.task()->readyState(), SocketTask::CLOSED);
}

// At the limit, it waits as after a drop, and connects once another task closed.
void tst_Reconnect::liveTaskLimitRespected()
{
    TestServer server(TestServer::Echo);
    SocketTask::setMaxConcurrentTasks(1);
    EventLog otherLog;
    std::unique_ptr<SocketTask> other = openTask(server.url(), &otherLog);
    QCOMPARE(other->readyState(), SocketTask::OPEN);
    SocketTaskReconnector reconnector(optionFor(server.url()), exactPolicy(20, 20));
    ReconnectLog log;
    log.attach(&reconnector);
    reconnector.start();
    QCOMPARE(reconnector.task(), nullptr);
    QCOMPARE(log.events, QStringList({ "reconnecting 1" }));
    TRY_COMPARE(log.count("reconnecting 3"), 1); // still waiting, not exceeding
    QCOMPARE(SocketTask::liveTaskCount(), 1);
    QCOMPARE(log.count("task"), 0);
    other->close();
    TRY_COMPARE(log.count("open"), 1);
    QCOMPARE(log.liveAtCreation, QList<int>({ 1 }));
    QCOMPARE(reconnector.attempt(), 0);
    reconnector.stop();
    TRY_COMPARE(reconnector.task()->readyState(), SocketTask::CLOSED);
}

void tst_Reconnect::stop_whileOpen()
{
    TestServer server(TestServer::Echo);
    SocketTaskReconnector reconnector(optionFor(server.url()), exactPolicy(20, 20));
    ReconnectLog log;
    log.attach(&reconnector);
    reconnector.start();
    TRY_COMPARE(log.count("open"), 1);
    reconnector.stop();
    QVERIFY(!reconnector.isActive());
    TRY_COMPARE(log.count("close 1000"), 1);
    TRY_COMPARE(server.closeCount(), 1);
    QCOMPARE(server.closeCodeAt(0), 1000);
    // No attempt can follow: no wait is running, and nothing is posted.
    QCOMPARE(reconnector.remainingTime(), -1);
    handlePostedEvents();
    QCOMPARE(reconnector.remainingTime(), -1);
    QCOMPARE(log.events, QStringList({ "task", "open", "close 1000" }));
}

void tst_Reconnect::stop_whileWaiting()
{
    SocketTaskReconnector reconnector(
        optionFor(QUrl(QStringLiteral("ws://127.0.0.1:%1").arg(closedPort()))),
        exactPolicy(500, 500)); // long enough to be seen waiting
    ReconnectLog log;
    log.attach(&reconnector);
    reconnector.start();
    TRY_COMPARE(log.count("reconnecting 1"), 1);
    QVERIFY(reconnector.remainingTime() >= 0 && reconnector.remainingTime() <= 500);
    QCOMPARE(reconnector.attempt(), 1);
    reconnector.stop();
    QCOMPARE(reconnector.remainingTime(), -1);
    QCOMPARE(reconnector.attempt(), 0);
    handlePostedEvents(); // and what stop() may have posted: still no attempt, no wait
    QCOMPARE(reconnector.remainingTime(), -1);
    QCOMPARE(log.events, QStringList({ "task", "close 1006", "reconnecting 1" }));
}

// start() while the task is CLOSING: the next connection is made once it is CLOSED, so there is
// never more than one that is not CLOSED.
void tst_Reconnect::startWhileClosing()
{
    TestServer server(TestServer::Echo);
    SocketTaskReconnector reconnector(optionFor(server.url()), exactPolicy(20, 20));
    ReconnectLog log;
    log.attach(&reconnector);
    reconnector.start();
    TRY_COMPARE(log.count("open"), 1);
    reconnector.stop();
    QCOMPARE(reconnector.task()->readyState(), SocketTask::CLOSING);
    reconnector.start();
    QCOMPARE(log.count("task"), 1);
    TRY_COMPARE(log.count("open"), 2);
    QCOMPARE(log.events, QStringList({ "task", "open", "close 1000", "task", "open" }));
    QCOMPARE(log.liveAtCreation, QList<int>({ 1, 1 }));
    reconnector.stop();
    TRY_COMPARE(reconnector.task()->readyState(), SocketTask::CLOSED);
}

void tst_Reconnect::refusedOptionsGiveUp()
{
    SocketTaskReconnector reconnector(optionFor(QUrl(QStringLiteral("http://example.com/"))));
    ReconnectLog log;
    log.attach(&reconnector);
    CallbackLog calls;
    SocketTask::ConnectOption option = reconnector.option();
    static_cast<SocketTask::Callbacks &>(option) = calls.callbacks();
    reconnector.setOption(option);
    reconnector.start();
    QVERIFY(!reconnector.isActive());
    QCOMPARE(log.events, QStringList()); // gaveUp comes from the event loop
    QCOMPARE(calls.calls, QStringList({ "fail", "complete" })); // the option's own callbacks
    TRY_COMPARE(log.events,
        QStringList(
            { "gaveUp connectSocket:fail request:fail invalid url \"http://example.com/\"" }));
    QCOMPARE(reconnector.task(), nullptr);
}

void tst_Reconnect::policyChecked_data()
{
    QTest::addColumn<SocketTaskReconnector::Policy>("policy");
    QTest::addColumn<QString>("errMsg");
    const QString prefix
        = QStringLiteral("connectSocket:fail parameter error: parameter.reconnect.");
    SocketTaskReconnector::Policy policy;
    policy.setInitialDelay(-5);
    QTest::newRow("initialDelay") << policy
                                  << prefix + "initialDelay must be a finite number >= 0, not -5";
    policy = {};
    policy.setMaxDelay(-1);
    QTest::newRow("maxDelay") << policy << prefix + "maxDelay must be a finite number >= 0, not -1";
    policy = {};
    policy.setMultiplier(0.5);
    QTest::newRow("multiplier") << policy
                                << prefix + "multiplier must be a finite number >= 1, not 0.5";
    policy = {};
    policy.setMultiplier(qQNaN());
    QTest::newRow("multiplier NaN")
        << policy << prefix + "multiplier must be a finite number >= 1, not NaN";
    policy = {};
    policy.setJitter(2);
    QTest::newRow("jitter") << policy << prefix + "jitter must be a number from 0 to 1, not 2";
    policy = {};
    policy.setMaxAttempts(-1);
    QTest::newRow("maxAttempts") << policy
                                 << prefix + "maxAttempts must be a whole number >= 0, not -1";
    policy = {};
    policy.setRetryCloseCodes({ 4001, 999 });
    QTest::newRow("retryCloseCodes")
        << policy << prefix + "retryCloseCodes[1] must be a close code from 1000 to 4999, not 999";
}

void tst_Reconnect::policyChecked()
{
    QFETCH(SocketTaskReconnector::Policy, policy);
    QFETCH(QString, errMsg);
    TestServer server(TestServer::Echo);
    SocketTaskReconnector reconnector(optionFor(server.url()), policy);
    ReconnectLog log;
    log.attach(&reconnector);
    reconnector.start();
    QVERIFY(!reconnector.isActive());
    TRY_COMPARE(log.events, QStringList({ "gaveUp " + errMsg }));
    QCOMPARE(server.connectionCount(), 0);
}

QTEST_GUILESS_MAIN(tst_Reconnect)
#include "tst_reconnect.moc"
