// SPDX-License-Identifier: MIT
// The task: its id, constants, properties, option types, errMsg, and the legacy one-socket API (docs/contract.md, "The task", "The legacy global API"): the C++ side, against real WebSocket peers on loopback (tests/shared).

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

class tst_Task : public SocketTaskTestCase
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void socketTaskId_uniqueFromOne();
    void constants();
    void options_areValueTypes();
    void properties();
    void readyState_openClose();
    void heartbeat_roundTripTime();
    void heartbeat_typedOptionIsChecked();
    void errMsg_isLatestResult();
    void legacy_sendSocketMessageAndCloseSocket();

private:
    int m_firstTaskId = 0;
};

void tst_Task::initTestCase()
{
    // The first task of the process gets id 1 (socketTaskId counts from 1).
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QVERIFY(task);
    m_firstTaskId = task->socketTaskId();
}

void tst_Task::socketTaskId_uniqueFromOne()
{
    QCOMPARE(m_firstTaskId, 1);
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> a(SocketTask::connectSocket(optionFor(server.url())));
    std::unique_ptr<SocketTask> b(SocketTask::connectSocket(optionFor(server.url())));
    QVERIFY(a->socketTaskId() > m_firstTaskId);
    QCOMPARE(b->socketTaskId(), a->socketTaskId() + 1);
    // a failed connectSocket uses no id
    QCOMPARE(SocketTaskBinding::connectSocket(QVariant(), {}), nullptr);
    std::unique_ptr<SocketTask> c(SocketTask::connectSocket(optionFor(server.url())));
    QCOMPARE(c->socketTaskId(), b->socketTaskId() + 1);
}

void tst_Task::constants()
{
    // In C++ the constants are the enum's (QML has them on every task too: tst_taro.qml).
    const char *names[] = { "CONNECTING", "OPEN", "CLOSING", "CLOSED" };
    const QMetaEnum e = QMetaEnum::fromType<SocketTask::ReadyState>();
    for (int value = 0; value < 4; ++value)
        QCOMPARE(e.keyToValue(names[value]), value);
}
// The browser's and the mini-programs' values, checked where the enum is compiled.
static_assert(SocketTask::CONNECTING == 0 && SocketTask::OPEN == 1 && SocketTask::CLOSING == 2
    && SocketTask::CLOSED == 3);

// What sendOption can hold is decided at compile time: text or bytes (a null C string stands
// for null data, and fails as it does in JavaScript).
static_assert(std::is_constructible_v<SocketTask::SendOption, QString>);
static_assert(std::is_constructible_v<SocketTask::SendOption, QByteArray>);
static_assert(std::is_constructible_v<SocketTask::SendOption, const char *>);
static_assert(!std::is_constructible_v<SocketTask::SendOption, int>);
static_assert(!std::is_constructible_v<SocketTask::SendOption, double>);
static_assert(!std::is_constructible_v<SocketTask::SendOption, QVariant>);
static_assert(!std::is_constructible_v<SocketTask::SendOption, QVariantMap>);
static_assert(!std::is_constructible_v<SocketTask::SendOption, QStringList>);
// The options can grow without changing size (libSocketTask.so.1's ABI): their fields live
// behind a d-pointer, next to the Callbacks' own.
static_assert(sizeof(SocketTask::Callbacks) == sizeof(void *));
static_assert(sizeof(SocketTask::ConnectOption) == 2 * sizeof(void *));
static_assert(sizeof(SocketTask::SendOption) == 2 * sizeof(void *));
static_assert(sizeof(SocketTask::CloseOption) == 2 * sizeof(void *));

void tst_Task::options_areValueTypes()
{
    // Implicitly shared: a copy is independent once changed.
    SocketTask::ConnectOption a(QUrl("ws://a.example/"));
    a.setHeader(QStringLiteral("X-A"), QStringLiteral("1"));
    SocketTask::ConnectOption b = a;
    b.setUrl(QUrl("ws://b.example/"));
    b.setHeader(QStringLiteral("X-B"), QStringLiteral("2"));
    b.setSuccess([](const CallbackResult &) {});
    QCOMPARE(a.url(), QUrl("ws://a.example/"));
    QCOMPARE(a.header().keys(), QStringList { "X-A" });
    QVERIFY(a.isEmpty());
    QCOMPARE(b.header().keys(), QStringList({ "X-A", "X-B" }));
    QVERIFY(!b.isEmpty());
    // The defaults the contract gives.
    QCOMPARE(SocketTask::ConnectOption().timeout(), 60000);
    QCOMPARE(SocketTask::ConnectOption().tcpNoDelay(), std::nullopt);
    QCOMPARE(SocketTask::CloseOption().code(), 1000);
    QCOMPARE(SocketTask::OnCloseCallbackResult().code, 1006);
    QVERIFY(!SocketTask::SendOption().data().isValid());
    QCOMPARE(SocketTask::SendOption(nullptr).data().typeId(), int(QMetaType::Nullptr));
    QCOMPARE(SocketTask::SendOption("é").data(), QVariant(QStringLiteral("é")));
}

void tst_Task::properties()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QCOMPARE(task->url(), server.url());
    QCOMPARE(task->property("url").toUrl(), server.url());
    QCOMPARE(task->property("socketTaskId").toInt(), task->socketTaskId());
    QCOMPARE(task->property("errMsg").toString(), QStringLiteral("connectSocket:ok"));
    QVERIFY(task->ws());
    TRY_COMPARE(task->property("readyState").toInt(), int(SocketTask::OPEN));
}

void tst_Task::readyState_openClose()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QSignalSpy spy(task.get(), &SocketTask::readyStateChanged);
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    task->close();
    QCOMPARE(task->readyState(), SocketTask::CLOSING);
    TRY_COMPARE(task->readyState(), SocketTask::CLOSED);
    QCOMPARE(spy.size(), 3);
    QCOMPARE(spy.at(0).at(0).value<SocketTask::ReadyState>(), SocketTask::OPEN);
    QCOMPARE(spy.at(1).at(0).value<SocketTask::ReadyState>(), SocketTask::CLOSING);
    QCOMPARE(spy.at(2).at(0).value<SocketTask::ReadyState>(), SocketTask::CLOSED);
    // Nothing leaves CLOSED.
    task->close();
    task->send(SocketTask::SendOption(QStringLiteral("x")));
    handlePostedEvents();
    QCOMPARE(task->readyState(), SocketTask::CLOSED);
    QCOMPARE(spy.size(), 3);
}

// The keepalive against a peer that answers pings (Qt's server does, itself): the task stays
// OPEN, and roundTripTime follows each pong.
void tst_Task::heartbeat_roundTripTime()
{
    TestServer server(TestServer::Echo);
    SocketTask::ConnectOption option = optionFor(server.url());
    option.setHeartbeat(50, 200);
    QCOMPARE(option.heartbeatInterval(), 50);
    QCOMPARE(option.heartbeatTimeout(), 200);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(option));
    QCOMPARE(task->roundTripTime(), qint64(-1));
    QSignalSpy pongs(task.get(), &SocketTask::roundTripTimeChanged);
    TRY_VERIFY_WITH_TIMEOUT(pongs.size() >= 5, 5000);
    QVERIFY(task->roundTripTime() >= 0);
    QCOMPARE(pongs.last().at(0).toLongLong(), task->roundTripTime());
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    QCOMPARE(task->errMsg(), QStringLiteral("connectSocket:ok"));
    // Without the option, no ping at all.
    std::unique_ptr<SocketTask> quiet(SocketTask::connectSocket(optionFor(server.url())));
    QSignalSpy none(quiet.get(), &SocketTask::roundTripTimeChanged);
    TRY_COMPARE(quiet->readyState(), SocketTask::OPEN);
    // The sentinel: four more pongs of the 50 ms heartbeat beside it.
    const qsizetype seen = pongs.size();
    TRY_VERIFY_WITH_TIMEOUT(pongs.size() >= seen + 4, 5000);
    QCOMPARE(none.size(), 0);
}

// The typed setter goes through the same checks as the QML option.
void tst_Task::heartbeat_typedOptionIsChecked()
{
    SocketTask::ConnectOption option(QUrl(QStringLiteral("ws://127.0.0.1:1/")));
    option.setHeartbeat(-1, 0);
    CallbackLog log;
    QCOMPARE(SocketTask::connectSocket(withCallbacks(option, log.callbacks())), nullptr);
    QCOMPARE(log.results.value(0).errMsg,
        QStringLiteral("connectSocket:fail parameter error: parameter.heartbeat.interval must be "
                       "a finite number >= 0, not -1"));
}

void tst_Task::errMsg_isLatestResult()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QCOMPARE(task->errMsg(), QStringLiteral("connectSocket:ok"));
    task->send(SocketTask::SendOption(QStringLiteral("early")));
    QCOMPARE(
        task->errMsg(), QStringLiteral("sendSocketMessage:fail SocketTask.readyState is not OPEN"));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    task->send(SocketTask::SendOption(QStringLiteral("x")));
    QCOMPARE(task->errMsg(), QStringLiteral("sendSocketMessage:ok"));
    task->close(SocketTask::CloseOption(1));
    QCOMPARE(task->errMsg(),
        QStringLiteral("closeSocket:fail The code must be either 1000, or between 3000 and 4999"));
    task->send(SocketTask::SendOption(QStringLiteral("drop")));
    TRY_COMPARE(task->readyState(), SocketTask::CLOSED);
    QVERIFY2(task->errMsg().startsWith("socketTask:fail "), qPrintable(task->errMsg()));
}

void tst_Task::legacy_sendSocketMessageAndCloseSocket()
{
    CallbackLog none;
    SocketTaskBinding::sendSocketMessage(
        nullptr, QVariantMap { { "data", "x" } }, none.callbacks());
    SocketTaskBinding::closeSocket(nullptr, QVariant(), none.callbacks());
    QCOMPARE(none.calls, QStringList({ "fail", "complete", "fail", "complete" }));
    QCOMPARE(none.results.at(0).errMsg,
        QStringLiteral("sendSocketMessage:fail WebSocket is not connected"));
    QCOMPARE(
        none.results.at(2).errMsg, QStringLiteral("closeSocket:fail WebSocket is not connected"));

    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(optionFor(server.url()), &log);
    CallbackLog connecting; // a live task: the task's own rules answer
    SocketTaskBinding::sendSocketMessage(
        task.get(), QVariantMap { { "data", "x" } }, connecting.callbacks());
    QCOMPARE(connecting.results.at(0).errMsg,
        QStringLiteral("sendSocketMessage:fail SocketTask.readyState is not OPEN"));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    CallbackLog open;
    SocketTaskBinding::sendSocketMessage(
        task.get(), QVariantMap { { "data", "hi" } }, open.callbacks());
    QCOMPARE(open.results.at(0).errMsg, QStringLiteral("sendSocketMessage:ok"));
    TRY_COMPARE(log.messages.size(), 1);
    SocketTaskBinding::closeSocket(task.get(), QVariantMap { { "code", 4000 } }, open.callbacks());
    QCOMPARE(open.results.at(2).errMsg, QStringLiteral("closeSocket:ok"));
    TRY_VERIFY(log.closed());
    QCOMPARE(log.close.code, 4000);
    CallbackLog closed;
    SocketTaskBinding::sendSocketMessage(
        task.get(), QVariantMap { { "data", "x" } }, closed.callbacks());
    SocketTaskBinding::closeSocket(task.get(), QVariant(), closed.callbacks());
    QCOMPARE(closed.results.at(0).errMsg,
        QStringLiteral("sendSocketMessage:fail WebSocket is not connected"));
    QCOMPARE(
        closed.results.at(2).errMsg, QStringLiteral("closeSocket:fail WebSocket is not connected"));
}

QTEST_GUILESS_MAIN(tst_Task)
#include "tst_task.moc"
