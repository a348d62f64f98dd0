// SPDX-License-Identifier: MIT
// The C++ example of docs/getting-started-cpp.qdoc: a program around ChatClient. tests/docs
// runs it against a server of its own, with that server's URL as the argument.
//! [main]
#include "chatclient.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    ChatClient client(QUrl(args.value(1, QStringLiteral("wss://example.com/chat"))));
    QObject::connect(&client, &ChatClient::finished, &app,
        [&app](int closeCode) { app.exit(closeCode == 1000 ? 0 : 1); });
    client.start();
    return app.exec();
}
//! [main]
