// SPDX-License-Identifier: MIT
// The declarative element: SocketTask { url: ...; active: true }.
import QtQuick
import QtTest
import SocketTask
import SocketTaskTest

TestCase {
    id: tc

    property var signals: []

    // The element writes its signals to tc.signals through its own `log` property: a nested
    // component that names `tc` is an unqualified access to qmllint 6.8+ (and Qt 6.4's
    // qmlformat mangles the pragma that would allow it). Set after creation, so that it is
    // this very array (createObject's initial properties copy arrays from Qt 6.8).
    function make(properties) {
        const element = socketComponent.createObject(tc, properties || {});
        verify(element);
        element.log = tc.signals;
        return element;
    }

    function cleanup() {
        TestHelper.stopServers();
        tryVerify(() => TestHelper.liveTaskCount() === 0, 5000, "every task CLOSED");
        signals = [];
    }

    function closedSignal() {
        return tc.signals.length > 0 && tc.signals[tc.signals.length - 1].startsWith("closed:");
    }

    function test_inactive() {
        const element = make();
        compare(element.active, false);
        compare(element.readyState, SocketTask.CLOSED);
        compare(element.socketTaskId, 0);
        compare(element.errMsg, "");
        compare(element.OPEN, 1);
        wait(20);
        compare(TestHelper.liveTaskCount(), 0);
        let done = null;
        element.send({
                "data": "x"
            }).catch(r => done = r);
        tryVerify(() => done !== null);
        compare(done.errMsg, "sendSocketMessage:fail WebSocket is not connected");
        element.destroy();
    }

    // off* on the element: removed from its current connection and from the next ones.
    function test_offAcrossConnections() {
        const server = TestHelper.server("Echo");
        const element = make({
                "url": server.urlString()
            });
        const heard = [];
        const removed = r => heard.push("removed:" + r.data);
        element.onMessage(removed);
        element.onMessage(r => heard.push("kept:" + r.data));
        element.offMessage(removed);
        element.active = true;
        tryCompare(element, "readyState", SocketTask.OPEN);
        element.send({
                "data": "one"
            });
        tryCompare(heard, "length", 1);
        compare(heard, ["kept:one"]);
        element.active = false;
        tryCompare(element, "readyState", SocketTask.CLOSED);
        element.active = true; // a new connection: the removed listener stays removed
        tryCompare(element, "readyState", SocketTask.OPEN);
        element.send({
                "data": "two"
            });
        tryCompare(heard, "length", 2);
        compare(heard[1], "kept:two");
        element.offMessage(); // all of them, on the live connection too
        element.onMessage(r => heard.push("sentinel:" + r.data));
        element.send({
                "data": "three"
            });
        tryCompare(heard, "length", 3);
        compare(heard[2], "sentinel:three");
        element.active = false;
        tryCompare(element, "readyState", SocketTask.CLOSED);
        element.destroy();
    }

    // Not a function: said as onOpen says it, nothing removed.
    function test_offNotAFunction() {
        const server = TestHelper.server("Echo");
        const element = make({
                "url": server.urlString(),
                "active": true
            });
        const heard = [];
        element.onMessage(r => heard.push(r.data));
        ignoreWarning("SocketTask.offMessage: the listener should be a Function, not Number");
        element.offMessage(5);
        ignoreWarning("SocketTask.offMessage: the listener should be a Function, not Null");
        element.offMessage(null);
        tryCompare(element, "readyState", SocketTask.OPEN);
        element.send({
                "data": "still"
            });
        tryCompare(heard, "length", 1);
        element.active = false;
        tryCompare(element, "readyState", SocketTask.CLOSED);
        element.destroy();
    }

    function test_activeConnectsAndSignals() {
        const server = TestHelper.server("Echo");
        const element = make({
                "url": server.urlString(),
                "header": {
                    "X-Token": "element"
                },
                "protocols": ["chat"]
            });
        element.active = true;
        compare(element.readyState, SocketTask.CONNECTING);
        compare(element.errMsg, "connectSocket:ok");
        verify(element.socketTaskId > 0);
        tryCompare(element, "readyState", SocketTask.OPEN);
        compare(tc.signals, ["opened:chat"]);
        compare(server.header(0, "X-Token"), "element");
        element.send({
                "data": "hi"
            });
        tryCompare(tc.signals, "length", 2);
        compare(tc.signals[1], "message:hi");
        const firstId = element.socketTaskId;
        element.active = false; // closes with 1000
        tryVerify(closedSignal);
        compare(tc.signals[2], "closed:1000:");
        compare(element.readyState, SocketTask.CLOSED);
        tryVerify(() => server.closeCount() === 1);
        compare(server.closeCodeAt(0), 1000);
        // again: a new connection, a new id
        element.active = true;
        tryCompare(element, "readyState", SocketTask.OPEN);
        verify(element.socketTaskId > firstId);
        element.destroy();
    }

    function test_activeFromTheStart() {
        const server = TestHelper.server("TwoThenClose");
        const element = make({
                "url": server.urlString(),
                "active": true
            });
        tryVerify(closedSignal);
        compare(tc.signals, ["opened:", "message:one", "message:two", "closed:4000:bye"]);
        element.destroy();
    }

    function test_listenersOnTheElement() {
        const server = TestHelper.server("Echo");
        const element = make({
                "url": server.urlString()
            });
        const heard = [];
        element.onMessage(r => heard.push(r.data));
        element.onClose(r => heard.push("close"));
        element.active = true;
        tryCompare(element, "readyState", SocketTask.OPEN);
        element.send({
                "data": "one"
            });
        tryCompare(heard, "length", 1);
        element.active = false;
        tryCompare(heard, "length", 2);
        // the element's listeners hear its next connection too
        element.active = true;
        tryCompare(element, "readyState", SocketTask.OPEN);
        element.send({
                "data": "two"
            });
        tryCompare(heard, "length", 3);
        compare(heard, ["one", "close", "two"]);
        element.destroy();
    }

    // Whatever QML gives as an array or an object is one where the contract says Array and
    // Object: Qt hands some of them over wrapped (a list<string>, a QStringList or QVariantMap
    // from C++, and from Qt 6.8 an array or object that went through createObject), and the
    // element must see through the wrapping.
    function test_optionShapes_data() {
        return [{
                "tag": "createObject with literals"
            }, {
                "tag": "bindings to list<string> and var"
            }, {
                "tag": "bindings to var holding an array and an object"
            }, {
                "tag": "JavaScript assignment"
            }, {
                "tag": "QStringList and QVariantMap from C++"
            }, {
                "tag": "createObject with C++ values"
            }];
    }

    function test_optionShapes(data) {
        const server = TestHelper.server("Echo");
        let element;
        switch (data.tag) {
        case "createObject with literals":
            element = make({
                    "url": server.urlString(),
                    "header": {
                        "X-Token": "shape"
                    },
                    "protocols": ["chat"]
                });
            break;
        case "bindings to list<string> and var":
            element = boundComponent.createObject(tc, {
                    "url": server.urlString()
                });
            break;
        case "bindings to var holding an array and an object":
            element = boundVarComponent.createObject(tc, {
                    "url": server.urlString()
                });
            break;
        case "JavaScript assignment":
            element = make({
                    "url": server.urlString()
                });
            element.header = {
                "X-Token": "shape"
            };
            element.protocols = ["chat"];
            break;
        case "QStringList and QVariantMap from C++":
            element = make({
                    "url": server.urlString()
                });
            element.header = TestHelper.headerMap("X-Token", "shape");
            element.protocols = TestHelper.stringList("chat");
            break;
        case "createObject with C++ values":
            element = make({
                    "url": server.urlString(),
                    "header": TestHelper.headerMap("X-Token", "shape"),
                    "protocols": TestHelper.stringList("chat")
                });
            break;
        }
        verify(element);
        element.active = true;
        compare(element.errMsg, "connectSocket:ok");
        tryCompare(element, "readyState", SocketTask.OPEN);
        compare(element.protocol, "chat");
        compare(server.header(0, "X-Token"), "shape");
        compare(server.header(0, "Sec-WebSocket-Protocol"), "chat");
        element.destroy();
    }

    // A wrapped value is still checked as what it holds.
    function test_wrappedOptionsAreChecked() {
        const element = make({
                "url": "ws://127.0.0.1:1/",
                "header": TestHelper.headerMap("X-Number", 5),
                "protocols": TestHelper.stringList("a;b")
            });
        element.active = true;
        compare(element.errMsg, "connectSocket:fail parameter error: parameter.header[\"X-Number\"] should be String instead of Number");
        element.header = TestHelper.headerMap("X-Text", "fine");
        element.active = false;
        element.active = true;
        compare(element.errMsg, "connectSocket:fail parameter error: parameter.protocols[0] \"a;b\" is not a valid protocol token");
        tryCompare(tc.signals, "length", 2);
        element.destroy();
    }

    function test_checks_data() {
        const p = "connectSocket:fail parameter error: ";
        return [{
                "tag": "no url",
                "properties": {},
                "errMsg": p + "parameter.url should be String instead of Undefined"
            }, {
                "tag": "url number",
                "properties": {
                    "url": 5
                },
                "errMsg": "connectSocket:fail request:fail invalid url \"5\""
            }, {
                "tag": "url http",
                "properties": {
                    "url": "http://127.0.0.1/"
                },
                "errMsg": "connectSocket:fail request:fail invalid url \"http://127.0.0.1/\""
            }, {
                "tag": "header not object",
                "properties": {
                    "url": "ws://127.0.0.1:1/",
                    "header": "X: y"
                },
                "errMsg": p + "parameter.header should be Object instead of String"
            }, {
                "tag": "header reserved",
                "properties": {
                    "url": "ws://127.0.0.1:1/",
                    "header": {
                        "Upgrade": "x"
                    }
                },
                "errMsg": p + "parameter.header[\"Upgrade\"] is set by the WebSocket handshake and cannot be given"
            }, {
                "tag": "protocols bad token",
                "properties": {
                    "url": "ws://127.0.0.1:1/",
                    "protocols": ["a;b"]
                },
                "errMsg": p + "parameter.protocols[0] \"a;b\" is not a valid protocol token"
            }, {
                "tag": "timeout negative",
                "properties": {
                    "url": "ws://127.0.0.1:1/",
                    "timeout": -5
                },
                "errMsg": p + "parameter.timeout must be a finite number >= 0, not -5"
            }];
    }

    function test_checks(data) {
        const element = make(data.properties);
        element.active = true;
        compare(element.errMsg, data.errMsg);
        compare(element.readyState, SocketTask.CLOSED);
        compare(element.socketTaskId, 0);
        compare(tc.signals, [], "errorOccurred comes from the event loop");
        tryCompare(tc.signals, "length", 1);
        compare(tc.signals[0], "error:" + data.errMsg);
        compare(TestHelper.liveTaskCount(), 0);
        element.destroy();
    }

    // Typed options: one not set reads as the core's default, one set as what it holds.
    function test_typedOptions() {
        const element = make({});
        compare(element.url, "");
        compare(element.timeout, 60000);
        compare(element.tcpNoDelay, true);
        compare(element.perMessageDeflate, false);
        compare(element.protocols.length, 0);
        element.timeout = 250;
        element.tcpNoDelay = false;
        element.protocols = ["chat", "v2"];
        compare(element.timeout, 250);
        compare(element.tcpNoDelay, false);
        compare(element.protocols.length, 2);
        compare(element.protocols[1], "v2");
        element.destroy();
    }

    function test_heartbeat() {
        const server = TestHelper.server("Echo");
        const element = make({
                "url": server.urlString(),
                "heartbeat": {
                    "interval": 50
                },
                "active": true
            });
        compare(element.readyState, SocketTask.CONNECTING);
        compare(element.roundTripTime, -1, "no pong before OPEN");
        tryCompare(element, "readyState", SocketTask.OPEN);
        tryVerify(() => element.roundTripTime >= 0, 5000);
        element.active = false;
        tryCompare(element, "readyState", SocketTask.CLOSED);
        element.destroy();
    }

    function test_timeout() {
        const server = TestHelper.server("Hang");
        const element = make({
                "url": server.urlString(),
                "timeout": 200,
                "active": true
            });
        tryVerify(closedSignal);
        compare(tc.signals, ["error:connectSocket:fail timeout", "closed:1006:"]);
        element.destroy();
    }

    function test_destroyWhileOpen() {
        const server = TestHelper.server("Echo");
        const element = make({
                "url": server.urlString(),
                "active": true
            });
        tryCompare(element, "readyState", SocketTask.OPEN);
        element.destroy();
        tryVerify(() => server.closeCount() === 1);
        compare(server.closeCodeAt(0), 1001);
        compare(tc.signals, ["opened:"]);
    }

    name: "SocketTaskElement"

    // reconnect: a drop is followed by a new connection with the element's listeners; the
    // attempts count from 0 again once it opens; active = false closes with 1000 and stops.
    function test_reconnect_afterDrop() {
        const server = TestHelper.server("Echo");
        const element = make({
                "url": server.urlString(),
                "reconnect": {
                    "initialDelay": 20,
                    "jitter": 0
                },
                "active": true
            });
        const heard = [];
        element.onMessage(result => heard.push(result.data));
        tryCompare(element, "readyState", SocketTask.OPEN);
        const firstId = element.socketTaskId;
        element.send({
                "data": "drop"
            });
        tryVerify(() => tc.signals.filter(s => s === "opened:").length === 2, 5000);
        compare(tc.signals.filter(s => !s.startsWith("error:")), ["opened:", "closed:1006:", "reconnecting:20:1", "opened:"]);
        compare(element.readyState, SocketTask.OPEN);
        verify(element.socketTaskId > firstId);
        compare(server.connectionCount(), 2);
        element.send({
                "data": "again"
            });
        tryCompare(heard, "length", 1);
        compare(heard, ["again"], "the element's listener, on the new connection");
        element.active = false;
        tryCompare(element, "readyState", SocketTask.CLOSED);
        tryVerify(() => server.closeCount() === 2, 5000, "the drop's, then ours");
        compare(server.closeCodeAt(1), 1000);
        compare(TestHelper.runningTimers(element), 0, "no reconnect waits");
        compare(tc.signals.filter(s => s.startsWith("reconnecting:")).length, 1);
        element.destroy();
    }

    function test_reconnect_notAfterGoodbye() {
        const server = TestHelper.server("Echo");
        const element = make({
                "url": server.urlString(),
                "reconnect": {
                    "initialDelay": 20
                },
                "active": true
            });
        tryCompare(element, "readyState", SocketTask.OPEN);
        element.send({
                "data": "close 1000 bye"
            });
        tryVerify(closedSignal);
        compare(TestHelper.runningTimers(element), 0, "no reconnect waits");
        compare(tc.signals, ["opened:", "closed:1000:bye"]);
        compare(server.connectionCount(), 1);
        compare(element.active, true);
        element.destroy();
    }

    function test_reconnect_givesUp() {
        const element = make({
                "url": "ws://127.0.0.1:" + TestHelper.closedPort(),
                "reconnect": {
                    "initialDelay": 10,
                    "jitter": 0,
                    "maxAttempts": 2
                },
                "active": true
            });
        tryVerify(() => tc.signals.length > 0 && tc.signals[tc.signals.length - 1].startsWith("gaveUp:"), 5000);
        const steps = tc.signals.filter(s => !s.startsWith("error:"));
        compare(steps.slice(0, 5), ["closed:1006:", "reconnecting:10:1", "closed:1006:", "reconnecting:20:2", "closed:1006:"]);
        verify(steps[5].startsWith("gaveUp:connectSocket:fail "), steps[5]);
        compare(steps.length, 6);
        element.destroy();
    }

    function test_reconnect_checked_data() {
        const prefix = "connectSocket:fail parameter error: parameter.reconnect";
        return [{
                "tag": "not an object",
                "reconnect": 5,
                "errMsg": prefix + " should be Object instead of Number"
            }, {
                "tag": "initialDelay",
                "reconnect": {
                    "initialDelay": "x"
                },
                "errMsg": prefix + ".initialDelay should be Number instead of String"
            }, {
                "tag": "maxDelay",
                "reconnect": {
                    "maxDelay": -1
                },
                "errMsg": prefix + ".maxDelay must be a finite number >= 0, not -1"
            }, {
                "tag": "multiplier",
                "reconnect": {
                    "multiplier": NaN
                },
                "errMsg": prefix + ".multiplier must be a finite number >= 1, not NaN"
            }, {
                "tag": "jitter",
                "reconnect": {
                    "jitter": 2
                },
                "errMsg": prefix + ".jitter must be a number from 0 to 1, not 2"
            }, {
                "tag": "maxAttempts",
                "reconnect": {
                    "maxAttempts": 1.5
                },
                "errMsg": prefix + ".maxAttempts must be a whole number >= 0, not 1.5"
            }, {
                "tag": "retryCloseCodes type",
                "reconnect": {
                    "retryCloseCodes": [4001, "x"]
                },
                "errMsg": prefix + ".retryCloseCodes[1] should be Number instead of String"
            }, {
                "tag": "retryCloseCodes range",
                "reconnect": {
                    "retryCloseCodes": [999]
                },
                "errMsg": prefix + ".retryCloseCodes[0] must be a close code from 1000 to 4999, not 999"
            }];
    }

    function test_reconnect_checked(data) {
        const server = TestHelper.server("Echo");
        const element = make({
                "url": server.urlString(),
                "reconnect": data.reconnect,
                "active": true
            });
        compare(element.errMsg, data.errMsg);
        compare(element.readyState, SocketTask.CLOSED);
        tryCompare(tc.signals, "length", 2);
        compare(tc.signals, ["error:" + data.errMsg, "gaveUp:" + data.errMsg]);
        compare(server.connectionCount(), 0);
        element.destroy();
    }

    Component {
        id: boundComponent

        SocketTask {
            property list<string> offered: ["chat"]
            property var extra: ({
                    "X-Token": "shape"
                })

            protocols: offered
            header: extra
        }
    }

    Component {
        id: boundVarComponent

        SocketTask {
            property var offered: ["chat"]
            property var extra: ({
                    "X-Token": "shape"
                })

            protocols: offered
            header: extra
        }
    }

    Component {
        id: socketComponent

        SocketTask {
            property var log: []

            onClosed: result => log.push("closed:" + result.code + ":" + result.reason)
            onGaveUp: errMsg => log.push("gaveUp:" + errMsg)
            onReconnecting: (delay, attempt) => log.push("reconnecting:" + delay + ":" + attempt)
            onErrorOccurred: result => log.push("error:" + result.errMsg)
            onMessageReceived: result => log.push("message:" + result.data)
            onOpened: result => log.push("opened:" + result.protocol)
        }
    }
}
