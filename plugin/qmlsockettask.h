// SPDX-License-Identifier: MIT
#pragma once

#include "sockettaskbackend.h"
#include "sockettaskelement.h"

#include <SocketTask>

#include <QJSValue>
#include <QObject>
#include <QPointer>
#include <QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

// The signals of SocketTask, in a base class of their own, for speed: on every call from
// JavaScript, Qt 6.4 looks for overloads of the called method among all the methods declared
// before it in the same class (QObjectMethod::ensureMethodsCache), and moc puts signals first.
// Here, send() is the first method of QmlSocketTask, so that scan is empty: 1.4K instructions
// per send less on Qt 6.4; nothing gained or lost on 6.8 and 6.11 (docs/performance.md).
class QmlSocketTaskSignals : public QObject
{
    Q_OBJECT
    QML_ANONYMOUS

public:
    using QObject::QObject;

Q_SIGNALS:
    void opened(const QJSValue &result);
    void messageReceived(const QJSValue &result);
    void errorOccurred(const QJSValue &result);
    void closed(const QJSValue &result);
    void socketTaskIdChanged();
    void readyStateChanged();
    void errMsgChanged();
    void protocolChanged();
    void urlChanged();
    void headerChanged();
    void protocolsChanged();
    void timeoutChanged();
    void tcpNoDelayChanged();
    void perMessageDeflateChanged();
    void caCertificatesChanged();
    void heartbeatChanged();
    void proxyChanged();
    void roundTripTimeChanged();
    void bufferedAmountLowThresholdChanged();
    void bufferedAmountLow();
    void reconnectChanged();
    // The element's reconnect: the connection closed (or could not be made); attempt `attempt`
    // starts in `delay` ms.
    void reconnecting(int delay, int attempt);
    // It stopped trying by itself: reconnect.maxAttempts were made, or the options were refused.
    void gaveUp(const QString &errMsg);
    void activeChanged();
};

// The QML face of a task: what Taro.connectSocket returns (the handle of one connection), and
// the declarative element `SocketTask { url: ...; active: true }`, which owns the element's
// part (SocketTaskElement) and makes a connection each time it becomes active. It turns
// JavaScript values into the core's types and back; every rule (checks, errMsg, order) is the
// core's.
class QmlSocketTask : public QmlSocketTaskSignals, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(SocketTask)

    Q_PROPERTY(int socketTaskId READ socketTaskId NOTIFY socketTaskIdChanged FINAL)
    Q_PROPERTY(int readyState READ readyState NOTIFY readyStateChanged FINAL)
    Q_PROPERTY(QString errMsg READ errMsg NOTIFY errMsgChanged FINAL)
    Q_PROPERTY(QString protocol READ protocol NOTIFY protocolChanged FINAL)
    // Read when needed, as in a browser: it changes with every write, too often to notify.
    Q_PROPERTY(double bufferedAmount READ bufferedAmount FINAL)
    Q_PROPERTY(double roundTripTime READ roundTripTime NOTIFY roundTripTimeChanged FINAL)
    Q_PROPERTY(double bufferedAmountLowThreshold READ bufferedAmountLowThreshold WRITE
            setBufferedAmountLowThreshold NOTIFY bufferedAmountLowThresholdChanged FINAL)
    // The element's options, typed so that qmllint and the engine catch a value of the wrong
    // type; a value of the right type is checked by the core, with Taro.connectSocket's errMsg.
    Q_PROPERTY(QString url READ url WRITE setUrl NOTIFY urlChanged FINAL)
    // header stays a JavaScript value: a map of strings has no QML type, and the engine would
    // turn a wrong value (a string, an array) into an empty map without a word.
    Q_PROPERTY(QJSValue header READ header WRITE setHeader NOTIFY headerChanged FINAL)
    // QList<QString>, not QStringList: then the type info says list<string>, and Qt 6.4's
    // qmllint accepts a list<string> bound to it.
    Q_PROPERTY(
        QList<QString> protocols READ protocols WRITE setProtocols NOTIFY protocolsChanged FINAL)
    // real, not int: NaN and Infinity reach the core's check instead of becoming 0.
    Q_PROPERTY(double timeout READ timeout WRITE setTimeout NOTIFY timeoutChanged FINAL)
    Q_PROPERTY(bool tcpNoDelay READ tcpNoDelay WRITE setTcpNoDelay NOTIFY tcpNoDelayChanged FINAL)
    Q_PROPERTY(bool perMessageDeflate READ perMessageDeflate WRITE setPerMessageDeflate NOTIFY
            perMessageDeflateChanged FINAL)
    // PEM text or DER bytes (an ArrayBuffer): no one QML type.
    Q_PROPERTY(QJSValue caCertificates READ caCertificates WRITE setCaCertificates NOTIFY
            caCertificatesChanged FINAL)
    // { interval, timeout }, as Taro.connectSocket's option: an object of two numbers.
    Q_PROPERTY(QJSValue heartbeat READ heartbeat WRITE setHeartbeat NOTIFY heartbeatChanged FINAL)
    Q_PROPERTY(QString proxy READ proxy WRITE setProxy NOTIFY proxyChanged FINAL)
    // { initialDelay, maxDelay, multiplier, jitter, maxAttempts, retryCloseCodes }: the element
    // connects again after a drop (SocketTaskReconnector::Policy).
    Q_PROPERTY(QJSValue reconnect READ reconnect WRITE setReconnect NOTIFY reconnectChanged FINAL)
    Q_PROPERTY(bool active READ active WRITE setActive NOTIFY activeChanged FINAL)
    Q_PROPERTY(int CONNECTING READ connectingValue CONSTANT FINAL)
    Q_PROPERTY(int OPEN READ openValue CONSTANT FINAL)
    Q_PROPERTY(int CLOSING READ closingValue CONSTANT FINAL)
    Q_PROPERTY(int CLOSED READ closedValue CONSTANT FINAL)

public:
    enum ReadyState {
        CONNECTING = SocketTask::CONNECTING,
        OPEN = SocketTask::OPEN,
        CLOSING = SocketTask::CLOSING,
        CLOSED = SocketTask::CLOSED
    };
    Q_ENUM(ReadyState)

    explicit QmlSocketTask(QObject *parent = nullptr);
    // A task made by Taro.connectSocket: it keeps itself alive until it is CLOSED.
    QmlSocketTask(SocketTask *task, SocketTaskBackend *backend);
    ~QmlSocketTask() override;

    // send() first: see QmlSocketTaskSignals. Both return a Promise that resolves with the ok
    // result and rejects with the fail result.
    Q_INVOKABLE QJSValue send(const QJSValue &option);
    Q_INVOKABLE QJSValue close(const QJSValue &option = QJSValue());
    Q_INVOKABLE void onOpen(const QJSValue &listener);
    Q_INVOKABLE void onMessage(const QJSValue &listener);
    Q_INVOKABLE void onError(const QJSValue &listener);
    Q_INVOKABLE void onClose(const QJSValue &listener);
    // Remove listeners added with onOpen...: those that are `listener`, or with none, all of
    // that kind (Alipay's task.offOpen...).
    Q_INVOKABLE void offOpen(const QJSValue &listener = QJSValue());
    Q_INVOKABLE void offMessage(const QJSValue &listener = QJSValue());
    Q_INVOKABLE void offError(const QJSValue &listener = QJSValue());
    Q_INVOKABLE void offClose(const QJSValue &listener = QJSValue());

    SocketTask *task() const { return m_task; }
    // The facade that made the task: the shapes of its results, when its callbacks run.
    void setPlatform(SocketTaskBackend::Platform platform) { m_platform = platform; }
    // A facade's listener (SocketTaskBackend::relay): not one of the task's, off* keeps it.
    void addRelay(const QString &kind, const QJSValue &listener);
    int socketTaskId() const;
    int readyState() const;
    QString errMsg() const;
    QString protocol() const;
    double bufferedAmount() const;
    double roundTripTime() const { return m_task ? double(m_task->roundTripTime()) : -1; }
    double bufferedAmountLowThreshold() const { return double(m_bufferedAmountLowThreshold); }
    void setBufferedAmountLowThreshold(double bytes);
    // An option not set reads as its type's default (the core's default applies).
    QString url() const;
    void setUrl(const QString &url);
    QJSValue header() const { return m_element ? m_element->header : QJSValue(); }
    void setHeader(const QJSValue &header);
    QStringList protocols() const;
    void setProtocols(const QStringList &protocols);
    double timeout() const;
    void setTimeout(double timeout);
    bool tcpNoDelay() const;
    void setTcpNoDelay(bool tcpNoDelay);
    bool perMessageDeflate() const;
    void setPerMessageDeflate(bool perMessageDeflate);
    QJSValue caCertificates() const { return m_element ? m_element->caCertificates : QJSValue(); }
    void setCaCertificates(const QJSValue &caCertificates);
    QJSValue heartbeat() const { return m_element ? m_element->heartbeat : QJSValue(); }
    QString proxy() const;
    void setProxy(const QString &proxy);
    void setHeartbeat(const QJSValue &heartbeat);
    QJSValue reconnect() const { return m_element ? m_element->reconnect : QJSValue(); }
    void setReconnect(const QJSValue &reconnect);
    bool active() const { return m_active; }
    void setActive(bool active);
    int connectingValue() const { return CONNECTING; }
    int openValue() const { return OPEN; }
    int closingValue() const { return CLOSING; }
    int closedValue() const { return CLOSED; }

    void classBegin() override { }
    void componentComplete() override;

private:
    using Kind = SocketTaskElement::Kind;
    SocketTaskBackend *backend();
    bool isElement(const char *option) const;
    void attach(SocketTask *task);
    void activate();
    void connectElement();
    void refuse(const QString &errMsg);
    quint64 addListener(Kind kind, const QJSValue &listener, SocketTask *task);
    void removeListeners(Kind kind, const QJSValue &listener);
    void setErrMsg(const QString &errMsg);

    QPointer<SocketTask> m_task;
    SocketTaskBackend *m_backend = nullptr;
    QJSValue m_self; // a Taro task's hold on itself while it is not CLOSED
    std::unique_ptr<SocketTaskElement> m_element; // null for a task made by Taro.connectSocket
    bool m_active = false;
    SocketTaskBackend::Platform m_platform = SocketTaskBackend::Taro;
    // The listeners added with onOpen... to m_task, by the core's id, for off*.
    struct Added
    {
        Kind kind;
        QJSValue listener;
        quint64 id;
    };
    QList<Added> m_added;
    // Kept here, for the element's next connections too; the core's rule applies.
    qint64 m_bufferedAmountLowThreshold = -1;
};
