// SPDX-License-Identifier: MIT
#include "scripttimers.h"

#include "sockettaskbackend.h" // lcSocketTaskQml

#include <QJSEngine>
#include <QTimerEvent>

#include <cmath>
#include <limits>

namespace {

// What the functions are in JavaScript: thin wrappers, so that `arguments` past the delay
// become the handler's, and the names and lengths are a browser's.
const char wrappers[] = R"js((function (timers, global) {
    return {
        setTimeout: function setTimeout(handler, timeout) {
            return timers.start(handler, timeout, Array.prototype.slice.call(arguments, 2), false)
        },
        setInterval: function setInterval(handler, timeout) {
            return timers.start(handler, timeout, Array.prototype.slice.call(arguments, 2), true)
        },
        clearTimeout: function clearTimeout(id) { timers.clear(id) },
        clearInterval: function clearInterval(id) { timers.clear(id) },
        run: function (handler, args) {
            if (typeof handler === "function")
                return handler.apply(global, args)
            return (0, eval)(String(handler)) // a string is code, run in the global scope
        }
    }
}))js";

const char *const names[] = { "setTimeout", "setInterval", "clearTimeout", "clearInterval" };

} // namespace

ScriptTimers::ScriptTimers(QJSEngine *engine) : QObject(engine), m_engine(engine) { }

bool ScriptTimers::install(QJSEngine *engine)
{
    QJSValue global = engine->globalObject();
    auto *timers = new ScriptTimers(engine);
    QJSEngine::setObjectOwnership(timers, QJSEngine::CppOwnership);
    const QJSValue made = engine->evaluate(QString::fromLatin1(wrappers))
                              .call({ engine->newQObject(timers), global });
    timers->m_run = made.property(QStringLiteral("run"));
    bool ok = true;
    for (const char *name : names) {
        const QString key = QString::fromLatin1(name);
        if (global.hasProperty(key))
            continue; // the app's own, or a later Qt's
        global.setProperty(key, made.property(key));
        ok = ok && global.property(key).strictlyEquals(made.property(key));
    }
    if (!ok)
        qCWarning(lcSocketTaskQml,
            "setTimeout and setInterval could not be installed: "
            "the engine's global object is frozen");
    return ok;
}

int ScriptTimers::start(
    const QJSValue &handler, const QJSValue &delay, const QJSValue &args, bool repeat)
{
    // A browser's conversion: a number (NaN, negative: 0), at most what a timer takes.
    double ms = delay.isUndefined() ? 0 : delay.toNumber();
    if (!(ms > 0))
        ms = 0;
    ms = std::min(ms, double(std::numeric_limits<int>::max()));
    const int id = ++m_lastId;
    Entry entry { startTimer(int(ms), Qt::PreciseTimer), handler, args, repeat };
    m_ids.insert(entry.qtTimer, id);
    m_entries.insert(id, entry);
    return id;
}

void ScriptTimers::clear(const QJSValue &id)
{
    const auto it = m_entries.find(id.toInt());
    if (it == m_entries.end() || !id.isNumber())
        return;
    killTimer(it->qtTimer);
    m_ids.remove(it->qtTimer);
    m_entries.erase(it);
}

void ScriptTimers::timerEvent(QTimerEvent *event)
{
    const int id = m_ids.value(event->timerId());
    const auto it = m_entries.find(id);
    if (it == m_entries.end())
        return;
    const Entry entry = *it;
    if (!entry.repeat) {
        killTimer(entry.qtTimer);
        m_ids.remove(entry.qtTimer);
        m_entries.erase(it);
    }
    const QJSValue returned = m_run.call({ entry.handler, entry.args });
    if (returned.isError())
        qCWarning(lcSocketTaskQml, "%s handler threw: %s",
            entry.repeat ? "setInterval" : "setTimeout", qPrintable(returned.toString()));
}
