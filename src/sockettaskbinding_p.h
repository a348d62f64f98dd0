// SPDX-License-Identifier: MIT
#pragma once

// Not public API, not installed: the entry points of bindings of dynamically typed languages
// (the QML module, plugin/), which hand over options as QVariants. The checks are the typed
// API's; a wrong type is named as JavaScript names it ("Undefined", "Number", ...).

#include "sockettask.h"
#include "sockettaskreconnector.h"

#include <functional>

class SOCKETTASK_EXPORT SocketTaskBinding
{
public:
    // Stands in for a script value that has no Qt counterpart (a function, a Date, a Symbol),
    // so that errMsg can name its type.
    struct ScriptType
    {
        QString name;
        QString exception; // set when reading the value threw: what it threw
        QString limit; // set when converting it stopped at a limit (ErrMsg::maxValueDepth...)
    };

    // The limits of converting a JavaScript value (ErrMsg::checkValueLimits): why an Array or
    // Object inside `depth` others, with `length` elements, is not converted, or "".
    static QString valueLimit(qsizetype depth, bool containsItself, double length);

    // The names of connectSocket's options, in the order they are checked.
    static const QStringList &connectOptionNames();

    // option: a QVariantMap with the options of connectSocket (see connectOptionNames).
    static SocketTask *connectSocket(
        const QVariant &option, const SocketTask::Callbacks &callbacks, QObject *parent = nullptr);
    // data: option.data, already read (the QML layer's fast path for { data }).
    static bool sendData(
        SocketTask *task, const QVariant &data, const SocketTask::Callbacks &callbacks = {});
    // option: a QVariantMap with `data`.
    static void send(
        SocketTask *task, const QVariant &option, const SocketTask::Callbacks &callbacks);
    // option: a QVariantMap with `code` and `reason`, or invalid for the defaults.
    static void close(
        SocketTask *task, const QVariant &option, const SocketTask::Callbacks &callbacks);

    // JavaScript's order (the QML API): `checkpoint` runs before each of the task's events (and
    // callbacks queued after a call) reaches a listener: the engine's pending Promise reactions,
    // and those they queue, run first, as at a browser's microtask checkpoint. Call right after
    // making the task.
    static void setBeforeDelivery(SocketTask *task, std::function<void()> checkpoint);

    // Listeners a binding can remove again (its off* functions): the id of the one added, or 0
    // when none was (the task is CLOSED).
    static quint64 addListener(
        SocketTask *task, std::function<void(const SocketTask::OnOpenCallbackResult &)> listener);
    static quint64 addListener(SocketTask *task,
        std::function<void(const SocketTask::OnMessageCallbackResult &)> listener);
    static quint64 addListener(
        SocketTask *task, std::function<void(const SocketTask::OnErrorCallbackResult &)> listener);
    static quint64 addListener(
        SocketTask *task, std::function<void(const SocketTask::OnCloseCallbackResult &)> listener);
    enum ListenerKind { OpenListener, MessageListener, ErrorListener, CloseListener };
    static void removeListener(SocketTask *task, ListenerKind kind, quint64 id);

    // For a platform whose success/fail/complete come after the call has returned (WeChat's,
    // Alipay's and Baidu's runtimes): runs `callbacks` with `result` then, behind the task's
    // events already waiting and before any later one (so onOpen never comes before
    // connectSocket's success), never inside a listener. With no task (connectSocket refused
    // the options, a one-socket call with no socket), from the event loop.
    static void reportAfterReturn(SocketTask *task, const SocketTask::Callbacks &callbacks,
        const SocketTask::CallbackResult &result, bool ok);

    // Alipay's shapes (the My facade); the rules are ErrMsg's (see there).
    static QString checkQueryData(const QVariant &url, const QVariant &data, QVariant *withQuery);
    // The errMsg when `current` (the one-socket mode's connection) is not CLOSED, or "".
    static QString checkOneSocket(const SocketTask *current);
    static QVariant fromBase64(const QVariant &data);
    static int alipayError(const QString &errMsg);
    // Whether a call's errMsg says it succeeded (ErrMsg::isOk).
    static bool isOk(const QString &errMsg);

    // WeChat's one-socket functions (Taro.sendSocketMessage, Taro.closeSocket) on the task they
    // act on; with no task, or a CLOSED one, they fail with "WebSocket is not connected".
    static void sendSocketMessage(
        SocketTask *task, const QVariant &option, const SocketTask::Callbacks &callbacks);
    static void closeSocket(
        SocketTask *task, const QVariant &option, const SocketTask::Callbacks &callbacks);

    // The QML element's `reconnect: { initialDelay, maxDelay, multiplier, jitter, maxAttempts,
    // retryCloseCodes }`, checked: an empty string, or the errMsg.
    static QString reconnectPolicy(
        const QVariant &reconnect, SocketTaskReconnector::Policy *policy);
    // Makes `reconnector` connect through `connector` (the binding's connectSocket, which owns
    // the task) instead of with its ConnectOption: the task, or nullptr and the errMsg.
    static void setConnector(SocketTaskReconnector *reconnector,
        std::function<SocketTask *(QString *failure)> connector);

    // The JavaScript type name used in errMsg for a value ("Undefined", "Null", "Number", ...).
    static QString typeName(const QVariant &value);
};

// Tells that a process-wide limit changed, whichever thread or API changed it: the QML module
// keeps Taro.maxConcurrentTasks bound to the core's value through it.
class SOCKETTASK_EXPORT SocketTaskLimits : public QObject
{
    Q_OBJECT

public:
    static SocketTaskLimits *instance();

Q_SIGNALS:
    void maxConcurrentTasksChanged();

private:
    SocketTaskLimits() = default;
};

Q_DECLARE_METATYPE(SocketTaskBinding::ScriptType)
