// SPDX-License-Identifier: MIT
#include "sockettaskbackend.h"

#include "promisejobs.h"
#include "qmlsockettask.h"
#include "sockettaskbinding_p.h"

#include <QHash>
#include <QJSEngine>
#include <QJSValueIterator>

#include <QLoggingCategory>
#include <QPointer>
#include <QQmlEngine>
#include <QTimer>
#include <algorithm>

#include <stdexcept>

Q_LOGGING_CATEGORY(lcSocketTaskQml, "sockettask.qml", QtInfoMsg)
// The core's category, by name: a failure nobody handled is an event of the task's API.
Q_LOGGING_CATEGORY(lcSocketTaskUnhandled, "sockettask", QtInfoMsg)

namespace {

// An engine may outlive this registry: a QQmlEngine held in a static is destroyed during
// exit, after function-local statics; Q_GLOBAL_STATIC tells when it is gone.
using Backends = QHash<QJSEngine *, SocketTaskBackend *>;
Q_GLOBAL_STATIC(Backends, backends)

// A JavaScript exception, carried through the core's listener loop, which logs it.
class JsException : public std::runtime_error
{
public:
    explicit JsException(const QJSValue &error) : std::runtime_error(describe(error)) { }

private:
    static std::string describe(const QJSValue &error)
    {
        QString text = error.toString();
        const QJSValue file = error.property(QStringLiteral("fileName"));
        if (file.isString())
            text += QStringLiteral(" (%1:%2)")
                        .arg(file.toString())
                        .arg(error.property(QStringLiteral("lineNumber")).toInt());
        return text.toStdString();
    }
};

const char helpers[] = R"js((function () {
    return [
        function (v) { return Object.prototype.toString.call(v).slice(8, -1) },
        function (v) {
            if (v instanceof ArrayBuffer)
                return v
            if (ArrayBuffer.isView(v))
                return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)
            return undefined
        },
        function (ok, result) { return ok ? Promise.resolve(result) : Promise.reject(result) },
        function (object, key) {
            try {
                return [true, object[key]]
            } catch (e) {
                return [false, String(e)]
            }
        },
        function (fn) { return function (data) { return fn({ data: data }) } },
        function (result) {
            // A rejected Promise, and whether anyone asked for its outcome. then() is what
            // catch(), finally(), Promise.all/race/allSettled and a lowered await call.
            const promise = Promise.reject(result)
            let handled = false
            const then = promise.then
            Object.defineProperty(promise, "then", {
                configurable: true,
                writable: true,
                value: function (onFulfilled, onRejected) {
                    handled = true
                    return then.call(this, onFulfilled, onRejected)
                }
            })
            return [promise, function () { return handled }]
        },
        function (fn) {
            return function (data) {
                return fn({ data: data, dataType: typeof data === "string" ? "string" : "arraybuffer" })
            }
        },
        function (fn) { return function (data, isBuffer) { return fn({ data: data, isBuffer: isBuffer }) } },
        function (fn) {
            return function (data, isBuffer, id) {
                return fn({ data: { socketTaskID: id, data: data, isBuffer: isBuffer } })
            }
        }
    ]
})())js";

} // namespace

SocketTaskBackend::SocketTaskBackend(QJSEngine *engine) : m_engine(engine)
{
    const QJSValue functions = engine->evaluate(QString::fromLatin1(helpers));
    m_typeTag = functions.property(0);
    m_bytes = functions.property(1);
    m_settle = functions.property(2);
    m_read = functions.property(3);
    m_wrapDataListener = functions.property(4);
    m_reject = functions.property(5);
    m_wrapSwanListener = functions.property(6);
    m_wrapMySocketListener = functions.property(7);
    m_wrapMyTaskListener = functions.property(8);
    m_objectPrototype = engine->globalObject()
                            .property(QStringLiteral("Object"))
                            .property(QStringLiteral("prototype"));
    backends->insert(engine, this);
    PromiseJobs::watch(engine); // JavaScript's order: see PromiseJobs
    // The limit's one home is the core: hear every change, from QML, C++ or another engine.
    connect(SocketTaskLimits::instance(), &SocketTaskLimits::maxConcurrentTasksChanged, this,
        &SocketTaskBackend::maxConcurrentTasksChanged);
}

SocketTaskBackend::~SocketTaskBackend()
{
    if (!backends.isDestroyed())
        backends->remove(m_engine);
}

SocketTaskBackend *SocketTaskBackend::create(QQmlEngine *, QJSEngine *engine)
{
    if (SocketTaskBackend *existing = backends->value(engine))
        return existing;
    return new SocketTaskBackend(engine);
}

SocketTaskBackend *SocketTaskBackend::of(QJSEngine *engine)
{
    if (SocketTaskBackend *existing = backends->value(engine))
        return existing;
    // The element can be used before anything touched the singleton: make it the QML way.
    if (auto *qmlEngine = qobject_cast<QQmlEngine *>(engine)) {
        const int id = qmlTypeId("SocketTask.Impl", 1, 0, "SocketTaskBackend");
        if (auto *made = qmlEngine->singletonInstance<SocketTaskBackend *>(id))
            return made;
    }
    return create(nullptr, engine);
}

bool SocketTaskBackend::isPlainObject(const QJSValue &value) const
{
    if (!value.isObject() || value.isArray() || value.isCallable())
        return false;
    // An object literal, the common case, without a call into JavaScript.
    if (value.prototype().strictlyEquals(m_objectPrototype))
        return true;
    return typeTag(value) == QLatin1String("Object");
}

QString SocketTaskBackend::typeTag(const QJSValue &value) const
{
    return m_typeTag.call({ value }).toString();
}

QVariant SocketTaskBackend::toVariant(const QJSValue &value) const
{
    Conversion conversion;
    return toVariant(value, &conversion);
}

QString SocketTaskBackend::pastLimit(
    const QJSValue &value, double length, const Conversion &conversion)
{
    const bool containsItself
        = std::any_of(conversion.ancestors.cbegin(), conversion.ancestors.cend(),
            [&value](const QJSValue &ancestor) { return ancestor.strictlyEquals(value); });
    return SocketTaskBinding::valueLimit(conversion.ancestors.size(), containsItself, length);
}

namespace {

// Inside an Array or Object for the time of its conversion.
class Inside
{
public:
    Inside(QList<QJSValue> *ancestors, const QJSValue &value) : ancestors(ancestors)
    {
        ancestors->append(value);
    }
    ~Inside() { ancestors->removeLast(); }
    Q_DISABLE_COPY_MOVE(Inside)

private:
    QList<QJSValue> *ancestors;
};

QVariant limited(const QString &type, const QString &why)
{
    return QVariant::fromValue(SocketTaskBinding::ScriptType { type, {}, why });
}

} // namespace

QVariant SocketTaskBackend::toVariant(const QJSValue &value, Conversion *conversion) const
{
    // Keep what the core's checks need: JavaScript's type, as a QVariant type.
    if (value.isUndefined())
        return {};
    if (value.isNull())
        return QVariant::fromValue(nullptr);
    if (value.isBool())
        return value.toBool();
    if (value.isNumber())
        return value.toNumber();
    if (value.isString() || value.isUrl())
        return value.toString();
    if (value.isCallable())
        return QVariant::fromValue(
            SocketTaskBinding::ScriptType { QStringLiteral("Function"), {}, {} });
    if (value.isArray()) {
        const double length = value.property(QStringLiteral("length")).toNumber();
        const QString why = pastLimit(value, length, *conversion);
        if (!why.isEmpty())
            return limited(QStringLiteral("Array"), why);
        const Inside inside(&conversion->ancestors, value);
        QVariantList list;
        list.reserve(qsizetype(length));
        for (quint32 i = 0; i < quint32(length); ++i)
            list.append(toVariant(value.property(i), conversion));
        return list;
    }
    if (isPlainObject(value)) {
        QString why = pastLimit(value, 0, *conversion);
        if (!why.isEmpty())
            return limited(QStringLiteral("Object"), why);
        const Inside inside(&conversion->ancestors, value);
        QVariantMap map;
        QJSValueIterator it(value);
        while (it.hasNext()) {
            it.next();
            // Counted as it goes (no second walk): over the limit at its first extra property.
            const QString tooLong = SocketTaskBinding::valueLimit(0, false, double(map.size()) + 1);
            if (!tooLong.isEmpty())
                return limited(QStringLiteral("Object"), tooLong);
            map.insert(it.name(), read(value, it.name(), conversion));
        }
        return map;
    }
    const QJSValue bytes = m_bytes.call({ value });
    if (!bytes.isUndefined())
        return bytes.toVariant(); // QByteArray
    // Qt's own containers reach JavaScript wrapped, not as an Array or a plain Object: a
    // list<string> property, a QStringList or QVariantList from C++, an array that went through
    // createObject's initial properties (a "V4Sequence" from Qt 6.8), a QVariantMap (a
    // "V4ReferenceObject" from Qt 6.10). To the user they are an Array and an Object. JavaScript's
    // own objects (a Map, an Error...) stay QJSValues here, and are named by their tag below.
    const QVariant native = value.toVariant(QJSValue::RetainJSObjects);
    if (native.metaType() != QMetaType::fromType<QJSValue>()) {
        if (native.canConvert<QVariantList>()) {
            const QVariantList items = native.toList();
            const QString why = pastLimit(value, double(items.size()), *conversion);
            if (!why.isEmpty())
                return limited(QStringLiteral("Array"), why);
            const Inside inside(&conversion->ancestors, value);
            QVariantList list;
            for (const QVariant &item : items)
                list.append(toVariant(m_engine->toScriptValue(item), conversion));
            return list;
        }
        if (native.canConvert<QVariantMap>()) {
            const QVariantMap items = native.toMap();
            const QString why = pastLimit(value, double(items.size()), *conversion);
            if (!why.isEmpty())
                return limited(QStringLiteral("Object"), why);
            const Inside inside(&conversion->ancestors, value);
            QVariantMap map;
            for (auto it = items.cbegin(); it != items.cend(); ++it)
                map.insert(it.key(), toVariant(m_engine->toScriptValue(it.value()), conversion));
            return map;
        }
    }
    return QVariant::fromValue(SocketTaskBinding::ScriptType { typeTag(value), {}, {} });
}

QVariant SocketTaskBackend::read(const QJSValue &object, const QString &key) const
{
    Conversion conversion;
    return read(object, key, &conversion);
}

QVariant SocketTaskBackend::read(
    const QJSValue &object, const QString &key, Conversion *conversion) const
{
    // QJSValue::property() would hand back what a throwing getter threw as if it were the
    // value; read through JavaScript to tell the two apart.
    const QJSValue pair = m_read.call({ object, key });
    if (!pair.property(0).toBool())
        return QVariant::fromValue(
            SocketTaskBinding::ScriptType { QString(), pair.property(1).toString(), {} });
    return toVariant(pair.property(1), conversion);
}

QVariant SocketTaskBackend::toData(const QJSValue &option, const QJSValue &data) const
{
    if (data.isString()) // the common case, without a trip through JavaScript
        return data.toString();
    if (data.isError() || data.isUndefined())
        return read(option, QStringLiteral("data"));
    return toVariant(data);
}

QJSValue SocketTaskBackend::toJs(const SocketTask::CallbackResult &result) const
{
    QJSValue object = m_engine->newObject();
    if (result.socketTaskId)
        object.setProperty(QStringLiteral("socketTaskId"), result.socketTaskId);
    object.setProperty(QStringLiteral("errMsg"), result.errMsg);
    return object;
}

QJSValue SocketTaskBackend::alipayFailure(const QString &errMsg) const
{
    QJSValue object = m_engine->newObject();
    object.setProperty(QStringLiteral("error"), SocketTaskBinding::alipayError(errMsg));
    object.setProperty(QStringLiteral("errorMessage"), errMsg);
    return object;
}

QJSValue SocketTaskBackend::toJs(const SocketTask::CallbackResult &result, Platform platform) const
{
    if (!isAlipay(platform))
        return toJs(result);
    // Alipay: { error, errorMessage } on failure; success names the task (socketTaskID).
    if (!SocketTaskBinding::isOk(result.errMsg))
        return alipayFailure(result.errMsg);
    QJSValue object = m_engine->newObject();
    if (result.socketTaskId)
        object.setProperty(QStringLiteral("socketTaskID"), result.socketTaskId);
    return object;
}

QJSValue SocketTaskBackend::toJs(
    const SocketTask::OnErrorCallbackResult &result, Platform platform) const
{
    return isAlipay(platform) ? alipayFailure(result.errMsg) : toJs(result);
}

QJSValue SocketTaskBackend::nested(const QJSValue &flat, Platform platform, int socketTaskId) const
{
    if (platform != MyTask)
        return flat;
    // Alipay's task: { data: { socketTaskID, ... } } (its container's WebSocketBridgeCallback)
    QJSValue inner = m_engine->newObject();
    inner.setProperty(QStringLiteral("socketTaskID"), socketTaskId);
    QJSValueIterator it(flat);
    while (it.next())
        inner.setProperty(it.name(), it.value());
    QJSValue outer = m_engine->newObject();
    outer.setProperty(QStringLiteral("data"), inner);
    return outer;
}

QVariant SocketTaskBackend::sendData(const QJSValue &option, Platform platform) const
{
    const QJSValue data = option.property(QStringLiteral("data"));
    QVariant converted = toData(option, data);
    if (isAlipay(platform) && option.property(QStringLiteral("isBuffer")).toBool())
        converted = SocketTaskBinding::fromBase64(converted);
    return converted;
}

QJSValue SocketTaskBackend::toJs(const SocketTask::OnOpenCallbackResult &result) const
{
    QJSValue object = m_engine->newObject();
    object.setProperty(QStringLiteral("header"), m_engine->toScriptValue(result.header));
    object.setProperty(QStringLiteral("protocol"), result.protocol);
    return object;
}

QJSValue SocketTaskBackend::toJs(const SocketTask::OnMessageCallbackResult &result) const
{
    QJSValue object = m_engine->newObject();
    if (result.data.metaType().id() == QMetaType::QString)
        object.setProperty(
            QStringLiteral("data"), *static_cast<const QString *>(result.data.constData()));
    else // QByteArray becomes an ArrayBuffer
        object.setProperty(
            QStringLiteral("data"), m_engine->toScriptValue(result.data.toByteArray()));
    return object;
}

QJSValue SocketTaskBackend::toJs(const SocketTask::OnErrorCallbackResult &result) const
{
    QJSValue object = m_engine->newObject();
    object.setProperty(QStringLiteral("errMsg"), result.errMsg);
    return object;
}

QJSValue SocketTaskBackend::toJs(const SocketTask::OnCloseCallbackResult &result) const
{
    QJSValue object = m_engine->newObject();
    object.setProperty(QStringLiteral("code"), result.code);
    object.setProperty(QStringLiteral("reason"), result.reason);
    return object;
}

QJSValue SocketTaskBackend::resolved(const QString &errMsg)
{
    // The core hands out the same shared string each time: skip the hash for a repeat.
    if (errMsg.constData() == m_lastResolvedErrMsg.constData() && !errMsg.isNull())
        return m_lastResolved;
    auto it = m_resolved.find(errMsg);
    if (it == m_resolved.end()) {
        QJSValue result = toJs(SocketTask::CallbackResult(errMsg));
        m_engine->globalObject()
            .property(QStringLiteral("Object"))
            .property(QStringLiteral("freeze"))
            .call({ result });
        it = m_resolved.insert(errMsg, settle(true, result));
    }
    m_lastResolvedErrMsg = errMsg;
    m_lastResolved = *it;
    return *it;
}

QJSValue SocketTaskBackend::dataListener(const QJSValue &listener, Platform platform) const
{
    switch (platform) {
    case Swan:
        return m_wrapSwanListener.call({ listener });
    case MySocket:
        return m_wrapMySocketListener.call({ listener });
    case MyTask:
        return m_wrapMyTaskListener.call({ listener });
    case Taro:
    case Wx:
        break;
    }
    return m_wrapDataListener.call({ listener });
}

void SocketTaskBackend::callWithData(
    const QJSValue &dataListener, const QVariant &data, Platform platform, int socketTaskId) const
{
    const bool text = data.metaType().id() == QMetaType::QString;
    QJSValue returned;
    if (isAlipay(platform)) {
        // Alipay's binary: a Base64 string, with isBuffer
        const QJSValue value = text ? QJSValue(*static_cast<const QString *>(data.constData()))
                                    : QJSValue(QString::fromLatin1(data.toByteArray().toBase64()));
        returned = dataListener.call({ value, !text, socketTaskId });
    } else {
        const QJSValue value = text ? QJSValue(*static_cast<const QString *>(data.constData()))
                                    : m_engine->toScriptValue(data.toByteArray()); // ArrayBuffer
        returned = dataListener.call({ value });
    }
    if (returned.isError())
        throw JsException(returned);
}

QJSValue SocketTaskBackend::settle(bool ok, const QJSValue &result) const
{
    const bool heard = takeHeard(result);
    if (ok || heard)
        return m_settle.call({ ok, result });
    const QJSValue made = m_reject.call({ result });
    m_pending.append({ made.property(1), result.property(QStringLiteral("errMsg")).toString() });
    postCheck();
    return made.property(0);
}

bool SocketTaskBackend::takeHeard(const QJSValue &result) const
{
    for (qsizetype i = 0; i < m_heardByCallback.size(); ++i) {
        if (m_heardByCallback.at(i).strictlyEquals(result)) {
            m_heardByCallback.removeAt(i);
            return true;
        }
    }
    return false;
}

void SocketTaskBackend::postCheck() const
{
    if (m_checkPosted)
        return;
    m_checkPosted = true;
    // A timer, not a posted call: the engine runs Promise reactions as posted events, and a
    // handler may be attached by one of them (a rejection returned from a then() callback).
    QTimer::singleShot(
        0, const_cast<SocketTaskBackend *>(this), &SocketTaskBackend::checkUnhandled);
}

void SocketTaskBackend::checkUnhandled()
{
    m_checkPosted = false;
    // A few turns of the event loop: as long as a chain of then() callbacks may take to attach
    // a handler to a Promise one of them returned.
    constexpr int turns = 3;
    QList<Pending> pending;
    pending.swap(m_pending);
    for (Pending &p : pending) {
        if (p.isHandled.call().toBool())
            continue;
        if (++p.turns < turns)
            m_pending.append(p);
        else
            reportUnhandled(p.errMsg, true);
    }
    if (!m_pending.isEmpty())
        postCheck();
}

void SocketTaskBackend::reportUnhandled(const QString &errMsg, bool promise) const
{
    if (promise)
        qCWarning(lcSocketTaskUnhandled, "Unhandled Promise rejection: %s", qPrintable(errMsg));
    else
        qCWarning(lcSocketTaskUnhandled, "%s (no fail or complete callback)", qPrintable(errMsg));
}

void SocketTaskBackend::call(const QJSValue &fn, const QJSValue &arg) const
{
    const QJSValue returned = fn.call({ arg });
    if (returned.isError())
        throw JsException(returned);
}

bool SocketTaskBackend::onlyData(const QJSValue &option, QJSValue *data) const
{
    QJSValueIterator it(option);
    if (!it.next() || it.name() != QLatin1String("data"))
        return false;
    *data = it.value();
    return !it.hasNext();
}

SocketTask::Callbacks SocketTaskBackend::callbacks(
    const QJSValue &options, CallRecord *record) const
{
    QJSValue success, fail, complete;
    if (options.isObject()) {
        success = options.property(QStringLiteral("success"));
        fail = options.property(QStringLiteral("fail"));
        complete = options.property(QStringLiteral("complete"));
    }
    record->failOrComplete = fail.isCallable() || complete.isCallable();
    // The core calls success or fail, then complete, synchronously: convert the result once.
    auto result = [this, record](const SocketTask::CallbackResult &r) {
        if (record->result.isUndefined()) {
            record->result = toJs(r, record->platform);
            record->coreResult = r;
            record->reported = true;
        }
        return record->result;
    };
    // A failure that a fail or complete callback hears is handled: its rejection is not logged.
    auto heard = [this, record](const QJSValue &js) {
        if (record->failOrComplete)
            m_heardByCallback.append(js);
    };
    if (callbacksAfterReturn(record->platform)) {
        // Only the result now: reportAfterReturn() hands the user's functions to the core.
        record->success = success;
        record->fail = fail;
        record->complete = complete;
        return SocketTask::Callbacks(
            [record, result](const SocketTask::CallbackResult &r) {
                record->ok = true;
                result(r);
            },
            [result, heard](const SocketTask::CallbackResult &r) { heard(result(r)); });
    }
    // Each runs the user's function, if it is one, with the one result object.
    auto relay = [this, result](const QJSValue &fn) {
        return [this, result, fn](const SocketTask::CallbackResult &r) {
            const QJSValue js = result(r);
            if (fn.isCallable())
                call(fn, js);
        };
    };
    auto succeeded = [record, relay = relay(success)](const SocketTask::CallbackResult &r) {
        record->ok = true;
        relay(r);
    };
    auto failed = [result, heard, relay = relay(fail)](const SocketTask::CallbackResult &r) {
        heard(result(r));
        relay(r);
    };
    return SocketTask::Callbacks(succeeded, failed, relay(complete));
}

void SocketTaskBackend::reportAfterReturn(const CallRecord &record, SocketTask *task) const
{
    if (!callbacksAfterReturn(record.platform) || !record.reported)
        return;
    const bool any
        = record.success.isCallable() || record.fail.isCallable() || record.complete.isCallable();
    if (!any)
        return;
    // The backend lives as long as its engine; a callback that comes after both is dropped.
    const QPointer<const SocketTaskBackend> self(this);
    auto run = [self, js = record.result](const QJSValue &fn) -> SocketTask::Callback {
        if (!fn.isCallable())
            return {};
        return [self, js, fn](const SocketTask::CallbackResult &) {
            if (self)
                self->call(fn, js);
        };
    };
    SocketTaskBinding::reportAfterReturn(task,
        SocketTask::Callbacks(run(record.success), run(record.fail), run(record.complete)),
        record.coreResult, record.ok);
}

QJSValue SocketTaskBackend::makeTask(const QJSValue &options, CallRecord *record)
{
    const SocketTask::Callbacks callbacks = this->callbacks(options, record);
    QVariant option;
    if (isPlainObject(options)) {
        // Only the options the contract knows: an unrelated getter is never run.
        QVariantMap map;
        for (const QString &name : SocketTaskBinding::connectOptionNames()) {
            if (options.hasProperty(name))
                map.insert(name, read(options, name));
        }
        option = map;
    } else {
        option = toVariant(options);
    }
    SocketTask *task = SocketTaskBinding::connectSocket(option, callbacks);
    if (task)
        SocketTaskBinding::setBeforeDelivery(task, &PromiseJobs::runPending);
    return task ? m_engine->newQObject(new QmlSocketTask(task, this))
                : QJSValue(QJSValue::NullValue);
}

QJSValue SocketTaskBackend::connectSocket(const QJSValue &options)
{
    CallRecord record;
    const QJSValue taskJs = makeTask(options, &record);
    const bool task = !taskJs.isNull();
    // Taro's Promise rule: resolved with the task; on failure resolved with the fail result when
    // a fail or complete callback was given (callback-style code sees no unhandled rejection),
    // rejected with it otherwise.
    QJSValue made = m_engine->newObject();
    made.setProperty(QStringLiteral("task"), taskJs);
    made.setProperty(QStringLiteral("promise"),
        task ? settle(true, taskJs) : settle(record.failOrComplete, record.result));
    return made;
}

QJSValue SocketTaskBackend::connectSocketTask(
    const QJSValue &options, Platform platform, QmlSocketTask *current)
{
    CallRecord record(platform);
    QJSValue task(QJSValue::NullValue);
    QString refused;
    if (isAlipay(platform) && isPlainObject(options)) {
        // Alipay's `data` in the query (the options are read again below: a copy with the url)
        QVariant url;
        refused = SocketTaskBinding::checkQueryData(
            read(options, QStringLiteral("url")), read(options, QStringLiteral("data")), &url);
        if (refused.isEmpty() && platform == MySocket)
            refused = SocketTaskBinding::checkOneSocket(current ? current->task() : nullptr);
        if (refused.isEmpty()) {
            QJSValue copy = m_engine->newObject();
            QJSValueIterator it(options);
            while (it.next())
                copy.setProperty(it.name(), it.value());
            copy.setProperty(QStringLiteral("url"), m_engine->toScriptValue(url));
            task = makeTask(copy, &record);
        }
    } else {
        task = makeTask(options, &record);
    }
    if (!refused.isEmpty()) {
        // Through the core's report, as every other failure
        const SocketTask::Callbacks callbacks = this->callbacks(options, &record);
        callbacks.fail()(SocketTask::CallbackResult(refused));
    }
    auto *made = qobject_cast<QmlSocketTask *>(task.toQObject());
    if (made)
        made->setPlatform(platform);
    reportAfterReturn(record, made ? made->task() : nullptr);
    // No Promise: the failure is the callbacks', or nobody's.
    if (!takeHeard(record.result) && task.isNull())
        reportUnhandled(record.coreResult.errMsg, false); // every platform's result has it
    return task;
}

QJSValue SocketTaskBackend::oneSocketCall(QmlSocketTask *task, const QVariant &option,
    const QJSValue &callbackOptions, Platform platform,
    void (*call)(SocketTask *, const QVariant &, const SocketTask::Callbacks &))
{
    CallRecord record(platform);
    SocketTask *core = task ? task->task() : nullptr;
    call(core, option, callbacks(callbackOptions, &record));
    reportAfterReturn(record, core);
    return settle(record.ok, record.result);
}

QJSValue SocketTaskBackend::sendSocketMessage(
    QmlSocketTask *task, const QJSValue &option, Platform platform)
{
    QVariant converted;
    if (isAlipay(platform) && isPlainObject(option))
        converted = QVariantMap { { QStringLiteral("data"), sendData(option, platform) } };
    else
        converted = toVariant(option);
    return oneSocketCall(task, converted, option, platform, &SocketTaskBinding::sendSocketMessage);
}

QJSValue SocketTaskBackend::closeSocket(
    QmlSocketTask *task, const QJSValue &option, Platform platform)
{
    return oneSocketCall(
        task, toVariant(option), option, platform, &SocketTaskBinding::closeSocket);
}

void SocketTaskBackend::relay(QmlSocketTask *task, const QString &kind, const QJSValue &listener)
{
    if (task)
        task->addRelay(kind, listener);
}

bool SocketTaskBackend::isListener(const QString &api, const QJSValue &fn) const
{
    if (fn.isCallable())
        return true;
    qCWarning(lcSocketTaskQml, "%s: the listener should be a Function, not %s", qPrintable(api),
        qPrintable(SocketTaskBinding::typeName(toVariant(fn))));
    return false;
}

int SocketTaskBackend::maxConcurrentTasks() const
{
    return SocketTask::maxConcurrentTasks();
}

void SocketTaskBackend::setMaxConcurrentTasks(int limit)
{
    SocketTask::setMaxConcurrentTasks(limit); // the core tells of a change (see the constructor)
}
