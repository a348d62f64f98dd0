// SPDX-License-Identifier: MIT
#pragma once

#include <QJSValue>
#include <QObject>

#include <memory>

class QQmlEngine;

// `Taro`, `Wx`, `Swan` and `My` on an engine's global object, for ported code outside QML
// documents: a `.pragma library` file or an ECMAScript module sees no QML import, and ported
// code names the API without importing it. Each is a getter that gives a view of the engine's
// singleton (the one QML documents see, made on first use) that also takes the app's own
// names. One per engine, owned by it.
class ScriptSingletons : public QObject
{
    Q_OBJECT
public:
    // Adds the getters to the global object of `engine`, unless it has those names already.
    // Returns false if the global object would not take them.
    static bool install(QQmlEngine *engine);

    Q_INVOKABLE QJSValue singleton(const QString &name);

private:
    explicit ScriptSingletons(QQmlEngine *engine);
    QQmlEngine *m_engine;
    std::unique_ptr<QObject> m_holder; // a document that sees the module's singletons
};
