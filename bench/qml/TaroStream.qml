// SPDX-License-Identifier: MIT
import QtQml
import SocketTask
// SocketTask (Taro API): send `count` messages of `payload`, then count the echoes.
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
                }
            })
            task.onOpen(() => {
                for (let i = 0; i < total; ++i)
                    task.send({ data: text })
            })
        })
    }
}
