// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QJSValue>
#include <QObject>

class QJSEngine;

// setTimeout, setInterval, clearTimeout and clearInterval with a browser's semantics, for code
// ported from WeChat and Taro: Qt's engine has none. Installed on an engine's global object, so
// that QML documents, the JavaScript files they import and `.pragma library` files all see
// them. One per engine, owned by it.
class ScriptTimers : public QObject
{
    Q_OBJECT
public:
    // Adds the four functions to the global object of `engine`, unless it has them already.
    // Returns false if the global object would not take them.
    static bool install(QJSEngine *engine);

    Q_INVOKABLE int start(
        const QJSValue &handler, const QJSValue &delay, const QJSValue &args, bool repeat);
    Q_INVOKABLE void clear(const QJSValue &id);

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    explicit ScriptTimers(QJSEngine *engine);
    struct Entry
    {
        int qtTimer = 0;
        QJSValue handler;
        QJSValue args;
        bool repeat = false;
    };
    QJSEngine *m_engine;
    QJSValue m_run; // (handler, args) => handler.apply(global, args); a string is code
    int m_lastId = 0;
    QHash<int, Entry> m_entries; // by the id JavaScript sees
    QHash<int, int> m_ids; // the id by Qt's timer id
};
