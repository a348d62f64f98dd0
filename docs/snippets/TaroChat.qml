// SPDX-License-Identifier: MIT
// The QML example of docs/getting-started-qml.qdoc (Taro's calls); tests/docs loads and runs it.
//! [taro]
import QtQuick
import SocketTask

Item {
    id: chat
    property string url: "wss://example.com/chat"
    signal finished(int closeCode)

    Component.onCompleted: {
        //! [connect]
        Taro.connectSocket({
            url: chat.url,                                 // "wss://example.com/chat"
            header: { "Authorization": "Bearer 123" },
            protocols: ["chat"]
        }).then(task => {
            task.onOpen(res => task.send({ data: "hello" }))
            task.onMessage(res => {
                console.log("received", res.data)           // a string, or an ArrayBuffer
                task.close({ code: 1000, reason: "bye" })
            })
            task.onError(res => console.warn(res.errMsg))
            task.onClose(res => {
                console.log("closed", res.code, res.reason)   // 1006 if it failed or dropped
                chat.finished(res.code)
            })
        }, res => console.warn(res.errMsg))
        //! [connect]
    }
}
//! [taro]
