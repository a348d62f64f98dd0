// SPDX-License-Identifier: MIT
#pragma once

#include <SocketTask>

#include <QHash>
#include <QJSValue>
#include <QLoggingCategory>
#include <QObject>
#include <QtQml/qqmlregistration.h>

// "sockettask.qml": what the QML layer warns about (a listener that is not a function...).
Q_DECLARE_LOGGING_CATEGORY(lcSocketTaskQml)

class QJSEngine;
class QQmlEngine;
class QmlSocketTask;
Q_MOC_INCLUDE("qmlsockettask.h")

// One per QML engine: what the Taro facade (qml/Taro.qml) and the SocketTask element need from
// C++. It converts between JavaScript and the core's types and decides no rule of its own.
class SocketTaskBackend : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(int maxConcurrentTasks READ maxConcurrentTasks WRITE setMaxConcurrentTasks NOTIFY
            maxConcurrentTasksChanged FINAL)

public:
    // The facade a call comes from: its platform's shapes (results, events) and timing.
    // Taro runs success/fail/complete inside the call (as its browser build); the
    // mini-program runtimes (WeChat, Baidu, Alipay) after it returned (docs/contract.md).
    // Alipay's task (`multiple: true`) nests its events' results in `data`; its one-socket
    // mode does not.
    enum Platform { Taro, Wx, Swan, MyTask, MySocket };
    Q_ENUM(Platform)
    static bool callbacksAfterReturn(Platform platform) { return platform != Taro; }
    static bool isAlipay(Platform platform) { return platform == MyTask || platform == MySocket; }

    static SocketTaskBackend *create(QQmlEngine *qmlEngine, QJSEngine *engine);
    static SocketTaskBackend *of(QJSEngine *engine);
    ~SocketTaskBackend() override;

    // { task, promise }: the task (or null), and the Promise Taro.connectSocket returns.
    Q_INVOKABLE QJSValue connectSocket(const QJSValue &options);
    // The task (or null) that Wx/Swan/My.connectSocket return: no Promise; the shapes and
    // timing of `platform`. Alipay's `data` option goes into the URL's query; for MySocket,
    // `current` is the one-socket mode's connection, and a live one refuses a second.
    Q_INVOKABLE QJSValue connectSocketTask(
        const QJSValue &options, Platform platform, QmlSocketTask *current = nullptr);
    Q_INVOKABLE QJSValue sendSocketMessage(
        QmlSocketTask *task, const QJSValue &option, Platform platform = Taro);
    Q_INVOKABLE QJSValue closeSocket(
        QmlSocketTask *task, const QJSValue &option, Platform platform = Taro);
    // A listener of a facade's own (a relay to its global listeners): unlike the task's
    // onOpen..., the task's off* does not remove it.
    Q_INVOKABLE void relay(QmlSocketTask *task, const QString &kind, const QJSValue &listener);
    // True if fn can be a listener; otherwise logs why not.
    Q_INVOKABLE bool isListener(const QString &api, const QJSValue &fn) const;

    int maxConcurrentTasks() const;
    void setMaxConcurrentTasks(int limit);

    // Conversions shared with QmlSocketTask.
    QJSEngine *engine() const { return m_engine; }
    // An Object to the contract: what Object.prototype.toString calls "Object" (an object
    // literal, an instance of a class), not an Array, a function, a Map, a Date...
    bool isPlainObject(const QJSValue &value) const;
    QVariant toVariant(const QJSValue &value) const;
    // option.data, already read as `data`: converted, or read again, carefully, when it may be
    // what a throwing getter threw (undefined or an Error).
    QVariant toData(const QJSValue &option, const QJSValue &data) const;
    // object[key], or a ScriptType that says what reading it threw.
    QVariant read(const QJSValue &object, const QString &key) const;
    QJSValue toJs(const SocketTask::CallbackResult &result) const;
    QJSValue toJs(const SocketTask::OnOpenCallbackResult &result) const;
    QJSValue toJs(const SocketTask::OnMessageCallbackResult &result) const;
    QJSValue toJs(const SocketTask::OnErrorCallbackResult &result) const;
    QJSValue toJs(const SocketTask::OnCloseCallbackResult &result) const;
    // The same, in `platform`'s shape (Alipay's error numbers, its task's nested `data`).
    QJSValue toJs(const SocketTask::CallbackResult &result, Platform platform) const;
    QJSValue toJs(const SocketTask::OnErrorCallbackResult &result, Platform platform) const;
    QJSValue nested(const QJSValue &flat, Platform platform, int socketTaskId) const;
    QJSValue alipayFailure(const QString &errMsg) const; // { error, errorMessage }
    // option.data for `platform`: Alipay's `isBuffer: true` makes a Base64 string bytes.
    QVariant sendData(const QJSValue &option, Platform platform) const;
    // A Promise resolved or rejected with result. A rejection that no fail or complete callback
    // heard and that nobody catches is logged, once (reportUnhandled).
    QJSValue settle(bool ok, const QJSValue &result) const;
    // A Promise resolved with { errMsg }, made once per errMsg: a successful send or close
    // without callbacks needs no new object.
    QJSValue resolved(const QString &errMsg);
    // onMessage's listener, wrapped once as data => listener({ data }), so that each message
    // costs one call into JavaScript, and the result object is made there.
    QJSValue dataListener(const QJSValue &listener, Platform platform = Taro) const;
    void callWithData(const QJSValue &dataListener, const QVariant &data, Platform platform = Taro,
        int socketTaskId = 0) const;
    void call(const QJSValue &fn, const QJSValue &arg) const;

    // Collects what a call's callbacks were given, so the call can also return a Promise.
    struct CallRecord
    {
        explicit CallRecord(Platform platform = Taro) : platform(platform) { }
        Platform platform;
        bool ok = false;
        bool failOrComplete = false;
        bool reported = false; // the core gave the result (AfterReturn: not run yet)
        QJSValue result;
        SocketTask::CallbackResult coreResult;
        QJSValue success, fail, complete; // the user's, for AfterReturn
    };
    SocketTask::Callbacks callbacks(const QJSValue &options, CallRecord *record) const;
    // The end of an AfterReturn call: the user's callbacks run later (SocketTaskBinding::
    // reportAfterReturn), in the queue of `task` when there is one.
    void reportAfterReturn(const CallRecord &record, SocketTask *task) const;
    // True if `option` has one own property, `data`, and gives its value: one look at the
    // object instead of four lookups by name.
    bool onlyData(const QJSValue &option, QJSValue *data) const;

Q_SIGNALS:
    void maxConcurrentTasksChanged();

private:
    // One conversion from JavaScript: the Arrays and Objects it is inside (ErrMsg's limits).
    struct Conversion
    {
        QList<QJSValue> ancestors;
    };
    QVariant toVariant(const QJSValue &value, Conversion *conversion) const;
    QVariant read(const QJSValue &object, const QString &key, Conversion *conversion) const;
    // Why `value` (an Array or Object) is not converted, or an empty string.
    static QString pastLimit(const QJSValue &value, double length, const Conversion &conversion);
    explicit SocketTaskBackend(QJSEngine *engine);
    QJSValue makeTask(const QJSValue &options, CallRecord *record);
    QJSValue oneSocketCall(QmlSocketTask *task, const QVariant &option, const QJSValue &callbacks,
        Platform platform,
        void (*call)(SocketTask *, const QVariant &, const SocketTask::Callbacks &));
    bool takeHeard(const QJSValue &result) const;
    void postCheck() const;
    void checkUnhandled();
    void reportUnhandled(const QString &errMsg, bool promise) const;
    QString typeTag(const QJSValue &value) const;
    QJSEngine *m_engine;
    QJSValue m_typeTag; // Object.prototype.toString's tag: "Date", "Uint8Array", ...
    QJSValue m_objectPrototype;
    QJSValue m_bytes; // an ArrayBuffer, or a copy of the bytes a view shows
    QJSValue m_settle; // Promise.resolve / Promise.reject
    QJSValue m_read; // object[key], catching what a getter throws
    QJSValue m_wrapDataListener; // fn => (data => fn({ data }))
    QJSValue m_wrapSwanListener; // ... fn({ data, dataType })
    QJSValue m_wrapMySocketListener; // ... fn({ data, isBuffer })
    QJSValue m_wrapMyTaskListener; // ... fn({ data: { socketTaskID, data, isBuffer } })
    QJSValue m_reject; // a rejected Promise that tells whether a handler was attached
    // fail results that a fail or complete callback heard: their rejection is handled
    mutable QList<QJSValue> m_heardByCallback;
    // rejections not yet known to be handled, and the event-loop turns they were given
    struct Pending
    {
        QJSValue isHandled;
        QString errMsg;
        int turns = 0;
    };
    mutable QList<Pending> m_pending;
    mutable bool m_checkPosted = false;
    QHash<QString, QJSValue> m_resolved;
    QString m_lastResolvedErrMsg;
    QJSValue m_lastResolved;
};
