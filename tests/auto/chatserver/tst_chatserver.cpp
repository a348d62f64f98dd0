// SPDX-License-Identifier: MIT
// The demo chat server's protocol and limits, with real WebSocket clients on loopback.
#include "chatserver.h"
#include "trywait.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

namespace {

// A raw client that keeps every JSON message it receives.
class Client : public QObject
{
public:
    explicit Client(const QUrl &url)
    {
        connect(&ws, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            inbox.append(QJsonDocument::fromJson(text.toUtf8()).object());
        });
        connect(&ws, &QWebSocket::disconnected, this, [this] { closed = true; });
        ws.open(url);
    }
    bool waitOpen()
    {
        return TestWait::until([this] { return ws.state() == QAbstractSocket::ConnectedState; });
    }
    void send(const QJsonObject &o)
    {
        ws.sendTextMessage(QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)));
    }
    void join(const QString &nick) { send({ { "type", "join" }, { "nick", nick } }); }
    void chat(const QString &text) { send({ { "type", "chat" }, { "text", text } }); }
    // The first message of that type received so far, waiting for it if needed.
    QJsonObject next(const QString &type)
    {
        QJsonObject found;
        (void)TestWait::until([&] {
            for (qsizetype i = 0; i < inbox.size(); ++i) {
                if (inbox.at(i).value("type").toString() == type) {
                    found = inbox.takeAt(i);
                    return true;
                }
            }
            return false;
        });
        return found;
    }
    QWebSocket ws;
    QList<QJsonObject> inbox;
    bool closed = false;
};

} // namespace

class tst_ChatServer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init()
    {
        server = std::make_unique<ChatServer>();
        QVERIFY(server->listen());
    }
    void cleanup() { server.reset(); }

    void join_welcomeNoticeAndUsers()
    {
        Client alice(server->url());
        QVERIFY(alice.waitOpen());
        alice.join("alice");
        const QJsonObject welcome = alice.next("welcome");
        QCOMPARE(welcome.value("nick").toString(), QStringLiteral("alice"));
        QCOMPARE(welcome.value("users").toArray(), QJsonArray({ "alice" }));
        QCOMPARE(welcome.value("history").toArray(), QJsonArray());
        QVERIFY(welcome.value("time").toDouble() > 0);
        QCOMPARE(alice.next("notice").value("text").toString(), QStringLiteral("alice joined"));
        QCOMPARE(alice.next("users").value("users").toArray(), QJsonArray({ "alice" }));
        Client bob(server->url());
        QVERIFY(bob.waitOpen());
        bob.join("bob");
        QCOMPARE(bob.next("welcome").value("users").toArray(), QJsonArray({ "alice", "bob" }));
        QCOMPARE(alice.next("notice").value("text").toString(), QStringLiteral("bob joined"));
        QCOMPARE(alice.next("users").value("users").toArray(), QJsonArray({ "alice", "bob" }));
    }

    // An application keepalive: answered to the sender alone, joined or not.
    void ping_answeredToSenderOnly()
    {
        Client alice(server->url()), bob(server->url());
        QVERIFY(alice.waitOpen() && bob.waitOpen());
        alice.join("alice");
        bob.join("bob");
        QVERIFY(!bob.next("welcome").isEmpty());
        bob.send({ { "type", "ping" } });
        const QJsonObject pong = bob.next("pong");
        QVERIFY(pong.value("time").toDouble() > 0);
        alice.chat("after the ping"); // everyone hears this; alice heard no pong before it
        QCOMPARE(alice.next("chat").value("text").toString(), QStringLiteral("after the ping"));
        for (const QJsonObject &message : std::as_const(alice.inbox))
            QVERIFY(message.value("type").toString() != QLatin1String("pong"));
        Client stranger(server->url());
        QVERIFY(stranger.waitOpen());
        stranger.send({ { "type", "ping" } });
        QVERIFY(!stranger.next("pong").isEmpty());
    }

    void join_nickUniqueWithSuffix()
    {
        Client a(server->url()), b(server->url()), c(server->url());
        QVERIFY(a.waitOpen() && b.waitOpen() && c.waitOpen());
        a.join("alice");
        QCOMPARE(a.next("welcome").value("nick").toString(), QStringLiteral("alice"));
        b.join("ALICE"); // unique regardless of case
        QCOMPARE(b.next("welcome").value("nick").toString(), QStringLiteral("ALICE-2"));
        const QString longNick(32, 'n');
        c.join(longNick);
        QCOMPARE(c.next("welcome").value("nick").toString(), longNick);
        Client d(server->url());
        QVERIFY(d.waitOpen());
        d.join(longNick); // the suffix keeps it at 32 characters
        QCOMPARE(d.next("welcome").value("nick").toString(), QString(30, 'n') + "-2");
    }

    void join_nickLength_data()
    {
        QTest::addColumn<QString>("nick");
        QTest::newRow("empty") << "";
        QTest::newRow("spaces only") << "   ";
        QTest::newRow("33 characters") << QString(33, 'x');
    }
    void join_nickLength()
    {
        QFETCH(QString, nick);
        Client a(server->url());
        QVERIFY(a.waitOpen());
        a.join(nick);
        QCOMPARE(a.next("error").value("text").toString(),
            QStringLiteral("a nickname has 1 to 32 characters"));
        QCOMPARE(server->users(), QStringList());
        a.join("ok"); // still usable
        QCOMPARE(a.next("welcome").value("nick").toString(), QStringLiteral("ok"));
    }

    void chat_broadcastToEveryone()
    {
        Client a(server->url()), b(server->url());
        QVERIFY(a.waitOpen() && b.waitOpen());
        a.join("alice");
        a.next("welcome");
        b.join("bob");
        b.next("welcome");
        a.chat("hello <b>there</b>");
        for (Client *c : { &a, &b }) {
            const QJsonObject chat = c->next("chat");
            QCOMPARE(chat.value("nick").toString(), QStringLiteral("alice"));
            QCOMPARE(chat.value("text").toString(), QStringLiteral("hello <b>there</b>"));
            QVERIFY(chat.value("time").toDouble() > 0);
        }
    }

    void chat_rejected_data()
    {
        QTest::addColumn<QJsonObject>("message");
        QTest::addColumn<bool>("joined");
        QTest::addColumn<QString>("error");
        QTest::newRow("before join")
            << QJsonObject { { "type", "chat" }, { "text", "hi" } } << false << "join first";
        QTest::newRow("empty text") << QJsonObject { { "type", "chat" }, { "text", "  " } } << true
                                    << "a chat message needs a non-empty text";
        QTest::newRow("text not a string") << QJsonObject { { "type", "chat" }, { "text", 5 } }
                                           << true << "a chat message needs a non-empty text";
        QTest::newRow("text over 4 KiB")
            << QJsonObject { { "type", "chat" }, { "text", QString(4097, 'x') } } << true
            << "text too long: at most 4096 bytes";
        QTest::newRow("text over 4 KiB in UTF-8")
            << QJsonObject { { "type", "chat" }, { "text", QString(1366, QChar(0x20AC)) } } << true
            << "text too long: at most 4096 bytes";
        QTest::newRow("unknown type")
            << QJsonObject { { "type", "shout" } } << true << "unknown message type \"shout\"";
        QTest::newRow("no type") << QJsonObject { { "text", "x" } } << true
                                 << "unknown message type \"\"";
        QTest::newRow("join twice")
            << QJsonObject { { "type", "join" }, { "nick", "again" } } << true << "already joined";
    }
    void chat_rejected()
    {
        QFETCH(QJsonObject, message);
        QFETCH(bool, joined);
        QFETCH(QString, error);
        Client a(server->url()), b(server->url());
        QVERIFY(a.waitOpen() && b.waitOpen());
        b.join("bob");
        b.next("welcome");
        if (joined) {
            a.join("alice");
            a.next("welcome");
        }
        a.send(message);
        QCOMPARE(a.next("error").value("text").toString(), error);
        // The server had handled a's message before answering it: a relay to b would be written
        // before the pong to a ping b sends now.
        b.send({ { "type", "ping" } });
        QVERIFY(!b.next("pong").isEmpty());
        for (const QJsonObject &m : std::as_const(b.inbox))
            QVERIFY2(m.value("type") != "chat" && m.value("type") != "error",
                "nothing reached the others");
        // the client is still served
        a.send({ { "type", "chat" }, { "text", "fine" } });
        if (joined)
            QCOMPARE(a.next("chat").value("text").toString(), QStringLiteral("fine"));
    }

    void chat_longestTextAccepted()
    {
        Client a(server->url());
        QVERIFY(a.waitOpen());
        a.join("alice");
        a.next("welcome");
        a.chat(QString(4096, 'x'));
        QCOMPARE(a.next("chat").value("text").toString().size(), 4096);
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::newRow("not JSON") << "hello";
        QTest::newRow("truncated JSON") << "{\"type\":\"chat\"";
        QTest::newRow("JSON array") << "[1,2]";
        QTest::newRow("JSON string") << "\"join\"";
        QTest::newRow("empty") << "";
    }
    void malformed()
    {
        QFETCH(QString, text);
        Client a(server->url());
        QVERIFY(a.waitOpen());
        a.ws.sendTextMessage(text);
        QCOMPARE(a.next("error").value("text").toString(),
            QStringLiteral("malformed message: expected a JSON object"));
        QVERIFY(!a.closed);
    }

    void binaryRejected()
    {
        Client a(server->url());
        QVERIFY(a.waitOpen());
        a.ws.sendBinaryMessage("\x01\x02");
        QCOMPARE(a.next("error").value("text").toString(),
            QStringLiteral("binary messages are not part of the protocol"));
    }

    void incomingSizeLimit()
    {
        Client a(server->url());
        QVERIFY(a.waitOpen());
        a.ws.sendTextMessage(QString(ChatServer::maxMessageBytes + 1, 'x'));
        TRY_VERIFY(a.closed);
        QCOMPARE(a.ws.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        TRY_COMPARE(server->clientCount(), 0);
    }

    void clientLimit()
    {
        server->setMaxClients(2);
        Client a(server->url()), b(server->url());
        QVERIFY(a.waitOpen() && b.waitOpen());
        TRY_COMPARE(server->clientCount(), 2);
        Client c(server->url());
        QCOMPARE(c.next("error").value("text").toString(),
            QStringLiteral("the room is full (2 people)"));
        TRY_VERIFY(c.closed);
        QCOMPARE(int(c.ws.closeCode()), 4001);
        QCOMPARE(c.ws.closeReason(), QStringLiteral("room full"));
        QCOMPARE(server->clientCount(), 2);
    }

    void leave()
    {
        Client a(server->url()), b(server->url());
        QVERIFY(a.waitOpen() && b.waitOpen());
        a.join("alice");
        a.next("welcome");
        b.join("bob");
        b.next("welcome");
        a.next("users");
        a.next("users");
        b.send({ { "type", "leave" } });
        TRY_VERIFY(b.closed);
        QCOMPARE(b.ws.closeCode(), QWebSocketProtocol::CloseCodeNormal);
        QCOMPARE(a.next("notice").value("text").toString(), QStringLiteral("alice joined"));
        QCOMPARE(a.next("notice").value("text").toString(), QStringLiteral("bob joined"));
        QCOMPARE(a.next("notice").value("text").toString(), QStringLiteral("bob left"));
        QCOMPARE(a.next("users").value("users").toArray(), QJsonArray({ "alice" }));
    }

    void leave_reportsCloseCode()
    {
        QSignalSpy left(server.get(), &ChatServer::clientLeft);
        Client a(server->url()), b(server->url());
        QVERIFY(a.waitOpen() && b.waitOpen());
        a.join("alice");
        a.next("welcome");
        b.join("bob");
        b.next("welcome");
        a.ws.close(QWebSocketProtocol::CloseCode(4001), "bye");
        TRY_COMPARE(left.size(), 1);
        QCOMPARE(left.at(0).at(0).toString(), QStringLiteral("alice"));
        QCOMPARE(left.at(0).at(1).toInt(), 4001);
        b.ws.abort(); // no close frame
        TRY_COMPARE(left.size(), 2);
        QCOMPARE(left.at(1).at(1).toInt(), 1006);
    }

    void history()
    {
        Client a(server->url());
        QVERIFY(a.waitOpen());
        a.join("alice");
        a.next("welcome");
        for (int i = 0; i < 60; ++i)
            a.chat(QString::number(i));
        TRY_COMPARE(std::count_if(a.inbox.cbegin(), a.inbox.cend(),
                        [](const QJsonObject &m) { return m.value("type") == "chat"; }),
            60);
        Client b(server->url());
        QVERIFY(b.waitOpen());
        b.join("bob");
        const QJsonArray history = b.next("welcome").value("history").toArray();
        QCOMPARE(history.size(), ChatServer::historySize);
        QCOMPARE(history.first().toObject().value("text").toString(), QStringLiteral("10"));
        QCOMPARE(history.last().toObject().value("text").toString(), QStringLiteral("59"));
    }

    void neverCrashesOnGarbage()
    {
        Client a(server->url());
        QVERIFY(a.waitOpen());
        auto *random = QRandomGenerator::global();
        const QStringList shapes = { "{\"type\":\"join\",\"nick\":%1}",
            "{\"type\":\"chat\",\"text\":%1}", "{\"type\":%1}", "%1" };
        for (int i = 0; i < 500; ++i) {
            QString junk;
            for (int n = random->bounded(40); n > 0; --n)
                junk += QChar(char16_t(random->bounded(1, 0xD7FF)));
            const QString value = random->bounded(2) ? QStringLiteral("\"%1\"").arg(junk) : junk;
            a.ws.sendTextMessage(shapes.at(random->bounded(shapes.size())).arg(value));
        }
        Client b(server->url());
        QVERIFY(b.waitOpen());
        b.join("after the storm");
        QCOMPARE(b.next("welcome").value("nick").toString(), QStringLiteral("after the storm"));
    }

private:
    std::unique_ptr<ChatServer> server;
};

QTEST_GUILESS_MAIN(tst_ChatServer)
#include "tst_chatserver.moc"
