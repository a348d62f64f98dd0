// SPDX-License-Identifier: MIT
#pragma once

#include "sockettask_export.h"

#include <QMap>
#include <QObject>
#include <QSslCertificate>
#include <QStringList>
#include <QUrl>
#include <QVariant>

#include <functional>
#include <memory>
#include <optional>

class QWebSocket;
class SocketTaskPrivate;

class SOCKETTASK_EXPORT SocketTask : public QObject
{
    Q_OBJECT
    Q_PROPERTY(int socketTaskId READ socketTaskId CONSTANT)
    Q_PROPERTY(ReadyState readyState READ readyState NOTIFY readyStateChanged)
    Q_PROPERTY(QString errMsg READ errMsg NOTIFY errMsgChanged)
    Q_PROPERTY(QString protocol READ protocol NOTIFY protocolChanged)
    Q_PROPERTY(QUrl url READ url CONSTANT)
    // Taro puts the state values on every task (task.OPEN), not only on the type.
    Q_PROPERTY(int CONNECTING READ connectingValue CONSTANT)
    Q_PROPERTY(int OPEN READ openValue CONSTANT)
    Q_PROPERTY(int CLOSING READ closingValue CONSTANT)
    Q_PROPERTY(int CLOSED READ closedValue CONSTANT)

public:
    enum ReadyState { CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3 };
    Q_ENUM(ReadyState)

    struct CallbackResult
    {
        QString errMsg;
        int socketTaskId = 0; // set in connectSocket's result only
    };
    using Callback = std::function<void(const CallbackResult &)>;
    struct Callbacks
    {
        Callback success;
        Callback fail;
        Callback complete;
    };

    struct ConnectOption : Callbacks
    {
        QUrl url;
        QMap<QString, QString> header;
        QStringList protocols;
        std::optional<bool> tcpNoDelay; // unset: Qt's default (on)
        bool perMessageDeflate = false; // accepted, no effect: QtWebSockets has no compression
        int timeout = 60000; // ms, connect + handshake; 0 = none
        // Trusted for wss:// in addition to the system's CAs (a private CA, say). The peer's
        // certificate is always verified, its host name included.
        QList<QSslCertificate> caCertificates;
    };
    struct SendOption : Callbacks
    {
        QVariant data; // QString: a text message; QByteArray: a binary message
    };
    struct CloseOption : Callbacks
    {
        int code = 1000;
        QString reason;
    };

    struct OnOpenCallbackResult
    {
        QVariantMap header; // always empty: Qt 6.4 does not expose the response headers
        QString protocol;
    };
    struct OnMessageCallbackResult
    {
        QVariant data; // QString for text, QByteArray for binary
    };
    struct OnErrorCallbackResult
    {
        QString errMsg;
    };
    struct OnCloseCallbackResult
    {
        int code = 1006;
        QString reason;
    };

    // Stands in for a script value that has no Qt counterpart (a function, a Date, a Symbol)
    // when options come through the QVariant overloads, so that errMsg can name its type.
    struct ScriptType
    {
        QString name;
        QString exception; // set when reading the value threw: what it threw
    };

    static SocketTask *connectSocket(const ConnectOption &option, QObject *parent = nullptr);
    // For bindings of dynamically typed languages (the QML module uses these): the same checks,
    // with the wrong types named as JavaScript names them (see typeName()).
    static SocketTask *connectSocket(
        const QVariant &option, const Callbacks &callbacks, QObject *parent = nullptr);
    ~SocketTask() override;

    bool send(const SendOption &option); // true: queued to the socket (errMsg is the why)
    bool send(const QString &text); // the same, with no callbacks: the cheapest way
    bool send(const QByteArray &data);
    bool send(const char *text); // UTF-8 text: a string literal is text, as in JavaScript
    void send(const QVariant &option, const Callbacks &callbacks);
    void close(); // code 1000
    void close(const CloseOption &option);
    void close(const QVariant &option, const Callbacks &callbacks);

    // WeChat's one-socket functions (Taro.sendSocketMessage, Taro.closeSocket) on the task they
    // act on; with no task, or a CLOSED one, they fail with "WebSocket is not connected".
    static void sendSocketMessage(
        SocketTask *task, const QVariant &option, const Callbacks &callbacks);
    static void closeSocket(SocketTask *task, const QVariant &option, const Callbacks &callbacks);

    // Each call adds a listener; listeners run in the order they were added, from the event
    // loop, never inside connectSocket/send/close. After onClose they are released.
    void onOpen(std::function<void(const OnOpenCallbackResult &)> listener);
    void onMessage(std::function<void(const OnMessageCallbackResult &)> listener);
    void onError(std::function<void(const OnErrorCallbackResult &)> listener);
    void onClose(std::function<void(const OnCloseCallbackResult &)> listener);

    int socketTaskId() const;
    ReadyState readyState() const;
    QString errMsg() const;
    QString protocol() const;
    QUrl url() const;
    QWebSocket *ws() const;

    int connectingValue() const { return CONNECTING; }
    int openValue() const { return OPEN; }
    int closingValue() const { return CLOSING; }
    int closedValue() const { return CLOSED; }

    // Tasks not yet CLOSED count against this limit; 0 means no limit. Default 5.
    static int maxConcurrentTasks();
    static void setMaxConcurrentTasks(int limit);
    static int liveTaskCount();
    // Bigger incoming messages close the task with 1009. Default 64 MiB.
    static qint64 maxIncomingMessageSize();
    static void setMaxIncomingMessageSize(qint64 bytes);

    // The JavaScript type name used in errMsg for a value ("Undefined", "Null", "Number", ...).
    static QString typeName(const QVariant &value);

Q_SIGNALS:
    void opened(const SocketTask::OnOpenCallbackResult &result);
    void messageReceived(const SocketTask::OnMessageCallbackResult &result);
    void errorOccurred(const SocketTask::OnErrorCallbackResult &result);
    void closed(const SocketTask::OnCloseCallbackResult &result);
    void readyStateChanged(SocketTask::ReadyState readyState);
    void errMsgChanged(const QString &errMsg);
    void protocolChanged(const QString &protocol);

protected:
    void timerEvent(QTimerEvent *event) override; // the connect + handshake deadline
    // Who listens to messageReceived may have changed: each message skips an unheard emission.
    void connectNotify(const QMetaMethod &signal) override;
    void disconnectNotify(const QMetaMethod &signal) override;

private:
    explicit SocketTask(QObject *parent);
    friend class SocketTaskPrivate;
    std::unique_ptr<SocketTaskPrivate> const d;
};

Q_DECLARE_METATYPE(SocketTask::OnOpenCallbackResult)
Q_DECLARE_METATYPE(SocketTask::OnMessageCallbackResult)
Q_DECLARE_METATYPE(SocketTask::OnErrorCallbackResult)
Q_DECLARE_METATYPE(SocketTask::OnCloseCallbackResult)
Q_DECLARE_METATYPE(SocketTask::ScriptType)
