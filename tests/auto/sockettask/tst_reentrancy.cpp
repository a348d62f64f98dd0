// SPDX-License-Identifier: MIT
// Re-entrancy the Qt way (docs/contract.md, "Events"): what Qt apps do inside a listener or a
// slot (a dialog's nested event loop, deleting the task, closing it) while the peer sends,
// closes or drops; listeners tied to a context object. Run under AddressSanitizer
// (test-sanitizers) and valgrind (memcheck): a use after free fails there.

#include "recorder.h"
#include "testserver.h"
#include "trywait.h"
#include <QEventLoop>
#include <QPointer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <SocketTask>

namespace {

// What a modal dialog does: an event loop inside the caller, here until `done` (what the peer
// did reached the QWebSocket) or 5 s. Returns whether `done` came.
template<typename Done> bool runNestedLoop(Done done)
{
    QEventLoop loop;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    poll.start(5);
    QTimer::singleShot(5000, &loop, &QEventLoop::quit);
    loop.exec();
    return done();
}

// What the task's QWebSocket itself received, counted as it arrives (not as the task delivers
// it): the proof that the peer's messages and its close arrived during a nested loop.
struct WireCount
{
    int messages = 0;
    bool disconnected = false;
    void watch(QWebSocket *ws)
    {
        QObject::connect(ws, &QWebSocket::textMessageReceived, ws, [this] { ++messages; });
        QObject::connect(ws, &QWebSocket::disconnected, ws, [this] { disconnected = true; });
    }
};

// The peer's part in a row: commands the Echo server obeys (testserver.h), and what the task's
// events are then, in order.
struct PeerPlay
{
    QStringList commands;
    int messages;
    bool disconnects;
    QStringList events;
};

PeerPlay peerPlay(const QString &peer)
{
    if (peer == QLatin1String("sends"))
        return { { "burst 3" }, 3, false, { "open", "message:0", "message:1", "message:2" } };
    if (peer == QLatin1String("closes"))
        return { { "burst 2", "close 4000 bye" }, 2, true,
            { "open", "message:0", "message:1", "close:4000" } };
    return { { "burstdrop 2" }, 2, true,
        { "open", "message:0", "message:1", "error", "close:1006" } };
}

// Every event of a task, twice (two listeners of each kind: the second hears it after the
// first returned), each marked when it ran inside a nested loop of the same task.
struct NestedLog
{
    QStringList events;
    bool nesting = false;
    void record(const QString &event)
    {
        events << (nesting ? QStringLiteral("INSIDE ") + event : event);
    }
    bool closed() const { return !events.isEmpty() && events.last().contains("close:"); }
    // The events as each listener pair heard them, once each.
    QStringList heard() const
    {
        QStringList once;
        for (const QString &e : events) {
            if (!e.startsWith(QLatin1Char('+')))
                once << e;
        }
        return once;
    }
};

} // namespace

class tst_Reentrancy : public SocketTaskTestCase
{
    Q_OBJECT

private Q_SLOTS:
    void nestedLoop_inListener_data();
    void nestedLoop_inListener();
    void nestedLoop_inSignalSlot_data();
    void nestedLoop_inSignalSlot();
    void nestedLoop_taskDeletedMeanwhile_data();
    void nestedLoop_taskDeletedMeanwhile();
    void nestedLoop_inListenerOfOneTaskOnlyHoldsThatTask();
    void slotDeletesTask_insideCall_data();
    void slotDeletesTask_insideCall();
    void slotCloses_insideListener();
    void context_destroyedBeforeEvent();
    void context_destroyedInsideAnotherListener();
    void context_null();
};

void tst_Reentrancy::nestedLoop_inListener_data()
{
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("peer");
    for (const char *where : { "open", "message", "error", "close" }) {
        for (const char *peer : { "sends", "closes", "drops" }) {
            const bool errorOrClose = !qstrcmp(where, "error") || !qstrcmp(where, "close");
            if (!qstrcmp(where, "error") && qstrcmp(peer, "drops"))
                continue; // only a drop makes an error here
            if (errorOrClose && !qstrcmp(peer, "sends"))
                continue;
            QTest::addRow("%s listener, peer %s", where, peer) << where << peer;
        }
    }
}

namespace {

// Whether the peer's part reached the task's TCP socket (bytes waiting, or the connection
// gone): a listener that runs inside Qt's own read (open, message) pauses that read, as a slot
// of QWebSocket's own signals does (QAbstractSocket does not emit readyRead inside its own
// readyRead), so the bytes wait in the socket until the listener returns.
bool peerReached(const QPointer<QTcpSocket> &tcp, const WireCount &wire, const PeerPlay &play)
{
    if (wire.messages >= play.messages && (!play.disconnects || wire.disconnected))
        return true;
    return !tcp || tcp->bytesAvailable() > 0 || tcp->state() != QAbstractSocket::ConnectedState;
}

// A listener that runs inside Qt's read (open, message) and runs a nested loop pauses the
// socket; a peer that closes or drops meanwhile ends the connection before Qt parsed what
// it had read: the task hears the events before the pause, then error and close 1006, as
// QWebSocket's own signals would (docs/contract.md, "Events"). Whether `heard` is that.
bool isLossAfterPause(const QStringList &heard, const QStringList &expected)
{
    const int n = int(heard.size()) - 2;
    return n >= 1 && heard.mid(n) == QStringList({ "error", "close:1006" })
        && expected.mid(0, n) == heard.mid(0, n);
}

} // namespace

// The steps: a listener runs an event loop (a dialog) while the peer sends, closes or
// drops. What arrives meanwhile is delivered after the listener returns, in order, to every
// listener; nothing runs inside it; nothing follows onClose.
void tst_Reentrancy::nestedLoop_inListener()
{
    QFETCH(QString, where);
    QFETCH(QString, peer);
    const PeerPlay play = peerPlay(peer);
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    WireCount wire;
    wire.watch(task->ws());
    const QPointer<QTcpSocket> tcp
        = task->ws()->findChild<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
    QVERIFY(tcp);
    NestedLog log;
    bool nested = false;
    bool nestedSawThePeer = false;
    auto maybeNest = [&](const QString &kind) {
        if (kind != where || nested)
            return;
        nested = true;
        log.nesting = true;
        nestedSawThePeer = runNestedLoop([&] { return peerReached(tcp, wire, play); });
        log.nesting = false;
    };
    task->onOpen([&](const auto &) {
        log.record("open");
        for (const QString &command : play.commands)
            task->send(SocketTask::SendOption(command));
        maybeNest("open");
    });
    task->onMessage([&](const auto &r) {
        log.record("message:" + r.data.toString());
        maybeNest("message");
    });
    task->onError([&](const auto &) {
        log.record("error");
        maybeNest("error");
    });
    task->onClose([&](const auto &r) {
        log.record(QStringLiteral("close:%1").arg(r.code));
        maybeNest("close");
    });
    task->onOpen([&](const auto &) { log.record("+open"); });
    task->onMessage([&](const auto &r) { log.record("+message:" + r.data.toString()); });
    task->onError([&](const auto &) { log.record("+error"); });
    task->onClose([&](const auto &r) { log.record(QStringLiteral("+close:%1").arg(r.code)); });

    if (play.disconnects) {
        TRY_VERIFY(log.closed());
    } else {
        TRY_COMPARE(wire.messages, play.messages);
        task->close();
    }
    TRY_COMPARE(task->readyState(), SocketTask::CLOSED);
    handlePostedEvents();
    QVERIFY(nested);
    QVERIFY(nestedSawThePeer);
    QStringList expected = play.events;
    if (!play.disconnects)
        expected << "close:1000";
    const QStringList heard = log.heard();
    const bool insideQtsRead = where == QLatin1String("open") || where == QLatin1String("message");
    if (heard != expected && insideQtsRead && peer != QLatin1String("sends"))
        QVERIFY2(isLossAfterPause(heard, expected), qPrintable(heard.join(',')));
    else
        QCOMPARE(heard, expected);
    // each event reached the second listener right after the first, none inside the loop
    QStringList pairs;
    for (const QString &e : heard)
        pairs << e << "+" + e;
    QCOMPARE(log.events, pairs);
}

void tst_Reentrancy::nestedLoop_inSignalSlot_data()
{
    QTest::addColumn<QString>("signal");
    for (const char *signal : { "opened", "messageReceived", "errorOccurred", "closed",
             "readyStateChanged", "errMsgChanged" })
        QTest::newRow(signal) << signal;
}

// The same in a slot of each of the task's signals (the peer sends two messages and drops):
// readyStateChanged(OPEN) runs among the open event's listeners, errMsgChanged inside send().
void tst_Reentrancy::nestedLoop_inSignalSlot()
{
    QFETCH(QString, signal);
    const PeerPlay play = peerPlay("drops");
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    WireCount wire;
    wire.watch(task->ws());
    const QPointer<QTcpSocket> tcp
        = task->ws()->findChild<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly);
    NestedLog log;
    bool sent = false;
    auto sendCommands = [&] {
        if (sent)
            return;
        sent = true;
        for (const QString &command : play.commands)
            task->send(SocketTask::SendOption(command));
    };
    bool nested = false;
    bool nestedSawThePeer = false;
    auto nest = [&] {
        if (nested)
            return;
        nested = true;
        sendCommands();
        log.nesting = true;
        nestedSawThePeer = runNestedLoop([&] { return peerReached(tcp, wire, play); });
        log.nesting = false;
    };
    task->onOpen([&](const auto &) {
        log.record("open");
        sendCommands();
    });
    task->onMessage([&](const auto &r) { log.record("message:" + r.data.toString()); });
    task->onError([&](const auto &) { log.record("error"); });
    task->onClose([&](const auto &r) { log.record(QStringLiteral("close:%1").arg(r.code)); });
    // One typed slot per signal, each ignoring the arguments.
    QObject receiver;
    if (signal == QLatin1String("opened"))
        QObject::connect(task.get(), &SocketTask::opened, &receiver, nest);
    else if (signal == QLatin1String("messageReceived"))
        QObject::connect(task.get(), &SocketTask::messageReceived, &receiver, nest);
    else if (signal == QLatin1String("errorOccurred"))
        QObject::connect(task.get(), &SocketTask::errorOccurred, &receiver, nest);
    else if (signal == QLatin1String("closed"))
        QObject::connect(task.get(), &SocketTask::closed, &receiver, nest);
    else if (signal == QLatin1String("readyStateChanged"))
        QObject::connect(
            task.get(), &SocketTask::readyStateChanged, &receiver, [&](SocketTask::ReadyState s) {
                if (s == SocketTask::OPEN)
                    nest();
            });
    else // connectSocket's own errMsg came before this connection: the first is send()'s
        QObject::connect(task.get(), &SocketTask::errMsgChanged, &receiver, nest);
    TRY_COMPARE(task->readyState(), SocketTask::CLOSED);
    handlePostedEvents();
    QVERIFY(nested);
    if (signal != QLatin1String("errorOccurred") && signal != QLatin1String("closed"))
        QVERIFY(nestedSawThePeer); // the drop came inside; error and close come from it
    if (log.events != play.events)
        QVERIFY2(isLossAfterPause(log.events, play.events), qPrintable(log.events.join(',')));
}

void tst_Reentrancy::nestedLoop_taskDeletedMeanwhile_data()
{
    QTest::addColumn<QString>("where");
    for (const char *where : { "open", "message", "error", "close" })
        QTest::newRow(where) << where;
}

// The use after free: while a listener's dialog runs, the task is deleted (here by a
// timer; in an app, by the window that owns it). When the dialog returns, the listener's
// captures are still there, no later listener and no later event runs.
void tst_Reentrancy::nestedLoop_taskDeletedMeanwhile()
{
    QFETCH(QString, where);
    TestServer server(TestServer::Echo);
    SocketTask *task = SocketTask::connectSocket(optionFor(server.url()));
    QPointer<SocketTask> alive(task);
    QStringList after;
    bool nested = false;
    auto nestAndLoseTheTask = [&](const QString &kind, const std::shared_ptr<QString> &capture) {
        if (kind != where || nested)
            return;
        nested = true;
        QTimer::singleShot(20, [&] { delete alive.data(); });
        runNestedLoop([&] { return alive.isNull(); });
        capture->append(QStringLiteral(" used after the loop")); // ASan: must be alive
    };
    const auto capture = std::make_shared<QString>(QStringLiteral("captured"));
    task->onOpen([=](const auto &) {
        alive->send(SocketTask::SendOption(QStringLiteral("burstdrop 2")));
        nestAndLoseTheTask("open", capture);
    });
    task->onMessage([=](const auto &) { nestAndLoseTheTask("message", capture); });
    task->onError([=](const auto &) { nestAndLoseTheTask("error", capture); });
    task->onClose([=](const auto &) { nestAndLoseTheTask("close", capture); });
    task->onOpen([&](const auto &) { after << "open"; });
    task->onMessage([&](const auto &) { after << "message"; });
    task->onError([&](const auto &) { after << "error"; });
    task->onClose([&](const auto &) { after << "close"; });
    TRY_VERIFY(!alive);
    handlePostedEvents();
    QVERIFY(nested);
    QCOMPARE(*capture, QStringLiteral("captured used after the loop"));
    QVERIFY2(!after.contains(where), qPrintable(after.join(','))); // nor any later event
    const QStringList order { "open", "message", "error", "close" };
    for (const QString &e : after)
        QVERIFY2(order.indexOf(e) < order.indexOf(where), qPrintable(after.join(',')));
    QCOMPARE(SocketTask::liveTaskCount(), 0);
}

// A nested loop in one task's listener holds back that task's events only: another task's
// events are delivered inside it (each task is its own event source, as two WebSockets in a
// browser tab are not; a Qt app's dialog lets every other object run).
void tst_Reentrancy::nestedLoop_inListenerOfOneTaskOnlyHoldsThatTask()
{
    TestServer server(TestServer::Echo);
    EventLog oneLog;
    std::unique_ptr<SocketTask> one = openTask(server.url(), &oneLog);
    QCOMPARE(one->readyState(), SocketTask::OPEN);
    EventLog otherLog;
    std::unique_ptr<SocketTask> other(SocketTask::connectSocket(optionFor(server.url())));
    otherLog.attach(other.get());
    bool otherOpenedInside = false;
    one->onMessage([&](const auto &) {
        otherOpenedInside = runNestedLoop([&] { return otherLog.events.contains("open"); });
    });
    one->send(SocketTask::SendOption(QStringLiteral("hello")));
    TRY_VERIFY(otherOpenedInside);
}

void tst_Reentrancy::slotDeletesTask_insideCall_data()
{
    QTest::addColumn<QString>("call");
    QTest::newRow("close: readyStateChanged(CLOSING)") << "close";
    QTest::newRow("send: errMsgChanged(sendSocketMessage:ok)") << "send";
}

// A slot of a signal emitted inside a call deletes the task: the call returns, its callbacks
// run with its result, nothing touches the task, no event follows.
void tst_Reentrancy::slotDeletesTask_insideCall()
{
    QFETCH(QString, call);
    TestServer server(TestServer::Echo);
    EventLog log;
    SocketTask *task = openTask(server.url(), &log).release();
    QVERIFY(task);
    QPointer<SocketTask> alive(task);
    CallbackLog callbacks;
    if (call == QLatin1String("close")) {
        QObject::connect(task, &SocketTask::readyStateChanged, task, [&](SocketTask::ReadyState s) {
            if (s == SocketTask::CLOSING)
                delete alive.data();
        });
        task->close(withCallbacks(SocketTask::CloseOption(), callbacks.callbacks()));
    } else {
        QObject::connect(task, &SocketTask::errMsgChanged, task, [&] { delete alive.data(); });
        QVERIFY(task->send(
            withCallbacks(SocketTask::SendOption(QStringLiteral("hello")), callbacks.callbacks())));
    }
    QVERIFY(!alive);
    QCOMPARE(callbacks.calls, QStringList({ "success", "complete" }));
    QCOMPARE(callbacks.results.at(0).errMsg,
        call == QLatin1String("close") ? QStringLiteral("closeSocket:ok")
                                       : QStringLiteral("sendSocketMessage:ok"));
    handlePostedEvents();
    QCOMPARE(log.events, QStringList({ "open" }));
}

// A listener that closes the task and then runs a dialog: the close event comes after it
// returns, and only once.
void tst_Reentrancy::slotCloses_insideListener()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    NestedLog log;
    bool closedInside = false;
    task->onOpen([&](const auto &) {
        log.record("open");
        task->close();
        log.nesting = true;
        closedInside = runNestedLoop([&] { return server.closes.size() == 1; });
        log.nesting = false;
    });
    task->onClose([&](const auto &r) { log.record(QStringLiteral("close:%1").arg(r.code)); });
    TRY_COMPARE(task->readyState(), SocketTask::CLOSED);
    handlePostedEvents();
    QVERIFY(closedInside);
    QCOMPARE(log.events, QStringList({ "open", "close:1000" }));
}

// onMessage(context, fn): fn is not called once its context is gone; the other listeners are.
void tst_Reentrancy::context_destroyedBeforeEvent()
{
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    auto widget = std::make_unique<QObject>();
    auto alsoAlive = std::make_unique<QObject>();
    QStringList heard;
    task->onMessage(widget.get(), [&](const auto &r) { heard << "gone:" + r.data.toString(); });
    task->onMessage(alsoAlive.get(), [&](const auto &r) { heard << "alive:" + r.data.toString(); });
    task->onClose(widget.get(), [&](const auto &) { heard << "gone:close"; });
    task->onClose(alsoAlive.get(), [&](const auto &) { heard << "alive:close"; });
    task->send(SocketTask::SendOption(QStringLiteral("one")));
    TRY_COMPARE(log.messages.size(), 1);
    widget.reset();
    task->send(SocketTask::SendOption(QStringLiteral("two")));
    TRY_COMPARE(log.messages.size(), 2);
    task->close();
    TRY_VERIFY(log.closed());
    QCOMPARE(heard, QStringList({ "gone:one", "alive:one", "alive:two", "alive:close" }));
}

// The context destroyed by an earlier listener of the same event: not called for it.
void tst_Reentrancy::context_destroyedInsideAnotherListener()
{
    TestServer server(TestServer::TwoThenClose);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    auto widget = std::make_unique<QObject>();
    QStringList heard;
    task->onMessage([&](const auto &r) {
        heard << "first:" + r.data.toString();
        widget.reset();
    });
    task->onMessage(widget.get(), [&](const auto &r) { heard << "widget:" + r.data.toString(); });
    bool closed = false;
    task->onClose([&](const auto &) { closed = true; });
    TRY_VERIFY(closed);
    QCOMPARE(heard, QStringList({ "first:one", "first:two" }));
}

// A null context is not an owner: the listener is not added, with a warning (as connect()
// warns of a null receiver).
void tst_Reentrancy::context_null()
{
    TestServer server(TestServer::TwoThenClose);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    QStringList heard;
    QTest::ignoreMessage(QtWarningMsg,
        "SocketTask::onMessage: no context object (a listener needs a live one); not added");
    task->onMessage(nullptr, [&](const auto &) { heard << "null"; });
    bool closed = false;
    task->onClose([&](const auto &) { closed = true; });
    TRY_VERIFY(closed);
    QVERIFY(heard.isEmpty());
}

QTEST_MAIN(tst_Reentrancy)
#include "tst_reentrancy.moc"
