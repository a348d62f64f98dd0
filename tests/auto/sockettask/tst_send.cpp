// SPDX-License-Identifier: MIT
// send (docs/contract.md, "send"): the C++ side, against real WebSocket peers on loopback (tests/shared).

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

class tst_Send : public SocketTaskTestCase
{
    Q_OBJECT

private Q_SLOTS:
    void send_textAndBinary();
    void send_plainData();
    void send_dataType_data();
    void send_dataType();
    void send_looseOptionNotObject();
    void send_loneSurrogate();
    void send_loneSurrogateAnyLength();
    void send_notOpen();
    void send_manyInOrder();
    void bufferedAmountLow();
};

void tst_Send::send_textAndBinary()
{
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    CallbackLog calls;
    SocketTask::SendOption text;
    text.setData(QStringLiteral("héllo 🌍"));
    static_cast<SocketTask::Callbacks &>(text) = calls.callbacks();
    task->send(text);
    QCOMPARE(calls.calls, QStringList({ "success", "complete" }));
    QCOMPARE(calls.results.at(0).errMsg, QStringLiteral("sendSocketMessage:ok"));
    const QByteArray bytes("\x00\x01\xff binary", 10);
    task->send(SocketTask::SendOption(bytes));
    task->send(SocketTask::SendOption(QByteArray())); // an empty binary message is a message
    TRY_COMPARE(log.messages.size(), 3);
    QCOMPARE(log.messages.at(0).metaType().id(), QMetaType::QString);
    QCOMPARE(log.messages.at(0).toString(), QStringLiteral("héllo 🌍"));
    QCOMPARE(log.messages.at(1).metaType().id(), QMetaType::QByteArray);
    QCOMPARE(log.messages.at(1).toByteArray(), bytes);
    QCOMPARE(log.messages.at(2).metaType().id(), QMetaType::QByteArray);
    QCOMPARE(log.messages.at(2).toByteArray(), QByteArray());
    // the server saw one text and two binary messages
    QCOMPARE(server.received.at(0).metaType().id(), QMetaType::QString);
    QCOMPARE(server.received.at(1).metaType().id(), QMetaType::QByteArray);
}

// send(QString), send(QByteArray), send(const char *): the same checks and errMsg as
// send(SendOption), without callbacks.
void tst_Send::send_plainData()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    const QString notOpen
        = QStringLiteral("sendSocketMessage:fail SocketTask.readyState is not OPEN");
    QVERIFY(!task->send(QStringLiteral("too early")));
    QCOMPARE(task->errMsg(), notOpen);
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);

    QVERIFY(task->send(QStringLiteral("text")));
    QCOMPARE(task->errMsg(), QStringLiteral("sendSocketMessage:ok"));
    QVERIFY(task->send(QByteArray("\x00bin", 4)));
    QVERIFY(task->send("literal ü"));
    const QString lone = QStringLiteral("ab") + QChar(0xD800);
    QVERIFY(!task->send(lone));
    QCOMPARE(task->errMsg(),
        QStringLiteral("sendSocketMessage:fail parameter error: parameter.data has a lone UTF-16 "
                       "surrogate at index 2"));
    QVERIFY(!task->send(static_cast<const char *>(nullptr)));
    QCOMPARE(task->errMsg(),
        QStringLiteral("sendSocketMessage:fail parameter error: parameter.data should be String "
                       "or ArrayBuffer instead of Null"));
    QVERIFY(task->send(QStringLiteral("after")));
    QCOMPARE(task->errMsg(), QStringLiteral("sendSocketMessage:ok"));

    TRY_COMPARE(server.received.size(), 4);
    QCOMPARE(server.received.at(0), QVariant(QStringLiteral("text")));
    QCOMPARE(server.received.at(1), QVariant(QByteArray("\x00bin", 4)));
    QCOMPARE(server.received.at(2), QVariant(QStringLiteral("literal ü")));
    QCOMPARE(server.received.at(3), QVariant(QStringLiteral("after")));
    task->close();
    QVERIFY(!task->send(QByteArray("closing")));
    QCOMPARE(task->errMsg(), notOpen);
}

void tst_Send::send_dataType_data()
{
    QTest::addColumn<QVariant>("data");
    QTest::addColumn<QString>("type");
    QTest::newRow("undefined") << QVariant() << "Undefined";
    QTest::newRow("null") << QVariant::fromValue(nullptr) << "Null";
    QTest::newRow("number") << QVariant(42) << "Number";
    QTest::newRow("double") << QVariant(4.2) << "Number";
    QTest::newRow("boolean") << QVariant(false) << "Boolean";
    QTest::newRow("array") << QVariant(QVariantList { 1 }) << "Array";
    QTest::newRow("object") << QVariant(QVariantMap { { "a", 1 } }) << "Object";
    QTest::newRow("function") << QVariant::fromValue(SocketTaskBinding::ScriptType {
        "Function", {}, {} }) << "Function";
}

void tst_Send::send_dataType()
{
    QFETCH(QVariant, data);
    QFETCH(QString, type);
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    const QString errMsg = QStringLiteral("sendSocketMessage:fail parameter error: parameter.data "
                                          "should be String or ArrayBuffer instead of ")
        + type;
    // The typed SendOption cannot hold these (see send_typedDataOnly): a binding's data.
    CallbackLog calls;
    SocketTaskBinding::sendData(task.get(), data, calls.callbacks());
    QCOMPARE(calls.calls, QStringList({ "fail", "complete" }));
    QCOMPARE(calls.results.at(0).errMsg, errMsg);
    QCOMPARE(task->errMsg(), errMsg);
    // the loose overload says the same
    CallbackLog loose;
    SocketTaskBinding::send(task.get(), QVariantMap { { "data", data } }, loose.callbacks());
    QCOMPARE(loose.results.at(0).errMsg, errMsg);
    // nothing was sent, and the task still works
    task->send(SocketTask::SendOption(QStringLiteral("after")));
    TRY_COMPARE(server.received.size(), 1);
    QCOMPARE(server.received.first().toString(), QStringLiteral("after"));
    QCOMPARE(task->readyState(), SocketTask::OPEN);
}

void tst_Send::send_looseOptionNotObject()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    CallbackLog calls;
    SocketTaskBinding::send(task.get(), QStringLiteral("just a string"), calls.callbacks());
    QCOMPARE(calls.calls, QStringList({ "fail", "complete" }));
    QCOMPARE(calls.results.at(0).errMsg,
        QStringLiteral("sendSocketMessage:fail parameter error: parameter should be Object instead "
                       "of String"));
    CallbackLog ok;
    SocketTaskBinding::send(
        task.get(), QVariantMap { { "data", QByteArray("b") } }, ok.callbacks());
    QCOMPARE(ok.calls, QStringList({ "success", "complete" }));
    TRY_COMPARE(server.received.size(), 1);
}

void tst_Send::send_loneSurrogate()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    const std::pair<QString, int> cases[] = {
        { QStringLiteral("ab") + QChar(0xD800), 2 }, // high surrogate at the end
        { QString(QChar(0xDC00)) + "x", 0 }, // low surrogate first
        { QStringLiteral("ok") + QChar(0xD83D) + QStringLiteral("no"), 2 }, // high, no low after it
        { QStringLiteral("😀") + QChar(0xDE00), 2 }, // a valid pair, then a stray low
        { QString(13, 'a') + QChar(0xD800) + QString(10, 'b'), 13 }, // past the 8-unit scan
        { QString(7, 'a') + QStringLiteral("😀") + QString(9, 'c') + QChar(0xDC00), 18 },
    };
    for (const auto &[text, at] : cases) {
        CallbackLog calls;
        task->send(withCallbacks(SocketTask::SendOption(text), calls.callbacks()));
        QCOMPARE(calls.results.at(0).errMsg,
            QStringLiteral("sendSocketMessage:fail parameter error: parameter.data has a lone "
                           "UTF-16 surrogate at index %1")
                .arg(at));
    }
    task->send(SocketTask::SendOption(QStringLiteral("pair 😀 fine")));
    // a valid pair across the scan's 8-unit boundary is fine
    const QString across = QString(7, 'a') + QStringLiteral("😀") + QString(20, 'z');
    task->send(SocketTask::SendOption(across));
    TRY_COMPARE(server.received.size(), 2);
    QCOMPARE(server.received.first().toString(), QStringLiteral("pair 😀 fine"));
    QCOMPARE(server.received.at(1).toString(), across);
}

// The scan is vectorised (inline 8 units at a time up to 64, then 16 at a time where the CPU has
// AVX2, with scalar tails): compare it, through send(), with a plain reading of the rule on
// texts of every length up to 200 with surrogates, paired or not, at every kind of place.
void tst_Send::send_loneSurrogateAnyLength()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    auto reference = [](const QString &text) -> qsizetype {
        for (qsizetype i = 0; i < text.size(); ++i) {
            if (text.at(i).isHighSurrogate() && i + 1 < text.size()
                && text.at(i + 1).isLowSurrogate())
                ++i;
            else if (text.at(i).isSurrogate())
                return i;
        }
        return -1;
    };
    QRandomGenerator random(20261127); // fixed: a failure can be replayed
    int lone = 0, fine = 0;
    for (int round = 0; round < 3000; ++round) {
        const int length = random.bounded(201);
        QString text(length, QLatin1Char('a'));
        const int surrogates = random.bounded(4);
        for (int k = 0; k < surrogates && length > 0; ++k) {
            const int at = random.bounded(length);
            switch (random.bounded(3)) {
            case 0: // a valid pair, when it fits
                if (at + 1 < length) {
                    text[at] = QChar(0xD83D);
                    text[at + 1] = QChar(0xDE00);
                }
                break;
            case 1:
                text[at] = QChar(0xD800 + random.bounded(0x400)); // high
                break;
            default:
                text[at] = QChar(0xDC00 + random.bounded(0x400)); // low
                break;
            }
        }
        const qsizetype expected = reference(text);
        const bool sent = task->send(text);
        QCOMPARE(sent, expected < 0);
        if (expected >= 0) {
            ++lone;
            QCOMPARE(task->errMsg(),
                QStringLiteral("sendSocketMessage:fail parameter error: parameter.data has a lone "
                               "UTF-16 surrogate at index %1")
                    .arg(expected));
        } else {
            ++fine;
        }
    }
    QVERIFY(lone > 500 && fine > 500); // both kinds were tried
    TRY_COMPARE(server.received.size(), fine);
}

void tst_Send::send_notOpen()
{
    TestServer server(TestServer::Echo);
    std::unique_ptr<SocketTask> task(SocketTask::connectSocket(optionFor(server.url())));
    const QString notOpen
        = QStringLiteral("sendSocketMessage:fail SocketTask.readyState is not OPEN");
    CallbackLog connecting;
    task->send(
        withCallbacks(SocketTask::SendOption(QStringLiteral("too early")), connecting.callbacks()));
    QCOMPARE(connecting.calls, QStringList({ "fail", "complete" }));
    QCOMPARE(connecting.results.at(0).errMsg, notOpen);
    TRY_COMPARE(task->readyState(), SocketTask::OPEN);
    task->close();
    CallbackLog closing;
    task->send(
        withCallbacks(SocketTask::SendOption(QStringLiteral("closing")), closing.callbacks()));
    QCOMPARE(closing.results.at(0).errMsg, notOpen);
    TRY_COMPARE(task->readyState(), SocketTask::CLOSED);
    CallbackLog closed;
    task->send(
        withCallbacks(SocketTask::SendOption(QStringLiteral("too late")), closed.callbacks()));
    QCOMPARE(closed.results.at(0).errMsg, notOpen);
    QCOMPARE(server.received.size(), 0);
}

void tst_Send::send_manyInOrder()
{
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QCOMPARE(task->readyState(), SocketTask::OPEN);
    const int n = 2000;
    for (int i = 0; i < n; ++i)
        task->send(SocketTask::SendOption(QString::number(i)));
    TRY_COMPARE(log.messages.size(), n);
    for (int i = 0; i < n; ++i)
        QCOMPARE(log.messages.at(i).toString(), QString::number(i));
}

// Backpressure: after a send leaves more than the threshold waiting, one bufferedAmountLow
// when the socket has written it down to the threshold; none without a threshold, and none
// for sends that never go over it.
void tst_Send::bufferedAmountLow()
{
    TestServer server(TestServer::Echo);
    EventLog log;
    std::unique_ptr<SocketTask> task = openTask(server.url(), &log);
    QVERIFY(task);
    QCOMPARE(task->bufferedAmountLowThreshold(), qint64(-1));
    QSignalSpy low(task.get(), &SocketTask::bufferedAmountLow);
    const QByteArray big(8 * 1024 * 1024, 'b');
    QVERIFY(task->send(big)); // no threshold: no signal
    TRY_COMPARE_WITH_TIMEOUT(task->bufferedAmount(), qint64(0), 10000);
    QCOMPARE(low.size(), 0);

    const qint64 threshold = 64 * 1024;
    task->setBufferedAmountLowThreshold(threshold);
    QCOMPARE(task->bufferedAmountLowThreshold(), threshold);
    QVERIFY(task->send(big));
    QVERIFY(task->bufferedAmount() > threshold); // Qt writes from the event loop
    QCOMPARE(low.size(), 0); // never inside send()
    TRY_COMPARE_WITH_TIMEOUT(low.size(), 1, 10000);
    QVERIFY2(low.at(0).at(0).toLongLong() <= threshold, qPrintable(low.at(0).at(0).toString()));
    QVERIFY(task->send(QByteArray(1024, 's'))); // stays under the threshold
    TRY_COMPARE(task->bufferedAmount(), qint64(0));
    handlePostedEvents(); // what the last write posted
    QCOMPARE(low.size(), 1);
    QVERIFY(task->send(big)); // over again: once more
    TRY_COMPARE_WITH_TIMEOUT(low.size(), 2, 10000);
    task->setBufferedAmountLowThreshold(-5);
    QCOMPARE(task->bufferedAmountLowThreshold(), qint64(-1));
    QVERIFY(task->send(big));
    TRY_COMPARE_WITH_TIMEOUT(task->bufferedAmount(), qint64(0), 10000);
    handlePostedEvents();
    QCOMPARE(low.size(), 2);
    task->close();
    TRY_VERIFY(log.closed());
}

QTEST_GUILESS_MAIN(tst_Send)
#include "tst_send.moc"
