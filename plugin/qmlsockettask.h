// SPDX-License-Identifier: MIT
#pragma once

#include "sockettaskelement.h"

#include <SocketTask>

#include <QJSValue>
#include <QObject>
#include <QPointer>
#include <QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

class SocketTaskBackend;

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
    // The element's options. They are JavaScript values so that a wrong type is reported by
    // the same check, with the same errMsg, as in Taro.connectSocket.
    Q_PROPERTY(QJSValue url READ url WRITE setUrl NOTIFY urlChanged FINAL)
    Q_PROPERTY(QJSValue header READ header WRITE setHeader NOTIFY headerChanged FINAL)
    Q_PROPERTY(QJSValue protocols READ protocols WRITE setProtocols NOTIFY protocolsChanged FINAL)
    Q_PROPERTY(QJSValue timeout READ timeout WRITE setTimeout NOTIFY timeoutChanged FINAL)
    Q_PROPERTY(
        QJSValue tcpNoDelay READ tcpNoDelay WRITE setTcpNoDelay NOTIFY tcpNoDelayChanged FINAL)
    Q_PROPERTY(QJSValue perMessageDeflate READ perMessageDeflate WRITE setPerMessageDeflate NOTIFY
            perMessageDeflateChanged FINAL)
    Q_PROPERTY(QJSValue caCertificates READ caCertificates WRITE setCaCertificates NOTIFY
            caCertificatesChanged FINAL)
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

    SocketTask *task() const { return m_task; }
    int socketTaskId() const;
    int readyState() const;
    QString errMsg() const;
    QString protocol() const;
    double bufferedAmount() const;
    QJSValue url() const;
    void setUrl(const QJSValue &url);
    QJSValue header() const { return m_element ? m_element->header : QJSValue(); }
    void setHeader(const QJSValue &header);
    QJSValue protocols() const { return m_element ? m_element->protocols : QJSValue(); }
    void setProtocols(const QJSValue &protocols);
    QJSValue timeout() const { return m_element ? m_element->timeout : QJSValue(); }
    void setTimeout(const QJSValue &timeout);
    QJSValue tcpNoDelay() const { return m_element ? m_element->tcpNoDelay : QJSValue(); }
    void setTcpNoDelay(const QJSValue &tcpNoDelay);
    QJSValue perMessageDeflate() const
    {
        return m_element ? m_element->perMessageDeflate : QJSValue();
    }
    void setPerMessageDeflate(const QJSValue &perMessageDeflate);
    QJSValue caCertificates() const { return m_element ? m_element->caCertificates : QJSValue(); }
    void setCaCertificates(const QJSValue &caCertificates);
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
    void attach(SocketTask *task);
    void connectElement();
    void addListener(Kind kind, const QJSValue &listener, SocketTask *task);
    void setErrMsg(const QString &errMsg);

    QPointer<SocketTask> m_task;
    SocketTaskBackend *m_backend = nullptr;
    QJSValue m_self; // a Taro task's hold on itself while it is not CLOSED
    std::unique_ptr<SocketTaskElement> m_element; // null for a task made by Taro.connectSocket
    bool m_active = false;
};
