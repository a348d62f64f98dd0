// SPDX-License-Identifier: MIT
// The QML example of docs/getting-started-qml.qdoc (the SocketTask element); tests/docs loads
// and runs it.
//! [element]
import QtQuick
import SocketTask

Item {
    id: chat
    property string url: "wss://example.com/chat"
    signal finished(int closeCode)

    //! [socket]
    SocketTask {
        id: socket
        url: chat.url                       // "wss://example.com/chat"
        active: true                        // false closes with 1000
        onOpened: result => socket.send({ data: "hello" })
        onMessageReceived: result => {
            console.log("received", result.data)
            socket.active = false
        }
        onErrorOccurred: result => console.warn(result.errMsg)
        onClosed: result => chat.finished(result.code)
    }
    //! [socket]
}
//! [element]
