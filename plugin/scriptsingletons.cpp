// SPDX-License-Identifier: MIT
#include "scriptsingletons.h"

#include "sockettaskbackend.h" // lcSocketTaskQml

#include <QQmlComponent>
#include <QQmlEngine>

namespace {

// Throws (and install() says so) if the global object takes no new property.
//
// Scripts get a view of each facade through which the app adds names of its own beside the
// socket calls (`Taro.getStorageSync = ...`, a toast stub). Assignment to the facade itself
// throws: Qt refuses new properties on objects QML made (QObjectWrapper::virtualPut, Qt 6.4 to
// 6.11). It does take them defined on the facade's wrapper (Object.defineProperty), and reads
// them back wherever the facade is named, a QML document's `Taro` included: so the view's
// assignment defines them there, and every file sees the same names. The facade's own members
// cannot be replaced (the wrapper would hide the replacement from QML documents).
const char definer[] = R"js((function (singletons, global, names) {
    function view(name, facade) {
        var added = Object.create(null)
        function define(key, value) {
            if (!(key in added) && key in facade)
                throw new TypeError(name + "." + String(key) + " is SocketTask's own and cannot " +
                                    "be replaced: give yours a name of its own")
            added[key] = true
            Object.defineProperty(facade, key, { value: value, writable: true,
                                                 enumerable: true, configurable: true })
            return true
        }
        return new Proxy({}, {
            get: function (target, key) { return facade[key] },
            has: function (target, key) { return key in facade },
            set: function (target, key, value) { return define(key, value) },
            defineProperty: function (target, key, descriptor) {
                return define(key, descriptor.value)
            },
            deleteProperty: function (target, key) {
                if (!(key in added))
                    return !(key in facade)
                delete added[key]
                return delete facade[key]
            }
        })
    }
    names.forEach(function (name) {
        if (name in global)
            return // the app's own
        var made = null
        Object.defineProperty(global, name, {
            configurable: true,
            get: function () {
                if (made === null) {
                    var facade = singletons.singleton(name)
                    if (!facade)
                        return facade // said in the log
                    made = view(name, facade)
                }
                return made
            }
        })
    })
}))js";

const QStringList names = { QStringLiteral("Taro"), QStringLiteral("Wx"), QStringLiteral("Swan"),
    QStringLiteral("My") };

} // namespace

ScriptSingletons::ScriptSingletons(QQmlEngine *engine) : QObject(engine), m_engine(engine) { }

bool ScriptSingletons::install(QQmlEngine *engine)
{
    auto *singletons = new ScriptSingletons(engine);
    QJSEngine::setObjectOwnership(singletons, QJSEngine::CppOwnership);
    const QJSValue result = engine->evaluate(QString::fromLatin1(definer))
                                .call({ engine->newQObject(singletons), engine->globalObject(),
                                    engine->toScriptValue(names) });
    if (result.isError()) {
        qCWarning(lcSocketTaskQml, "Taro, Wx, Swan and My could not be made global: %s",
            qPrintable(result.toString()));
        return false;
    }
    return true;
}

// The singletons as a QML document sees them: Taro and Wx are QML files (composite
// singletons), which QQmlEngine::singletonInstance() cannot name, so a small document of our
// own, made on first use, holds them. Its properties are QtObjects, so that what comes back is
// the facade's own wrapper (a `var` would give the type's), where the view's names are defined.
QJSValue ScriptSingletons::singleton(const QString &name)
{
    if (!m_holder) {
        QQmlComponent component(m_engine);
        component.setData("import QtQml\nimport SocketTask\n"
                          "QtObject { readonly property QtObject taro: Taro; "
                          "readonly property QtObject wx: Wx; readonly property QtObject swan: Swan; "
                          "readonly property QtObject my: My }",
            QUrl(QStringLiteral("qrc:/sockettask/globals.qml")));
        m_holder.reset(component.create());
        if (!m_holder) {
            qCWarning(lcSocketTaskQml, "Taro, Wx, Swan and My are not available to scripts: %s",
                qPrintable(component.errorString()));
            return QJSValue();
        }
    }
    return m_engine->toScriptValue(m_holder->property(name.toLower().toLatin1().constData()));
}
