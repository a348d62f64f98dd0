// SPDX-License-Identifier: MIT
// Interop with a third-party server: Debian's python3-websockets (ws_peer.py), started here on
// an ephemeral loopback port.
#include <SocketTask>

#include "pythonpeer.h"
#include "trywait.h"
#include <QJsonDocument>
#include <QJsonObject>

#include <QTest>
#include <memory>

namespace {

struct Log
{
    QStringList events;
    QList<QVariant> messages;
    SocketTask::OnCloseCallbackResult close;
    void attach(SocketTask *task)
    {
        task->onOpen([this](const auto &) { events << "open"; });
        task->onMessage([this](const SocketTask::OnMessageCallbackResult &r) {
            messages << r.data;
            events << "message";
        });
        task->onError(
            [this](const SocketTask::OnErrorCallbackResult &r) { events << "error:" + r.errMsg; });
        task->onClose([this](const SocketTask::OnCloseCallbackResult &r) {
            close = r;
            events << QStringLiteral("close:%1:%2").arg(r.code).arg(r.reason);
        });
    }
    bool closed() const { return !events.isEmpty() && events.last().startsWith("close:"); }
};

} // namespace

class tst_Interop : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        m_peer = std::make_unique<PythonPeer>(QStringLiteral("ws_peer.py"));
        QVERIFY2(m_peer->port() > 0, "ws_peer.py did not start");
        m_url = QUrl(QStringLiteral("ws://127.0.0.1:%1/interop").arg(m_peer->port()));
        SocketTask::setMaxConcurrentTasks(0);
    }
    void cleanupTestCase() { m_peer.reset(); }

    void headersAndSubprotocolReceived()
    {
        SocketTask::ConnectOption option;
        option.setUrl(m_url);
        option.setHeader(QStringLiteral("X-Token"), QStringLiteral("interop 1"));
        option.setProtocols(QStringList { "superchat", "chat" });
        std::unique_ptr<SocketTask> task(open(option));
        task->send(SocketTask::SendOption(QStringLiteral("handshake")));
        TRY_COMPARE(m_log.messages.size(), 1);
        const QJsonObject seen
            = QJsonDocument::fromJson(m_log.messages.first().toString().toUtf8()).object();
        // HTTP header names are case-insensitive: Qt 6.7 and later send them in lower case.
        QMap<QString, QString> headers;
        const QJsonObject sent = seen.value("headers").toObject();
        for (auto it = sent.begin(); it != sent.end(); ++it)
            headers.insert(it.key().toLower(), it.value().toString());
        QCOMPARE(headers.value("x-token"), QStringLiteral("interop 1"));
        QCOMPARE(headers.value("sec-websocket-protocol"), QStringLiteral("superchat, chat"));
        QCOMPARE(task->protocol(), seen.value("subprotocol").toString());
        QVERIFY(task->protocol() == "superchat" || task->protocol() == "chat");
    }

    void roundTrip_data()
    {
        QTest::addColumn<QVariant>("data");
        for (int size : { 0, 1 << 20, 16 << 20 }) {
            QString text(size, QChar());
            for (int i = 0; i < size; ++i)
                text[i] = QChar(char16_t('a' + i % 26));
            QByteArray bytes(size, Qt::Uninitialized);
            for (int i = 0; i < size; ++i)
                bytes[i] = char(i * 7);
            QTest::addRow("text %d B", size) << QVariant(text);
            QTest::addRow("binary %d B", size) << QVariant(bytes);
        }
        QTest::newRow("multi-byte UTF-8") << QVariant(
            QStringLiteral("héllo · 你好 · Привет · 😀👍🏽 · e\u0301"));
    }
    void roundTrip()
    {
        QFETCH(QVariant, data);
        std::unique_ptr<SocketTask> task(open());
        if (data.typeId() == QMetaType::QString)
            task->send(data.toString());
        else
            task->send(data.toByteArray());
        TRY_VERIFY_WITH_TIMEOUT(m_log.messages.size() == 1, 30000);
        QCOMPARE(m_log.messages.first().metaType(), data.metaType());
        QVERIFY(m_log.messages.first() == data);
    }

    void fragmentedFromServer()
    {
        std::unique_ptr<SocketTask> task(open());
        task->send(QStringLiteral("fragments 7 one message in seven fragments, ü included"));
        TRY_COMPARE(m_log.messages.size(), 1);
        QCOMPARE(m_log.messages.first().toString(),
            QStringLiteral("one message in seven fragments, ü included"));
    }

    void serverInitiatedClose()
    {
        std::unique_ptr<SocketTask> task(open());
        task->send(SocketTask::SendOption(QStringLiteral("close 4001 server says bye")));
        TRY_VERIFY(m_log.closed());
        QCOMPARE(m_log.events, QStringList({ "open", "close:4001:server says bye" }));
    }

    void ourCloseReceived()
    {
        {
            std::unique_ptr<SocketTask> task(open());
            task->close(SocketTask::CloseOption(4002, QStringLiteral("client says bye")));
            TRY_VERIFY(m_log.closed());
            QCOMPARE(m_log.close.code, 4002);
            QCOMPARE(m_log.close.reason, QStringLiteral("client says bye"));
        }
        std::unique_ptr<SocketTask> task(open());
        task->send(SocketTask::SendOption(QStringLiteral("lastclose")));
        TRY_COMPARE(m_log.messages.size(), 1);
        const QJsonObject last
            = QJsonDocument::fromJson(m_log.messages.first().toString().toUtf8()).object();
        QCOMPARE(last.value("code").toInt(), 4002);
        QCOMPARE(last.value("reason").toString(), QStringLiteral("client says bye"));
    }

    void serverPingAnswered()
    {
        std::unique_ptr<SocketTask> task(open());
        task->send(SocketTask::SendOption(QStringLiteral("ping")));
        TRY_COMPARE(m_log.messages.size(), 1);
        QCOMPARE(m_log.messages.first().toString(), QStringLiteral("pong received"));
    }

private:
    SocketTask *open(SocketTask::ConnectOption option = {})
    {
        if (option.url().isEmpty())
            option.setUrl(m_url);
        m_log = Log();
        SocketTask *task = SocketTask::connectSocket(option);
        m_log.attach(task);
        if (!TestWait::until([task] { return task->readyState() == SocketTask::OPEN; }, 5000))
            qWarning() << "not open:" << m_log.events;
        return task;
    }
    std::unique_ptr<PythonPeer> m_peer;
    QUrl m_url;
    Log m_log;
};

QTEST_GUILESS_MAIN(tst_Interop)
#include "tst_interop.moc"
