// SPDX-License-Identifier: MIT
import QtQml
import QtWebSockets
// The baseline of TaroPingpong.qml: Qt's own QML WebSocket.
QtObject {
    property string url
    property int count
    property string payload
    property int received: 0
    signal done()
    property WebSocket socket: WebSocket {
        id: ws
        onStatusChanged: if (ws.status === WebSocket.Open) ws.sendTextMessage(payload)
        onTextMessageReceived: message => {
            if (++received === count) {
                active = false
                done()
            } else {
                sendTextMessage(payload)
            }
        }
    }
    function start() {
        socket.url = url
        socket.active = true
    }
}
