// SPDX-License-Identifier: MIT
// Qt 6.4.2's traps (docs/qt-versions.md) not covered by the other sections: the C++ side, against real WebSocket peers on loopback (tests/shared).

#include "recorder.h"
#include "testserver.h"
#include "trywait.h"
#include <QMetaEnum>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>
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

class tst_QtFacts : public SocketTaskTestCase
{
    Q_OBJECT

private Q_SLOTS:
    void fact_freshWebSocketPerTask();
    void fact_noCloseWarningWhileConnecting();
    void fact_sendAfterDropBeforeOnClose();
    void fact_invalidUrlRejectedBeforeOpen();
    void fact_socketIsADirectChildMadeInOpen();
};

void tst_QtFacts::fact_freshWebSocketPerTask()
{
    // closeCode()/closeReason() stick across open() on one QWebSocket: a task never reuses one.
    TestServer peer(TestServer::TwoThenClose);
    EventLog firstLog;
    std::unique_ptr<SocketTask> first = recordedTask(optionFor(peer.url()), &firstLog);
    TRY_VERIFY(firstLog.closed());
    QCOMPARE(firstLog.close.code, 4000);
    TestServer refusing(TestServer::Refuse403);
    EventLog secondLog;
    std::unique_ptr<SocketTask> second = recordedTask(optionFor(refusing.url()), &secondLog);
    TRY_VERIFY(secondLog.closed());
    QCOMPARE(secondLog.close.code, 1006);
    QCOMPARE(secondLog.close.reason, QString());

    // The trap itself, on one raw QWebSocket: what the first connection's close said is still
    // there after a second open() failed.
    QWebSocket raw;
    QSignalSpy disconnected(&raw, &QWebSocket::disconnected);
    raw.open(peer.url());
    TRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(int(raw.closeCode()), 4000);
    const QString before = raw.errorString();
    raw.open(refusing.url());
    TRY_VERIFY(raw.errorString() != before); // the 403 (Qt 6.4 stays ConnectingState)
    QCOMPARE(int(raw.closeCode()), 4000);
    QCOMPARE(raw.closeReason(), QStringLiteral("bye"));
}

// WebSocketAdapter reads the wire through the QTcpSocket (or QSslSocket) that QWebSocket makes
// in open(), as its direct child, and connects to it after Qt did. Were that to change, the
// wire checks, bufferedAmount and the write limit would stop: the adapter warns, and this
// fails first.
void tst_QtFacts::fact_socketIsADirectChildMadeInOpen()
{
    TestServer server(TestServer::Echo);
    QWebSocket raw;
    QCOMPARE(raw.findChild<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly), nullptr);
    raw.open(server.url());
    QVERIFY(raw.findChild<QTcpSocket *>(QString(), Qt::FindDirectChildrenOnly));
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    QVERIFY(task->send(QByteArray(1000, 'x')));
    QCOMPARE(task->bufferedAmount(), 1000 + 8); // counted from that socket
}

void tst_QtFacts::fact_noCloseWarningWhileConnecting()
{
    // Qt 6.4's close() while connecting warns "Invalid socket descriptor" and emits an error.
    QTest::failOnWarning(QRegularExpression(".*"));
    TestServer server(TestServer::Hang);
    EventLog log;
    std::unique_ptr<SocketTask> task = recordedTask(optionFor(server.url()), &log);
    TRY_COMPARE(server.connections, 1);
    task->close();
    TRY_VERIFY(log.closed());
    QCOMPARE(log.events, QStringList({ "close:1006:" }));
}

void tst_QtFacts::fact_sendAfterDropBeforeOnClose()
{
    // Qt 6.4's send on a socket that is gone returns 0 and says nothing; we say so.
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    CallbackLog calls;
    // Runs after the task heard disconnected, before onClose is delivered.
    connect(task->ws(), &QWebSocket::disconnected, this, [&] {
        QCOMPARE(task->readyState(), SocketTask::OPEN);
        task->send(withCallbacks(
            SocketTask::SendOption(QStringLiteral("into the void")), calls.callbacks()));
    });
    task->send(SocketTask::SendOption(QStringLiteral("drop")));
    TRY_VERIFY(log.closed());
    QCOMPARE(calls.calls, QStringList({ "fail", "complete" }));
    QCOMPARE(calls.results.at(0).errMsg,
        QStringLiteral("sendSocketMessage:fail WebSocket is not connected"));
}

void tst_QtFacts::fact_invalidUrlRejectedBeforeOpen()
{
    // Qt 6.4's open() emits error synchronously for a bad scheme, and no disconnected after it:
    // such a URL never reaches QWebSocket.
    TestServer server(TestServer::Hang);
    QUrl http = server.url();
    http.setScheme(QStringLiteral("http"));
    CallbackLog calls;
    QCOMPARE(SocketTaskBinding::connectSocket(looseOptionFor(http), calls.callbacks()), nullptr);
    QCOMPARE(calls.results.at(0).errMsg,
        QStringLiteral("connectSocket:fail request:fail invalid url \"%1\"").arg(http.toString()));
    // The sentinel: a connection made after it reaches the server, alone.
    QTcpSocket after;
    after.connectToHost(QHostAddress::LocalHost, server.url().port());
    TRY_COMPARE(server.connections, 1);
}

QTEST_GUILESS_MAIN(tst_QtFacts)
#include "tst_qtfacts.moc"
