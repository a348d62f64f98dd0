// SPDX-License-Identifier: MIT
// The WeChat-shaped example of the Wx singleton's page; tests/docs loads and runs it.
import QtQuick
import SocketTask

Item {
    id: chat
    property string url: "wss://example.com/chat"
    signal finished(int closeCode)

    Component.onCompleted: {
        //! [connect]
        const wx = Wx                                      // the one line added to WeChat code

        const task = wx.connectSocket({                    // the task, not a Promise
            url: chat.url,
            header: { "Authorization": "Bearer 123" },
            fail: res => console.warn(res.errMsg)
        })
        task.onOpen(res => task.send({ data: "hello" }))
        task.onMessage(res => task.close({ code: 1000, reason: "bye" }))
        task.onClose(res => chat.finished(res.code))
        //! [connect]
    }
}
