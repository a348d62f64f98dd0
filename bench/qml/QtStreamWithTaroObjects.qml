// SPDX-License-Identifier: MIT
import QtQml
import QtWebSockets
// QtStream.qml making the two objects per message that the Taro API makes: the option object
// of send({ data }) and the result object an onMessage listener gets. It shows what they cost.
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
                    sendTextMessage(({ data: payload }).data)
            }
        }
        onTextMessageReceived: message => {
            const res = { data: message };
            if (res.data.length > 0 && ++received === count) {
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
