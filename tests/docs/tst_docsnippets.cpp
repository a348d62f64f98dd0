// SPDX-License-Identifier: MIT
// The C++ examples the documentation shows (docs/snippets/*.cpp, through qdoc's \snippet), run
// against a real WebSocket peer on loopback: a broken example fails here.
#include "chatclient.h"
#include "testserver.h"
#include "trywait.h"
#include "worker.h"

#include <SocketTask>

#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

Worker *startWorker(QThread *thread, const QUrl &url); // docs/snippets/worker.cpp
SocketTask *upload(const QUrl &url, int chunks, const std::optional<QNetworkProxy> &proxy,
    QObject *parent); // docs/snippets/upload.cpp
SocketTaskReconnector *keepChatting(const QUrl &url, std::function<void(const QString &)> status,
    QObject *parent); // docs/snippets/reconnect.cpp
SocketTask *connectWithLogin(const QUrl &url,
    std::function<std::pair<QString, QString>(const QString &realm)> ask,
    QObject *parent); // docs/snippets/login.cpp

class tst_DocSnippets : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void chatClient_data();
    void chatClient();
    void chatMain();
    void chatFails();
    void chatPanels();
    void worker();
    void upload();
    void reconnect();
    void login_data();
    void login();
    void cleanup() { TRY_COMPARE(SocketTask::liveTaskCount(), 0); }

private:
    static void checkServerSaw(const TestServer &server, const QString &reason);
};

void tst_DocSnippets::checkServerSaw(const TestServer &server, const QString &reason)
{
    QCOMPARE(server.connections, 1);
    QCOMPARE(server.received, QList<QVariant> { QStringLiteral("hello") });
    TRY_COMPARE(server.closes.size(), 1);
    QCOMPARE(server.closes.first().code, 1000);
    QCOMPARE(server.closes.first().reason, reason);
}

void tst_DocSnippets::chatClient_data()
{
    QTest::addColumn<bool>("withSignals");
    QTest::newRow("listeners") << false;
    QTest::newRow("signals") << true;
}

// getting-started-cpp.qdoc: ChatClient::start() and startWithSignals().
void tst_DocSnippets::chatClient()
{
    QFETCH(bool, withSignals);
    TestServer server(TestServer::Echo);
    ChatClient client(server.url());
    QSignalSpy finished(&client, &ChatClient::finished);
    if (withSignals)
        client.startWithSignals();
    else
        client.start();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().first().toInt(), 1000);
    checkServerSaw(server, QStringLiteral("bye"));
    if (!withSignals) {
        QCOMPARE(server.header(0, QStringLiteral("Authorization")), QStringLiteral("Bearer 123"));
        QCOMPARE(
            server.header(0, QStringLiteral("Sec-WebSocket-Protocol")), QStringLiteral("chat"));
    }
}

// getting-started-cpp.qdoc: the program's main(), with this server's URL as its argument.
void tst_DocSnippets::chatMain()
{
    TestServer server(TestServer::Echo);
    QProcess chat;
    chat.setProcessChannelMode(QProcess::MergedChannels);
    chat.start(QStringLiteral(DOCS_SNIPPET_CHAT), { server.url().toString() });
    QVERIFY2(chat.waitForStarted(), qPrintable(chat.errorString()));
    // The server lives in this thread: keep its event loop running while the program runs.
    TRY_VERIFY_WITH_TIMEOUT(chat.state() == QProcess::NotRunning, 10000);
    const QByteArray output = chat.readAll();
    QVERIFY2(chat.exitStatus() == QProcess::NormalExit && chat.exitCode() == 0, output.constData());
    QVERIFY2(output.contains("received \"hello\""), output.constData());
    QVERIFY2(output.contains("closed 1000 \"bye\""), output.constData());
    checkServerSaw(server, QStringLiteral("bye"));
}

// The example's error path: no server, onError then onClose 1006.
void tst_DocSnippets::chatFails()
{
    TestServer server(TestServer::Refuse403);
    ChatClient client(server.url());
    QSignalSpy finished(&client, &ChatClient::finished);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("connectSocket:fail")));
    client.start();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.first().first().toInt(), 1006);
}

// The SocketTask class page, "Threads": a worker thread that owns its tasks.
// getting-started-cpp.qdoc: ChatClient::showIn() and hideFrom(): off* by context.
void tst_DocSnippets::chatPanels()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(
        SocketTask::connectSocket(SocketTask::ConnectOption(server.url())));
    QObject left, right;
    QStringList shown;
    ChatClient::showIn(task.get(), &left, [&](const QString &m) { shown << "left:" + m; });
    ChatClient::showIn(task.get(), &right, [&](const QString &m) { shown << "right:" + m; });
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    task->send("one");
    TRY_COMPARE(shown, (QStringList { "left:one", "right:one" }));
    ChatClient::hideFrom(task.get(), &left);
    task->send("two");
    TRY_COMPARE(shown.size(), 3);
    QCOMPARE(shown.last(), QStringLiteral("right:two"));
    task->send("three"); // still open, still heard by the right panel only
    TRY_COMPARE(shown.size(), 4);
    QCOMPARE(shown.last(), QStringLiteral("right:three"));
    task->close();
    TRY_COMPARE(task->readyState(), SocketTask::CLOSED);
}

void tst_DocSnippets::worker()
{
    TestServer server(TestServer::Echo);
    QThread thread;
    Worker *worker = startWorker(&thread, server.url());
    QThread *listenerThread = nullptr;
    QString text;
    connect(
        worker, &Worker::received, this,
        [&](const QString &received) {
            listenerThread = QThread::currentThread();
            text = received;
        },
        Qt::DirectConnection);
    TRY_COMPARE_WITH_TIMEOUT(server.closes.size(), 1, 10000);
    QCOMPARE(text, QStringLiteral("hello from a worker"));
    QCOMPARE(listenerThread, &thread);
    QCOMPARE(server.closes.first().code, 1000);
    thread.quit();
    QVERIFY(thread.wait(5000));
}

// getting-started-cpp.qdoc, keepalive and backpressure: every chunk arrives, paced by
// bufferedAmountLow, then the task closes with 1000.
void tst_DocSnippets::upload()
{
    TestServer server(TestServer::Echo);
    QObject parent;
    SocketTask *task = ::upload(server.url(), 8, std::nullopt, &parent);
    QVERIFY(task);
    QSignalSpy closed(task, &SocketTask::closed);
    QVERIFY(closed.wait(20000));
    QCOMPARE(closed.first().first().value<SocketTask::OnCloseCallbackResult>().code, 1000);
    QCOMPARE(server.received.size(), 8);
    QCOMPARE(server.received.last().toByteArray().size(), 1024 * 1024);
}

// getting-started-cpp.qdoc, reconnect: the server crashes and comes back on the same port; the
// example joins again, and its status line said what happened.
void tst_DocSnippets::reconnect()
{
    TestServer server(TestServer::Echo);
    QObject parent;
    QStringList statuses;
    SocketTaskReconnector *link = keepChatting(
        server.url(), [&statuses](const QString &s) { statuses << s; }, &parent);
    TRY_COMPARE(server.received.size(), 1);
    server.crash();
    TRY_COMPARE(statuses.size(), 2);
    QCOMPARE(statuses.at(1), QStringLiteral("reconnecting in 1 s (attempt 1)"));
    QVERIFY(server.restart());
    TRY_COMPARE_WITH_TIMEOUT(server.received.size(), 2, 10000);
    QCOMPARE(server.received, QList<QVariant>({ QStringLiteral("join"), QStringLiteral("join") }));
    TRY_COMPARE(statuses.size(), 3);
    QCOMPARE(
        statuses, QStringList({ "connected", "reconnecting in 1 s (attempt 1)", "connected" }));
    link->stop();
    TRY_COMPARE(server.closes.size(), 2); // the crash's, then stop()'s
    QCOMPARE(server.closes.last().code, 1000);
}

void tst_DocSnippets::login_data()
{
    QTest::addColumn<bool>("inUrl");
    QTest::newRow("credentials in the URL") << true;
    QTest::newRow("asked for") << false;
}

// getting-started-cpp.qdoc, HTTP authentication: with the URL's credentials the task opens on
// every version; without, it opens where Qt asks (6.6+), and fails with the 401 where it cannot.
void tst_DocSnippets::login()
{
    QFETCH(bool, inUrl);
    TestServer server(TestServer::BasicAuth);
    QUrl url = server.url();
    if (inUrl) {
        url.setUserName(QStringLiteral("alice"));
        url.setPassword(QStringLiteral("s3cret"));
    }
    QObject parent;
    QStringList realms;
    SocketTask *task = connectWithLogin(
        url,
        [&realms](const QString &realm) {
            realms << realm;
            return std::pair(QStringLiteral("alice"), QStringLiteral("s3cret"));
        },
        &parent);
    QVERIFY(task);
    const bool opens = inUrl || QT_VERSION >= QT_VERSION_CHECK(6, 6, 0);
    TRY_VERIFY(task->readyState() != SocketTask::CONNECTING);
    if (!opens) { // Qt 6.4-6.5: nothing answers the 401
        TRY_COMPARE(task->readyState(), SocketTask::CLOSED);
        QCOMPARE(task->errMsg(),
            QStringLiteral("connectSocket:fail the server answered \"HTTP/1.1 401 "
                           "Unauthorized\", not 101 Switching Protocols"));
        QCOMPARE(realms, QStringList());
        return;
    }
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    QCOMPARE(realms, inUrl ? QStringList() : QStringList({ "chat" }));
    QCOMPARE(server.connectionCount(), 1);
    task->close();
    TRY_COMPARE(task->readyState(), SocketTask::CLOSED);
}

QTEST_GUILESS_MAIN(tst_DocSnippets)
#include "tst_docsnippets.moc"
