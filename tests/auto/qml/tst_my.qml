// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import SocketTask
import SocketTaskTest

// Alipay's my.* (qml/My.qml): its shapes, its timing, its off*; against real peers on loopback.
TestCase {
    id: tc
    name: "My"

    function cleanup() {
        for (const kind of ["Open", "Message", "Error", "Close"])
            My["offSocket" + kind]();
        if (My.latestTask && My.latestTask.readyState !== SocketTask.CLOSED)
            My.closeSocket({});
        tryVerify(() => TestHelper.liveTaskCount() === 0);
        TestHelper.stopServers();
    }

    // Alipay's multiple-instance example: the task is used inside success, after the call
    // returned; its listeners get { data: { socketTaskID, ... } }.
    function test_multiple_listenersInSuccess() {
        const my = My;
        const server = TestHelper.server("Echo");
        const events = [];
        let task = null;
        task = my.connectSocket({
                "url": server.urlString(),
                "multiple": true,
                "success": res => {
                    events.push("success:" + (res.socketTaskID === task.socketTaskId));
                    task.onOpen(r => {
                            events.push("open:" + (r.data.socketTaskID === task.socketTaskId));
                            task.send({
                                    "data": "hi"
                                });
                        });
                    task.onMessage(r => {
                            events.push("message:" + r.data.data + ":" + r.data.isBuffer);
                            task.close({});
                        });
                    task.onClose(r => events.push("close:" + (r.data.socketTaskID === task.socketTaskId)));
                }
            });
        verify(task, "multiple: true returns the task");
        compare(events, [], "success runs after the call returned");
        tryCompare(events, "length", 4);
        compare(events, ["success:true", "open:true", "message:hi:false", "close:true"]);
    }

    // Binary both ways as Base64 with isBuffer.
    function test_base64_bothWays() {
        const server = TestHelper.server("Echo");
        const got = [];
        const task = My.connectSocket({
                "url": server.urlString(),
                "multiple": true
            });
        task.onOpen(() => task.send({
                        "data": "AAEC/w==",
                        "isBuffer": true
                    }));
        task.onMessage(r => got.push(r.data));
        tryCompare(got, "length", 1);
        compare(got[0].data, "AAEC/w==");
        compare(got[0].isBuffer, true);
        compare(TestHelper.hex(server.receivedAt(0)), "000102ff", "the server got the bytes");
        // not Base64: Alipay's invalid-parameter error, and nothing sent
        const fails = [];
        task.send({
                "data": "not base64!",
                "isBuffer": true,
                "fail": r => fails.push(r)
            });
        tryCompare(fails, "length", 1);
        compare(fails[0].error, 2);
        compare(fails[0].errorMessage, "sendSocketMessage:fail parameter error: parameter.data is not Base64 (isBuffer is true)");
        compare(server.receivedCount(), 1);
        task.close({});
    }

    // `data` goes into the URL's query.
    function test_dataIntoQuery() {
        const server = TestHelper.server("Echo");
        const task = My.connectSocket({
                "url": "ws://127.0.0.1:" + server.port() + "/path?a=1",
                "data": {
                    "token": "x y&z",
                    "n": 2,
                    "flag": true
                },
                "multiple": true
            });
        tryCompare(task, "readyState", SocketTask.OPEN);
        const seen = server.requestUrl(0);
        verify(seen.endsWith("/path?a=1&flag=true&n=2&token=x%20y%26z"), seen);
        task.close({});
    }

    function test_failures_data() {
        return [{
                "tag": "empty url",
                "options": {
                    "url": ""
                },
                "error": 3
            }, {
                "tag": "bad url",
                "options": {
                    "url": "ws://"
                },
                "error": 4
            }, {
                "tag": "not ws",
                "options": {
                    "url": "http://127.0.0.1/"
                },
                "error": 5
            }, {
                "tag": "url not a string",
                "options": {
                    "url": 5
                },
                "error": 2
            }, {
                "tag": "data not an object",
                "options": {
                    "url": "ws://127.0.0.1:1/",
                    "data": "a=1"
                },
                "error": 2
            }];
    }

    // { error, errorMessage }, after the call returned; the errorMessage is the core's errMsg.
    function test_failures(data) {
        const calls = [];
        const options = Object.assign({
                "multiple": true,
                "fail": r => calls.push(r),
                "complete": r => calls.push(r)
            }, data.options);
        compare(My.connectSocket(options), null);
        compare(calls.length, 0);
        tryCompare(calls, "length", 2);
        compare(calls[0].error, data.error);
        verify(calls[0].errorMessage.startsWith("connectSocket:fail"), calls[0].errorMessage);
        compare(calls[1], calls[0]);
    }

    // A failure nobody hears is logged once, with the errMsg (Alipay's result has no errMsg).
    function test_unhandledFailureLogged() {
        ignoreWarning("connectSocket:fail request:fail invalid url \"http://127.0.0.1/\" (no fail or complete callback)");
        compare(My.connectSocket({
                    "url": "http://127.0.0.1/",
                    "multiple": true
                }), null);
    }

    // The one-socket mode: returns nothing, the global calls drive it, a second connect fails.
    function test_oneSocket() {
        const my = My;
        const server = TestHelper.server("Echo");
        const events = [];
        my.onSocketOpen(() => {
                events.push("open");
                my.sendSocketMessage({
                        "data": "AQI=",
                        "isBuffer": true
                    });
            });
        my.onSocketMessage(r => {
                events.push("message:" + r.data + ":" + r.isBuffer);
                my.closeSocket({});
            });
        my.onSocketClose(r => events.push("close:" + r.code));
        compare(my.connectSocket({
                    "url": server.urlString()
                }), undefined);
        const second = [];
        my.connectSocket({
                "url": server.urlString(),
                "fail": r => second.push(r)
            });
        tryCompare(second, "length", 1);
        compare(second[0].error, 2);
        tryCompare(events, "length", 3);
        compare(events, ["open", "message:AQI=:true", "close:1000"]);
        // once closed, a new one may be made
        my.connectSocket({
                "url": server.urlString()
            });
        tryCompare(events, "length", 6);
        compare(events.slice(3), ["open", "message:AQI=:true", "close:1000"]);
    }

    // Sending before open: Alipay's error 10.
    function test_sendBeforeOpen() {
        const server = TestHelper.server("Hang");
        const task = My.connectSocket({
                "url": server.urlString(),
                "multiple": true
            });
        const fails = [];
        task.send({
                "data": "early",
                "fail": r => fails.push(r)
            });
        tryCompare(fails, "length", 1);
        compare(fails[0].error, 10);
        task.close({});
    }

    // my.offSocketMessage(fn) removes that one, with no argument all; task.offMessage alike.
    function test_off() {
        const my = My;
        const server = TestHelper.server("Echo");
        const heard = [];
        const a = r => heard.push("a:" + r.data);
        const b = r => heard.push("b:" + r.data);
        my.onSocketMessage(a);
        my.onSocketMessage(b);
        my.onSocketOpen(() => my.sendSocketMessage({
                        "data": "1"
                    }));
        my.connectSocket({
                "url": server.urlString()
            });
        tryCompare(heard, "length", 2);
        compare(heard, ["a:1", "b:1"]);
        my.offSocketMessage(a);
        my.sendSocketMessage({
                "data": "2"
            });
        tryCompare(heard, "length", 3);
        compare(heard[2], "b:2");
        my.offSocketMessage();
        my.onSocketMessage(a); // a sentinel: the next message reaches only it
        my.sendSocketMessage({
                "data": "3"
            });
        tryCompare(heard, "length", 4);
        compare(heard[3], "a:3");
        const task = my.latestTask;
        const own = [];
        const mine = r => own.push(r.data);
        task.onMessage(mine);
        task.onMessage(r => own.push("other"));
        task.offMessage(mine);
        my.sendSocketMessage({
                "data": "4"
            });
        tryCompare(heard, "length", 5);
        compare(own, ["other"], "the task's off* removed its own listener only");
        task.offMessage();
        my.sendSocketMessage({
                "data": "5"
            });
        tryCompare(heard, "length", 6); // the global listener stays: it is not the task's
        compare(own, ["other"]);
    }

    // A listener removed while its event is delivered is not called for it.
    function test_offDuringDelivery() {
        const server = TestHelper.server("Echo");
        const heard = [];
        const task = My.connectSocket({
                "url": server.urlString(),
                "multiple": true
            });
        const second = () => heard.push("second");
        task.onMessage(() => {
                heard.push("first");
                task.offMessage(second);
            });
        task.onMessage(second);
        task.onOpen(() => task.send({
                        "data": "x"
                    }));
        tryCompare(heard, "length", 1);
        task.send({
                "data": "y"
            });
        tryCompare(heard, "length", 2);
        compare(heard, ["first", "first"]);
        task.close({});
    }

    // Five at most, as Alipay.
    function test_limit() {
        const server = TestHelper.server("Hang");
        const tasks = [];
        for (let i = 0; i < 5; ++i)
            tasks.push(My.connectSocket({
                        "url": server.urlString(),
                        "multiple": true
                    }));
        const fails = [];
        compare(My.connectSocket({
                    "url": server.urlString(),
                    "multiple": true,
                    "fail": r => fails.push(r)
                }), null);
        tryCompare(fails, "length", 1);
        compare(fails[0].errorMessage, "connectSocket:fail exceed max concurrent socket tasks: 5");
        tasks.forEach(t => t.close({}));
    }

    // onOpen's header: the server's own, as sent (hostile_server.py's own-headers).
    function test_openHeader() {
        const peer = TestHelper.python("hostile_server.py");
        const headers = [];
        const task = My.connectSocket({
                "url": "ws://127.0.0.1:" + peer.port + "/own-headers",
                "multiple": true
            });
        task.onOpen(r => headers.push(r.data.header));
        tryCompare(headers, "length", 1);
        compare(headers[0]["X-Server-Id"], "node-7");
        compare(headers[0]["Set-Cookie"].length, 2);
        compare(headers[0]["X-Multi"], "a, b");
        task.close({});
    }
}
