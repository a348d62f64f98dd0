// SPDX-License-Identifier: MIT
// Creating a task (docs/contract.md, "Creating a task"): the C++ side, against real WebSocket peers on loopback (tests/shared).

#include "recorder.h"
#include "testserver.h"
#include "trywait.h"
#include <QAbstractEventDispatcher>
#include <QElapsedTimer>
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

namespace {
int tcpNoDelayOf(QWebSocket *ws)
{
    auto *socket = ws->findChild<QTcpSocket *>();
    if (!socket)
        return -1;
    int value = -1;
    socklen_t len = sizeof(value);
    if (::getsockopt(int(socket->socketDescriptor()), IPPROTO_TCP, TCP_NODELAY, &value, &len) != 0)
        return -2;
    return value != 0 ? 1 : 0;
}

} // namespace

class tst_Connect : public SocketTaskTestCase
{
    Q_OBJECT

private Q_SLOTS:
    void connectSocket_ok();
    void connectSocket_checks_data();
    void connectSocket_checks();
    void connectSocket_checkOrder_data();
    void connectSocket_checkOrder();
    void connectSocket_typedOptionChecks_data();
    void connectSocket_typedOptionChecks();
    void connectSocket_headerReallySent();
    void connectSocket_protocols();
    void connectSocket_perMessageDeflateAcceptedWithoutEffect();
    void connectSocket_timeout();
    void connectSocket_timeoutZeroMeansNone();
    void connectSocket_tcpNoDelay_data();
    void connectSocket_tcpNoDelay();
};

void tst_Connect::connectSocket_ok()
{
    TestServer server(TestServer::Echo);
    CallbackLog log;
    SocketTask::ConnectOption option = optionFor(server.url());
    static_cast<SocketTask::Callbacks &>(option) = log.callbacks();
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(option));
    QVERIFY(task);
    // success then complete, synchronously, with { socketTaskId, errMsg }
    QCOMPARE(log.calls, QStringList({ "success", "complete" }));
    QCOMPARE(log.results.at(0).errMsg, QStringLiteral("connectSocket:ok"));
    QCOMPARE(log.results.at(0).socketTaskId, task->socketTaskId());
    QCOMPARE(log.results.at(1).socketTaskId, task->socketTaskId());
    QCOMPARE(task->readyState(), SocketTask::CONNECTING);
    QCOMPARE(task->errMsg(), QStringLiteral("connectSocket:ok"));
    QCOMPARE(SocketTask::liveTaskCount(), 1);
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
}

void tst_Connect::connectSocket_checks_data()
{
    QTest::addColumn<QVariant>("option");
    QTest::addColumn<QString>("errMsg");
    const QString url = QStringLiteral("ws://127.0.0.1:1/");
    const QString p = QStringLiteral("connectSocket:fail parameter error: ");
    auto with = [&](const char *key, const QVariant &value) {
        QVariantMap m { { QStringLiteral("url"), url } };
        m.insert(QString::fromLatin1(key), value);
        return QVariant(m);
    };
    auto withHeader = [&](const QVariantMap &header) { return with("header", header); };
    const QVariant function
        = QVariant::fromValue(SocketTaskBinding::ScriptType { QStringLiteral("Function"), {}, {} });

    // 1. options
    QTest::newRow("options undefined")
        << QVariant() << p + "parameter should be Object instead of Undefined";
    QTest::newRow("options null") << QVariant::fromValue(nullptr)
                                  << p + "parameter should be Object instead of Null";
    QTest::newRow("options number")
        << QVariant(1.5) << p + "parameter should be Object instead of Number";
    QTest::newRow("options string")
        << QVariant(url) << p + "parameter should be Object instead of String";
    QTest::newRow("options array")
        << QVariant(QVariantList { url }) << p + "parameter should be Object instead of Array";
    QTest::newRow("options boolean")
        << QVariant(true) << p + "parameter should be Object instead of Boolean";
    QTest::newRow("options function")
        << function << p + "parameter should be Object instead of Function";
    // 2. url's type
    QTest::newRow("url missing") << QVariant(QVariantMap())
                                 << p + "parameter.url should be String instead of Undefined";
    QTest::newRow("url number") << QVariant(QVariantMap { { "url", 80 } })
                                << p + "parameter.url should be String instead of Number";
    QTest::newRow("url null") << QVariant(QVariantMap { { "url", QVariant::fromValue(nullptr) } })
                              << p + "parameter.url should be String instead of Null";
    QTest::newRow("url array") << QVariant(QVariantMap { { "url", QVariantList { url } } })
                               << p + "parameter.url should be String instead of Array";
    // 3. url's value
    for (const char *bad : { "", "http://example.com/", "ws://", "wss:///path", "not a url",
             "ws://exa mple.com/", "ws://example.com/#fragment", "ftp://x" }) {
        QTest::addRow("invalid url '%s'", bad)
            << QVariant(QVariantMap { { "url", QString::fromLatin1(bad) } })
            << QStringLiteral("connectSocket:fail request:fail invalid url \"%1\"")
                   .arg(QString::fromLatin1(bad));
    }
    // 4. header
    QTest::newRow("header array") << with("header", QVariantList())
                                  << p + "parameter.header should be Object instead of Array";
    QTest::newRow("header string") << with("header", QStringLiteral("X: y"))
                                   << p + "parameter.header should be Object instead of String";
    QTest::newRow("header null") << with("header", QVariant::fromValue(nullptr))
                                 << p + "parameter.header should be Object instead of Null";
    QTest::newRow("header value number") << withHeader(
        { { "X-Id", 7 } }) << p + "parameter.header[\"X-Id\"] should be String instead of Number";
    QTest::newRow("header value object")
        << withHeader({ { "X-Id", QVariantMap() } })
        << p + "parameter.header[\"X-Id\"] should be String instead of Object";
    QTest::newRow("header name space") << withHeader(
        { { "X Id", "1" } }) << p + "parameter.header name \"X Id\" is not a valid HTTP token";
    QTest::newRow("header name colon") << withHeader(
        { { "X-Id:", "1" } }) << p + "parameter.header name \"X-Id:\" is not a valid HTTP token";
    QTest::newRow("header name CRLF")
        << withHeader({ { "X-Id\r\nEvil", "1" } })
        << p + "parameter.header name \"X-Id\\r\\nEvil\" is not a valid HTTP token";
    QTest::newRow("header name control characters")
        << withHeader({ { QStringLiteral("X\x01\x7f"), "1" } })
        << p + "parameter.header name \"X\\x01\\x7f\" is not a valid HTTP token";
    QTest::newRow("header name empty") << withHeader(
        { { "", "1" } }) << p + "parameter.header name \"\" is not a valid HTTP token";
    QTest::newRow("header name non-ascii")
        << withHeader({ { QStringLiteral("X-Ä"), "1" } })
        << p + QStringLiteral("parameter.header name \"X-Ä\" is not a valid HTTP token");
    QTest::newRow("header value CRLF")
        << withHeader({ { "X-Id", "1\r\nHost: evil" } })
        << p + "parameter.header[\"X-Id\"] must not contain CR, LF or NUL";
    QTest::newRow("header value LF") << withHeader(
        { { "X-Id", "1\nx" } }) << p + "parameter.header[\"X-Id\"] must not contain CR, LF or NUL";
    QTest::newRow("header value NUL")
        << withHeader({ { "X-Id", QString(QChar(0)) } })
        << p + "parameter.header[\"X-Id\"] must not contain CR, LF or NUL";
    QTest::newRow("header value huge")
        << withHeader({ { "X-Id", QString(8193, 'a') } })
        << p + "parameter.header[\"X-Id\"] is longer than 8192 bytes";
    for (const char *owned : { "Host", "connection", "UPGRADE", "Sec-WebSocket-Key",
             "sec-websocket-version", "Sec-WebSocket-Extensions", "Content-Length" }) {
        QTest::addRow("header reserved %s", owned)
            << withHeader({ { QString::fromLatin1(owned), "x" } })
            << p
                + QStringLiteral("parameter.header[\"%1\"] is set by the WebSocket handshake and "
                                 "cannot be given")
                      .arg(QString::fromLatin1(owned));
    }
    // 5. protocols
    QTest::newRow("protocols string") << with("protocols",
        QStringLiteral("chat")) << p + "parameter.protocols should be Array instead of String";
    QTest::newRow("protocols object") << with(
        "protocols", QVariantMap()) << p + "parameter.protocols should be Array instead of Object";
    QTest::newRow("protocols element number")
        << with("protocols", QVariantList { "chat", 2 })
        << p + "parameter.protocols[1] should be String instead of Number";
    QTest::newRow("protocols element space")
        << with("protocols", QVariantList { "a b" })
        << p + "parameter.protocols[0] \"a b\" is not a valid protocol token";
    QTest::newRow("protocols element comma")
        << with("protocols", QVariantList { "a,b" })
        << p + "parameter.protocols[0] \"a,b\" is not a valid protocol token";
    QTest::newRow("protocols element empty") << with("protocols",
        QVariantList { "" }) << p + "parameter.protocols[0] \"\" is not a valid protocol token";
    QTest::newRow("protocols duplicate") << with("protocols", QVariantList { "chat", "x", "chat" })
                                         << p + "parameter.protocols[2] \"chat\" is a duplicate";
    // 6. timeout
    QTest::newRow("timeout string") << with("timeout", QStringLiteral("100"))
                                    << p + "parameter.timeout should be Number instead of String";
    QTest::newRow("timeout null") << with("timeout", QVariant::fromValue(nullptr))
                                  << p + "parameter.timeout should be Number instead of Null";
    QTest::newRow("timeout NaN") << with("timeout", qQNaN())
                                 << p + "parameter.timeout must be a finite number >= 0, not NaN";
    QTest::newRow("timeout Infinity") << with(
        "timeout", qInf()) << p + "parameter.timeout must be a finite number >= 0, not Infinity";
    QTest::newRow("timeout negative")
        << with("timeout", -1) << p + "parameter.timeout must be a finite number >= 0, not -1";
    QTest::newRow("timeout negative fraction")
        << with("timeout", -0.5) << p + "parameter.timeout must be a finite number >= 0, not -0.5";
    // flags
    QTest::newRow("tcpNoDelay string") << with("tcpNoDelay",
        QStringLiteral("yes")) << p + "parameter.tcpNoDelay should be Boolean instead of String";
    QTest::newRow("perMessageDeflate number") << with("perMessageDeflate",
        1) << p + "parameter.perMessageDeflate should be Boolean instead of Number";
    // heartbeat: { interval, timeout }
    QTest::newRow("heartbeat number")
        << with("heartbeat", 5) << p + "parameter.heartbeat should be Object instead of Number";
    QTest::newRow("heartbeat interval string")
        << with("heartbeat", QVariantMap { { "interval", QStringLiteral("1s") } })
        << p + "parameter.heartbeat.interval should be Number instead of String";
    QTest::newRow("heartbeat interval negative")
        << with("heartbeat", QVariantMap { { "interval", -5 } })
        << p + "parameter.heartbeat.interval must be a finite number >= 0, not -5";
    QTest::newRow("heartbeat timeout NaN")
        << with("heartbeat", QVariantMap { { "interval", 100 }, { "timeout", qQNaN() } })
        << p + "parameter.heartbeat.timeout must be a finite number >= 0, not NaN";
}

void tst_Connect::connectSocket_checks()
{
    QFETCH(QVariant, option);
    QFETCH(QString, errMsg);
    CallbackLog log;
    QObject parent;
    SocketTask *task = SocketTaskBinding::connectSocket(option, log.callbacks(), &parent);
    QCOMPARE(task, nullptr);
    QCOMPARE(log.calls, QStringList({ "fail", "complete" }));
    QCOMPARE(log.results.at(0).errMsg, errMsg);
    QCOMPARE(log.results.at(1).errMsg, errMsg);
    QCOMPARE(parent.findChildren<SocketTask *>().size(), 0);
    QCOMPARE(SocketTask::liveTaskCount(), 0);
}

void tst_Connect::connectSocket_checkOrder_data()
{
    // Two things wrong at once: the earlier check in the contract's order decides.
    QTest::addColumn<QVariant>("option");
    QTest::addColumn<QString>("errMsg");
    const QString p = QStringLiteral("connectSocket:fail parameter error: ");
    QTest::newRow("url type before header")
        << QVariant(QVariantMap { { "url", 1 }, { "header", 1 } })
        << p + "parameter.url should be String instead of Number";
    QTest::newRow("url value before header")
        << QVariant(QVariantMap { { "url", "http://x" }, { "header", 1 } })
        << "connectSocket:fail request:fail invalid url \"http://x\"";
    QTest::newRow("header before protocols")
        << QVariant(QVariantMap { { "url", "ws://x" }, { "header", 1 }, { "protocols", 1 } })
        << p + "parameter.header should be Object instead of Number";
    QTest::newRow("protocols before timeout")
        << QVariant(QVariantMap { { "url", "ws://x" }, { "protocols", 1 }, { "timeout", -1 } })
        << p + "parameter.protocols should be Array instead of Number";
}

void tst_Connect::connectSocket_checkOrder()
{
    connectSocket_checks();
}

void tst_Connect::connectSocket_typedOptionChecks_data()
{
    // The typed C++ options go through the same checks.
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QString>("headerName");
    QTest::addColumn<QString>("protocol");
    QTest::addColumn<int>("timeout");
    QTest::addColumn<QString>("errMsg");
    const QString p = QStringLiteral("connectSocket:fail parameter error: ");
    QTest::newRow("http url")
        << QUrl("http://127.0.0.1/") << ""
        << "" << 0 << "connectSocket:fail request:fail invalid url \"http://127.0.0.1/\"";
    QTest::newRow("empty url") << QUrl() << ""
                               << "" << 0 << "connectSocket:fail request:fail invalid url \"\"";
    QTest::newRow("reserved header") << QUrl("ws://127.0.0.1/") << "Upgrade"
                                     << "" << 0
                                     << p
            + "parameter.header[\"Upgrade\"] is set by the WebSocket handshake and cannot be given";
    QTest::newRow("bad protocol") << QUrl("ws://127.0.0.1/") << ""
                                  << "a;b" << 0
                                  << p
            + "parameter.protocols[0] \"a;b\" is not a valid protocol token";
    QTest::newRow("negative timeout")
        << QUrl("ws://127.0.0.1/") << ""
        << "" << -5 << p + "parameter.timeout must be a finite number >= 0, not -5";
}

void tst_Connect::connectSocket_typedOptionChecks()
{
    QFETCH(QUrl, url);
    QFETCH(QString, headerName);
    QFETCH(QString, protocol);
    QFETCH(int, timeout);
    QFETCH(QString, errMsg);
    CallbackLog log;
    SocketTask::ConnectOption option = optionFor(url);
    static_cast<SocketTask::Callbacks &>(option) = log.callbacks();
    if (!headerName.isEmpty())
        option.setHeader(headerName, QStringLiteral("x"));
    if (!protocol.isEmpty())
        option.setProtocols({ protocol });
    option.setTimeout(timeout);
    QCOMPARE(SocketTask::connectSocket(option), nullptr);
    QCOMPARE(log.calls, QStringList({ "fail", "complete" }));
    QCOMPARE(log.results.at(0).errMsg, errMsg);
}

void tst_Connect::connectSocket_headerReallySent()
{
    TestServer server(TestServer::Echo);
    SocketTask::ConnectOption option = optionFor(server.url());
    option.setHeader(QStringLiteral("X-Token"), QStringLiteral("abc 123"));
    option.setHeader(QStringLiteral("Cookie"), QStringLiteral("a=b"));
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(option));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    QCOMPARE(server.handshakes.size(), 1);
    QCOMPARE(server.handshakes.first().rawHeader("X-Token"), QByteArray("abc 123"));
    QCOMPARE(server.handshakes.first().rawHeader("Cookie"), QByteArray("a=b"));
}

void tst_Connect::connectSocket_protocols()
{
    TestServer server(TestServer::Echo);
    QVariantMap option = looseOptionFor(server.url());
    option.insert(QStringLiteral("protocols"), QStringList { "v2.other", "chat" });
    std::unique_ptr<SocketTask> task(SocketTaskBinding::connectSocket(option, {}));
    EventLog log;
    log.attach(task.get());
    QSignalSpy protocolSpy(task.get(), &SocketTask::protocolChanged);
    TRY_COMPARE(log.events, QStringList { "open" });
    QCOMPARE(server.handshakes.first().rawHeader("Sec-WebSocket-Protocol"),
        QByteArray("v2.other, chat"));
    QCOMPARE(log.open.protocol, QStringLiteral("chat"));
    // The 101 response's headers, as QWebSocketServer sent them (the whole rule: tst_wire).
    QCOMPARE(log.open.header.value(QStringLiteral("Sec-WebSocket-Protocol")),
        QVariant(QStringLiteral("chat")));
    QCOMPARE(
        log.open.header.value(QStringLiteral("Upgrade")), QVariant(QStringLiteral("websocket")));
    QCOMPARE(task->protocol(), QStringLiteral("chat"));
    QCOMPARE(protocolSpy.size(), 1);

    // none offered: ""
    std::unique_ptr<SocketTask> plain(SocketTask::connectSocket(optionFor(server.url())));
    TRY_COMPARE(plain->readyState(), SocketTask::OPEN);
    QCOMPARE(plain->protocol(), QString());
}

void tst_Connect::connectSocket_perMessageDeflateAcceptedWithoutEffect()
{
    TestServer server(TestServer::Echo);
    SocketTask::ConnectOption option = optionFor(server.url());
    option.setPerMessageDeflate(true);
    CallbackLog log;
    static_cast<SocketTask::Callbacks &>(option) = log.callbacks();
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(option));
    QCOMPARE(log.calls, QStringList({ "success", "complete" }));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    QVERIFY(!server.handshakes.first().hasRawHeader("Sec-WebSocket-Extensions"));
}

void tst_Connect::connectSocket_timeout()
{
    // Qt 6.4 has no handshake timeout: a peer that accepts TCP and never answers would leave
    // the socket connecting forever.
    TestServer server(TestServer::Hang);
    SocketTask::ConnectOption option = optionFor(server.url());
    option.setTimeout(200);
    EventLog log;
    QElapsedTimer clock;
    clock.start();
    std::unique_ptr<SocketTask> task = recordedTask(option, &log);
    TRY_VERIFY(log.closed());
    // No deadline ends early (contract): a coarse timer could fire at 190 ms.
    QVERIFY2(clock.elapsed() >= 200, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(log.events, QStringList({ "error:connectSocket:fail timeout", "close:1006:" }));
    QCOMPARE(server.rawRequests.size(), 1); // the request did go out
    QCOMPARE(task->readyState(), SocketTask::CLOSED);
    QCOMPARE(task->errMsg(), QStringLiteral("connectSocket:fail timeout"));
    QCOMPARE(task->ws()->state(), QAbstractSocket::UnconnectedState);
}

void tst_Connect::connectSocket_timeoutZeroMeansNone()
{
    TestServer server(TestServer::Hang);
    SocketTask::ConnectOption option = optionFor(server.url());
    option.setTimeout(0);
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(option, &log);
    // A task with the default (60 s) holds a deadline timer; one with 0 holds none.
    std::unique_ptr<SocketTask> byDefault(SocketTask::connectSocket(optionFor(server.url())));
    auto intervals = [](QObject *task) {
        QList<int> ms;
        for (const auto &timer : QAbstractEventDispatcher::instance()->registeredTimers(task))
            ms << timer.interval;
        return ms;
    };
    TRY_COMPARE(server.rawRequests.size(), 2);
    QCOMPARE(intervals(byDefault.get()), QList<int>({ 60000 }));
    QCOMPARE(intervals(task.get()), QList<int>());
    // And a short deadline's task, as the sentinel: it times out; this one goes on waiting.
    option.setTimeout(200);
    EventLog sentinelLog;
    std::unique_ptr<SocketTask> sentinel = recordedTask(option, &sentinelLog);
    TRY_VERIFY(sentinelLog.closed());
    QCOMPARE(task->readyState(), SocketTask::CONNECTING);
    QCOMPARE(log.events, QStringList());
}

void tst_Connect::connectSocket_tcpNoDelay_data()
{
    QTest::addColumn<QVariant>("tcpNoDelay");
    QTest::addColumn<int>("expected");
    QTest::newRow("unset: Qt's default, on") << QVariant() << 1;
    QTest::newRow("false") << QVariant(false) << 0;
    QTest::newRow("true") << QVariant(true) << 1;
}

void tst_Connect::connectSocket_tcpNoDelay()
{
    // Read back from the kernel: the option must reach the real socket.
    QFETCH(QVariant, tcpNoDelay);
    QFETCH(int, expected);
    TestServer server(TestServer::Echo);
    QVariantMap option = looseOptionFor(server.url());
    if (tcpNoDelay.isValid())
        option.insert(QStringLiteral("tcpNoDelay"), tcpNoDelay);
    std::unique_ptr<SocketTask> task(SocketTaskBinding::connectSocket(option, {}));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    QCOMPARE(tcpNoDelayOf(task->ws()), expected);
}

QTEST_GUILESS_MAIN(tst_Connect)
#include "tst_connect.moc"
