// SPDX-License-Identifier: MIT
import QtQml
import SocketTask
// SocketTask (Taro API): one message at a time, the next sent when its echo comes back.
QtObject {
    property string url
    property int count
    property string payload
    property int received: 0
    signal done()
    function start() {
        const total = count, text = payload
        let n = 0
        Taro.connectSocket({ url: url }).then(task => {
            task.onMessage(res => {
                if (++n === total) {
                    received = n
                    task.close()
                    done()
                } else {
                    task.send({ data: text })
                }
            })
            task.onOpen(() => task.send({ data: text }))
        })
    }
}
