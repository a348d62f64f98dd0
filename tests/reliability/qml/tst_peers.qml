// SPDX-License-Identifier: MIT
// The QML API against the Python peers of tests/reliability: the element's proxy through a real
// HTTP CONNECT and SOCKS5 proxy (proxy_server.py), and a URL's credentials answering a server's
// HTTP authentication (hostile_server.py's auth-basic).
import QtQuick
import QtTest
import SocketTask
import SocketTaskTest

TestCase {
    id: tc

    name: "Peers"

    property var events: []

    function cleanup() {
        TestHelper.stopServers();
        tryVerify(() => TestHelper.liveTaskCount() === 0, 5000, "every task CLOSED");
        events = [];
    }

    function make(properties) {
        const element = socketComponent.createObject(tc, properties);
        verify(element);
        element.log = tc.events;
        return element;
    }

    function test_elementThroughProxy_data() {
        return [{
                "tag": "HTTP CONNECT",
                "kind": "http"
            }, {
                "tag": "SOCKS5",
                "kind": "socks5"
            }];
    }

    function test_elementThroughProxy(data) {
        const proxy = TestHelper.python("proxy_server.py");
        const server = TestHelper.server("Echo");
        const element = make({
                "url": server.urlString(),
                "proxy": data.kind + "://alice:secret@127.0.0.1:" + proxy.port,
                "active": true
            });
        tryCompare(element, "readyState", SocketTask.OPEN);
        element.send({
                "data": "through"
            });
        tryCompare(tc.events, "length", 1);
        compare(tc.events, ["message:through"]);
        compare(proxy.lines(), ["TUNNEL " + data.kind + " 127.0.0.1:" + server.port()]);
        element.active = false;
        tryCompare(element, "readyState", SocketTask.CLOSED);
        element.destroy();
    }

    function test_elementProxyRefusesPassword() {
        const proxy = TestHelper.python("proxy_server.py");
        const server = TestHelper.server("Echo");
        const element = make({
                "url": server.urlString(),
                "proxy": "socks5://alice:wrong@127.0.0.1:" + proxy.port,
                "active": true
            });
        tryCompare(tc.events, "length", 2);
        verify(tc.events[0].startsWith("error:connectSocket:fail "), tc.events[0]);
        compare(tc.events[1], "closed:1006");
        compare(proxy.lines(), [], "no tunnel");
        compare(server.connectionCount(), 0);
        element.destroy();
    }

    // ws://user:password@host: Qt 6.6+ answers the 401; with Qt 6.4-6.5 the library sends them
    // with the first request. Either way the task opens.
    function test_taroUrlCredentials() {
        const peer = TestHelper.python("hostile_server.py");
        let task = null;
        Taro.connectSocket({
                "url": "ws://alice:s3cret@127.0.0.1:" + peer.port + "/auth-basic?test=qml"
            }).then(made => {
                task = made;
                made.onMessage(result => tc.events.push(result.data));
            });
        tryCompare(tc.events, "length", 1);
        compare(tc.events[0], TestHelper.qtAnswersChallenges() ? "after 1 401" : "at once");
        task.send({
                "data": "in"
            });
        tryCompare(tc.events, "length", 2);
        compare(tc.events[1], "in");
        task.close();
        tryCompare(task, "readyState", SocketTask.CLOSED);
    }

    function test_taroWithoutCredentials() {
        const peer = TestHelper.python("hostile_server.py");
        let task = null;
        Taro.connectSocket({
                "url": "ws://127.0.0.1:" + peer.port + "/auth-basic?test=qml-none"
            }).then(made => {
                task = made;
                made.onError(result => tc.events.push("error:" + result.errMsg));
                made.onClose(result => tc.events.push("closed:" + result.code));
            });
        tryCompare(tc.events, "length", 2);
        compare(tc.events, ["error:connectSocket:fail the server answered \"HTTP/1.1 401 Unauthorized\", not 101 Switching Protocols", "closed:1006"]);
    }

    Component {
        id: socketComponent

        SocketTask {
            // tc.events, set by make(): a nested component that named `tc` would be an
            // unqualified access to qmllint 6.8+ (as in tst_element.qml).
            property var log: []

            onClosed: result => log.push("closed:" + result.code)
            onErrorOccurred: result => log.push("error:" + result.errMsg)
            onMessageReceived: result => log.push("message:" + result.data)
        }
    }
}
