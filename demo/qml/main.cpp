// SPDX-License-Identifier: MIT
// sockettask-chat [--url ws://...] [--nick NAME] [--greeting TEXT] [--screenshot FILE]
// The QML chat client. With no --url it starts the chat server in this process on a free
// loopback port, so it works with no setup. With no display it runs offscreen and saves a
// screenshot instead of showing a window.
#include "chatserver.h"
#include "democlient.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickWindow>

// Says what each chat text rendered as (Text.PlainText is 0), so that a test can tell that
// markup in a message stays literal.
static void reportChatText(QQuickItem *item)
{
    if (item->objectName() == QLatin1String("chatBody") && item->isVisible())
        DemoClient::note(QStringLiteral("chat text shown: %1 (textFormat %2)")
                             .arg(item->property("text").toString())
                             .arg(item->property("textFormat").toInt()));
    for (QQuickItem *child : item->childItems())
        reportChatText(child);
}

int main(int argc, char *argv[])
{
    const bool headless = DemoClient::useOffscreenWithoutDisplay();
    QGuiApplication app(argc, argv);
    app.setApplicationName(QStringLiteral("sockettask-chat"));
    DemoClient::Options options
        = DemoClient::parse(app, QStringLiteral("The SocketTask QML chat client."), headless);

    ChatServer embedded;
    if (!DemoClient::resolveUrl(&options, &embedded))
        return 1;

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral(SOCKETTASK_QML_DIR)); // the SocketTask module, as built
    engine.addImportPath(QStringLiteral("qrc:/qt/qml")); // Qt 6.4 does not add it by itself
    QVariantMap initial { { QStringLiteral("serverUrl"), options.url.toString() },
        { QStringLiteral("nick"), options.nick },
        { QStringLiteral("screenshotMode"), !options.screenshot.isEmpty() } };
    if (!options.greeting.isEmpty())
        initial.insert(QStringLiteral("greeting"), options.greeting);
    initial.insert(QStringLiteral("expect"), options.expect);
    engine.setInitialProperties(initial);
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/ChatDemo/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().first());
    // Close 1000 on quit, however the application quits (closing the window does it too).
    QObject::connect(&app, &QCoreApplication::aboutToQuit, window,
        [window] { QMetaObject::invokeMethod(window, "disconnectFromServer"); });

    if (!options.screenshot.isEmpty()) {
        DemoClient::Screenshot *shot = DemoClient::screenshot(
            &app, options.screenshot, [window] { return window->grabWindow(); },
            [window] { return window->property("stage").toString(); });
        QObject::connect(window, SIGNAL(roundTripDone()), shot, SLOT(take()));
        // What the chat text rendered as, so a test can tell that markup stays literal.
        QObject::connect(shot, &DemoClient::Screenshot::taken, window,
            [window] { reportChatText(window->contentItem()); });
    }
    return app.exec();
}
