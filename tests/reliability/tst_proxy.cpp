// SPDX-License-Identifier: MIT
// The proxy option: HTTP CONNECT and SOCKS5 with credentials, through proxy_server.py (a real
// proxy on loopback that prints each tunnel it opens), to Qt's in-process echo server; and a
// proxy that refuses (wrong credentials, a forbidden target, nobody listening).
#include <SocketTask>

#include "pythonpeer.h"
#include "recorder.h"
#include "sockettaskbinding_p.h"
#include "testserver.h"
#include "trywait.h"

#include <QTest>

#include <memory>

namespace {

// One proxy_server.py, its port, and the tunnels it reported.
class Proxy : public PythonPeer
{
public:
    explicit Proxy(const QStringList &arguments = {})
        : PythonPeer(QStringLiteral("proxy_server.py"), arguments)
    { }
    QNetworkProxy proxy(QNetworkProxy::ProxyType type, const QString &user = "alice",
        const QString &password = "secret") const
    {
        return QNetworkProxy(type, QStringLiteral("127.0.0.1"), quint16(port()), user, password);
    }
    QStringList tunnels() { return lines(); }
};

// The proxy's refusal (Qt's words, which differ between versions: only the prefix is ours)
// fails the task, and nothing reaches the server.
void expectRefused(const SocketTask::ConnectOption &option, const TestServer &server)
{
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(option, &log);
    TRY_VERIFY_WITH_TIMEOUT(log.closed(), 10000);
    QCOMPARE(log.events.size(), 2);
    const QString &error = log.events.at(0);
    QVERIFY2(error.startsWith("error:connectSocket:fail ")
            && error.size() > int(strlen("error:connectSocket:fail ")),
        qPrintable(error));
    QCOMPARE(log.events.at(1), QStringLiteral("close:1006:"));
    QCOMPARE(server.handshakes.size(), 0);
    qInfo("%s", qPrintable(error));
}

} // namespace

class tst_Proxy : public SocketTaskTestCase
{
    Q_OBJECT
private Q_SLOTS:
    void through_data();
    void through();
    void throughAUrlString();
    void refused_data();
    void refused();
    void nobodyListens();
    void checks_data();
    void checks();
};

void tst_Proxy::through_data()
{
    QTest::addColumn<QNetworkProxy::ProxyType>("type");
    QTest::addColumn<QString>("kind");
    QTest::newRow("HTTP CONNECT") << QNetworkProxy::HttpProxy << QStringLiteral("http");
    QTest::newRow("SOCKS5") << QNetworkProxy::Socks5Proxy << QStringLiteral("socks5");
}

// The option applies before the socket opens: the connection goes through the proxy, and the
// echo comes back through it.
void tst_Proxy::through()
{
    QFETCH(QNetworkProxy::ProxyType, type);
    QFETCH(QString, kind);
    Proxy proxy;
    QVERIFY(proxy.port());
    TestServer server(TestServer::Echo);
    SocketTask::ConnectOption option = optionFor(server.url());
    option.setProxy(proxy.proxy(type));
    QCOMPARE(option.proxy()->type(), type);
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(option, &log);
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    task->send(QStringLiteral("via proxy"));
    TRY_COMPARE(server.received.size(), 1);
    TRY_COMPARE(log.events, QStringList({ "open", "message" }));
    QCOMPARE(proxy.tunnels(),
        QStringList { QStringLiteral("TUNNEL %1 127.0.0.1:%2").arg(kind).arg(server.port()) });
    task->close();
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events.last(), QStringLiteral("close:1000:"));
}

// The QML shape: a URL with the credentials in it.
void tst_Proxy::throughAUrlString()
{
    Proxy proxy;
    QVERIFY(proxy.port());
    TestServer server(TestServer::Echo);
    QVariantMap option = looseOptionFor(server.url());
    option.insert(QStringLiteral("proxy"),
        QStringLiteral("socks5://alice:secret@127.0.0.1:%1").arg(proxy.port()));
    CallbackLog calls;
    std::unique_ptr<SocketTask> task(
        SocketTaskBinding::connectSocket(option, calls.callbacks(), nullptr));
    QVERIFY(task);
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    QCOMPARE(proxy.tunnels().size(), 1);
}

void tst_Proxy::refused_data()
{
    QTest::addColumn<QNetworkProxy::ProxyType>("type");
    QTest::addColumn<QString>("password");
    QTest::addColumn<bool>("forbid"); // the proxy refuses the target
    QTest::newRow("HTTP, wrong password") << QNetworkProxy::HttpProxy << "wrong" << false;
    QTest::newRow("SOCKS5, wrong password") << QNetworkProxy::Socks5Proxy << "wrong" << false;
    QTest::newRow("HTTP, forbidden target") << QNetworkProxy::HttpProxy << "secret" << true;
    QTest::newRow("SOCKS5, forbidden target") << QNetworkProxy::Socks5Proxy << "secret" << true;
}

// A proxy that refuses: onError says why (Qt's words, without its prefixes), then onClose
// 1006; the task never opens and nothing reaches the server.
void tst_Proxy::refused()
{
    QFETCH(QNetworkProxy::ProxyType, type);
    QFETCH(QString, password);
    QFETCH(bool, forbid);
    TestServer server(TestServer::Echo);
    Proxy proxy(
        forbid ? QStringList { "--forbid", QString::number(server.port()) } : QStringList {});
    QVERIFY(proxy.port());
    SocketTask::ConnectOption option = optionFor(server.url());
    option.setProxy(proxy.proxy(type, QStringLiteral("alice"), password));
    expectRefused(option, server);
}

void tst_Proxy::nobodyListens()
{
    TestServer server(TestServer::Echo);
    SocketTask::ConnectOption option = optionFor(server.url());
    option.setProxy(
        QNetworkProxy(QNetworkProxy::Socks5Proxy, QStringLiteral("127.0.0.1"), closedPort()));
    expectRefused(option, server);
}

void tst_Proxy::checks_data()
{
    QTest::addColumn<QVariant>("proxy");
    QTest::addColumn<QString>("errMsg");
    const QString p = QStringLiteral("connectSocket:fail parameter error: parameter.proxy ");
    QTest::newRow("number") << QVariant(8080) << p + "should be String instead of Number";
    for (const char *bad : { "ftp://127.0.0.1:21", "http://127.0.0.1", "socks5://:1080",
             "http://127.0.0.1:3128/path", "127.0.0.1:3128", "" }) {
        QTest::newRow(bad) << QVariant(QString::fromLatin1(bad))
                           << p
                + QStringLiteral("\"%1\" is not an http:// or socks5:// URL with a host and a "
                                 "port")
                      .arg(QLatin1String(bad));
    }
}

void tst_Proxy::checks()
{
    QFETCH(QVariant, proxy);
    QFETCH(QString, errMsg);
    QVariantMap option = looseOptionFor(QUrl(QStringLiteral("ws://127.0.0.1:1/")));
    option.insert(QStringLiteral("proxy"), proxy);
    CallbackLog calls;
    QCOMPARE(SocketTaskBinding::connectSocket(option, calls.callbacks(), nullptr), nullptr);
    QCOMPARE(calls.results.value(0).errMsg, errMsg);
}

QTEST_GUILESS_MAIN(tst_Proxy)
#include "tst_proxy.moc"
