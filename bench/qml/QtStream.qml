// SPDX-License-Identifier: MIT
import QtQml
import QtWebSockets
// The baseline of TaroStream.qml: Qt's own QML WebSocket.
QtObject {
    property string url
    property int count
    property string payload
    property int received: 0
    signal done()
    property WebSocket socket: WebSocket {
        id: ws
        onStatusChanged: {
            if (ws.status === WebSocket.Open) {
                for (let i = 0; i < count; ++i)
                    sendTextMessage(payload)
            }
        }
        onTextMessageReceived: message => {
            if (++received === count) {
                active = false
                done()
            }
        }
    }
    function start() {
        socket.url = url
        socket.active = true
    }
}
