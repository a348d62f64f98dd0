// SPDX-License-Identifier: MIT
// Faults, TLS, load and soak, against in-process peers. Each test prints its figures as
// "FIGURE name value" lines; docs/reliability.md quotes them.
#include <SocketTask>

#include "pythonpeer.h"
#include "testserver.h"
#include "trywait.h"

#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSslKey>
#include <QSslSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <functional>

#include <sys/resource.h>
#include <unistd.h>

namespace {

struct Log
{
    QStringList events;
    QList<QVariant> messages;
    int closes = 0;
    SocketTask::OnCloseCallbackResult close;
    void attach(SocketTask *task)
    {
        task->onOpen([this](const auto &) { events << "open"; });
        task->onMessage(
            [this](const SocketTask::OnMessageCallbackResult &r) { messages << r.data; });
        task->onError(
            [this](const SocketTask::OnErrorCallbackResult &r) { events << "error:" + r.errMsg; });
        task->onClose([this](const SocketTask::OnCloseCallbackResult &r) {
            ++closes;
            close = r;
            events << QStringLiteral("close:%1:%2").arg(r.code).arg(r.reason);
        });
    }
    bool closed() const { return closes > 0; }
};

SocketTask *connectTo(const QUrl &url, Log *log = nullptr)
{
    SocketTask::ConnectOption option;
    option.setUrl(url);
    SocketTask *task = SocketTask::connectSocket(option);
    if (log && task)
        log->attach(task);
    return task;
}

bool inOrder(const QList<QVariant> &messages, int count)
{
    if (messages.size() != count)
        return false;
    for (int i = 0; i < count; ++i) {
        if (messages.at(i).toString() != QString::number(i))
            return false;
    }
    return true;
}

qint64 rssKiB()
{
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (!statm.open(QIODevice::ReadOnly))
        return -1;
    const QList<QByteArray> fields = statm.readAll().split(' ');
    return fields.value(1).toLongLong() * (sysconf(_SC_PAGESIZE) / 1024);
}

void figure(const char *name, const QString &value)
{
    qInfo("FIGURE %s %s", name, qPrintable(value));
}

bool run(const QString &program, const QStringList &args, const QString &dir)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(program, args);
    if (!p.waitForFinished(30000) || p.exitCode() != 0) {
        qWarning() << program << args << p.readAllStandardError();
        return false;
    }
    return true;
}

} // namespace

class tst_Faults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { SocketTask::setMaxConcurrentTasks(0); }
    void cleanup() { TRY_COMPARE(SocketTask::liveTaskCount(), 0); }

    void dropMidStream()
    {
        // The peer sends a burst and drops TCP at once, without a close frame.
        TestServer server(TestServer::Echo);
        Log log;
        std::unique_ptr<SocketTask> task(connectTo(server.url(), &log));
        TRY_COMPARE(task->readyState(), SocketTask::OPEN);
        task->send(SocketTask::SendOption(QStringLiteral("burstdrop 5000")));
        TRY_VERIFY(log.closed());
        QTest::qWait(50);
        QCOMPARE(log.closes, 1);
        QCOMPARE(log.events.size(), 3);
        QVERIFY2(
            log.events.at(1).startsWith("error:socketTask:fail "), qPrintable(log.events.at(1)));
        QCOMPARE(log.events.at(2), QStringLiteral("close:1006:"));
        // everything sent before the drop arrived, whole and in order, before onError
        QVERIFY2(inOrder(log.messages, 5000), qPrintable(QString::number(log.messages.size())));
        figure("drop_mid_stream_messages_before_drop", QString::number(log.messages.size()));
    }

    void serverCloseInTheMiddleOfABurst()
    {
        TestServer server(TestServer::Echo);
        Log log;
        std::unique_ptr<SocketTask> task(connectTo(server.url(), &log));
        TRY_COMPARE(task->readyState(), SocketTask::OPEN);
        task->send(SocketTask::SendOption(QStringLiteral("burst 10000")));
        task->send(SocketTask::SendOption(QStringLiteral("close 4000 mid burst")));
        TRY_VERIFY_WITH_TIMEOUT(log.closed(), 20000);
        QCOMPARE(log.events, QStringList({ "open", "close:4000:mid burst" }));
        QVERIFY2(inOrder(log.messages, 10000), qPrintable(QString::number(log.messages.size())));
        figure("close_mid_burst_messages", QString::number(log.messages.size()));
    }

    void eventLoopBlocked2s()
    {
        // The peer lives in another thread, so it keeps sending while ours sleeps 2 s.
        QThread peerThread;
        peerThread.start();
        auto *inThread = new QObject;
        inThread->moveToThread(&peerThread);
        TestServer *peer = nullptr; // made in its thread, so its sockets belong there
        QMetaObject::invokeMethod(
            inThread, [&peer] { peer = new TestServer(TestServer::Echo); },
            Qt::BlockingQueuedConnection);
        auto stop = qScopeGuard([&] {
            QMetaObject::invokeMethod(
                inThread,
                [peer, inThread] {
                    delete peer;
                    delete inThread;
                },
                Qt::BlockingQueuedConnection);
            peerThread.quit();
            peerThread.wait();
        });
        Log log;
        std::unique_ptr<SocketTask> task(connectTo(peer->url(), &log));
        TRY_COMPARE(task->readyState(), SocketTask::OPEN);
        task->send(SocketTask::SendOption(QStringLiteral("burst 20000")));
        QThread::msleep(2000); // the event loop is blocked; the peer's 20000 pile up in the kernel
        TRY_VERIFY_WITH_TIMEOUT(log.messages.size() == 20000, 20000);
        QVERIFY(inOrder(log.messages, 20000));
        QCOMPARE(task->readyState(), SocketTask::OPEN);
        figure("blocked_2s_messages", QString::number(log.messages.size()));
    }

    // TLS, with a private CA and certificates made now with openssl.
    void tls_data()
    {
        QTest::addColumn<QString>("certificate"); // the server's
        QTest::addColumn<bool>("trustCa");
        QTest::addColumn<QString>("expect"); // "open" or a piece of the errMsg
        QTest::newRow("refused by default") << "localhost" << false
                                            << "TLS handshake failed: The issuer certificate of a "
                                               "locally looked up certificate could not be found";
        QTest::newRow("accepted with the CA") << "localhost" << true << "open";
        QTest::newRow("host name mismatch, even with the CA")
            << "other" << true
            << "TLS handshake failed: The host name did not match any of the valid hosts for this "
               "certificate";
    }
    void tls()
    {
        QFETCH(QString, certificate);
        QFETCH(bool, trustCa);
        QFETCH(QString, expect);
        QVERIFY(makeCertificates());
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificate(
            QSslCertificate::fromPath(m_pki.filePath(certificate + ".crt")).value(0));
        QFile keyFile(m_pki.filePath(certificate + ".key"));
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        tls.setPrivateKey(QSslKey(&keyFile, QSsl::Rsa));
        QWebSocketServer server(QStringLiteral("tls"), QWebSocketServer::SecureMode);
        server.setSslConfiguration(tls);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QList<QString> serverReceived;
        int serverConnections = 0;
        connect(&server, &QWebSocketServer::newConnection, this, [&] {
            QWebSocket *peer = server.nextPendingConnection();
            peer->setParent(&server);
            ++serverConnections;
            connect(peer, &QWebSocket::textMessageReceived, peer, [&, peer](const QString &m) {
                serverReceived << m;
                peer->sendTextMessage(m);
                // 1012 (service restart) is valid, and Qt's own reader would turn it into
                // 1002: our reading of the bytes works under TLS too.
                peer->close(QWebSocketProtocol::CloseCode(1012), QStringLiteral("restart"));
            });
        });
        connect(&server, &QWebSocketServer::peerVerifyError, this, [](const QSslError &) {});

        SocketTask::ConnectOption option;
        option.setUrl(QUrl(QStringLiteral("wss://127.0.0.1:%1/").arg(server.serverPort())));
        if (trustCa)
            option.setCaCertificates(QSslCertificate::fromPath(m_pki.filePath("ca.crt")));
        Log log;
        std::unique_ptr<SocketTask> task(SocketTask::connectSocket(option));
        log.attach(task.get());
        task->onOpen(
            [&](const auto &) { task->send(SocketTask::SendOption(QStringLiteral("secret"))); });
        if (expect == QLatin1String("open")) {
            TRY_VERIFY2(log.messages.size() == 1, qPrintable(log.events.join(" | ")));
            QCOMPARE(log.messages.first().toString(), QStringLiteral("secret"));
            QCOMPARE(serverReceived, QList<QString>({ "secret" }));
            TRY_VERIFY(log.closed());
            QCOMPARE(log.events, QStringList({ "open", "close:1012:restart" }));
        } else {
            TRY_VERIFY(log.closed());
            QCOMPARE(log.events.size(), 2);
            QVERIFY2(log.events.at(0).startsWith("error:connectSocket:fail " + expect),
                qPrintable(log.events.at(0)));
            QCOMPARE(log.events.at(1), QStringLiteral("close:1006:"));
            QTest::qWait(50);
            QCOMPARE(serverConnections, 0); // no WebSocket, so no application data, went through
            QCOMPARE(serverReceived.size(), 0);
        }
    }

    // Backpressure over TLS: QSslSocket's bytesWritten says bytes were encrypted, not sent.
    // A peer that reads nothing for a second: bufferedAmount() counts the encrypted bytes
    // still waiting, and bufferedAmountLow comes once they reached the network.
    void tlsBufferedAmountLow()
    {
        QVERIFY(makeCertificates());
        PythonPeer peer(QStringLiteral("hostile_server.py"),
            { "--tls", m_pki.filePath("localhost.crt"), m_pki.filePath("localhost.key") });
        QVERIFY2(peer.port() > 0, "hostile_server.py --tls did not start");
        SocketTask::ConnectOption option;
        option.setUrl(QUrl(QStringLiteral("wss://127.0.0.1:%1/read-late").arg(peer.port())));
        option.setCaCertificates(QSslCertificate::fromPath(m_pki.filePath("ca.crt")));
        Log log;
        std::unique_ptr<SocketTask> task(SocketTask::connectSocket(option));
        log.attach(task.get());
        TRY_COMPARE(task->readyState(), SocketTask::OPEN);
        const qint64 threshold = 64 * 1024;
        task->setBufferedAmountLowThreshold(threshold);
        QSignalSpy low(task.get(), &SocketTask::bufferedAmountLow);
        QSslSocket *tls = task->ws()->findChild<QSslSocket *>();
        QVERIFY(tls);
        // What really waits when it is emitted: the encrypted bytes too (Qt 6.4 encrypts all
        // of it at once, 6.8 as the network takes it; the old code emitted with 12.9 MB
        // encrypted and waiting). Read in the slot: no timing of ours decides it.
        qint64 encryptedWaitingAtLow = -1;
        connect(task.get(), &SocketTask::bufferedAmountLow, this,
            [&] { encryptedWaitingAtLow = tls->encryptedBytesToWrite(); });
        const QByteArray big(16 * 1024 * 1024, 'b'); // more than loopback's kernel buffers
        QVERIFY(task->send(big));
        QVERIFY(task->bufferedAmount() > threshold);
        QCOMPARE(low.size(), 0);
        TRY_COMPARE_WITH_TIMEOUT(low.size(), 1, 20000); // the peer reads after a second
        QVERIFY2(low.at(0).at(0).toLongLong() <= threshold, qPrintable(low.at(0).at(0).toString()));
        QVERIFY2(
            encryptedWaitingAtLow <= threshold, qPrintable(QString::number(encryptedWaitingAtLow)));
        QVERIFY(task->bufferedAmount() <= threshold);
        task->close();
        TRY_VERIFY(log.closed());
        QCOMPARE(log.events.first(), QStringLiteral("open"));
    }

    void load_1000ConcurrentTasks()
    {
        // 1000 clients and their 1000 server ends are 2000 descriptors: above the soft limit.
        rlimit files {};
        getrlimit(RLIMIT_NOFILE, &files);
        files.rlim_cur = std::min<rlim_t>(files.rlim_max, 8192);
        setrlimit(RLIMIT_NOFILE, &files);
        QVERIFY2(files.rlim_cur >= 2200, "need 2200 open files");

        const int tasks = 1000, each = 100, batch = 50;
        TestServer server(TestServer::Echo);
        std::vector<std::unique_ptr<SocketTask>> all;
        std::vector<QList<QVariant>> received(tasks);
        int complete = 0;
        QEventLoop loop; // runs until every task has its 100 echoes
        QElapsedTimer timer;
        timer.start();
        // Opened 50 at a time: the server's listen backlog is 50, and a SYN beyond it waits
        // for the kernel's retransmission (1 s, 3 s...), which is not what this measures.
        for (int t = 0; t < tasks; ++t) {
            SocketTask *task = connectTo(server.url());
            QVERIFY(task);
            task->onMessage([&, t](const SocketTask::OnMessageCallbackResult &r) {
                received[t] << r.data;
                if (received[t].size() == each && ++complete == tasks)
                    loop.quit();
            });
            all.emplace_back(task);
            if ((t + 1) % batch == 0)
                TRY_VERIFY_WITH_TIMEOUT(
                    std::all_of(all.cend() - batch, all.cend(),
                        [](const auto &x) { return x->readyState() == SocketTask::OPEN; }),
                    30000);
        }
        figure("load_open_seconds", QString::number(timer.elapsed() / 1000.0, 'f', 1));
        QCOMPARE(SocketTask::liveTaskCount(), tasks); // all 1000 open at once
        for (auto &task : all) {
            for (int i = 0; i < each; ++i)
                task->send(SocketTask::SendOption(QString::number(i)));
        }
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        loop.exec();
        QCOMPARE(complete, tasks);
        int good = 0;
        for (const auto &r : received)
            good += inOrder(r, each) ? 1 : 0;
        QCOMPARE(good, tasks);
        figure("load_tasks", QString::number(tasks));
        figure("load_messages", QString::number(tasks * each));
        figure("load_seconds", QString::number(timer.elapsed() / 1000.0, 'f', 1));
        for (auto &task : all)
            task->close();
        TRY_VERIFY_WITH_TIMEOUT(
            std::all_of(all.cbegin(), all.cend(),
                [](const auto &t) { return t->readyState() == SocketTask::CLOSED; }),
            60000);
    }

    void soak_100kMessagesOnOneTask()
    {
        const int count = 100000;
        TestServer server(TestServer::Echo);
        Log log;
        std::unique_ptr<SocketTask> task(connectTo(server.url(), &log));
        TRY_COMPARE(task->readyState(), SocketTask::OPEN);
        for (int i = 0; i < count; ++i)
            task->send(SocketTask::SendOption(QString::number(i)));
        TRY_VERIFY_WITH_TIMEOUT(log.messages.size() == count, 120000);
        QVERIFY(inOrder(log.messages, count));
        figure("soak_one_task_messages", QString::number(count));
    }

    void soak_10kConnectCloseCycles()
    {
        // RSS may grow while allocators and caches warm up, in Qt as in us; so the same cycles
        // run first on raw QWebSockets, in the same process, as the baseline. A task that
        // leaked (its QWebSocket, QTcpSocket and our private part: several KiB) would add tens
        // of MiB over 9000 cycles. The bound: SocketTask may grow at most 4 MiB more than the
        // baseline over the last 9000 cycles, under 466 bytes a cycle, far below one task.
        // A peer that keeps nothing: each server-side socket goes when its client leaves.
        QWebSocketServer server(QStringLiteral("lean"), QWebSocketServer::NonSecureMode);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        int connections = 0;
        connect(&server, &QWebSocketServer::newConnection, this, [&] {
            QWebSocket *peer = server.nextPendingConnection();
            ++connections;
            connect(peer, &QWebSocket::disconnected, peer, &QObject::deleteLater);
        });
        const QUrl url(QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort()));
        const int warmup = 1000, cycles = 10000;

        // One cycle: open, close, wait for the close, destroy. Returns false if it hung.
        auto rawCycle = [&] {
            QEventLoop loop;
            QWebSocket ws;
            connect(&ws, &QWebSocket::connected, &ws, [&] { ws.close(); });
            connect(&ws, &QWebSocket::disconnected, &loop, &QEventLoop::quit);
            QTimer::singleShot(5000, &loop, [&] { loop.exit(1); });
            ws.open(url);
            return loop.exec() == 0;
        };
        int opened = 0;
        auto taskCycle = [&] {
            QEventLoop loop;
            std::unique_ptr<SocketTask> task(connectTo(url));
            task->onOpen([&](const auto &) {
                ++opened;
                task->close();
            });
            task->onClose([&](const auto &) { loop.quit(); });
            QTimer::singleShot(5000, &loop, [&] { loop.exit(1); });
            return loop.exec() == 0;
        };
        auto growthOf = [&](const std::function<bool()> &cycle, const char *name) -> qint64 {
            qint64 afterWarmup = 0;
            QElapsedTimer timer;
            timer.start();
            for (int i = 0; i < cycles; ++i) {
                if (!cycle()) {
                    qWarning("%s: cycle %d hung", name, i);
                    return -1;
                }
                if (i + 1 == warmup) {
                    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
                    afterWarmup = rssKiB();
                }
            }
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
            const qint64 growth = rssKiB() - afterWarmup;
            qInfo("FIGURE cycles_%s_seconds %.1f", name, timer.elapsed() / 1000.0);
            qInfo("FIGURE cycles_%s_rss_after_warmup_kib %lld", name, afterWarmup);
            qInfo("FIGURE cycles_%s_rss_growth_kib %lld", name, growth);
            return growth;
        };
        const qint64 baseline = growthOf(rawCycle, "raw_qwebsocket");
        QVERIFY(baseline >= -1024 * 1024 && baseline != -1);
        const qint64 growth = growthOf(taskCycle, "sockettask");
        QVERIFY(growth != -1);
        figure("cycles", QString::number(cycles));
        QCOMPARE(opened, cycles);
        QCOMPARE(connections, 2 * cycles);
#ifdef SOCKETTASK_SANITIZED
        // ASan's quarantine holds freed memory back: RSS says nothing about leaks here (LSan
        // does, at exit).
        return;
#endif
        QVERIFY2(growth <= baseline + 4096,
            qPrintable(
                QStringLiteral("RSS grew %1 KiB, the baseline %2 KiB").arg(growth).arg(baseline)));
    }

private:
    bool makeCertificates()
    {
        if (m_pkiMade)
            return true;
        const QString d = m_pki.path();
        const QString openssl = QStringLiteral("openssl");
        auto sign = [&](const QString &name, const QString &san) {
            QFile ext(d + "/" + name + ".ext");
            if (!ext.open(QIODevice::WriteOnly))
                return false;
            ext.write(("subjectAltName=" + san + "\nbasicConstraints=CA:FALSE\n").toUtf8());
            ext.close();
            return run(openssl,
                       { "req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out",
                           name + ".csr", "-subj", "/CN=" + name },
                       d)
                && run(openssl,
                    { "x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                        "-CAcreateserial", "-days", "2", "-out", name + ".crt", "-extfile",
                        name + ".ext" },
                    d);
        };
        m_pkiMade = run(openssl,
                        { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key",
                            "-out", "ca.crt", "-days", "2", "-subj", "/CN=SocketTask test CA" },
                        d)
            && sign("localhost", "DNS:localhost,IP:127.0.0.1")
            && sign("other", "DNS:other.example");
        return m_pkiMade;
    }
    QTemporaryDir m_pki;
    bool m_pkiMade = false;
};

QTEST_GUILESS_MAIN(tst_Faults)
#include "tst_faults.moc"
