// SPDX-License-Identifier: MIT
// The plugin of `import SocketTask`: Qt's generated one, plus the engine's timers and the global
// Taro and Wx, installed when a document first imports the module, before any of its code runs.
#include "scriptsingletons.h"
#include "scripttimers.h"

#include <QQmlEngine>
#include <QtQml/qqmlextensionplugin.h>

extern void qml_register_types_SocketTask();
Q_GHS_KEEP_REFERENCE(qml_register_types_SocketTask)

class SocketTaskPlugin : public QQmlEngineExtensionPlugin
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID QQmlEngineExtensionInterface_iid)

public:
    explicit SocketTaskPlugin(QObject *parent = nullptr) : QQmlEngineExtensionPlugin(parent)
    {
        volatile auto registration = &qml_register_types_SocketTask;
        Q_UNUSED(registration)
    }

    void initializeEngine(QQmlEngine *engine, const char *) override
    {
        ScriptTimers::install(engine);
        ScriptSingletons::install(engine);
    }
};

#include "sockettaskplugin.moc"
