// SPDX-License-Identifier: MIT
// The keepalive and backpressure example of docs/getting-started-qml.qdoc; tests/docs runs it.
//! [keepalive]
import QtQuick
import SocketTask

Item {
    id: upload
    property string url: "wss://example.com/upload"
    property int chunks: 8 // sends 8 chunks of 1 MiB, one more each time the buffer drains
    property int sent: 0
    signal finished(int closeCode)

    SocketTask {
        id: socket
        url: upload.url
        active: true
        // A ping every 10 s; nothing heard for 5 s after one fails the task (onClose 1006).
        heartbeat: ({ interval: 10000, timeout: 5000 })
        // proxy: "socks5://user:password@proxy.example.com:1080"
        bufferedAmountLowThreshold: 64 * 1024

        function sendChunk() {
            socket.send({ data: new ArrayBuffer(1024 * 1024) })
            ++upload.sent
        }

        onOpened: sendChunk()
        // What waits to be written fell under 64 KiB: the next chunk does not pile up.
        onBufferedAmountLow: {
            if (upload.sent < upload.chunks)
                sendChunk()
            else
                socket.active = false                     // closes with 1000
        }
        onRoundTripTimeChanged: console.log("round trip", socket.roundTripTime, "ms")
        onErrorOccurred: result => console.warn(result.errMsg) // "socketTask:fail heartbeat timeout"
        onClosed: result => upload.finished(result.code)
    }
}
//! [keepalive]
