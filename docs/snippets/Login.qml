// SPDX-License-Identifier: MIT
// The HTTP authentication example of docs/getting-started-qml.qdoc; tests/docs runs it against a
// server that wants a user and a password.
//! [login]
import QtQuick
import SocketTask

Item {
    id: login
    property string url: "wss://example.com/chat"
    property string user: "alice"
    property string password: "s3cret"
    signal loggedIn

    SocketTask {
        id: socket
        // ws://user:password@host answers the server's HTTP authentication (401); what a
        // person typed is encoded, so that an "@" or a ":" in it stays part of it.
        url: login.url.replace("://", "://" + encodeURIComponent(login.user) + ":"
                                         + encodeURIComponent(login.password) + "@")
        active: true
        onOpened: login.loggedIn()
        // A wrong password: '... the server answered "HTTP/1.1 401 Unauthorized" ...'
        onErrorOccurred: result => console.warn(result.errMsg)
    }
}
//! [login]
