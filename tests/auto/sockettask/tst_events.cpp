// SPDX-License-Identifier: MIT
// Events: order, listeners, re-entrancy (docs/contract.md, "Events"): the C++ side, against real WebSocket peers on loopback (tests/shared).

#include "recorder.h"
#include "testserver.h"
#include "trywait.h"
#include <QEventLoop>
#include <QMetaEnum>
#include <QPointer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <SocketTask>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sockettaskbinding_p.h>
#include <stdexcept>
#include <sys/socket.h>

class tst_Events : public SocketTaskTestCase
{
    Q_OBJECT

private Q_SLOTS:
    void events_peerCloseAfterTwoMessages();
    void events_drop();
    void events_refusedPort();
    void events_dnsFailure();
    void events_handshakeRefused_data();
    void events_handshakeRefused();
    void events_listenersAddAndRunInOrder();
    void events_throwingListener();
    void events_notRetroactive();
    void events_neverInsideACall();
    void events_qtSignals();
    void events_messageSignalSurvivesAnotherReceiversDisconnect();
    void events_deleteInsideListener_data();
    void events_deleteInsideListener();
    void events_listenerSendsAndCloses();
    void events_listenersReleasedAfterClose();
    void events_offRemovesAllOfAKind();
    void events_offByContext();
    void events_offNullContextWarns();
    void events_removedDuringDeliveryNotCalled();
    void events_offInsideNestedLoop();
    void events_callbacksAfterReturn();
    void events_callbacksAfterReturnSurviveDelete();
    void events_callbacksAfterReturnNoTask();
};

void tst_Events::events_peerCloseAfterTwoMessages()
{
    // Qt 6.4: both messages, then aboutToClose twice, then disconnected with 4000 "bye".
    TestServer server(TestServer::TwoThenClose);
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(optionFor(server.url()), &log);
    QSignalSpy state(task.get(), &SocketTask::readyStateChanged);
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events, QStringList({ "open", "message", "message", "close:4000:bye" }));
    QCOMPARE(log.messages, QVariantList({ "one", "two" }));
    QCOMPARE(state.size(), 2); // OPEN, CLOSED
    QCOMPARE(state.at(1).at(0).value<SocketTask::ReadyState>(), SocketTask::CLOSED);
}

void tst_Events::events_drop()
{
    // Qt 6.4 reports closeCode() 1000 after a drop without a close frame: we say 1006.
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    task->send(SocketTask::SendOption(QStringLiteral("drop")));
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events.size(), 3);
    QCOMPARE(log.events.at(0), QStringLiteral("open"));
    QVERIFY2(log.events.at(1).startsWith("error:socketTask:fail "), qPrintable(log.events.at(1)));
    QVERIFY(log.events.at(1).size() > QStringLiteral("error:socketTask:fail ").size());
    QCOMPARE(log.events.at(2), QStringLiteral("close:1006:"));
    QCOMPARE(task->errMsg(), log.events.at(1).mid(6));
}

void tst_Events::events_refusedPort()
{
    // Qt 6.4 signals disconnected before error here; onError must still come first.
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(
        optionFor(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(closedPort()))), &log);
    TRY_VERIFY(log.closed());
    QCOMPARE(
        log.events, QStringList({ "error:connectSocket:fail Connection refused", "close:1006:" }));
    QCOMPARE(task->readyState(), SocketTask::CLOSED);
}

void tst_Events::events_dnsFailure()
{
    std::unique_ptr<SocketTask> task(
        SocketTask::connectSocket(optionFor(QUrl(QStringLiteral("ws://no-such-host.invalid/")))));
    EventLog log;
    log.attach(task.get());
    TRY_VERIFY_WITH_TIMEOUT(log.closed(), 20000);
    QCOMPARE(log.events.size(), 2);
    QVERIFY2(
        log.events.at(0).startsWith("error:connectSocket:fail "), qPrintable(log.events.at(0)));
    QVERIFY2(
        log.events.at(0).contains("not found", Qt::CaseInsensitive), qPrintable(log.events.at(0)));
    QCOMPARE(log.events.at(1), QStringLiteral("close:1006:"));
}

void tst_Events::events_handshakeRefused_data()
{
    QTest::addColumn<TestServer::Mode>("mode");
    QTest::addColumn<QString>("status");
    QTest::newRow("403") << TestServer::Refuse403 << "403 Forbidden";
    QTest::newRow("404") << TestServer::Refuse404 << "404 Not Found";
}

void tst_Events::events_handshakeRefused()
{
    // Qt 6.4.2 leaves the socket in ConnectingState after a refused handshake.
    QFETCH(TestServer::Mode, mode);
    QFETCH(QString, status);
    TestServer server(mode);
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(optionFor(server.url()), &log);
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events.size(), 2);
    QVERIFY2(
        log.events.at(0).startsWith("error:connectSocket:fail "), qPrintable(log.events.at(0)));
    QCOMPARE(log.events.at(0),
        QStringLiteral("error:connectSocket:fail the server answered \"HTTP/1.1 %1\", not 101 "
                       "Switching Protocols")
            .arg(status));
    QCOMPARE(log.events.at(1), QStringLiteral("close:1006:"));
    QCOMPARE(task->ws()->state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(SocketTask::liveTaskCount(), 0);
}

void tst_Events::events_listenersAddAndRunInOrder()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QStringList order;
    for (int i = 0; i < 3; ++i) {
        task->onOpen([&order, i](const auto &) { order << QStringLiteral("open%1").arg(i); });
        task->onMessage([&order, i](const auto &) { order << QStringLiteral("message%1").arg(i); });
        task->onClose([&order, i](const auto &) { order << QStringLiteral("close%1").arg(i); });
    }
    task->onOpen([&](const auto &) { task->send(SocketTask::SendOption(QStringLiteral("hi"))); });
    task->onMessage([&](const auto &) { task->close(); });
    TRY_COMPARE(order.size(), 9);
    QCOMPARE(order,
        QStringList({ "open0", "open1", "open2", "message0", "message1", "message2", "close0",
            "close1", "close2" }));
}

void tst_Events::events_throwingListener()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QStringList ran;
    task->onOpen([](const auto &) { throw std::runtime_error("boom in open"); });
    task->onOpen([&](const auto &) { ran << "open"; });
    task->onMessage([](const auto &) { throw 42; });
    task->onMessage([&](const auto &) { ran << "message"; });
    task->onClose([&](const auto &) { ran << "close"; });
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("onOpen listener threw: boom in open"));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    QTest::ignoreMessage(
        QtWarningMsg, QRegularExpression("onMessage listener threw a non-standard exception"));
    task->send(SocketTask::SendOption(QStringLiteral("x")));
    TRY_COMPARE(ran.size(), 2);
    task->close();
    TRY_COMPARE(ran, QStringList({ "open", "message", "close" }));
    // a throwing callback is logged too, and the call still completes
    CallbackLog calls;
    SocketTask::CloseOption option;
    option.setFail([](const CallbackResult &) { throw std::runtime_error("boom in fail"); });
    option.setComplete([&](const CallbackResult &r) { calls.record("complete", r); });
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("fail threw: boom in fail"));
    task->close(option);
    QCOMPARE(calls.calls, QStringList({ "complete" }));
}

void tst_Events::events_notRetroactive()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    int late = 0;
    task->onOpen([&](const auto &) { ++late; });
    handlePostedEvents();
    QCOMPARE(late, 0);
    // a listener added while an event is delivered hears the next one, not that one
    QStringList heard;
    task->onMessage([&](const SocketTask::OnMessageCallbackResult &r) {
        if (heard.isEmpty())
            task->onMessage([&](const SocketTask::OnMessageCallbackResult &r2) {
                heard << "inner:" + r2.data.toString();
            });
        heard << "outer:" + r.data.toString();
    });
    task->send(SocketTask::SendOption(QStringLiteral("a")));
    task->send(SocketTask::SendOption(QStringLiteral("b")));
    TRY_COMPARE(heard.size(), 3);
    QCOMPARE(heard, QStringList({ "outer:a", "outer:b", "inner:b" }));
}

void tst_Events::events_neverInsideACall()
{
    // A listener added right after connectSocket hears onOpen; close() reports later.
    TestServer server(TestServer::Echo);
    bool insideCall = false;
    QStringList seen;
    SocketTask::ConnectOption option = optionFor(server.url());
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(option));
    auto check = [&](const char *what) {
        if (insideCall)
            seen << QStringLiteral("INSIDE:") + what;
        else
            seen << QString::fromLatin1(what);
    };
    task->onOpen([&](const auto &) { check("open"); });
    task->onMessage([&](const auto &) { check("message"); });
    task->onError([&](const auto &) { check("error"); });
    task->onClose([&](const auto &) { check("close"); });
    TRY_COMPARE(seen, QStringList({ "open" }));
    insideCall = true;
    task->send(SocketTask::SendOption(QStringLiteral("x")));
    task->close(SocketTask::CloseOption(4000, QStringLiteral("x")));
    insideCall = false;
    TRY_COMPARE(seen.size(), 2);
    QCOMPARE(seen, QStringList({ "open", "close" })); // the echo raced the close: not delivered
}

void tst_Events::events_messageSignalSurvivesAnotherReceiversDisconnect()
{
    // A receiver that disconnects everything it had (only readyStateChanged) takes nothing from
    // another receiver of messageReceived.
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QObject hearer, other;
    QStringList heard;
    QObject::connect(task.get(), &SocketTask::messageReceived, &hearer,
        [&](const SocketTask::OnMessageCallbackResult &r) { heard << r.data.toString(); });
    QObject::connect(task.get(), &SocketTask::readyStateChanged, &other, [] {});
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    QObject::disconnect(task.get(), nullptr, &other, nullptr);
    task->send(QStringLiteral("still heard"));
    TRY_COMPARE(heard, QStringList({ "still heard" }));
    {
        QObject gone; // a receiver that is destroyed disconnects too
        QObject::connect(task.get(), &SocketTask::errMsgChanged, &gone, [] {});
    }
    task->send(QStringLiteral("and again"));
    TRY_COMPARE(heard, QStringList({ "still heard", "and again" }));
    QObject::disconnect(task.get(), &SocketTask::messageReceived, &hearer, nullptr);
    QSignalSpy later(task.get(), &SocketTask::messageReceived); // connected again: heard
    task->send(QStringLiteral("spied"));
    TRY_COMPARE(later.size(), 1);
    QCOMPARE(heard.size(), 2);
}

void tst_Events::events_qtSignals()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QSignalSpy opened(task.get(), &SocketTask::opened);
    QSignalSpy message(task.get(), &SocketTask::messageReceived);
    QSignalSpy error(task.get(), &SocketTask::errorOccurred);
    QSignalSpy closed(task.get(), &SocketTask::closed);
    QSignalSpy errMsg(task.get(), &SocketTask::errMsgChanged);
    TRY_COMPARE(opened.size(), 1);
    task->send(SocketTask::SendOption(QStringLiteral("ping")));
    QCOMPARE(errMsg.size(), 1);
    QCOMPARE(errMsg.at(0).at(0).toString(), QStringLiteral("sendSocketMessage:ok"));
    TRY_COMPARE(message.size(), 1);
    QCOMPARE(message.at(0).at(0).value<SocketTask::OnMessageCallbackResult>().data.toString(),
        QStringLiteral("ping"));
    task->send(SocketTask::SendOption(QStringLiteral("drop")));
    TRY_COMPARE(closed.size(), 1);
    QCOMPARE(error.size(), 1);
    QVERIFY(!error.at(0).at(0).value<SocketTask::OnErrorCallbackResult>().errMsg.isEmpty());
    QCOMPARE(closed.at(0).at(0).value<SocketTask::OnCloseCallbackResult>().code, 1006);
}

void tst_Events::events_deleteInsideListener_data()
{
    QTest::addColumn<QString>("where");
    QTest::addColumn<TestServer::Mode>("mode");
    QTest::addColumn<QString>("trigger");
    QTest::newRow("onOpen") << "open" << TestServer::Echo << "";
    QTest::newRow("onMessage (inside Qt's message signal)")
        << "message" << TestServer::Echo << "burst 5";
    QTest::newRow("onError") << "error" << TestServer::Echo << "drop";
    QTest::newRow("onClose") << "close" << TestServer::Echo << "close 4000 bye";
    QTest::newRow("onMessage of a peer that closes") << "message" << TestServer::TwoThenClose << "";
}

void tst_Events::events_deleteInsideListener()
{
    QFETCH(QString, where);
    QFETCH(TestServer::Mode, mode);
    QFETCH(QString, trigger);
    TestServer server(mode);
    SocketTask *task = SocketTask::connectSocket(optionFor(server.url()));
    QPointer<SocketTask> alive(task);
    QPointer<QWebSocket> ws(task->ws());
    QStringList after;
    auto del = [&](const QString &event) {
        if (event == where && alive)
            delete alive.data();
    };
    task->onOpen([&, task](const auto &) {
        if (!trigger.isEmpty())
            task->send(SocketTask::SendOption(trigger));
        del("open");
    });
    task->onOpen([&](const auto &) { after << "open"; });
    task->onMessage([&](const auto &) { del("message"); });
    task->onMessage([&](const auto &) { after << "message"; });
    task->onError([&](const auto &) { del("error"); });
    task->onError([&](const auto &) { after << "error"; });
    task->onClose([&](const auto &) { del("close"); });
    task->onClose([&](const auto &) { after << "close"; });
    TRY_VERIFY(!alive);
    TRY_VERIFY(!ws); // the QWebSocket goes too, later if it was busy emitting
    handlePostedEvents();
    // no listener after the deleting one ran for that event, nor any later
    QVERIFY2(!after.contains(where), qPrintable(after.join(',')));
    QCOMPARE(SocketTask::liveTaskCount(), 0);
}

void tst_Events::events_listenerSendsAndCloses()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    EventLog log;
    task->onOpen(
        [&](const auto &) { task->send(SocketTask::SendOption(QStringLiteral("from onOpen"))); });
    task->onMessage([&](const auto &) {
        task->close(SocketTask::CloseOption(4005, QStringLiteral("from onMessage")));
    });
    log.attach(task.get());
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events, QStringList({ "open", "message", "close:4005:from onMessage" }));
    QCOMPARE(server.received, QVariantList({ "from onOpen" }));
}

void tst_Events::events_listenersReleasedAfterClose()
{
    // After onClose nothing more is heard, so what listeners hold is let go (no cycles through
    // JS closures). A listener added by onError for onClose still hears it.
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    auto held = std::make_shared<int>(0);
    QStringList heard;
    task->onMessage([held](const auto &) {});
    task->onError([&](const auto &) {
        task->onClose([&](const auto &) { heard << "close added by onError"; });
    });
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    QCOMPARE(held.use_count(), 2);
    task->send(SocketTask::SendOption(QStringLiteral("drop")));
    TRY_COMPARE(heard, QStringList({ "close added by onError" }));
    QCOMPARE(held.use_count(), 1);
    task->onClose([held](const auto &) {}); // too late: not kept
    QCOMPARE(held.use_count(), 1);
}

QTEST_GUILESS_MAIN(tst_Events)
#include "tst_events.moc"

// Alipay's task.offMessage() and removeEventListener: off* with no context removes every
// listener of that kind, the others keep running.
void tst_Events::events_offRemovesAllOfAKind()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QStringList heard;
    task->onMessage([&](const auto &r) { heard << "a:" + r.data.toString(); });
    task->onMessage([&](const auto &r) { heard << "b:" + r.data.toString(); });
    task->onClose([&](const auto &r) { heard << QStringLiteral("close:%1").arg(r.code); });
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    task->send("1");
    TRY_COMPARE(heard, QStringList({ "a:1", "b:1" }));
    task->offMessage();
    task->onMessage([&](const auto &r) { heard << "c:" + r.data.toString(); }); // added after
    task->send("2");
    TRY_COMPARE(heard.size(), 3);
    QCOMPARE(heard.last(), QStringLiteral("c:2"));
    task->offOpen(); // other kinds: untouched
    task->close();
    TRY_COMPARE(heard.last(), QStringLiteral("close:1000"));
}

// off*(context): only the listeners added with that context, as QObject::disconnect.
void tst_Events::events_offByContext()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QObject left, right;
    QStringList heard;
    task->onMessage(&left, [&](const auto &) { heard << "left"; });
    task->onMessage(&right, [&](const auto &) { heard << "right"; });
    task->onMessage([&](const auto &) { heard << "plain"; });
    task->onClose(&left, [&](const auto &) { heard << "left-close"; });
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    task->offMessage(&left);
    task->send("x");
    TRY_COMPARE(heard, QStringList({ "right", "plain" }));
    task->close();
    TRY_COMPARE(heard.last(), QStringLiteral("left-close")); // its other kind stays
}

void tst_Events::events_offNullContextWarns()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QStringList heard;
    task->onMessage([&](const auto &) { heard << "plain"; });
    QTest::ignoreMessage(QtWarningMsg,
        "SocketTask::offMessage: no context object (a listener needs a live one); nothing "
        "removed");
    task->offMessage(static_cast<QObject *>(nullptr));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    task->send("x");
    TRY_COMPARE(heard, QStringList({ "plain" }));
}

// As a browser's EventTarget: a listener removed while its event is being delivered is not
// called for it, one added then hears only the next event; a listener may remove itself.
void tst_Events::events_removedDuringDeliveryNotCalled()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QObject second, once;
    QStringList heard;
    task->onMessage([&](const SocketTask::OnMessageCallbackResult &r) {
        const QString m = r.data.toString();
        heard << "first:" + m;
        if (m == "1") {
            task->offMessage(&second);
            task->onMessage([&heard](const auto &r2) { heard << "late:" + r2.data.toString(); });
        }
    });
    task->onMessage(&second, [&](const auto &r) { heard << "second:" + r.data.toString(); });
    task->onMessage(&once, [&](const auto &r) {
        heard << "once:" + r.data.toString();
        task->offMessage(&once); // itself, while it runs
    });
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    task->send("1");
    TRY_COMPARE(heard, QStringList({ "first:1", "once:1" }));
    task->send("2");
    TRY_COMPARE(heard.size(), 4);
    QCOMPARE(heard.mid(2), QStringList({ "first:2", "late:2" }));
}

// Removed from inside a nested event loop of another kind's listener: not called after.
void tst_Events::events_offInsideNestedLoop()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QObject view;
    QStringList heard;
    task->onMessage(&view, [&](const auto &r) { heard << "view:" + r.data.toString(); });
    task->onOpen([&](const auto &) {
        QEventLoop loop; // a dialog: the user closes the view meanwhile
        QTimer::singleShot(0, &loop, [&] {
            task->offMessage(&view);
            loop.quit();
        });
        loop.exec();
        task->send("after");
    });
    task->onMessage([&](const auto &r) { heard << "plain:" + r.data.toString(); });
    TRY_COMPARE(heard, QStringList({ "plain:after" }));
}

namespace {
// A facade's call whose callbacks run after it returned (WeChat's, Alipay's, Baidu's).
SocketTask *connectLater(const QUrl &url, QStringList *order)
{
    QVariantMap option { { QStringLiteral("url"), url.toString() } };
    QString errMsg;
    bool ok = false;
    SocketTask::Callbacks record([&](const CallbackResult &r) { ok = true, errMsg = r.errMsg; },
        [&](const CallbackResult &r) { errMsg = r.errMsg; });
    SocketTask *task = SocketTaskBinding::connectSocket(option, record);
    SocketTask::Callbacks later(
        [order](const CallbackResult &r) { *order << "success:" + r.errMsg; },
        [order](const CallbackResult &r) { *order << "fail:" + r.errMsg; },
        [order](const CallbackResult &) { *order << "complete"; });
    SocketTaskBinding::reportAfterReturn(task, later, CallbackResult(errMsg), ok);
    *order << "returned";
    return task;
}
} // namespace

// The listener added in success (Alipay's own example) hears onOpen: success comes first, in
// the task's queue, after the call returned.
void tst_Events::events_callbacksAfterReturn()
{
    TestServer server(TestServer::Echo);
    QStringList order;
    std::unique_ptr<SocketTask> task(connectLater(server.url(), &order));
    QVERIFY(task);
    task->onOpen([&](const auto &) { order << "open"; });
    TRY_COMPARE(order, QStringList({ "returned", "success:connectSocket:ok", "complete", "open" }));
    // send's callbacks: after the call, before the echo of what it sent
    const auto record = [&](const QString &what) {
        return [&order, what](const CallbackResult &r) { order << what + ":" + r.errMsg; };
    };
    task->onMessage([&](const auto &r) { order << "message:" + r.data.toString(); });
    QVERIFY(SocketTaskBinding::sendData(task.get(), QStringLiteral("hi")));
    SocketTaskBinding::reportAfterReturn(task.get(),
        SocketTask::Callbacks(record("success"), {}, {}), CallbackResult("sendSocketMessage:ok"),
        true);
    order << "sent";
    TRY_COMPARE(order.size(), 7);
    QCOMPARE(order.mid(4), QStringList({ "sent", "success:sendSocketMessage:ok", "message:hi" }));
    task->close();
    TRY_COMPARE(task->readyState(), SocketTask::CLOSED);
}

// A task deleted before its call's callbacks ran: they still run (nothing lost).
void tst_Events::events_callbacksAfterReturnSurviveDelete()
{
    TestServer server(TestServer::Echo);
    QStringList order;
    SocketTask *task = connectLater(server.url(), &order);
    QVERIFY(task);
    delete task;
    QCOMPARE(order, QStringList({ "returned" }));
    TRY_COMPARE(order, QStringList({ "returned", "success:connectSocket:ok", "complete" }));
}

// Refused options: no task; the fail callback comes from the event loop.
void tst_Events::events_callbacksAfterReturnNoTask()
{
    QStringList order;
    QVERIFY(!connectLater(QUrl(QStringLiteral("http://127.0.0.1/")), &order));
    QCOMPARE(order, QStringList({ "returned" }));
    TRY_COMPARE(order.size(), 3);
    QCOMPARE(order.at(1),
        QStringLiteral("fail:connectSocket:fail request:fail invalid url \"http://127.0.0.1/\""));
    QCOMPARE(order.at(2), QStringLiteral("complete"));
}
