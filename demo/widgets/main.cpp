// SPDX-License-Identifier: MIT
// sockettask-chat-widgets [--url ws://...] [--nick NAME] [--greeting TEXT] [--screenshot FILE]
// The Qt Widgets chat client: SocketTask's C++ API, no QML linked.
#include "chatserver.h"
#include "chatwindow.h"
#include "democlient.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    const bool headless = DemoClient::useOffscreenWithoutDisplay();
    QApplication app(argc, argv);
    app.setApplicationName(QStringLiteral("sockettask-chat-widgets"));
    DemoClient::Options options = DemoClient::parse(
        app, QStringLiteral("The SocketTask Qt Widgets chat client."), headless);
    ChatServer embedded;
    if (!DemoClient::resolveUrl(&options, &embedded))
        return 1;

    ChatWindow window(options.url, options.nick);
    if (!options.screenshot.isEmpty()) {
        window.setGreeting(options.greeting.isEmpty()
                ? QStringLiteral("Hello from the SocketTask Widgets client!")
                : options.greeting,
            options.expect);
        auto *shot = DemoClient::screenshot(
            &app, options.screenshot, [&window] { return window.grab().toImage(); },
            [&window] { return window.stage(); });
        QObject::connect(&window, &ChatWindow::greetingEchoed, shot, &DemoClient::Screenshot::take);
    }
    // Close 1000 on quit, however the application quits.
    QObject::connect(
        &app, &QCoreApplication::aboutToQuit, &window, &ChatWindow::disconnectFromServer);
    window.show();
    window.connectToServer();
    return app.exec();
}
