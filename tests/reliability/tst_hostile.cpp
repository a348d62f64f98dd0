// SPDX-License-Identifier: MIT
// Hostile and broken servers (hostile_server.py, raw sockets): each scenario asserts the exact
// events, close code and errMsg, and that a healthy task on the same event loop, talking to a
// well-behaved server meanwhile, is not disturbed. docs/reliability.md has the table.
#include <SocketTask>

#include "pythonpeer.h"
#include "recorder.h"
#include "trywait.h"

#include <QAuthenticator>
#include <QElapsedTimer>
#include <QFile>
#include <QLibraryInfo>
#include <QScopeGuard>
#include <QTest>
#include <QVersionNumber>

#include <unistd.h>

namespace {

qint64 rssKiB()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.value(1).toLongLong() * (sysconf(_SC_PAGESIZE) / 1024);
}

void figure(const char *name, qint64 value)
{
    qInfo("FIGURE %s %lld", name, value);
}

// An expected event matches exactly, or, ending in '*', by its beginning.
bool matches(const QStringList &events, const QStringList &expected)
{
    if (events.size() != expected.size())
        return false;
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QString &e = expected.at(i);
        if (e.endsWith(u'*') ? !events.at(i).startsWith(e.chopped(1)) : events.at(i) != e)
            return false;
    }
    return true;
}

const QString opened = QStringLiteral("open");
const QString message = QStringLiteral("message");
const QString dropped = QStringLiteral("close:1006:");

QString failed(const QString &why)
{
    return QStringLiteral("error:socketTask:fail ") + why;
}

QString refused(const QString &why)
{
    return QStringLiteral("error:connectSocket:fail ") + why;
}

// Measured: Qt 6.4.2 and 6.8.2 end the TCP connection right after our close frame, and the task
// reports 1000 at once; 6.11.2 waits for the peer's close frame, and the closing deadline ends
// the wait. (QWebSocket's close() is the same in all three: the change is below it, somewhere
// between 6.8 and 6.11; the versions between are not tested.)
bool qtClosesAtOnce()
{
    return QLibraryInfo::version() < QVersionNumber(6, 9);
}

constexpr int testFrameTimeout = 300; // ms: the stall scenarios need not wait Qt's 5 s

} // namespace

class tst_Hostile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<PythonPeer>(QStringLiteral("hostile_server.py"));
        m_port = m_server->port();
        QVERIFY2(m_port > 0, "hostile_server.py did not start");
        SocketTask::setMaxConcurrentTasks(0);
        SocketTask::setFrameTimeout(testFrameTimeout);
    }
    void cleanupTestCase() { m_server.reset(); }
    void cleanup() { TRY_COMPARE(SocketTask::liveTaskCount(), 0); }

    void scenario_data();
    void scenario();
    void qtGivesUpOnAStalledFrame();
    void pingFlood();
    void serverNotReading();
    void bufferedAmount();
    void closingDeadline_peerNeverAnswers();
    void closingDeadline_peerNeverReads();
    void heartbeatWithoutPongs();
    void heartbeatMetByAnyFrame();
    void auth_urlCredentials_data();
    void auth_urlCredentials();
    void auth_refused_data();
    void auth_refused();
    void auth_askedFor_data();
    void auth_askedFor();
    void openHeader();
    void openHeader_folded();

private:
    QUrl url(const QString &scenario) const
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1/%2").arg(m_port).arg(scenario));
    }
    // The scenario, with a query of this test row's own (auth-basic counts per path and query).
    QUrl urlOfThisRow(const QString &scenario) const
    {
        QUrl own = url(scenario);
        own.setQuery(QStringLiteral("test=%1:%2")
                         .arg(QString::fromLatin1(QTest::currentTestFunction()),
                             QString::fromLatin1(QTest::currentDataTag()))
                         .replace(u' ', u'_'));
        return own;
    }

    std::unique_ptr<PythonPeer> m_server;
    int m_port = 0;
};

void tst_Hostile::scenario_data()
{
    QTest::addColumn<QStringList>("expected");
    QTest::addColumn<bool>("weClose"); // the server keeps the connection: we close it

    // Handshake faults: never OPEN.
    QTest::newRow("hs-bad-accept") << QStringList {
        refused("Accept-Key received from server AAAAAAAAAAAAAAAAAAAAAAAAAAA= does not match the "
                "client key *"),
        dropped
    } << false;
    QTest::newRow("hs-no-upgrade") << QStringList { refused("the server's answer has no Upgrade "
                                                            "header where it needs \"Upgrade: "
                                                            "websocket\""),
        dropped } << false;
    QTest::newRow("hs-unrequested-protocol") << QStringList {
        refused("the server chose the subprotocol \"chat\", which was not requested"), dropped
    } << false;
    QTest::newRow("hs-unoffered-extension")
        << QStringList { refused("the server chose the extension \"permessage-deflate\", which "
                                 "was not offered"),
               dropped }
        << false;
    QTest::newRow("hs-keepalive-upgrade")
        << QStringList { refused(QStringLiteral("Qt %1 refuses the server's \"Connection: "
                                                "keep-alive, Upgrade\", which RFC 6455 allows "
                                                "(docs/reliability.md)")
                                     .arg(QString::fromLatin1(qVersion()))),
               dropped }
        << false;
    QTest::newRow("hs-301") << QStringList { refused("the server answered \"HTTP/1.1 301 Moved "
                                                     "Permanently\", not 101 Switching Protocols"),
        dropped } << false;
    QTest::newRow("hs-200") << QStringList { refused("the server answered \"HTTP/1.1 200 OK\", "
                                                     "not 101 Switching Protocols"),
        dropped } << false;
    QTest::newRow("hs-huge-headers")
        << QStringList { refused("the server's response headers are over 262144 bytes"), dropped }
        << false;
    QTest::newRow("hs-garbage") << QStringList {
        refused("the server's answer is not HTTP: \"??? t\""), dropped
    } << false;
    QTest::newRow("hs-garbage-line")
        << QStringList { refused("the server's answer is not HTTP: \"SSH-2\""), dropped } << false;
    QTest::newRow("hs-silence") << QStringList { refused("timeout"), dropped } << false;
    QTest::newRow("hs-drop") << QStringList { refused("The remote host closed the connection"),
        dropped } << false;

    // Valid close codes (RFC 6455 7.4, IANA registry) reach onClose as sent.
    for (int code :
        { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4999 }) {
        QTest::addRow("close-%d", code)
            << QStringList { opened, QStringLiteral("close:%1:reason %1").arg(code) } << false;
    }
    QTest::newRow("close-empty") << QStringList { opened, "close:1005:" } << false;
    QTest::newRow("close-after-messages")
        << QStringList { opened, message, message, "close:4000:bye" } << false;

    // Invalid close frames: onError, then 1006, as a browser.
    for (int code : { 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535 }) {
        QTest::addRow("close-%d", code) << QStringList { opened,
            failed(QStringLiteral("the invalid close code %1").arg(code)), dropped }
                                        << false;
    }
    QTest::newRow("close-1-byte") << QStringList { opened,
        failed("a close frame with a 1-byte payload"), dropped }
                                  << false;
    QTest::newRow("close-bad-utf8-reason")
        << QStringList { opened, failed("invalid UTF-8 in the close reason"), dropped } << false;

    // Protocol violations.
    QTest::newRow("text-bad-utf8")
        << QStringList { opened, failed("invalid UTF-8 in a text message"), dropped } << false;
    QTest::newRow("text-bad-utf8-fragments")
        << QStringList { opened, failed("invalid UTF-8 in a text message"), dropped } << false;
    for (int bit : { 1, 2, 3 }) {
        QTest::addRow("rsv%d", bit) << QStringList { opened,
            failed(QStringLiteral("a frame with the reserved bit RSV%1 set").arg(bit)), dropped }
                                    << false;
    }
    QTest::newRow("opcode-3") << QStringList { opened,
        failed("a frame with the reserved opcode 0x3"), dropped }
                              << false;
    QTest::newRow("opcode-b") << QStringList { opened,
        failed("a frame with the reserved opcode 0xB"), dropped }
                              << false;
    QTest::newRow("ping-126") << QStringList { opened,
        failed("a control frame longer than 125 bytes"), dropped }
                              << false;
    QTest::newRow("ping-fragmented")
        << QStringList { opened, failed("a fragmented control frame"), dropped } << false;
    QTest::newRow("close-fragmented")
        << QStringList { opened, failed("a fragmented control frame"), dropped } << false;
    QTest::newRow("continuation-first") << QStringList { opened,
        failed("a continuation frame with no message to continue"), dropped }
                                        << false;
    QTest::newRow("text-inside-fragments")
        << QStringList { opened, failed("a new message before the previous one ended"), dropped }
        << false;
    QTest::newRow("length-not-shortest")
        << QStringList { opened, failed("a frame length not in its shortest form"), dropped }
        << false;
    // The masked message itself is never delivered.
    QTest::newRow("masked") << QStringList { opened,
        failed("a masked frame (a server must not mask)"), dropped }
                            << false;
    QTest::newRow("masked-after-one") << QStringList { opened, message,
        failed("a masked frame (a server must not mask)"), dropped }
                                      << false;

    // Stalls and drops.
    const QString stalled = failed(
        QStringLiteral("no data for %1 ms in the middle of a message").arg(testFrameTimeout));
    QTest::newRow("stall-header") << QStringList { opened, stalled, dropped } << false;
    QTest::newRow("stall-payload") << QStringList { opened, stalled, dropped } << false;
    QTest::newRow("stall-fragments") << QStringList { opened, stalled, dropped } << false;
    QTest::newRow("drop-mid-frame")
        << QStringList { opened, failed("The remote host closed the connection"), dropped }
        << false;

    // A ping is answered; the connection goes on.
    QTest::newRow("ping-then-text") << QStringList { opened, message, "close:1000:" } << true;
}

void tst_Hostile::scenario()
{
    QFETCH(QStringList, expected);
    QFETCH(bool, weClose);
    const QString name = QString::fromLatin1(QTest::currentDataTag());

    // The healthy task, on the same event loop, open before the scenario starts.
    EventLog healthyLog;
    std::unique_ptr<SocketTask> healthy = openTask(url(QStringLiteral("echo")), &healthyLog);
    QCOMPARE(healthy->readyState(), SocketTask::OPEN);

    SocketTask::ConnectOption option = optionFor(url(name));
    if (name == QLatin1String("hs-silence"))
        option.setTimeout(300);
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(option, &log);
    QVERIFY(task);
    // When onOpen and onError are heard, for the stalls' deadline.
    QElapsedTimer clock;
    clock.start();
    qint64 openedAt = -1, failedAt = -1;
    task->onOpen([&](const auto &) { openedAt = clock.nsecsElapsed(); });
    task->onError([&](const auto &) { failedAt = clock.nsecsElapsed(); });
    if (weClose) {
        TRY_VERIFY(log.events.size() == expected.size() - 1);
        task->close({});
    }
    // Meanwhile the healthy task talks.
    healthy->send(SocketTask::SendOption(QStringLiteral("during ") + name));
    TRY_VERIFY_WITH_TIMEOUT(log.closed(), 10000);
    handlePostedEvents(); // nothing after onClose
    QVERIFY2(matches(log.events, expected),
        qPrintable(QStringLiteral("\n got:      %1\n expected: %2")
                       .arg(log.events.join(QStringLiteral(" | ")),
                           expected.join(QStringLiteral(" | ")))));
    QCOMPARE(task->readyState(), SocketTask::CLOSED);
    if (name.startsWith(QLatin1String("stall-"))) {
        // No deadline ends early (contract): the frame deadline starts at a read that comes
        // after onOpen (inside the same read, or a later one), so a timer that fired early, as
        // a coarse one may by 5%, shows here.
        QVERIFY(openedAt >= 0 && failedAt >= 0);
        QVERIFY2(failedAt - openedAt >= testFrameTimeout * 1000000LL,
            qPrintable(QStringLiteral("%1 ns").arg(failedAt - openedAt)));
    }
    if (log.events.contains(opened) && expected.size() > 2
        && expected.at(expected.size() - 2).startsWith(QLatin1String("error:")))
        QCOMPARE(task->errMsg(), expected.at(expected.size() - 2).mid(6));

    // The healthy task heard its own echo and nothing else, and still works.
    healthy->send(SocketTask::SendOption(QStringLiteral("after ") + name));
    TRY_COMPARE(healthyLog.messages.size(), 2);
    QCOMPARE(healthyLog.messages.at(0).toString(), QStringLiteral("during ") + name);
    QCOMPARE(healthyLog.messages.at(1).toString(), QStringLiteral("after ") + name);
    QCOMPARE(healthy->readyState(), SocketTask::OPEN);
    QCOMPARE(healthyLog.events, QStringList({ opened, message, message }));
    healthy->close({});
    TRY_VERIFY(healthyLog.closed());
}

// With the default frame timeout, Qt's own 5 s timer ends a stalled frame (Qt 6.4-6.11): the
// same report, by another path (Qt's close with 1001, seen by us before it reaches the wire).
void tst_Hostile::qtGivesUpOnAStalledFrame()
{
    SocketTask::setFrameTimeout(60000);
    auto restore = qScopeGuard([] { SocketTask::setFrameTimeout(testFrameTimeout); });
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(optionFor(url("stall-payload")), &log);
    TRY_VERIFY_WITH_TIMEOUT(log.closed(), 15000);
    QCOMPARE(log.events,
        QStringList({ opened, failed("no data for 5000 ms in the middle of a message"), dropped }));
}

// A server that pings as fast as it can and never reads: Qt answers each ping with a pong that
// can never be written. Without a limit the client grew 250 MB/s (issue 12).
void tst_Hostile::pingFlood()
{
    QCOMPARE(SocketTask::maxBufferedAmount(), qint64(64 * 1024 * 1024));
    const qint64 before = rssKiB();
    qint64 peak = before;
    qint64 peakBuffered = 0;
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(optionFor(url("ping-flood")), &log);
    QElapsedTimer clock;
    clock.start();
    while (!log.closed() && clock.elapsed() < 60000) {
        QTest::qWait(20);
        peak = std::max(peak, rssKiB());
        peakBuffered = std::max(peakBuffered, task->bufferedAmount());
    }
    QCOMPARE(log.events,
        QStringList({ opened,
            failed("more than 67108864 bytes wait to be sent: the server does not read them"),
            "close:1008:" }));
    figure("ping_flood_ms_to_limit", clock.elapsed());
    figure("ping_flood_peak_buffered_kib", peakBuffered / 1024);
    figure("ping_flood_rss_growth_kib", peak - before);
#ifndef SOCKETTASK_SANITIZED
    // Bounded: the limit, plus Qt's read buffer of pings and allocator slack. (Under ASan its
    // quarantine holds freed memory back, and RSS says nothing; the events above still hold.)
    QVERIFY2(peak - before < 256 * 1024, qPrintable(QString::number(peak - before)));
#endif
}

// Our own sends to a server that stopped reading: the send that finds the buffer over the
// limit fails, and so does the task.
void tst_Hostile::serverNotReading()
{
    SocketTask::setMaxBufferedAmount(8 * 1024 * 1024);
    auto restore = qScopeGuard([] { SocketTask::setMaxBufferedAmount(64 * 1024 * 1024); });
    const qint64 before = rssKiB();
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(url("not-reading"), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    const QByteArray chunk(1024 * 1024, 'x');
    CallbackLog calls;
    int sent = 0;
    while (calls.calls.isEmpty() && sent < 1000) {
        task->send(withCallbacks(SocketTask::SendOption(chunk), calls.callbacks()));
        if (calls.calls.first() == QLatin1String("success")) {
            calls = {};
            ++sent;
        }
        QTest::qWait(5); // the socket writes what the kernel takes
    }
    QCOMPARE(calls.calls, QStringList({ "fail", "complete" }));
    QCOMPARE(calls.results.first().errMsg,
        QStringLiteral("sendSocketMessage:fail more than 8388608 bytes wait to be sent"));
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events,
        QStringList({ opened,
            failed("more than 8388608 bytes wait to be sent: the server does not read them"),
            "close:1008:" }));
    figure("not_reading_messages_accepted", sent);
    figure("not_reading_rss_growth_kib", rssKiB() - before);
    QVERIFY(sent >= 8); // the limit, and what the kernel's buffers took
}

// close() to a peer that reads the close frame and never answers it: after closingTimeout()
// the task aborts the connection, onClose 1006 with no onError (the user asked for the end), and
// the task's slot is free again.
void tst_Hostile::closingDeadline_peerNeverAnswers()
{
    QCOMPARE(SocketTask::closingTimeout(), 20000); // Firefox's; the option, shortened here
    SocketTask::setClosingTimeout(300);
    auto restore = qScopeGuard([] { SocketTask::setClosingTimeout(20000); });
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(url("no-close-answer"), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    QElapsedTimer clock;
    clock.start();
    task->close();
    QCOMPARE(task->readyState(), SocketTask::CLOSING);
    TRY_VERIFY(log.closed());
    figure("closing_deadline_never_answers_ms", clock.elapsed());
    if (qtClosesAtOnce())
        QCOMPARE(log.events, QStringList({ opened, "close:1000:" }));
    else // the deadline ended it, not before
        QVERIFY(log.events == QStringList({ opened, dropped }) && clock.elapsed() >= 300);
    QCOMPARE(task->readyState(), SocketTask::CLOSED);
}

// close() to a peer that stopped reading with our messages piled up: the close frame cannot
// even be written. After closingTimeout() the task aborts: onClose 1006.
void tst_Hostile::closingDeadline_peerNeverReads()
{
    SocketTask::setClosingTimeout(300);
    auto restore = qScopeGuard([] { SocketTask::setClosingTimeout(20000); });
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(url("not-reading"), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    // Fill the kernel's buffers both ways until our writes stay in Qt's buffer.
    const QByteArray chunk(256 * 1024, 'x');
    QElapsedTimer filling;
    filling.start();
    while (task->bufferedAmount() < 2 * chunk.size() && filling.elapsed() < 10000) {
        task->send(SocketTask::SendOption(chunk));
        QTest::qWait(5);
    }
    QVERIFY(task->bufferedAmount() >= 2 * chunk.size());
    QElapsedTimer clock;
    clock.start();
    task->close();
    TRY_VERIFY(log.closed());
    figure("closing_deadline_never_reads_ms", clock.elapsed());
    if (qtClosesAtOnce()) {
        QCOMPARE(log.events, QStringList({ opened, "close:1000:" }));
    } else {
        QCOMPARE(log.events, QStringList({ opened, dropped }));
        QVERIFY(clock.elapsed() >= 300);
    }
}

void tst_Hostile::bufferedAmount()
{
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(url("not-reading"), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    QCOMPARE(task->bufferedAmount(), 0);
    // Written by the event loop, not inside send(): all of it waits until then.
    task->send(SocketTask::SendOption(QByteArray(1000, 'x')));
    QCOMPARE(task->bufferedAmount(), 1000 + 8); // header 2, length 2, masking key 4
    TRY_COMPARE(task->bufferedAmount(), 0); // the kernel took it
    task->close({});
    TRY_VERIFY(log.closed());
    QCOMPARE(task->bufferedAmount(), 0);
}

// The keepalive (ConnectOption::setHeartbeat) against a peer that answers no ping: the task
// fails after the deadline, as a dropped connection.
void tst_Hostile::heartbeatWithoutPongs()
{
    EventLog log;
    SocketTask::ConnectOption option = optionFor(url("no-pong"));
    option.setHeartbeat(100, 300);
    QElapsedTimer clock;
    clock.start();
    std::unique_ptr<SocketTask> task = recordedTask(option, &log);
    TRY_VERIFY_WITH_TIMEOUT(log.closed(), 5000);
    QCOMPARE(log.events, QStringList({ opened, failed("heartbeat timeout"), dropped }));
    QCOMPARE(task->errMsg(), QStringLiteral("socketTask:fail heartbeat timeout"));
    QCOMPARE(task->roundTripTime(), qint64(-1));
    // the first ping after 100 ms, its deadline 300 ms later
    QVERIFY2(clock.elapsed() >= 400, qPrintable(QString::number(clock.elapsed())));
    figure("heartbeat_no_pong_ms_to_fail", clock.elapsed());
}

// Anything the peer sends meets the deadline: a server that talks but never pongs stays OPEN.
void tst_Hostile::heartbeatMetByAnyFrame()
{
    EventLog log;
    SocketTask::ConnectOption option = optionFor(url("talk-no-pong"));
    option.setHeartbeat(100, 400); // a peer that pongs not at all would fail after 500 ms
    std::unique_ptr<SocketTask> task = recordedTask(option, &log);
    QTest::qWait(1500);
    QCOMPARE(log.events.value(0), opened);
    QVERIFY2(!log.closed(), qPrintable(log.events.join(u',')));
    QVERIFY2(
        log.events.count(message) >= 20, qPrintable(QString::number(log.events.count(message))));
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    task->close();
    TRY_VERIFY(log.closed());
}

// HTTP authentication of the handshake (hostile_server.py's auth-basic: alice / s3cret, 401
// otherwise, on a connection kept open or closed). Where Qt answers the challenge (6.6+) and
// where we send the URL's credentials with the first request (6.4-6.5) differ; both open.
void tst_Hostile::auth_urlCredentials_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::newRow("401 keeps the connection") << QStringLiteral("auth-basic");
    QTest::newRow("401 closes the connection") << QStringLiteral("auth-basic-close");
}

void tst_Hostile::auth_urlCredentials()
{
    QFETCH(QString, scenario);
    QUrl withCredentials = urlOfThisRow(scenario);
    withCredentials.setUserName(QStringLiteral("alice"));
    withCredentials.setPassword(QStringLiteral("s3cret"));
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(optionFor(withCredentials), &log);
    int asked = 0;
    connect(task.get(), &SocketTask::authenticationRequired, this, [&asked] { ++asked; });
    TRY_COMPARE(log.messages.size(), 1);
#if QT_VERSION >= QT_VERSION_CHECK(6, 6, 0)
    QCOMPARE(log.messages.first().toString(), QStringLiteral("after 1 401")); // Qt answered it
#else
    QCOMPARE(log.messages.first().toString(), QStringLiteral("at once")); // our Basic header
#endif
    QCOMPARE(asked, 0); // the URL's answered
    task->send(QStringLiteral("in"));
    TRY_COMPARE(log.messages.size(), 2);
    QCOMPARE(log.messages.last().toString(), QStringLiteral("in"));
    QCOMPARE(log.events.mid(0, 3), QStringList({ opened, message, message }));
    task->close();
    TRY_VERIFY(log.closed());
    QCOMPARE(log.close.code, 1000);
}

void tst_Hostile::auth_refused_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("password");
    for (const char *scenario : { "auth-basic", "auth-basic-close" }) {
        QTest::addRow("%s, none", scenario) << QString::fromLatin1(scenario) << QString();
        QTest::addRow("%s, wrong", scenario) << QString::fromLatin1(scenario) << "wrong";
    }
}

// Nothing (or nothing right) to answer with: the 401 is the error, in the same words on every
// version.
void tst_Hostile::auth_refused()
{
    QFETCH(QString, scenario);
    QFETCH(QString, password);
    QUrl target = urlOfThisRow(scenario);
    if (!password.isEmpty()) {
        target.setUserName(QStringLiteral("alice"));
        target.setPassword(password);
    }
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(optionFor(target), &log);
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events,
        QStringList({ refused("the server answered \"HTTP/1.1 401 Unauthorized\", not 101 "
                              "Switching Protocols"),
            dropped }));
}

void tst_Hostile::auth_askedFor_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::newRow("401 keeps the connection") << QStringLiteral("auth-basic");
    QTest::newRow("401 closes the connection") << QStringLiteral("auth-basic-close");
}

// authenticationRequired: a URL without credentials, and a slot that gives a wrong password,
// then the right one (Qt 6.6+). Qt 6.4-6.5 never ask: the 401 fails the task.
void tst_Hostile::auth_askedFor()
{
    QFETCH(QString, scenario);
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(optionFor(urlOfThisRow(scenario)), &log);
    int asked = 0;
    connect(task.get(), &SocketTask::authenticationRequired, this,
        [&asked](QAuthenticator *authenticator) {
            ++asked;
            QCOMPARE(authenticator->realm(), QStringLiteral("chat"));
            authenticator->setUser(QStringLiteral("alice"));
            authenticator->setPassword(
                asked == 1 ? QStringLiteral("guess") : QStringLiteral("s3cret"));
        });
#if QT_VERSION >= QT_VERSION_CHECK(6, 6, 0)
    TRY_COMPARE(log.messages.size(), 1);
    QCOMPARE(log.messages.first().toString(), QStringLiteral("after 2 401"));
    QCOMPARE(asked, 2);
    QCOMPARE(log.events, QStringList({ opened, message }));
    task->close();
#else
    TRY_VERIFY(log.closed());
    QCOMPARE(asked, 0);
    QCOMPARE(log.events,
        QStringList({ refused("the server answered \"HTTP/1.1 401 Unauthorized\", not 101 "
                              "Switching Protocols"),
            dropped }));
#endif
    TRY_VERIFY(log.closed());
}

QTEST_GUILESS_MAIN(tst_Hostile)
#include "tst_hostile.moc"

// onOpen's `header`: the server's own headers, as sent (OnOpenCallbackResult::header).
void tst_Hostile::openHeader()
{
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(url("own-headers"), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    const QVariantMap header = log.open.header;
    QCOMPARE(header.value("X-Server-Id"), QVariant("node-7"));
    // a repeated header: joined, under its first spelling
    QCOMPARE(header.value("X-Multi"), QVariant("a, b"));
    QVERIFY(!header.contains("x-multi"));
    // Set-Cookie: each whole, a list even for one spelling or one cookie
    QCOMPARE(header.value("Set-Cookie").toStringList(),
        QStringList({ "sid=abc; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly", "theme=dark" }));
    QCOMPARE(header.value("Set-Cookie").metaType().id(), QMetaType::QStringList);
    QCOMPARE(header.value("X-Latin"), QVariant(QStringLiteral("caf\u00e9"))); // Latin-1
    QCOMPARE(header.value("Upgrade"), QVariant("websocket"));
    QCOMPARE(header.size(), 7);
    task->close();
    TRY_VERIFY(log.closed());
}

// An obsolete folded line (RFC 7230 3.2.4), which Qt accepts: read as one space, as the RFC
// tells a recipient to.
void tst_Hostile::openHeader_folded()
{
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(url("folded-header"), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    QCOMPARE(log.open.header.value("X-Folded"), QVariant("first second"));
    task->close();
    TRY_VERIFY(log.closed());
}
