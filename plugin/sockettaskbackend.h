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
    static SocketTaskBackend *create(QQmlEngine *qmlEngine, QJSEngine *engine);
    static SocketTaskBackend *of(QJSEngine *engine);
    ~SocketTaskBackend() override;

    // { task, promise }: the task (or null), and the Promise Taro.connectSocket returns.
    Q_INVOKABLE QJSValue connectSocket(const QJSValue &options);
    // The task (or null) that Wx.connectSocket returns: WeChat's shape, with no Promise. Its
    // callbacks, and those of the task's calls, run after the call returned (`afterReturn`
    // false: inside it).
    Q_INVOKABLE QJSValue connectSocketTask(const QJSValue &options, bool afterReturn = true);
    Q_INVOKABLE QJSValue sendSocketMessage(
        QmlSocketTask *task, const QJSValue &option, bool afterReturn = false);
    Q_INVOKABLE QJSValue closeSocket(
        QmlSocketTask *task, const QJSValue &option, bool afterReturn = false);
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
    // A Promise resolved or rejected with result. A rejection that no fail or complete callback
    // heard and that nobody catches is logged, once (reportUnhandled).
    QJSValue settle(bool ok, const QJSValue &result) const;
    // A Promise resolved with { errMsg }, made once per errMsg: a successful send or close
    // without callbacks needs no new object.
    QJSValue resolved(const QString &errMsg);
    // onMessage's listener, wrapped once as data => listener({ data }), so that each message
    // costs one call into JavaScript, and the result object is made there.
    QJSValue dataListener(const QJSValue &listener) const;
    void callWithData(const QJSValue &dataListener, const QVariant &data) const;
    void call(const QJSValue &fn, const QJSValue &arg) const;

    // When a call's success/fail/complete run: inside it (Taro, as its browser build), or after
    // it returned, as the mini-program runtimes do (WeChat, Alipay, Baidu: docs/contract.md).
    enum class Timing { InsideCall, AfterReturn };

    // Collects what a call's callbacks were given, so the call can also return a Promise.
    struct CallRecord
    {
        explicit CallRecord(Timing timing = Timing::InsideCall) : timing(timing) { }
        Timing timing;
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
    QJSValue oneSocketCall(QmlSocketTask *task, const QJSValue &option, bool afterReturn,
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
