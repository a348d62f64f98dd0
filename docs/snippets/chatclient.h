// SPDX-License-Identifier: MIT
// The C++ example of docs/getting-started-cpp.qdoc; tests/docs builds and runs it.
#pragma once

//! [class]
#include <QObject>
#include <QUrl>

#include <functional>

class SocketTask;

class ChatClient : public QObject
{
    Q_OBJECT
public:
    explicit ChatClient(const QUrl &url, QObject *parent = nullptr);

    void start(); // with listeners, as in Taro
    void startWithSignals(); // with Qt signals
    // A panel that shows the messages of `task` until hideFrom(): see chatclient.cpp.
    static void showIn(SocketTask *task, QObject *panel, std::function<void(const QString &)> show);
    static void hideFrom(SocketTask *task, QObject *panel);

Q_SIGNALS:
    void finished(int closeCode); // 0: the task could not even be made

private:
    QUrl m_url;
};
//! [class]
