// SPDX-License-Identifier: MIT
#include "scriptsingletons.h"

#include "sockettaskbackend.h" // lcSocketTaskQml

#include <QQmlComponent>
#include <QQmlEngine>

namespace {

// Throws (and install() says so) if the global object takes no new property.
//
// Scripts get a view of each facade that takes the app's own names beside the socket calls
// (`Taro.getStorageSync = ...`, a toast stub): Qt refuses new properties on every object QML
// made (QObjectWrapper::virtualPut, Qt 6.4 to 6.11), so they live on the view. A name the app
// set is read from the view first, any other from the facade: the app's `Taro.connectSocket`
// stub hides the facade's from scripts, and the facade itself never changes.
const char definer[] = R"js((function (singletons, global, names) {
    function view(facade) {
        var own = Object.create(null)
        return new Proxy(own, {
            get: function (target, key) { return key in own ? own[key] : facade[key] },
            has: function (target, key) { return key in own || key in facade }
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
                    made = view(facade)
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
// own, made on first use, holds them.
QJSValue ScriptSingletons::singleton(const QString &name)
{
    if (!m_holder) {
        QQmlComponent component(m_engine);
        component.setData("import QtQml\nimport SocketTask\n"
                          "QtObject { readonly property var taro: Taro; "
                          "readonly property var wx: Wx; readonly property var swan: Swan; "
                          "readonly property var my: My }",
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
