// SPDX-License-Identifier: MIT
// The QML side of docs/contract.md through the Taro facade, against real WebSocket peers.
import QtQuick
import QtTest
import SocketTask
import SocketTaskTest

TestCase {
    id: tc

    readonly property string p: "connectSocket:fail parameter error: "
    property var globalLog: []
    property int streamed: 0
    property string streamClose: ""

    // Waits for a Promise and tells how it settled.
    function settle(promise) {
        const box = {
            "done": false
        };
        promise.then(value => {
                box.done = true;
                box.ok = true;
                box.value = value;
            }, error => {
                box.done = true;
                box.ok = false;
                box.value = error;
            });
        tryVerify(() => box.done, 5000, "the Promise settled");
        return box;
    }

    // Resolves connectSocket and attaches the recorder where Taro code would: in then().
    function connect(options) {
        const box = {
            "done": false
        };
        Taro.connectSocket(options).then(task => {
                box.log = record(task);
                box.state = task.readyState;
                box.task = task;
                box.done = true;
            }, error => {
                box.error = error;
                box.done = true;
            });
        tryVerify(() => box.done, 5000, "connectSocket settled");
        verify(box.task, "connectSocket resolved");
        return box;
    }

    // Every event of a task, one line each.
    function record(task) {
        const log = {
            "events": [],
            "messages": []
        };
        task.onOpen(r => log.events.push("open:" + r.protocol));
        task.onMessage(r => {
                log.messages.push(r.data);
                log.events.push("message");
            });
        task.onError(r => log.events.push("error:" + r.errMsg));
        task.onClose(r => log.events.push("close:" + r.code + ":" + r.reason));
        return log;
    }

    function closed(log) {
        return log.events.length > 0 && log.events[log.events.length - 1].startsWith("close:");
    }

    function openTask(server, extra) {
        const made = connect(Object.assign({
                    "url": server.urlString()
                }, extra || {}));
        tryCompare(made.task, "readyState", SocketTask.OPEN);
        return made;
    }

    function init() {
        Taro.maxConcurrentTasks = 5;
    }

    function cleanup() {
        TestHelper.stopServers(); // drops every connection
        tryVerify(() => TestHelper.liveTaskCount() === 0, 5000, "every task CLOSED");
    }

    function test_connectSocket_ok() {
        const server = TestHelper.server("Echo");
        const calls = [];
        const promise = Taro.connectSocket({
                "url": server.urlString(),
                "success": r => calls.push(["success", r.errMsg, r.socketTaskId]),
                "fail": r => calls.push(["fail", r.errMsg]),
                "complete": r => calls.push(["complete", r.errMsg, r.socketTaskId])
            });
        // synchronously, success then complete
        compare(calls.length, 2);
        compare(calls[0][0], "success");
        compare(calls[0][1], "connectSocket:ok");
        compare(calls[1][0], "complete");
        verify(calls[0][2] > 0);
        const box = settle(promise);
        verify(box.ok);
        const task = box.value;
        compare(task.socketTaskId, calls[0][2]);
        compare(task.errMsg, "connectSocket:ok");
        compare(task.url, server.urlString());
        tryCompare(task, "readyState", SocketTask.OPEN);
    }

    // Not a timing: a structural guard of the speed of task.send. Qt 6.4 scans the methods
    // declared before a called one, in its class, on every call from JavaScript.
    function test_sendIsTheFirstMethodOfItsClass() {
        const server = TestHelper.server("Echo");
        const task = settle(Taro.connectSocket({
                    "url": server.urlString()
                })).value;
        compare(TestHelper.firstOwnMethod(task), "send");
    }

    function test_connectSocket_checks_data() {
        const url = "ws://127.0.0.1:1/";
        const bad = reason => "connectSocket:fail request:fail invalid url \"" + reason + "\"";
        return [{
                "tag": "options undefined",
                "options": undefined,
                "errMsg": p + "parameter should be Object instead of Undefined"
            }, {
                "tag": "options null",
                "options": null,
                "errMsg": p + "parameter should be Object instead of Null"
            }, {
                "tag": "options number",
                "options": 1,
                "errMsg": p + "parameter should be Object instead of Number"
            }, {
                "tag": "options string",
                "options": url,
                "errMsg": p + "parameter should be Object instead of String"
            }, {
                "tag": "options array",
                "options": [url],
                "errMsg": p + "parameter should be Object instead of Array"
            }, {
                "tag": "options function",
                "options": function () {},
                "errMsg": p + "parameter should be Object instead of Function"
            }, {
                "tag": "options date",
                "options": new Date(),
                "errMsg": p + "parameter should be Object instead of Date"
            }, {
                "tag": "url missing",
                "options": {},
                "errMsg": p + "parameter.url should be String instead of Undefined"
            }, {
                "tag": "url number",
                "options": {
                    "url": 80
                },
                "errMsg": p + "parameter.url should be String instead of Number"
            }, {
                "tag": "url null",
                "options": {
                    "url": null
                },
                "errMsg": p + "parameter.url should be String instead of Null"
            }, {
                "tag": "url object",
                "options": {
                    "url": {}
                },
                "errMsg": p + "parameter.url should be String instead of Object"
            }, {
                "tag": "url http",
                "options": {
                    "url": "http://127.0.0.1/"
                },
                "errMsg": bad("http://127.0.0.1/")
            }, {
                "tag": "url without host",
                "options": {
                    "url": "ws://"
                },
                "errMsg": bad("ws://")
            }, {
                "tag": "url garbage",
                "options": {
                    "url": "not a url"
                },
                "errMsg": bad("not a url")
            }, {
                "tag": "header array",
                "options": {
                    "url": url,
                    "header": []
                },
                "errMsg": p + "parameter.header should be Object instead of Array"
            }, {
                "tag": "header value number",
                "options": {
                    "url": url,
                    "header": {
                        "X-Id": 7
                    }
                },
                "errMsg": p + "parameter.header[\"X-Id\"] should be String instead of Number"
            }, {
                "tag": "header name with space",
                "options": {
                    "url": url,
                    "header": {
                        "X Id": "1"
                    }
                },
                "errMsg": p + "parameter.header name \"X Id\" is not a valid HTTP token"
            }, {
                "tag": "header value CRLF",
                "options": {
                    "url": url,
                    "header": {
                        "X-Id": "1\r\nHost: evil"
                    }
                },
                "errMsg": p + "parameter.header[\"X-Id\"] must not contain CR, LF or NUL"
            }, {
                "tag": "header reserved",
                "options": {
                    "url": url,
                    "header": {
                        "Sec-WebSocket-Key": "x"
                    }
                },
                "errMsg": p + "parameter.header[\"Sec-WebSocket-Key\"] is set by the WebSocket handshake and cannot be given"
            }, {
                "tag": "protocols string",
                "options": {
                    "url": url,
                    "protocols": "chat"
                },
                "errMsg": p + "parameter.protocols should be Array instead of String"
            }, {
                "tag": "protocols element number",
                "options": {
                    "url": url,
                    "protocols": ["chat", 2]
                },
                "errMsg": p + "parameter.protocols[1] should be String instead of Number"
            }, {
                "tag": "protocols bad token",
                "options": {
                    "url": url,
                    "protocols": ["a b"]
                },
                "errMsg": p + "parameter.protocols[0] \"a b\" is not a valid protocol token"
            }, {
                "tag": "protocols duplicate",
                "options": {
                    "url": url,
                    "protocols": ["chat", "chat"]
                },
                "errMsg": p + "parameter.protocols[1] \"chat\" is a duplicate"
            }, {
                "tag": "timeout string",
                "options": {
                    "url": url,
                    "timeout": "100"
                },
                "errMsg": p + "parameter.timeout should be Number instead of String"
            }, {
                "tag": "timeout NaN",
                "options": {
                    "url": url,
                    "timeout": NaN
                },
                "errMsg": p + "parameter.timeout must be a finite number >= 0, not NaN"
            }, {
                "tag": "timeout negative",
                "options": {
                    "url": url,
                    "timeout": -1
                },
                "errMsg": p + "parameter.timeout must be a finite number >= 0, not -1"
            }, {
                "tag": "tcpNoDelay string",
                "options": {
                    "url": url,
                    "tcpNoDelay": "yes"
                },
                "errMsg": p + "parameter.tcpNoDelay should be Boolean instead of String"
            }, {
                "tag": "heartbeat interval string",
                "options": {
                    "url": url,
                    "heartbeat": {
                        "interval": "30s"
                    }
                },
                "errMsg": p + "parameter.heartbeat.interval should be Number instead of String"
            }];
    }

    function test_connectSocket_checks(data) {
        const calls = [];
        let options = data.options;
        // callbacks can only ride on an object; for the others, the Promise tells
        if (options !== null && typeof options === "object" && !Array.isArray(options) && !(options instanceof Date)) {
            options = Object.assign({}, options, {
                    "success": r => calls.push("success"),
                    "fail": r => calls.push("fail:" + r.errMsg),
                    "complete": r => calls.push("complete:" + r.errMsg)
                });
        }
        const box = settle(Taro.connectSocket(options));
        compare(box.value.errMsg, data.errMsg);
        if (options !== data.options) {
            compare(calls, ["fail:" + data.errMsg, "complete:" + data.errMsg]);
            verify(box.ok, "resolves with the result when fail/complete was given");
        } else {
            verify(!box.ok, "rejects without callbacks");
        }
        compare(TestHelper.liveTaskCount(), 0);
    }

    function test_connectSocket_promiseRule() {
        const url = "http://not-websocket/";
        const errMsg = "connectSocket:fail request:fail invalid url \"" + url + "\"";
        let box = settle(Taro.connectSocket({
                    "url": url
                }));
        verify(!box.ok, "no callbacks: rejects");
        compare(box.value.errMsg, errMsg);
        box = settle(Taro.connectSocket({
                    "url": url,
                    "success": () => {}
                }));
        verify(!box.ok, "only success: rejects");
        box = settle(Taro.connectSocket({
                    "url": url,
                    "complete": () => {}
                }));
        verify(box.ok, "complete given: resolves with the result");
        compare(box.value.errMsg, errMsg);
        box = settle(Taro.connectSocket({
                    "url": url,
                    "fail": () => {}
                }));
        verify(box.ok, "fail given: resolves with the result");
    }

    function test_connectSocket_headersAndProtocolsSent() {
        const server = TestHelper.server("Echo");
        const opened = openTask(server, {
                "header": {
                    "X-Token": "abc 123",
                    "Cookie": "a=b"
                },
                "protocols": ["v2", "chat"]
            });
        compare(server.header(0, "X-Token"), "abc 123");
        compare(server.header(0, "Cookie"), "a=b");
        compare(server.header(0, "Sec-WebSocket-Protocol"), "v2, chat");
        compare(opened.log.events, ["open:chat"]);
        compare(opened.task.protocol, "chat");
    }

    function test_onOpen_result() {
        const server = TestHelper.server("Echo");
        let result = null;
        Taro.connectSocket({
                "url": server.urlString()
            }).then(task => task.onOpen(r => result = r));
        tryVerify(() => result !== null);
        compare(typeof result.header, "object");
        // Qt's QWebSocketServer answers with these three, spelled so
        compare(result.header["Upgrade"], "websocket");
        compare(result.header["Connection"], "Upgrade");
        verify(result.header["Sec-WebSocket-Accept"].length > 0);
        compare(result.protocol, "");
    }

    function test_constants() {
        const server = TestHelper.server("Echo");
        const made = connect({
                "url": server.urlString()
            });
        const task = made.task;
        compare([task.CONNECTING, task.OPEN, task.CLOSING, task.CLOSED], [0, 1, 2, 3]);
        compare([SocketTask.CONNECTING, SocketTask.OPEN, SocketTask.CLOSING, SocketTask.CLOSED], [0, 1, 2, 3]);
        compare(made.state, task.CONNECTING, "a new task is CONNECTING");
    }

    function test_events_order_peerClose() {
        const server = TestHelper.server("TwoThenClose");
        const made = connect({
                "url": server.urlString()
            });
        const task = made.task;
        const log = made.log;
        tryVerify(() => closed(log));
        compare(log.events, ["open:", "message", "message", "close:4000:bye"]);
        compare(log.messages, ["one", "two"]);
        compare(task.readyState, task.CLOSED);
    }

    function test_events_order_refused() {
        const made = connect({
                "url": "ws://127.0.0.1:" + TestHelper.closedPort() + "/"
            });
        const task = made.task;
        const log = made.log;
        tryVerify(() => closed(log));
        compare(log.events, ["error:connectSocket:fail Connection refused", "close:1006:"]);
        compare(task.errMsg, "connectSocket:fail Connection refused");
    }

    function test_events_order_drop() {
        const server = TestHelper.server("Echo");
        const opened = openTask(server);
        opened.task.send({
                "data": "drop"
            });
        tryVerify(() => closed(opened.log));
        compare(opened.log.events.length, 3);
        verify(opened.log.events[1].startsWith("error:socketTask:fail "), opened.log.events[1]);
        compare(opened.log.events[2], "close:1006:");
    }

    function test_events_timeout() {
        const server = TestHelper.server("Hang");
        const made = connect({
                "url": server.urlString(),
                "timeout": 200
            });
        const task = made.task;
        const log = made.log;
        tryVerify(() => closed(log));
        compare(log.events, ["error:connectSocket:fail timeout", "close:1006:"]);
    }

    function test_events_handshakeRefused() {
        const server = TestHelper.server("Refuse403");
        const made = connect({
                "url": server.urlString()
            });
        const task = made.task;
        const log = made.log;
        tryVerify(() => closed(log));
        compare(log.events, ["error:connectSocket:fail the server answered \"HTTP/1.1 403 Forbidden\", not 101 Switching Protocols", "close:1006:"]);
    }

    function test_listeners_addUpInOrder() {
        const server = TestHelper.server("Echo");
        const order = [];
        Taro.connectSocket({
                "url": server.urlString()
            }).then(task => {
                task.onOpen(() => order.push("open1"));
                task.onOpen(() => order.push("open2"));
                task.onMessage(() => order.push("message1"));
                task.onMessage(() => order.push("message2"));
                task.onOpen(() => task.send({
                                "data": "x"
                            }));
            });
        tryCompare(order, "length", 4);
        compare(order, ["open1", "open2", "message1", "message2"]);
    }

    function test_listeners_throwingIsLogged() {
        const server = TestHelper.server("Echo");
        const ran = [];
        const opened = openTask(server);
        const task = opened.task;
        task.onMessage(() => {
                throw new Error("listener boom");
            });
        task.onMessage(r => ran.push(r.data));
        ignoreWarning(/onMessage listener threw: Error: listener boom/);
        task.send({
                "data": "after the throw"
            });
        tryCompare(ran, "length", 1);
        compare(ran[0], "after the throw");
        compare(task.readyState, task.OPEN);
    }

    function test_listeners_notAFunction() {
        const server = TestHelper.server("Echo");
        const task = connect({
                "url": server.urlString()
            }).task;
        ignoreWarning("SocketTask.onOpen: the listener should be a Function, not Number");
        task.onOpen(5);
        ignoreWarning("Taro.onSocketMessage: the listener should be a Function, not String");
        Taro.onSocketMessage("nope");
    }

    function test_send_textAndBinary() {
        const server = TestHelper.server("Echo");
        const opened = openTask(server);
        const task = opened.task;
        const bytes = new Uint8Array([0, 1, 2, 254, 255]);
        let box = settle(task.send({
                    "data": "héllo 🌍"
                }));
        verify(box.ok);
        compare(box.value.errMsg, "sendSocketMessage:ok");
        task.send({
                "data": bytes.buffer
            });
        // a view sends only the bytes it shows
        const big = new Uint8Array([9, 9, 7, 8, 9, 9]);
        task.send({
                "data": big.subarray(2, 4)
            });
        task.send({
                "data": new DataView(big.buffer, 1, 2)
            });
        tryCompare(opened.log.messages, "length", 4);
        compare(opened.log.messages[0], "héllo 🌍");
        verify(opened.log.messages[1] instanceof ArrayBuffer);
        compare(TestHelper.hex(opened.log.messages[1]), "000102feff");
        compare(TestHelper.hex(opened.log.messages[2]), "0708");
        compare(TestHelper.hex(opened.log.messages[3]), "0907");
    }

    function test_bufferedAmount() {
        const server = TestHelper.server("Echo");
        const task = openTask(server).task;
        compare(task.bufferedAmount, 0);
        task.send({
                "data": "x".repeat(1000)
            });
        // The socket writes from the event loop: all of it waits until then. A client frame
        // of 1000 bytes has 8 bytes of header (length and masking key).
        compare(task.bufferedAmount, 1008);
        tryCompare(task, "bufferedAmount", 0);
    }

    // Backpressure: one bufferedAmountLow after a send that went over the threshold, once the
    // socket has written it down.
    function test_bufferedAmountLow() {
        const server = TestHelper.server("Echo");
        const task = openTask(server).task;
        compare(task.bufferedAmountLowThreshold, -1);
        let lows = 0;
        task.bufferedAmountLow.connect(() => ++lows);
        task.bufferedAmountLowThreshold = 65536;
        compare(task.bufferedAmountLowThreshold, 65536);
        task.send({
                "data": new ArrayBuffer(4 * 1024 * 1024)
            });
        verify(task.bufferedAmount > 65536);
        compare(lows, 0, "never inside send()");
        tryVerify(() => lows === 1, 10000);
        verify(task.bufferedAmount <= 65536);
        task.close();
    }

    function test_send_errors_data() {
        const s = "sendSocketMessage:fail parameter error: parameter.data should be String or ArrayBuffer instead of ";
        return [{
                "tag": "undefined",
                "data": undefined,
                "errMsg": s + "Undefined"
            }, {
                "tag": "null",
                "data": null,
                "errMsg": s + "Null"
            }, {
                "tag": "number",
                "data": 42,
                "errMsg": s + "Number"
            }, {
                "tag": "boolean",
                "data": true,
                "errMsg": s + "Boolean"
            }, {
                "tag": "object",
                "data": {
                    "a": 1
                },
                "errMsg": s + "Object"
            }, {
                "tag": "array",
                "data": [1, 2],
                "errMsg": s + "Array"
            }, {
                "tag": "function",
                "data": function () {},
                "errMsg": s + "Function"
            }, {
                "tag": "lone surrogate",
                "data": "ab\uD800",
                "errMsg": "sendSocketMessage:fail parameter error: parameter.data has a lone UTF-16 surrogate at index 2"
            }];
    }

    function test_send_errors(data) {
        const server = TestHelper.server("Echo");
        const opened = openTask(server);
        const calls = [];
        const box = settle(opened.task.send({
                    "data": data.data,
                    "success": () => calls.push("success"),
                    "fail": r => calls.push("fail:" + r.errMsg),
                    "complete": r => calls.push("complete")
                }));
        verify(!box.ok, "rejects, callbacks or not");
        compare(box.value.errMsg, data.errMsg);
        compare(calls, ["fail:" + data.errMsg, "complete"]);
        compare(opened.task.errMsg, data.errMsg);
        wait(20);
        compare(server.receivedCount(), 0);
        compare(opened.task.readyState, opened.task.OPEN);
    }

    // A Map is not an Object to the contract, in all three calls (made here: a data row would
    // turn it into a plain object).
    function test_mapIsNotAnObject() {
        const server = TestHelper.server("Echo");
        const failed = settle(Taro.connectSocket(new Map([["url", server.urlString()]])));
        verify(!failed.ok);
        compare(failed.value.errMsg, "connectSocket:fail parameter error: parameter should be Object instead of Map");
        const opened = openTask(server);
        const sent = settle(opened.task.send(new Map([["data", "x"]])));
        verify(!sent.ok);
        compare(sent.value.errMsg, "sendSocketMessage:fail parameter error: parameter should be Object instead of Map");
        const closed = settle(opened.task.close(new Map([["code", 4000]])));
        verify(!closed.ok);
        compare(closed.value.errMsg, "closeSocket:fail parameter error: parameter should be Object instead of Map");
        compare(opened.task.readyState, opened.task.OPEN);
    }

    function test_send_optionNotObject_data() {
        return [{
                "tag": "string",
                "option": "text",
                "type": "String"
            }, {
                "tag": "Map",
                "option": new Map([["data", "x"]]),
                "type": "Map"
            }];
    }

    function test_send_optionNotObject(data) {
        const server = TestHelper.server("Echo");
        const opened = openTask(server);
        const box = settle(opened.task.send(data.option));
        verify(!box.ok);
        compare(box.value.errMsg, "sendSocketMessage:fail parameter error: parameter should be Object instead of " + data.type);
    }

    function test_send_notOpen() {
        const server = TestHelper.server("Hang");
        const task = connect({
                "url": server.urlString()
            }).task;
        const box = settle(task.send({
                    "data": "early"
                }));
        verify(!box.ok);
        compare(box.value.errMsg, "sendSocketMessage:fail SocketTask.readyState is not OPEN");
    }

    function test_close_errors_data() {
        const code = "closeSocket:fail The code must be either 1000, or between 3000 and 4999";
        return [{
                "tag": "code 999",
                "option": {
                    "code": 999
                },
                "errMsg": code
            }, {
                "tag": "code 1005",
                "option": {
                    "code": 1005
                },
                "errMsg": code
            }, {
                "tag": "code 5000",
                "option": {
                    "code": 5000
                },
                "errMsg": code
            }, {
                "tag": "code NaN",
                "option": {
                    "code": NaN
                },
                "errMsg": code
            }, {
                "tag": "code string",
                "option": {
                    "code": "1000"
                },
                "errMsg": "closeSocket:fail parameter error: parameter.code should be Number instead of String"
            }, {
                "tag": "reason 124 bytes",
                "option": {
                    "reason": "r".repeat(124)
                },
                "errMsg": "closeSocket:fail The reason must be no longer than 123 UTF-8 bytes"
            }, {
                "tag": "option number",
                "option": 1000,
                "errMsg": "closeSocket:fail parameter error: parameter should be Object instead of Number"
            }, {
                "tag": "option Map",
                "option": new Map([["code", 4000]]),
                "errMsg": "closeSocket:fail parameter error: parameter should be Object instead of Map"
            }];
    }

    function test_close_errors(data) {
        const server = TestHelper.server("Echo");
        const opened = openTask(server);
        const box = settle(opened.task.close(data.option));
        verify(!box.ok);
        compare(box.value.errMsg, data.errMsg);
        compare(opened.task.readyState, opened.task.OPEN);
    }

    function test_close_whileOpen() {
        const server = TestHelper.server("Echo");
        const opened = openTask(server);
        const box = settle(opened.task.close({
                    "code": 4001,
                    "reason": "done here"
                }));
        verify(box.ok);
        compare(box.value.errMsg, "closeSocket:ok");
        tryVerify(() => closed(opened.log));
        compare(opened.log.events, ["open:", "close:4001:done here"]);
        tryVerify(() => server.closeCount() === 1);
        compare(server.closeCodeAt(0), 4001);
        compare(server.closeReasonAt(0), "done here");
    }

    function test_close_statesAndDefaults() {
        const server = TestHelper.server("Echo");
        const opened = openTask(server);
        opened.task.close();
        compare(opened.task.readyState, opened.task.CLOSING);
        const again = settle(opened.task.close());
        verify(again.ok, "CLOSING: ok, nothing more");
        tryVerify(() => closed(opened.log));
        compare(opened.log.events, ["open:", "close:1000:"]);
        const after = settle(opened.task.close());
        verify(!after.ok);
        compare(after.value.errMsg, "closeSocket:fail WebSocket is not connected");
    }

    function test_close_whileConnecting() {
        const server = TestHelper.server("Hang");
        const made = connect({
                "url": server.urlString()
            });
        const task = made.task;
        const log = made.log;
        verify(settle(task.close()).ok);
        tryVerify(() => closed(log));
        compare(log.events, ["close:1006:"]);
    }

    function test_incomingLimit() {
        TestHelper.setMaxIncomingMessageSize(1024);
        const server = TestHelper.server("Echo");
        const opened = openTask(server);
        opened.task.send({
                "data": "big 2000"
            });
        tryVerify(() => closed(opened.log));
        TestHelper.setMaxIncomingMessageSize(64 * 1024 * 1024);
        compare(opened.log.events, ["open:", "error:socketTask:fail incoming message larger than 1024 bytes", "close:1009:"]);
    }

    function test_limit_reachedAndReleased() {
        compare(Taro.maxConcurrentTasks, 5);
        const server = TestHelper.server("Hang");
        const tasks = [];
        for (let i = 0; i < 5; ++i)
            tasks.push(connect({
                        "url": server.urlString()
                    }).task);
        let box = settle(Taro.connectSocket({
                    "url": server.urlString()
                }));
        verify(!box.ok);
        compare(box.value.errMsg, "connectSocket:fail exceed max concurrent socket tasks: 5");
        tasks[0].close();
        tryCompare(tasks[0], "readyState", SocketTask.CLOSED);
        box = settle(Taro.connectSocket({
                    "url": server.urlString()
                }));
        verify(box.ok, "a CLOSED task frees its slot");
        ignoreWarning("setMaxConcurrentTasks: the limit is 0 (none) or more, not -1; it stays 5");
        Taro.maxConcurrentTasks = -1;
        compare(Taro.maxConcurrentTasks, 5, "a refused limit leaves the old one");
        Taro.maxConcurrentTasks = 7;
        compare(TestHelper.maxConcurrentTasks(), 7);
        for (let i = 0; i < 2; ++i)
            verify(settle(Taro.connectSocket({
                            "url": server.urlString()
                        })).ok);
        box = settle(Taro.connectSocket({
                    "url": server.urlString()
                }));
        compare(box.value.errMsg, "connectSocket:fail exceed max concurrent socket tasks: 7");
    }

    // The limit lives in the core: a change made from C++ is what Taro says, before and after
    // QML set it.
    function test_limit_oneHome() {
        TestHelper.setMaxConcurrentTasks(3);
        compare(Taro.maxConcurrentTasks, 3);
        Taro.maxConcurrentTasks = 4;
        compare(TestHelper.maxConcurrentTasks(), 4);
        TestHelper.setMaxConcurrentTasks(6);
        compare(Taro.maxConcurrentTasks, 6);
        Taro.maxConcurrentTasks = 5;
    }

    // Taro's own API only: its helpers live in globallisteners.js, not on the singleton.
    function test_helpersAreNotMembers() {
        for (const name of ["_forward", "_addGlobal", "_globalListeners", "forward", "add", "attach"])
            compare(typeof Taro[name], "undefined", name);
        compare(typeof Taro.onSocketMessage, "function");
    }

    // What Taro.qml needs from C++ is in SocketTask.Impl: `import SocketTask` does not show it.
    function test_backendIsNotATypeOfTheModule() {
        const probe = Qt.createQmlObject("import QtQml; import SocketTask; QtObject { property string backend: typeof SocketTaskBackend; property string taro: typeof Taro }", this);
        // Through an untyped parameter: to qmllint 6.8+, createQmlObject makes a plain QObject.
        const read = (object, name) => object[name];
        compare(read(probe, "taro"), "object");
        compare(read(probe, "backend"), "undefined");
        probe.destroy();
    }

    // The keepalive option: pings once OPEN, and roundTripTime follows each pong (Qt's server
    // answers pings itself).
    function test_heartbeat() {
        const server = TestHelper.server("Echo");
        const opened = openTask(server, {
                "heartbeat": {
                    "interval": 50,
                    "timeout": 1000
                }
            });
        // (Not -1 by now: a pong may have come while openTask waited. tst_task checks -1.)
        tryVerify(() => opened.task.roundTripTime >= 0, 5000);
        compare(opened.task.readyState, SocketTask.OPEN);
        opened.task.close();
        tryVerify(() => closed(opened.log));
        compare(opened.log.events[opened.log.events.length - 1], "close:1000:");
    }

    // A Taro task is the handle of its connection: the element's option properties are not its.
    function test_taroTaskKeepsItsOptions() {
        const server = TestHelper.server("Echo");
        const opened = connect({
                "url": server.urlString()
            });
        ignoreWarning("SocketTask.timeout: a task made by Taro.connectSocket keeps the options it was made with");
        opened.task.timeout = 5;
        compare(opened.task.timeout, 60000, "not set: it reads as the default");
        compare(opened.task.url, server.urlString());
        opened.task.close();
        tryVerify(() => closed(opened.log));
    }

    function test_legacy_globalApi() {
        // Before any live task: not connected.
        const first = TestHelper.server("Echo");
        const old = openTask(first);
        old.task.close();
        tryVerify(() => closed(old.log));
        let box = settle(Taro.sendSocketMessage({
                    "data": "x"
                }));
        verify(!box.ok);
        compare(box.value.errMsg, "sendSocketMessage:fail WebSocket is not connected");
        box = settle(Taro.closeSocket({}));
        compare(box.value.errMsg, "closeSocket:fail WebSocket is not connected");

        // Global listeners added before the task exists hear it.
        globalLog = [];
        Taro.onSocketOpen(r => tc.globalLog.push("open"));
        Taro.onSocketMessage(r => tc.globalLog.push("message:" + r.data));
        Taro.onSocketError(r => tc.globalLog.push("error"));
        Taro.onSocketClose(r => tc.globalLog.push("close:" + r.code + ":" + r.reason));
        const server = TestHelper.server("Echo");
        const earlier = connect({
                "url": server.urlString()
            }).task;
        tryCompare(earlier, "readyState", SocketTask.OPEN);
        compare(tc.globalLog, ["open"]); // earlier was the latest task then
        globalLog = [];
        const task = connect({
                "url": server.urlString()
            }).task;
        compare(Taro.latestTask, task);
        tryCompare(task, "readyState", SocketTask.OPEN);
        box = settle(Taro.sendSocketMessage({
                    "data": "via the global API"
                }));
        verify(box.ok);
        compare(box.value.errMsg, "sendSocketMessage:ok");
        earlier.send({
                "data": "not the latest task: unheard"
            });
        tryVerify(() => tc.globalLog.length >= 2);
        box = settle(Taro.closeSocket({
                    "code": 4002,
                    "reason": "legacy"
                }));
        verify(box.ok);
        tryVerify(() => tc.globalLog.length === 3);
        compare(tc.globalLog, ["open", "message:via the global API", "close:4002:legacy"]);
        earlier.close();
    }

    // Taro's documented example for connectSocket, as written there (callbacks and then()).
    function test_taroDocumentationExample() {
        const server = TestHelper.server("Echo");
        const seen = [];
        Taro.connectSocket({
                "url": server.urlString(),
                "success": function () {
                    seen.push("connect success");
                }
            }).then(task => {
                task.onOpen(function () {
                        seen.push("onOpen");
                        task.send({
                                "data": "xxx"
                            });
                    });
                task.onMessage(function (msg) {
                        seen.push("onMessage: " + msg.data);
                        task.close();
                    });
                task.onError(function () {
                        seen.push("onError");
                    });
                task.onClose(function (e) {
                        seen.push("onClose: " + e.code);
                    });
            });
        tryCompare(seen, "length", 4);
        compare(seen, ["connect success", "onOpen", "onMessage: xxx", "onClose: 1000"]);
    }

    function test_lifetime_aliveWithoutReferencesUntilClosed() {
        // A task nobody references keeps working while messages flow and the GC runs...
        const server = TestHelper.server("Stream");
        streamed = 0;
        streamClose = "";
        let handle = -1;
        (function () {
                Taro.connectSocket({
                        "url": server.urlString()
                    }).then(task => {
                        handle = TestHelper.watch(task);
                        task.onMessage(r => tc.streamed++);
                        task.onClose(r => tc.streamClose = r.code + ":" + r.reason);
                    });
            })();
        tryVerify(() => handle >= 0);
        // ...and is not the latest either, which Taro holds on to.
        const other = TestHelper.server("Echo");
        connect({
                "url": other.urlString()
            }).task.close();
        for (let i = 0; i < 100 && tc.streamClose === ""; ++i) {
            TestHelper.collectGarbage();
            wait(10);
        }
        tryCompare(tc, "streamClose", "4000:done");
        compare(tc.streamed, 50);
        // ...and once CLOSED, the collector may take it.
        tryVerify(() => {
                TestHelper.collectGarbage();
                return !TestHelper.isAlive(handle);
            }, 5000, "collected after CLOSED");
    }

    name: "Taro"
}
