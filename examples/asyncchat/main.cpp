// SPDX-License-Identifier: MIT
// sockettask-asyncchat --url ws://HOST:PORT [--nick NAME] [--say TEXT]
// Joins a chat room of the demo's chat server (sockettask-chat-server) with a client written
// as mini-program code, async/await included (chatclient.js), says TEXT, hears it back and two
// heartbeats, and leaves. Qt Core and QML only: no window.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QUrl>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("A chat client written with async/await, on the SocketTask module."));
    parser.addHelpOption();
    parser.addOption(
        { QStringLiteral("url"), QStringLiteral("The chat server."), QStringLiteral("ws://...") });
    parser.addOption({ QStringLiteral("nick"), QStringLiteral("Nickname."), QStringLiteral("NAME"),
        QStringLiteral("async") });
    parser.addOption({ QStringLiteral("say"), QStringLiteral("What to say."),
        QStringLiteral("TEXT"), QStringLiteral("hello from async/await") });
    parser.process(app);
    if (!parser.isSet(QStringLiteral("url")))
        parser.showHelp(2);

    QQmlEngine engine;
    engine.addImportPath(QStringLiteral(SOCKETTASK_QML_DIR)); // the SocketTask module, as built
    engine.addImportPath(QStringLiteral("qrc:/qt/qml")); // Qt 6.4 does not add it by itself
    QObject::connect(
        &engine, &QQmlEngine::exit, &app, &QCoreApplication::exit, Qt::QueuedConnection);
    QQmlComponent component(&engine, QUrl(QStringLiteral("qrc:/qt/qml/AsyncChat/Main.qml")));
    std::unique_ptr<QObject> root(component.createWithInitialProperties(
        { { QStringLiteral("url"), parser.value(QStringLiteral("url")) },
            { QStringLiteral("nick"), parser.value(QStringLiteral("nick")) },
            { QStringLiteral("text"), parser.value(QStringLiteral("say")) } }));
    if (!root) {
        qWarning().noquote() << component.errorString();
        return 1;
    }
    return app.exec();
}
