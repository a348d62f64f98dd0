// SPDX-License-Identifier: MIT
// The HTTP authentication example of docs/getting-started-cpp.qdoc; tests/docs runs it against a
// server that wants a user and a password.
#include <SocketTask>

#include <QAuthenticator>

#include <functional>
#include <utility>

//! [login]
using Credentials = std::pair<QString, QString>; // user, password

// Connects to a server behind HTTP authentication (401). The URL's own credentials, as in
// wss://alice:secret@example.com/chat, are tried first; when the server refuses them, or the URL
// has none, `ask` gives them for the server's realm (Qt 6.6 and later: QWebSocket answers the
// 401 itself, Basic or Digest; Qt 6.4 sends the URL's with the first request, as Basic).
SocketTask *connectWithLogin(
    const QUrl &url, std::function<Credentials(const QString &realm)> ask, QObject *parent)
{
    SocketTask *task = SocketTask::connectSocket(SocketTask::ConnectOption(url), parent);
    if (!task)
        return nullptr;
    // Direct: the authenticator is filled in before Qt sends the request again.
    QObject::connect(
        task, &SocketTask::authenticationRequired, task, [ask](QAuthenticator *authenticator) {
            const auto [user, password] = ask(authenticator->realm());
            authenticator->setUser(user);
            authenticator->setPassword(password);
        });
    task->onError([](const SocketTask::OnErrorCallbackResult &r) {
        qWarning() << r.errMsg; // ... the server answered "HTTP/1.1 401 Unauthorized" ...
    });
    return task;
}
//! [login]
