// SPDX-License-Identifier: MIT
// close (docs/contract.md, "close"): the C++ side, against real WebSocket peers on loopback (tests/shared).

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

class tst_Close : public SocketTaskTestCase
{
    Q_OBJECT

private Q_SLOTS:
    void close_code_data();
    void close_code();
    void close_looseOptions_data();
    void close_looseOptions();
    void close_reasonLength();
    void close_whenClosed();
    void close_whileConnecting();
    void close_whileOpen();
    void close_whileClosing();
    void close_messagesArrivingWhileClosingAreDropped();
};

void tst_Close::close_code_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<bool>("ok");
    for (int code : { 0, 999, 1001, 1002, 1004, 1005, 1006, 1009, 1015, 2999, 5000, 65535, -1 })
        QTest::addRow("%d", code) << code << false;
    for (int code : { 1000, 3000, 4000, 4999 })
        QTest::addRow("%d", code) << code << true;
}

void tst_Close::close_code()
{
    QFETCH(int, code);
    QFETCH(bool, ok);
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    CallbackLog calls;
    SocketTask::CloseOption option;
    option.setCode(code);
    static_cast<SocketTask::Callbacks &>(option) = calls.callbacks();
    task->close(option);
    if (ok) {
        QCOMPARE(calls.calls, QStringList({ "success", "complete" }));
        QCOMPARE(calls.results.at(0).errMsg, QStringLiteral("closeSocket:ok"));
        TRY_VERIFY(log.closed());
        QCOMPARE(log.close.code, code);
        TRY_COMPARE(server.closes.size(), 1);
        QCOMPARE(server.closes.first().code, code);
    } else {
        QCOMPARE(calls.calls, QStringList({ "fail", "complete" }));
        QCOMPARE(calls.results.at(0).errMsg,
            QStringLiteral(
                "closeSocket:fail The code must be either 1000, or between 3000 and 4999"));
        QCOMPARE(task->readyState(), SocketTask::OPEN); // still usable
        task->send(SocketTask::SendOption(QStringLiteral("still here")));
        TRY_COMPARE(log.messages.size(), 1);
    }
}

void tst_Close::close_looseOptions_data()
{
    QTest::addColumn<QVariant>("option");
    QTest::addColumn<QString>("errMsg");
    const QString p = QStringLiteral("closeSocket:fail parameter error: ");
    const QString codeMsg
        = QStringLiteral("closeSocket:fail The code must be either 1000, or between 3000 and 4999");
    QTest::newRow("option number")
        << QVariant(1000) << p + "parameter should be Object instead of Number";
    QTest::newRow("option null") << QVariant::fromValue(nullptr)
                                 << p + "parameter should be Object instead of Null";
    QTest::newRow("code string") << QVariant(QVariantMap { { "code", "1000" } })
                                 << p + "parameter.code should be Number instead of String";
    QTest::newRow("code NaN") << QVariant(QVariantMap { { "code", qQNaN() } }) << codeMsg;
    QTest::newRow("code fraction") << QVariant(QVariantMap { { "code", 1000.5 } }) << codeMsg;
    QTest::newRow("code huge") << QVariant(QVariantMap { { "code", 1e10 } }) << codeMsg;
    QTest::newRow("reason number") << QVariant(QVariantMap { { "reason", 5 } })
                                   << p + "parameter.reason should be String instead of Number";
    QTest::newRow("undefined: defaults") << QVariant() << "closeSocket:ok";
    QTest::newRow("empty object: defaults") << QVariant(QVariantMap()) << "closeSocket:ok";
    QTest::newRow("code 3001 as double")
        << QVariant(QVariantMap { { "code", 3001.0 }, { "reason", "r" } }) << "closeSocket:ok";
}

void tst_Close::close_looseOptions()
{
    QFETCH(QVariant, option);
    QFETCH(QString, errMsg);
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    CallbackLog calls;
    SocketTaskBinding::close(task.get(), option, calls.callbacks());
    QCOMPARE(calls.results.at(0).errMsg, errMsg);
    QCOMPARE(task->errMsg(), errMsg);
    if (errMsg.endsWith(":ok")) {
        TRY_VERIFY(log.closed());
        const QVariantMap map = option.toMap();
        QCOMPARE(log.close.code, map.value("code", 1000).toInt());
        QCOMPARE(log.close.reason, map.value("reason").toString());
    } else {
        QCOMPARE(task->readyState(), SocketTask::OPEN);
    }
}

void tst_Close::close_reasonLength()
{
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    const QString tooLongAscii(124, 'r');
    const QString tooLongUtf8 = QString(42, QChar(0x20AC)); // 42 x 3 bytes = 126
    for (const QString &reason : { tooLongAscii, tooLongUtf8 }) {
        CallbackLog calls;
        task->close(withCallbacks(SocketTask::CloseOption(4000, reason), calls.callbacks()));
        QCOMPARE(calls.calls, QStringList({ "fail", "complete" }));
        QCOMPARE(calls.results.at(0).errMsg,
            QStringLiteral("closeSocket:fail The reason must be no longer than 123 UTF-8 bytes"));
        QCOMPARE(task->readyState(), SocketTask::OPEN);
    }
    const QString longest = QString(41, QChar(0x20AC)); // 123 bytes: allowed, and arrives whole
    task->close(SocketTask::CloseOption(4000, longest));
    TRY_VERIFY(log.closed());
    QCOMPARE(log.close.reason, longest);
    TRY_COMPARE(server.closes.size(), 1);
    QCOMPARE(server.closes.first().reason, longest);
}

void tst_Close::close_whenClosed()
{
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(
        optionFor(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(closedPort())))));
    TRY_COMPARE(task->readyState(), SocketTask::CLOSED);
    CallbackLog calls;
    task->close(withCallbacks(SocketTask::CloseOption(1000), calls.callbacks()));
    QCOMPARE(calls.calls, QStringList({ "fail", "complete" }));
    QCOMPARE(
        calls.results.at(0).errMsg, QStringLiteral("closeSocket:fail WebSocket is not connected"));
    QCOMPARE(task->errMsg(), QStringLiteral("closeSocket:fail WebSocket is not connected"));
}

void tst_Close::close_whileConnecting()
{
    TestServer server(TestServer::Hang);
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(optionFor(server.url()), &log);
    CallbackLog calls;
    task->close(withCallbacks(
        SocketTask::CloseOption(4000, QStringLiteral("never mind")), calls.callbacks()));
    QCOMPARE(calls.calls, QStringList({ "success", "complete" }));
    QCOMPARE(calls.results.at(0).errMsg, QStringLiteral("closeSocket:ok"));
    QCOMPARE(log.events, QStringList()); // later, not inside close()
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events, QStringList({ "close:1006:" })); // and no onError
    QCOMPARE(task->readyState(), SocketTask::CLOSED);
}

void tst_Close::close_whileOpen()
{
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    task->close(SocketTask::CloseOption(4001, QStringLiteral("done here")));
    QCOMPARE(task->readyState(), SocketTask::CLOSING);
    QCOMPARE(log.events, QStringList({ "open" })); // Qt closes synchronously; we report later
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events, QStringList({ "open", "close:4001:done here" }));
    TRY_COMPARE(server.closes.size(), 1);
    QCOMPARE(server.closes.first().code, 4001);
    QCOMPARE(server.closes.first().reason, QStringLiteral("done here"));
}

void tst_Close::close_whileClosing()
{
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    task->close(SocketTask::CloseOption(4002, QStringLiteral("first")));
    CallbackLog calls;
    task->close(
        withCallbacks(SocketTask::CloseOption(4003, QStringLiteral("second")), calls.callbacks()));
    QCOMPARE(calls.calls, QStringList({ "success", "complete" }));
    QCOMPARE(calls.results.at(0).errMsg, QStringLiteral("closeSocket:ok"));
    TRY_VERIFY(log.closed());
    handlePostedEvents();
    QCOMPARE(log.events, QStringList({ "open", "close:4002:first" }));
    QCOMPARE(server.closes.size(), 1);
}

void tst_Close::close_messagesArrivingWhileClosingAreDropped()
{
    // The server writes 50 messages before it reads our close frame. Qt 6.4 drops the
    // connection inside close(), so they never arrive; Qt 6.8 and later wait for the server's
    // close frame and receive them first. Either way nothing is heard after close(), as in a
    // browser (an only OPEN WebSocket fires message).
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    task->send(QStringLiteral("burst 50"));
    task->close(SocketTask::CloseOption(4000, QStringLiteral("enough")));
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events, QStringList({ "open", "close:4000:enough" }));
    TRY_COMPARE(server.closes.size(), 1);
    QCOMPARE(server.closes.first().code, 4000);
}

QTEST_GUILESS_MAIN(tst_Close)
#include "tst_close.moc"
