// SPDX-License-Identifier: MIT
// An app may keep its QQmlEngine in a static: it is destroyed during exit, after the plugin's
// own statics. Using the module must not make that exit touch freed memory (the sanitizer and
// memcheck runs catch it; a plain run may not).
#include <QCoreApplication>
#include <QQmlComponent>
#include <QQmlEngine>

#include <cstdio>
#include <memory>

static std::unique_ptr<QQmlEngine> s_engine;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    s_engine = std::make_unique<QQmlEngine>();
    for (int i = 1; i < argc; ++i)
        s_engine->addImportPath(QString::fromLocal8Bit(argv[i]));
    QQmlComponent component(s_engine.get());
    component.setData("import QtQml\nimport SocketTask\nQtObject { property int limit: "
                      "Taro.maxConcurrentTasks }",
        QUrl(QStringLiteral("static.qml")));
    std::unique_ptr<QObject> object(component.create());
    if (!object || object->property("limit").toInt() != 5) {
        std::fprintf(stderr, "FAIL: %s\n", qPrintable(component.errorString()));
        return 1;
    }
    std::printf("PASS: the module was used; the engine goes at exit\n");
    return 0; // s_engine is destroyed after main, with the other statics
}
