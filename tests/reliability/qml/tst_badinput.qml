// SPDX-License-Identifier: MIT
// Bad input, through the QML API: each case gets its exact errMsg, and afterwards the task (or
// a new one) and the process keep working.
import QtQuick
import QtTest
import SocketTask
import SocketTaskTest

TestCase {
    id: tc

    readonly property string cp: "connectSocket:fail parameter error: "
    readonly property string codeMsg: "closeSocket:fail The code must be either 1000, or between 3000 and 4999"
    property var server: null
    property var opened: []

    function settle(promise) {
        const box = {
            "done": false
        };
        promise.then(v => {
                box.done = true;
                box.ok = true;
                box.value = v;
            }, e => {
                box.done = true;
                box.ok = false;
                box.value = e;
            });
        tryVerify(() => box.done, 5000);
        return box;
    }

    // An open task on the echo server, and proof that it echoes.
    function openTask() {
        const box = settle(Taro.connectSocket({
                    "url": server.urlString()
                }));
        verify(box.ok);
        tryCompare(box.value, "readyState", SocketTask.OPEN);
        opened.push(box.value);
        return box.value;
    }

    function echoes(task) {
        let echoed = null;
        task.onMessage(r => echoed = r.data);
        verify(settle(task.send({
                        "data": "still working"
                    })).ok);
        tryVerify(() => echoed === "still working", 5000, "the task still echoes");
    }

    function initTestCase() {
        Taro.maxConcurrentTasks = 0;
        server = TestHelper.server("Echo");
    }

    function cleanup() {
        for (const task of opened)
            task.close();
        opened = [];
        tryVerify(() => TestHelper.liveTaskCount() === 0, 5000, "every task CLOSED");
    }

    function test_badInput_data() {
        const closed = "closeSocket:fail WebSocket is not connected";
        return [
            // connectSocket
            {
                "tag": "connect: options a number",
                "api": "connect",
                "arg": 42,
                "errMsg": cp + "parameter should be Object instead of Number"
            }, {
                "tag": "connect: url a boolean",
                "api": "connect",
                "arg": {
                    "url": true
                },
                "errMsg": cp + "parameter.url should be String instead of Boolean"
            }, {
                "tag": "connect: timeout NaN",
                "api": "connect",
                "arg": {
                    "timeout": NaN
                },
                "errMsg": cp + "parameter.timeout must be a finite number >= 0, not NaN"
            }, {
                "tag": "connect: timeout negative",
                "api": "connect",
                "arg": {
                    "timeout": -1
                },
                "errMsg": cp + "parameter.timeout must be a finite number >= 0, not -1"
            }, {
                "tag": "connect: timeout Infinity",
                "api": "connect",
                "arg": {
                    "timeout": Infinity
                },
                "errMsg": cp + "parameter.timeout must be a finite number >= 0, not Infinity"
            }, {
                "tag": "connect: huge header value",
                "api": "connect",
                "arg": {
                    "header": {
                        "X-Big": "x".repeat(9000)
                    }
                },
                "errMsg": cp + "parameter.header[\"X-Big\"] is longer than 8192 bytes"
            }, {
                "tag": "connect: header name with a space",
                "api": "connect",
                "arg": {
                    "header": {
                        "X Big": "1"
                    }
                },
                "errMsg": cp + "parameter.header name \"X Big\" is not a valid HTTP token"
            }, {
                "tag": "connect: header name with a colon",
                "api": "connect",
                "arg": {
                    "header": {
                        "X:Big": "1"
                    }
                },
                "errMsg": cp + "parameter.header name \"X:Big\" is not a valid HTTP token"
            }, {
                "tag": "connect: header name with CR LF",
                "api": "connect",
                "arg": {
                    "header": {
                        "X\r\nBig": "1"
                    }
                },
                "errMsg": cp + "parameter.header name \"X\\r\\nBig\" is not a valid HTTP token"
            }, {
                "tag": "connect: header value with CR LF",
                "api": "connect",
                "arg": {
                    "header": {
                        "X-Big": "1\r\nX-Evil: 1"
                    }
                },
                "errMsg": cp + "parameter.header[\"X-Big\"] must not contain CR, LF or NUL"
            }, {
                "tag": "connect: reserved header Host",
                "api": "connect",
                "arg": {
                    "header": {
                        "Host": "evil"
                    }
                },
                "errMsg": cp + "parameter.header[\"Host\"] is set by the WebSocket handshake and cannot be given"
            }, {
                "tag": "connect: reserved header, other case",
                "api": "connect",
                "arg": {
                    "header": {
                        "sec-websocket-version": "8"
                    }
                },
                "errMsg": cp + "parameter.header[\"sec-websocket-version\"] is set by the WebSocket handshake and cannot be given"
            }, {
                "tag": "connect: protocol token with a space",
                "api": "connect",
                "arg": {
                    "protocols": ["a b"]
                },
                "errMsg": cp + "parameter.protocols[0] \"a b\" is not a valid protocol token"
            }, {
                "tag": "connect: empty protocol token",
                "api": "connect",
                "arg": {
                    "protocols": ["chat", ""]
                },
                "errMsg": cp + "parameter.protocols[1] \"\" is not a valid protocol token"
            }, {
                "tag": "connect: protocols a string",
                "api": "connect",
                "arg": {
                    "protocols": "chat"
                },
                "errMsg": cp + "parameter.protocols should be Array instead of String"
            }, {
                "tag": "connect: url getter throws",
                "api": "connect-raw",
                "arg": {
                    get url() {
                        throw new Error("boom");
                    }
                },
                "errMsg": cp + "parameter.url threw Error: boom"
            }, {
                "tag": "connect: header getter throws a string",
                "api": "connect",
                "arg": {
                    "header": {
                        get "X-Id"() {
                            throw "nope";
                        }
                    }
                },
                "errMsg": cp + "parameter.header[\"X-Id\"] threw nope"
            }, {
                "tag": "connect: caCertificates not a certificate",
                "api": "connect",
                "arg": {
                    "caCertificates": ["not a certificate"]
                },
                "errMsg": cp + "parameter.caCertificates[0] is not a certificate (PEM text or DER bytes)"
            },
            // send
            {
                "tag": "send: data a number",
                "api": "send",
                "arg": {
                    "data": 1
                },
                "errMsg": "sendSocketMessage:fail parameter error: parameter.data should be String or ArrayBuffer instead of Number"
            }, {
                "tag": "send: data an object",
                "api": "send",
                "arg": {
                    "data": {}
                },
                "errMsg": "sendSocketMessage:fail parameter error: parameter.data should be String or ArrayBuffer instead of Object"
            }, {
                "tag": "send: lone surrogate",
                "api": "send",
                "arg": {
                    "data": "x\uDC00"
                },
                "errMsg": "sendSocketMessage:fail parameter error: parameter.data has a lone UTF-16 surrogate at index 1"
            }, {
                "tag": "send: data getter throws",
                "api": "send",
                "arg": {
                    get data() {
                        throw new Error("boom");
                    }
                },
                "errMsg": "sendSocketMessage:fail parameter error: parameter.data threw Error: boom"
            }, {
                "tag": "send: after CLOSED",
                "api": "send-closed",
                "arg": {
                    "data": "late"
                },
                "errMsg": "sendSocketMessage:fail SocketTask.readyState is not OPEN"
            },
            // close
            {
                "tag": "close: code 0",
                "api": "close",
                "arg": {
                    "code": 0
                },
                "errMsg": codeMsg
            }, {
                "tag": "close: code 999",
                "api": "close",
                "arg": {
                    "code": 999
                },
                "errMsg": codeMsg
            }, {
                "tag": "close: code 1004",
                "api": "close",
                "arg": {
                    "code": 1004
                },
                "errMsg": codeMsg
            }, {
                "tag": "close: code 1005",
                "api": "close",
                "arg": {
                    "code": 1005
                },
                "errMsg": codeMsg
            }, {
                "tag": "close: code 1006",
                "api": "close",
                "arg": {
                    "code": 1006
                },
                "errMsg": codeMsg
            }, {
                "tag": "close: code 1015",
                "api": "close",
                "arg": {
                    "code": 1015
                },
                "errMsg": codeMsg
            }, {
                "tag": "close: code 2999",
                "api": "close",
                "arg": {
                    "code": 2999
                },
                "errMsg": codeMsg
            }, {
                "tag": "close: code 5000",
                "api": "close",
                "arg": {
                    "code": 5000
                },
                "errMsg": codeMsg
            }, {
                "tag": "close: 124-byte reason",
                "api": "close",
                "arg": {
                    "reason": "r".repeat(124)
                },
                "errMsg": "closeSocket:fail The reason must be no longer than 123 UTF-8 bytes"
            }, {
                "tag": "close: after CLOSED",
                "api": "close-closed",
                "arg": {},
                "errMsg": closed
            },
            // the declarative element
            {
                "tag": "element: url a number",
                "api": "element",
                "arg": {
                    "url": 7
                },
                "errMsg": "connectSocket:fail request:fail invalid url \"7\""
            }, {
                "tag": "element: timeout NaN",
                "api": "element",
                "arg": {
                    "timeout": NaN
                },
                "errMsg": cp + "parameter.timeout must be a finite number >= 0, not NaN"
            }, {
                "tag": "element: reserved header",
                "api": "element",
                "arg": {
                    "header": {
                        "Connection": "close"
                    }
                },
                "errMsg": cp + "parameter.header[\"Connection\"] is set by the WebSocket handshake and cannot be given"
            }];
    }

    // Values that would exhaust the conversion to C++ (ErrMsg::checkValueLimits): a value that
    // contains itself, one nested deeper than 64 levels, an Array longer than 1048576. Where a
    // check reads it, its errMsg says which limit; an option nobody reads is ignored, as on
    // every platform, without reading it to the end.
    function test_valueLimits() {
        const cyclic = {
            "name": "ctx"
        };
        cyclic.self = cyclic;
        let deep = [];
        for (let i = 0; i < 100000; ++i)
            deep = [deep];
        const huge = new Array(5e8);

        const header = {};
        header.self = header;
        for (const [options, errMsg] of [[{
                        "header": header
                    }, cp + "parameter.header[\"self\"] contains itself"], [{
                        "protocols": huge
                    }, cp + "parameter.protocols has 500000000 elements, more than 1048576"], [{
                        "protocols": deep
                    }, cp + "parameter.protocols[0] should be String instead of Array"]]) {
            const box = settle(Taro.connectSocket(Object.assign({
                            "url": server.urlString()
                        }, options)));
            verify(!box.ok);
            compare(box.value.errMsg, errMsg);
            compare(TestHelper.liveTaskCount(), 0, "no task was made");
        }

        const task = openTask();
        for (const [data, errMsg] of [[huge, "has 500000000 elements, more than 1048576"], [deep, "should be String or ArrayBuffer instead of Array"], [[cyclic], "should be String or ArrayBuffer instead of Array"]]) {
            const box = settle(task.send({
                        "data": data
                    }));
            verify(!box.ok);
            compare(box.value.errMsg, "sendSocketMessage:fail parameter error: parameter.data " + errMsg);
        }
        echoes(task); // the task keeps working

        // Unknown options: ignored, whatever they hold
        verify(settle(task.send({
                        "data": "with a context",
                        "ctx": cyclic,
                        "deep": deep,
                        "huge": huge
                    })).ok);
        const closing = settle(task.close({
                    "code": 1000,
                    "ctx": cyclic,
                    "deep": deep,
                    "huge": huge
                }));
        verify(closing.ok);
        tryCompare(task, "readyState", SocketTask.CLOSED);
        opened.splice(opened.indexOf(task), 1); // closed already: cleanup() leaves it
    }

    function test_badInput(data) {
        let errMsg = "";
        if (data.api === "connect" || data.api === "connect-raw") {
            // "connect" rows get the echo server's URL unless they are about the url
            const options = data.api === "connect-raw" || typeof data.arg !== "object" || "url" in data.arg ? data.arg : Object.assign({
                    "url": server.urlString()
                }, data.arg);
            const box = settle(Taro.connectSocket(options));
            verify(!box.ok);
            errMsg = box.value.errMsg;
            compare(TestHelper.liveTaskCount(), 0, "no task was made");
            echoes(openTask()); // a good call right after works
        } else if (data.api === "send" || data.api === "close") {
            const task = openTask();
            const box = settle(data.api === "send" ? task.send(data.arg) : task.close(data.arg));
            verify(!box.ok);
            errMsg = box.value.errMsg;
            compare(task.errMsg, errMsg);
            compare(task.readyState, SocketTask.OPEN);
            echoes(task); // the same task keeps working
        } else if (data.api === "send-closed" || data.api === "close-closed") {
            const task = openTask();
            task.close();
            tryCompare(task, "readyState", SocketTask.CLOSED);
            const box = settle(data.api === "send-closed" ? task.send(data.arg) : task.close(data.arg));
            verify(!box.ok);
            errMsg = box.value.errMsg;
            echoes(openTask());
        } else if (data.api === "element") {
            const element = elementComponent.createObject(tc, Object.assign({
                        "url": server.urlString()
                    }, data.arg));
            element.active = true;
            errMsg = element.errMsg;
            compare(element.readyState, SocketTask.CLOSED);
            element.url = server.urlString();
            element.timeout = 5000;
            element.header = {};
            element.active = false;
            element.active = true; // fixed, it connects
            tryCompare(element, "readyState", SocketTask.OPEN);
            element.destroy();
        }
        compare(errMsg, data.errMsg);
    }

    name: "BadInput"

    Component {
        id: elementComponent

        SocketTask {}
    }
}
