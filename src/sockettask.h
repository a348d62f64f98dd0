// SPDX-License-Identifier: MIT
#pragma once

#include "sockettask_export.h"
#include "sockettask_version.h"

#include <QMap>
#include <QNetworkProxy>
#include <QObject>
#include <QSharedDataPointer>
#include <QSslCertificate>
#include <QStringList>
#include <QUrl>
#include <QVariant>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

class QAuthenticator;
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
    Q_PROPERTY(qint64 roundTripTime READ roundTripTime NOTIFY roundTripTimeChanged)

public:
    enum ReadyState { CONNECTING = 0, OPEN = 1, CLOSING = 2, CLOSED = 3 };
    Q_ENUM(ReadyState)

    // The results keep their fields inline, to be read cheaply on every message; fields that a
    // later version adds go behind accessors in the reserved extension, which is null today. So
    // their size never changes (the ABI of libSocketTask.so.1).
    class SOCKETTASK_EXPORT Result
    {
    public:
        // Inline: a result is made for every message. Only a non-null extension costs a call.
        Result() noexcept = default;
        Result(const Result &other) : extension(other.extension)
        {
            if (extension)
                retain();
        }
        Result(Result &&other) noexcept : extension(std::exchange(other.extension, nullptr)) { }
        Result &operator=(const Result &other)
        {
            Result copy(other);
            std::swap(extension, copy.extension);
            return *this;
        }
        Result &operator=(Result &&other) noexcept
        {
            std::swap(extension, other.extension);
            return *this;
        }
        ~Result()
        {
            if (extension)
                release();
        }

    private:
        class Extension; // shared, reference counted; none exists yet
        void retain() noexcept;
        void release() noexcept;
        Extension *extension = nullptr;
    };

    class SOCKETTASK_EXPORT CallbackResult : public Result
    {
    public:
        CallbackResult() = default;
        CallbackResult(const QString &errMsg, int socketTaskId = 0)
            : errMsg(errMsg), socketTaskId(socketTaskId)
        { }
        QString errMsg;
        int socketTaskId = 0; // set in connectSocket's result only
    };
    using Callback = std::function<void(const CallbackResult &)>;

    // The callbacks of a call; the options below are Callbacks too. Implicitly shared.
    class SOCKETTASK_EXPORT Callbacks
    {
    public:
        Callbacks();
        Callbacks(Callback success, Callback fail = {}, Callback complete = {});
        Callbacks(const Callbacks &other);
        Callbacks(Callbacks &&other) noexcept;
        Callbacks &operator=(const Callbacks &other);
        Callbacks &operator=(Callbacks &&other) noexcept;
        ~Callbacks();

        // Runs when the call succeeds.
        const Callback &success() const;
        void setSuccess(Callback success);
        // Runs when the call fails.
        const Callback &fail() const;
        void setFail(Callback fail);
        // Runs after success or fail.
        const Callback &complete() const;
        void setComplete(Callback complete);
        bool isEmpty() const; // no callback set

    private:
        class Data;
        QSharedDataPointer<Data> d; // null until a callback is set
    };

    // Value types with setters (implicitly shared): an option added later changes no size.
    class SOCKETTASK_EXPORT ConnectOption : public Callbacks
    {
    public:
        ConnectOption();
        explicit ConnectOption(const QUrl &url);
        ConnectOption(const ConnectOption &other);
        ConnectOption(ConnectOption &&other) noexcept;
        ConnectOption &operator=(const ConnectOption &other);
        ConnectOption &operator=(ConnectOption &&other) noexcept;
        ~ConnectOption();

        QUrl url() const;
        void setUrl(const QUrl &url);
        QMap<QString, QString> header() const;
        void setHeader(const QMap<QString, QString> &header);
        void setHeader(const QString &name, const QString &value); // adds or replaces one
        QStringList protocols() const;
        void setProtocols(const QStringList &protocols);
        std::optional<bool> tcpNoDelay() const; // unset: Qt's default (on)
        void setTcpNoDelay(bool tcpNoDelay);
        bool perMessageDeflate() const; // accepted, no effect: QtWebSockets has no compression
        void setPerMessageDeflate(bool perMessageDeflate);
        int timeout() const; // ms, connect + handshake; 0 = none. Default 60000.
        void setTimeout(int milliseconds);
        // Trusted for wss:// in addition to the system's CAs (a private CA, say). The peer's
        // certificate is always verified, its host name included.
        QList<QSslCertificate> caCertificates() const;
        void setCaCertificates(const QList<QSslCertificate> &certificates);
        // Keepalive, once open: a ping every intervalMs; when nothing at all arrives for
        // timeoutMs after one (0: never), the task fails ("socketTask:fail heartbeat timeout",
        // then onClose 1006). Off by default (interval 0).
        int heartbeatInterval() const;
        int heartbeatTimeout() const;
        void setHeartbeat(int intervalMs, int timeoutMs);
        // The proxy the task connects through (HTTP CONNECT, SOCKS5, or NoProxy); unset: the
        // application's proxy (QNetworkProxy::applicationProxy()), as QWebSocket's default.
        std::optional<QNetworkProxy> proxy() const;
        void setProxy(const QNetworkProxy &proxy);

    private:
        class Data;
        QSharedDataPointer<Data> d;
    };

    class SOCKETTASK_EXPORT SendOption : public Callbacks
    {
    public:
        SendOption(); // no data: send() fails, as with undefined data
        SendOption(const QString &text);
        SendOption(const QByteArray &binary);
        SendOption(const char *utf8Text); // a string literal is text, as in JavaScript
        SendOption(const SendOption &other);
        SendOption(SendOption &&other) noexcept;
        SendOption &operator=(const SendOption &other);
        SendOption &operator=(SendOption &&other) noexcept;
        ~SendOption();

        // A QString (text) or QByteArray (binary); invalid when none was set.
        QVariant data() const;
        void setData(const QString &text);
        void setData(const QByteArray &binary);

    private:
        class Data;
        QSharedDataPointer<Data> d;
    };

    class SOCKETTASK_EXPORT CloseOption : public Callbacks
    {
    public:
        CloseOption();
        explicit CloseOption(int code, const QString &reason = QString());
        CloseOption(const CloseOption &other);
        CloseOption(CloseOption &&other) noexcept;
        CloseOption &operator=(const CloseOption &other);
        CloseOption &operator=(CloseOption &&other) noexcept;
        ~CloseOption();

        int code() const; // default 1000
        void setCode(int code);
        QString reason() const;
        void setReason(const QString &reason);

    private:
        class Data;
        QSharedDataPointer<Data> d;
    };

    class SOCKETTASK_EXPORT OnOpenCallbackResult : public Result
    {
    public:
        OnOpenCallbackResult() = default;
        explicit OnOpenCallbackResult(const QString &protocol) : protocol(protocol) { }
        // The handshake response's headers, names as the server sent them: a repeated one
        // joined with ", " (RFC 9110 5.3), but Set-Cookie, a QStringList of each one whole.
        QVariantMap header;
        QString protocol;
    };
    class SOCKETTASK_EXPORT OnMessageCallbackResult : public Result
    {
    public:
        OnMessageCallbackResult() = default;
        OnMessageCallbackResult(const QString &text) : data(text) { }
        OnMessageCallbackResult(const QByteArray &binary) : data(binary) { }
        QVariant data; // QString for text, QByteArray for binary
    };
    class SOCKETTASK_EXPORT OnErrorCallbackResult : public Result
    {
    public:
        OnErrorCallbackResult() = default;
        explicit OnErrorCallbackResult(const QString &errMsg) : errMsg(errMsg) { }
        QString errMsg;
    };
    class SOCKETTASK_EXPORT OnCloseCallbackResult : public Result
    {
    public:
        OnCloseCallbackResult(); // 1006, no reason
        OnCloseCallbackResult(int code, const QString &reason) : code(code), reason(reason) { }
        int code;
        QString reason;
    };

    // Checks option, then makes a CONNECTING task (or returns nullptr; fail says why).
    static SocketTask *connectSocket(const ConnectOption &option, QObject *parent = nullptr);
    ~SocketTask() override;

    bool send(const SendOption &option); // true: queued to the socket (errMsg is the why)
    bool send(const QString &text); // the same, with no callbacks: the cheapest way
    bool send(const QByteArray &data);
    bool send(const char *text); // UTF-8 text: a string literal is text, as in JavaScript
    void close(); // code 1000
    void close(const CloseOption &option);

    // Each call adds a listener; listeners run in the order they were added, from the event
    // loop, never inside connectSocket/send/close. After onClose they are released.
    void onOpen(std::function<void(const OnOpenCallbackResult &)> listener);
    void onMessage(std::function<void(const OnMessageCallbackResult &)> listener);
    void onError(std::function<void(const OnErrorCallbackResult &)> listener);
    void onClose(std::function<void(const OnCloseCallbackResult &)> listener);
    // The same, but the listener is not called once `context` is destroyed: the form to use
    // when it captures a widget or any other QObject (as Qt's connect(sender, signal, context,
    // functor)).
    void onOpen(const QObject *context, std::function<void(const OnOpenCallbackResult &)> listener);
    void onMessage(
        const QObject *context, std::function<void(const OnMessageCallbackResult &)> listener);
    void onError(
        const QObject *context, std::function<void(const OnErrorCallbackResult &)> listener);
    void onClose(
        const QObject *context, std::function<void(const OnCloseCallbackResult &)> listener);
    // Removes listeners, as Alipay's task.offOpen() and a browser's removeEventListener: all of
    // that kind, or those added with `context` (as QObject::disconnect(task, nullptr, context,
    // nullptr)). One removed while its event is being delivered is not called after that.
    void offOpen();
    void offMessage();
    void offError();
    void offClose();
    void offOpen(const QObject *context);
    void offMessage(const QObject *context);
    void offError(const QObject *context);
    void offClose(const QObject *context);

    int socketTaskId() const;
    ReadyState readyState() const;
    QString errMsg() const;
    QString protocol() const;
    QUrl url() const;
    qint64 bufferedAmount() const;
    qint64 roundTripTime() const;
    // bufferedAmountLow() is emitted when bufferedAmount() falls from above this to it or
    // below (RTCDataChannel's bufferedAmountLowThreshold). -1 (the default): never.
    qint64 bufferedAmountLowThreshold() const;
    void setBufferedAmountLowThreshold(qint64 bytes);
    QWebSocket *ws() const;

    // The version of the library the app runs with (SOCKETTASK_VERSION_STRING: compiled with).
    static QString libraryVersion();

    // Tasks not yet CLOSED count against this limit; 0 means no limit. Default 5.
    static int maxConcurrentTasks();
    static void setMaxConcurrentTasks(int limit);
    static int liveTaskCount();
    // Bigger incoming messages close the task with 1009. Default 64 MiB.
    static qint64 maxIncomingMessageSize();
    static void setMaxIncomingMessageSize(qint64 bytes);
    // More waiting to be written fails the task with 1008; 0 means no limit. Default 64 MiB.
    static qint64 maxBufferedAmount();
    static void setMaxBufferedAmount(qint64 bytes);
    // A frame that stops coming for this long fails the task. Default 5000 ms.
    static int frameTimeout();
    static void setFrameTimeout(int ms);
    // After close(), the peer's close frame must come within this, or the task aborts the
    // connection (onClose 1006). Default 20000 ms.
    static int closingTimeout();
    static void setClosingTimeout(int ms);

Q_SIGNALS:
    void opened(const SocketTask::OnOpenCallbackResult &result);
    void messageReceived(const SocketTask::OnMessageCallbackResult &result);
    void errorOccurred(const SocketTask::OnErrorCallbackResult &result);
    void closed(const SocketTask::OnCloseCallbackResult &result);
    void readyStateChanged(SocketTask::ReadyState readyState);
    void roundTripTimeChanged(qint64 ms);
    void bufferedAmountLow(qint64 bufferedAmount);
    void errMsgChanged(const QString &errMsg);
    void protocolChanged(const QString &protocol);
    // The server asked for credentials (HTTP 401) that the URL's user and password did not
    // answer: fill in `authenticator` in the slot (a direct connection), or the handshake
    // fails. Qt 6.6 and later only: with Qt 6.4-6.5 it is never emitted.
    void authenticationRequired(QAuthenticator *authenticator);

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
