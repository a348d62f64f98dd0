// SPDX-License-Identifier: MIT
// The reconnect example of docs/getting-started-qml.qdoc; tests/docs runs it against a server
// that crashes and comes back on the same port.
//! [reconnect]
import QtQuick
import SocketTask

Item {
    id: chat
    property string url: "wss://example.com/chat"
    property string status: "connecting"

    SocketTask {
        id: socket
        url: chat.url
        active: true // false closes with 1000 and stops reconnecting
        heartbeat: ({ interval: 10000, timeout: 5000 }) // a silent server is a drop too
        // Waits 0.5-1 s, 1-2 s, 2-4 s ... at most 30 s; gives up after 10 attempts in a row.
        reconnect: ({ maxAttempts: 10 })

        onOpened: {
            chat.status = "connected"
            socket.send({ data: "join" })     // each connection is a new one: join again
        }
        onReconnecting: (delay, attempt) =>
            chat.status = "reconnecting in " + Math.ceil(delay / 1000) + " s (attempt " + attempt + ")"
        onGaveUp: errMsg => chat.status = "offline: " + errMsg
    }
}
//! [reconnect]
