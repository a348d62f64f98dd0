// SPDX-License-Identifier: MIT
// Each QML example of the documentation (docs/snippets/*.qml, shown through qdoc's \snippet),
// loaded as it is shown, with its `url` pointed at a loopback echo server: it must connect,
// send "hello", get it back, close with 1000 and say so. A broken example fails here.
import QtQuick
import QtTest
import SocketTaskTest

TestCase {
    id: tc
    name: "DocSnippets"

    // The examples, in the source tree (this file is run from there too).
    readonly property url snippets: Qt.resolvedUrl("../../docs/snippets")

    // The snippet of the test that runs: qmllint 6.8+ types createObject()'s result as QObject,
    // and would flag the snippet's own members; a var is not checked.
    property var current: null

    SignalSpy {
        id: finishedSpy
        signalName: "finished"
    }

    SignalSpy {
        id: loggedInSpy
        signalName: "loggedIn"
    }

    function cleanup() {
        TestHelper.stopServers();
        tryVerify(() => TestHelper.liveTaskCount() === 0, 5000, "every task CLOSED");
        finishedSpy.clear();
        loggedInSpy.clear();
        current = null;
    }

    function test_taro() {
        const server = TestHelper.server("Echo");
        const component = Qt.createComponent(tc.snippets + "/TaroChat.qml");
        verify(component.status === Component.Ready, component.errorString());
        const snippet = component.createObject(tc, { url: server.urlString() });
        verify(snippet, "created");
        finishedSpy.target = snippet;
        finishedSpy.wait(10000);
        compare(finishedSpy.signalArguments[0][0], 1000, "onClose's code");
        compare(server.receivedAt(0), "hello");
        compare(server.header(0, "Authorization"), "Bearer 123");
        compare(server.header(0, "Sec-WebSocket-Protocol"), "chat");
        tryVerify(() => server.closeCount() === 1, 5000);
        compare(server.closeCodeAt(0), 1000);
        compare(server.closeReasonAt(0), "bye");
        snippet.destroy();
    }

    // Paced by bufferedAmountLow: every chunk reaches the server, one after another.
    function test_keepalive() {
        const server = TestHelper.server("Echo");
        const component = Qt.createComponent(tc.snippets + "/Keepalive.qml");
        verify(component.status === Component.Ready, component.errorString());
        const snippet = component.createObject(tc, { url: server.urlString() });
        verify(snippet, "created");
        finishedSpy.target = snippet;
        finishedSpy.wait(20000);
        compare(finishedSpy.signalArguments[0][0], 1000, "onClose's code");
        // The close comes after the last chunk: once the server has it, every chunk is in.
        tryVerify(() => server.closeCount() === 1, 5000);
        compare(server.receivedCount(), 8, "the eight chunks, no more");
        snippet.destroy();
    }

    // The server crashes and comes back on the same port: the snippet joins again.
    function test_reconnect() {
        const server = TestHelper.server("Echo");
        const component = Qt.createComponent(tc.snippets + "/Reconnect.qml");
        verify(component.status === Component.Ready, component.errorString());
        const snippet = component.createObject(tc, { url: server.urlString() });
        verify(snippet, "created");
        tc.current = snippet;
        const statuses = [];
        tc.current.statusChanged.connect(() => statuses.push(tc.current.status));
        tryVerify(() => server.receivedCount() === 1, 5000);
        server.crash();
        tryVerify(() => statuses.length === 2, 5000);
        compare(statuses[1], "reconnecting in 1 s (attempt 1)");
        verify(server.restart());
        tryVerify(() => server.receivedCount() === 2, 10000);
        compare(server.receivedAt(1), "join");
        compare(statuses, ["connected", "reconnecting in 1 s (attempt 1)", "connected"]);
        snippet.destroy(); // the element closes with 1001
        tryVerify(() => server.closeCount() === 2, 5000);
    }

    // The user and password go in the URL: the server lets it in, on every Qt version.
    function test_login() {
        const server = TestHelper.server("BasicAuth");
        const component = Qt.createComponent(tc.snippets + "/Login.qml");
        verify(component.status === Component.Ready, component.errorString());
        const snippet = component.createObject(tc, { url: server.urlString() });
        verify(snippet, "created");
        loggedInSpy.target = snippet;
        loggedInSpy.wait(5000);
        compare(server.connectionCount(), 1);
        snippet.destroy();
        tryVerify(() => server.closeCount() === 1, 5000);
    }

    function test_wx() {
        const server = TestHelper.server("Echo");
        const component = Qt.createComponent(tc.snippets + "/WxChat.qml");
        verify(component.status === Component.Ready, component.errorString());
        const snippet = component.createObject(tc, { url: server.urlString() });
        verify(snippet, "created");
        finishedSpy.target = snippet;
        finishedSpy.wait(10000);
        compare(finishedSpy.signalArguments[0][0], 1000, "onClose's code");
        compare(server.receivedAt(0), "hello");
        compare(server.header(0, "Authorization"), "Bearer 123");
        tryVerify(() => server.closeCount() === 1, 5000);
        compare(server.closeReasonAt(0), "bye");
        snippet.destroy();
    }

    function test_element() {
        const server = TestHelper.server("Echo");
        const component = Qt.createComponent(tc.snippets + "/DeclarativeChat.qml");
        verify(component.status === Component.Ready, component.errorString());
        const snippet = component.createObject(tc, { url: server.urlString() });
        verify(snippet, "created");
        finishedSpy.target = snippet;
        finishedSpy.wait(10000);
        compare(finishedSpy.signalArguments[0][0], 1000, "onClose's code");
        compare(server.receivedAt(0), "hello");
        tryVerify(() => server.closeCount() === 1, 5000);
        compare(server.closeCodeAt(0), 1000);
        snippet.destroy();
    }
}
