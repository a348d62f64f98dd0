// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import SocketTask
import SocketTaskTest

// Baidu's swan.* (qml/Swan.qml): WeChat's calls with dataType, callbacks after the call.
TestCase {
    id: tc
    name: "Swan"

    // No global listener left from another test (WeChat's rule: a new one replaces it).
    function init() {
        const none = () => {};
        Swan.onSocketOpen(none);
        Swan.onSocketMessage(none);
        Swan.onSocketError(none);
        Swan.onSocketClose(none);
    }

    function cleanup() {
        tryVerify(() => TestHelper.liveTaskCount() === 0);
        TestHelper.stopServers();
    }

    // Baidu's own SocketTask.onMessage example, with `swan` made of Swan: the task is used
    // right after the call; success logs res.socketTaskId.
    function test_socketTaskExample() {
        const swan = Swan;
        const server = TestHelper.server("Echo");
        const log = [];
        const socketHandler = swan.connectSocket({
                "url": server.urlString(),
                "header": {},
                "success": function (res) {
                    log.push("success:" + (res.socketTaskId === socketHandler.socketTaskId));
                },
                "fail": function (err) {
                    log.push("fail");
                }
            });
        compare(log, [], "after the call returned");
        socketHandler.onOpen(function () {
                socketHandler.send({
                        "data": "baidu"
                    });
                socketHandler.send({
                        "data": new Uint8Array([1, 2]).buffer
                    });
            });
        socketHandler.onMessage(function (res) {
                log.push(res.dataType + ":" + (typeof res.data));
            });
        tryCompare(log, "length", 3);
        compare(log, ["success:true", "string:string", "arraybuffer:object"]);
        swan.closeSocket({
                "code": 4001,
                "reason": "bye"
            });
        tryCompare(socketHandler, "readyState", SocketTask.CLOSED);
    }

    // Baidu's one-socket example: the global listeners, close with code and reason.
    function test_globalExample() {
        const swan = Swan;
        const server = TestHelper.server("Echo");
        const log = [];
        swan.onSocketOpen(function () {
                swan.sendSocketMessage({
                        "data": "baidu"
                    });
            });
        swan.onSocketMessage(function (res) {
                log.push(res.data + ":" + res.dataType);
                swan.closeSocket({
                        "code": 4002,
                        "reason": "done"
                    });
            });
        swan.onSocketClose(res => log.push("close:" + res.code + ":" + res.reason));
        swan.connectSocket({
                "url": server.urlString()
            });
        tryCompare(log, "length", 2);
        compare(log, ["baidu:string", "close:4002:done"]);
        // the server notes the close when its side of the connection ends, which may come
        // after the client's onClose
        tryVerify(() => server.closeCount() === 1, 5000);
        compare(server.closeCodeAt(0), 4002);
    }

    // Failures: WeChat's errMsg, after the call returned.
    function test_failure() {
        const calls = [];
        compare(Swan.connectSocket({
                    "url": "http://127.0.0.1/",
                    "fail": r => calls.push(r.errMsg)
                }), null);
        compare(calls, []);
        tryCompare(calls, "length", 1);
        compare(calls[0], "connectSocket:fail request:fail invalid url \"http://127.0.0.1/\"");
    }
}
