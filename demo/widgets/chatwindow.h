// SPDX-License-Identifier: MIT
#pragma once

#include <QMainWindow>
#include <QTimer>

#include <SocketTask>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QJsonObject;

// The Widgets chat client: the C++ API of SocketTask only, no QML.
class ChatWindow : public QMainWindow
{
    Q_OBJECT
public:
    ChatWindow(const QUrl &url, const QString &nick, QWidget *parent = nullptr);
    ~ChatWindow() override;

    void connectToServer();
    void disconnectFromServer(); // close 1000
    void sendChat(const QString &text);
    QString stage() const { return m_stage; }
    // The --screenshot run: send the greeting once joined; greetingEchoed() once it came back
    // and `expect` (if any) came from someone else.
    void setGreeting(const QString &greeting, const QString &expect)
    {
        m_greeting = greeting;
        m_expect = expect;
    }

Q_SIGNALS:
    void greetingEchoed(); // the --screenshot step: our greeting came back from the server

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void attach(SocketTask *task); // each new connection: join, and hear it
    void receive(const QString &data);
    void addChat(const QJsonObject &message);
    void addLine(const QString &text, const QString &kind, bool own = false);
    void showError(const QString &errMsg);
    void updateState();

    QLineEdit *m_url;
    QLineEdit *m_nick;
    QPushButton *m_connect;
    QLabel *m_banner;
    QListWidget *m_messages;
    QListWidget *m_users;
    QLineEdit *m_input;
    QPushButton *m_send;
    QLabel *m_stateDot;
    QLabel *m_stateText;

    // The connection, kept up by the library's reconnect (0.5-1 s, 1-2 s, ... at most 30 s).
    SocketTaskReconnector m_link;
    QTimer m_countdown; // "Reconnecting in N s", once a second
    QString m_ownNick;
    QString m_greeting;
    QString m_expect;
    bool m_greetingBack = false;
    bool m_expectSeen = false;
    QString m_stage = QStringLiteral("starting");
};
