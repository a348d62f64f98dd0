// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QHostAddress>
#include <QJsonArray>
#include <QObject>
#include <QUrl>
#include <QWebSocketServer>

class QWebSocket;

// The demo's chat room: one QWebSocketServer, a small JSON protocol, every client untrusted.
//
// Client to server (text frames, JSON objects):
//   {"type":"join","nick":"alice"}   first; the server may change the nick to keep it unique
//   {"type":"chat","text":"hi"}      at most maxTextBytes of UTF-8
//   {"type":"leave"}
//   {"type":"ping"}                  answered to the sender only: a keepalive of the
//                                     application's own (mini-program code sends one)
// Server to client:
//   {"type":"welcome","nick":"alice","users":[...],"history":[chat...],"time":ms}
//                                     history: the last historySize chat messages
//   {"type":"chat","nick":"alice","text":"hi","time":ms}     to everyone, the sender included
//   {"type":"users","users":[...],"time":ms}                 after each join or leave
//   {"type":"notice","text":"bob joined","time":ms}
//   {"type":"error","text":"...","time":ms}                   to the one client at fault
//   {"type":"pong","time":ms}                                  to the one that sent a ping
// A client over maxClients gets an error and close 4001 "room full"; a message over
// maxMessageBytes closes that client with 1009.
class ChatServer : public QObject
{
    Q_OBJECT
public:
    static constexpr int maxNickLength = 32; // characters
    static constexpr int maxTextBytes = 4096; // UTF-8 bytes of one chat text
    static constexpr int maxMessageBytes = 16 * 1024; // one incoming WebSocket message
    static constexpr int defaultMaxClients = 256;
    static constexpr int historySize = 50;

    explicit ChatServer(QObject *parent = nullptr);
    ~ChatServer() override;

    bool listen(const QHostAddress &address = QHostAddress::LocalHost, quint16 port = 0);
    QString errorString() const { return m_server.errorString(); }
    QUrl url() const;
    int clientCount() const { return int(m_clients.size()); }
    QStringList users() const;
    void setMaxClients(int maxClients) { m_maxClients = maxClients; }

Q_SIGNALS:
    void clientCountChanged();
    void clientJoined(const QString &nick);
    // A joined client went, with the close code it sent (1006: none, the connection dropped).
    void clientLeft(const QString &nick, int closeCode);

private:
    struct Client
    {
        QString nick; // empty until joined
        bool closeFrame = false; // a close frame came (Qt 6.4 says aboutToClose)
    };
    void onNewConnection();
    void onText(QWebSocket *socket, const QString &text);
    void join(QWebSocket *socket, const QString &requested);
    void leave(QWebSocket *socket);
    QString uniqueNick(const QString &wanted) const;
    void sendTo(QWebSocket *socket, QJsonObject message);
    void broadcast(QJsonObject message);
    void error(QWebSocket *socket, const QString &text);

    QWebSocketServer m_server;
    QHash<QWebSocket *, Client> m_clients;
    QJsonArray m_history;
    int m_maxClients = defaultMaxClients;
};
