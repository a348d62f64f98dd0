// SPDX-License-Identifier: MIT
// Snippets of WeChat, Taro, Baidu and Alipay code (docs/snippets/ported, the porting guide's
// examples), each of a shape that broke before: the legacy API with a keepalive interval, Taro's
// Promise style, async/await (lowered at build time), WeChat's task returned at once, a
// `.pragma library` helper, a reconnect wrapper, Alipay's and Baidu's own shapes, a Taro module
// with its imports and exports, and the platform's storage and toast answered by the app's
// stubs. Run against real servers, unchanged but for the documented one-line changes.
import QtQuick
import QtTest
import SocketTask
import SocketTaskTest
import "legacy_keepalive.js" as Legacy
import "promise_style.js" as PromiseStyle
import "async_chat.js" as AsyncChat
import "wx_task.js" as WxTask
import "socket_helper.js" as SocketHelper
import "reconnect_wrapper.js" as ReconnectWrapper
import "alipay_task.js" as AlipayTask
import "alipay_global.js" as AlipayGlobal
import "baidu_task.js" as BaiduTask
import "taro_module.mjs" as TaroModule
import "platform_stubs.js" as PlatformStubs
import "wx_storage_toast.js" as WxStorageToast

TestCase {
    id: tc

    name: "Ported"

    function cleanup() {
        TestHelper.stopServers();
        tryVerify(() => TestHelper.liveTaskCount() === 0, 5000, "every task CLOSED");
    }

    // Alipay's multiple-instance example: echoes, binary through Base64, data in the query.
    function test_alipayTask() {
        const server = TestHelper.server("Echo");
        let result = null;
        AlipayTask.start(server.urlString(), (received, sameTask) => result = {
                    "received": received,
                    "sameTask": sameTask
                });
        tryVerify(() => result !== null, 5000);
        compare(result.received, ["hello", "base64:AAEC"]);
        verify(result.sameTask, "socketTaskID names the task");
        compare(TestHelper.hex(server.receivedAt(1)), "000102");
        verify(server.requestUrl(0).endsWith("&room=lobby"), server.requestUrl(0));
        tryVerify(() => server.closeCount() === 1);
        compare(server.closeReasonAt(0), "bye");
    }

    // Alipay's sample page: global listeners, then off* (the second echo is not heard).
    function test_alipayGlobal() {
        const server = TestHelper.server("Echo");
        let result = null;
        AlipayGlobal.page.onLoad((messages, code) => result = {
                    "messages": messages,
                    "code": code
                });
        AlipayGlobal.page.connectSocket(server.urlString());
        tryVerify(() => result !== null, 5000);
        compare(result.messages, ["first"]);
        compare(result.code, 1000);
        // the unheard one was sent (the server may read it after our onClose: Qt 6.4 and 6.8
        // drop the connection right after their close frame)
        tryVerify(() => server.receivedCount() === 2, 5000, "the unheard one was sent");
        for (const kind of ["Open", "Message", "Error", "Close"])
            My["offSocket" + kind]();
    }

    // Baidu's SocketTask example: the server's own header in onOpen, dataType on messages.
    function test_baiduTask() {
        const peer = TestHelper.python("hostile_server.py");
        let opened = null;
        let echoed = null;
        BaiduTask.open("ws://127.0.0.1:" + peer.port + "/own-headers").then(r => opened = r);
        tryVerify(() => opened !== null, 5000);
        compare(opened.server, "node-7");
        BaiduTask.echo(opened.task, "baidu").then(r => echoed = r);
        tryVerify(() => echoed !== null, 5000);
        compare(echoed, "string:baidu");
        opened.task.close({});
    }

    // WeChat code calling the platform's storage and toast beside the socket: the app's stubs,
    // added to the facades by a `.pragma library` file, answer it.
    function test_platformStubs() {
        const server = TestHelper.server("Echo");
        PlatformStubs.install();
        Taro.setStorageSync("token", "t-42");
        const task = WxStorageToast.connectWithToken(server.urlString());
        tryCompare(task, "readyState", SocketTask.OPEN);
        tryVerify(() => PlatformStubs.shownToasts().length === 1, 5000);
        compare(PlatformStubs.shownToasts(), ["connected"]);
        verify(server.requestUrl(0).endsWith("&token=t-42"), server.requestUrl(0));
        task.close({});
    }

    // A real-shaped Taro module: `import Taro, { ... } from '@tarojs/taro'` and its exports,
    // lowered as written.
    function test_taroModuleAsWritten() {
        const server = TestHelper.server("Echo");
        compare(TaroModule.RETRY_MS, 1000);
        let opened = null;
        let failure = null;
        TaroModule.openWithToken(server.urlString(), "t-123").then(r => opened = r, e => failure = e);
        tryVerify(() => opened !== null || failure !== null, 5000);
        compare(failure, null);
        compare(opened.limit, Taro.maxConcurrentTasks);
        tryCompare(opened.task, "readyState", SocketTask.OPEN);
        compare(server.header(0, "X-Token"), "t-123");
        opened.task.close({});
    }

    function test_legacyApiWithKeepalive() {
        const server = TestHelper.server("Echo");
        let result = null;
        Legacy.start(server.urlString(), (replies, code) => result = {
                    "replies": replies,
                    "code": code
                });
        tryVerify(() => result !== null, 5000);
        compare(result.replies, ["ping", "ping", "ping"]);
        compare(result.code, 1000);
        tryVerify(() => server.closeCount() === 1);
        compare(server.closeReasonAt(0), "enough");
    }

    function test_promiseStyle() {
        const server = TestHelper.server("Echo");
        let reply = null;
        PromiseStyle.chat(server.urlString(), "hi there", data => reply = data);
        tryVerify(() => reply !== null, 5000);
        compare(reply, "hi there");
        compare(server.header(0, "content-type"), "application/json");
        tryVerify(() => server.closeCount() === 1);
        compare(server.closeCodeAt(0), 1000);
    }

    function test_asyncAwaitLowered() {
        const server = TestHelper.server("Echo");
        let replies = null;
        let failure = null;
        AsyncChat.talk(server.urlString(), ["one", "two", "three"]).then(r => replies = r, e => failure = e);
        tryVerify(() => replies !== null || failure !== null, 5000);
        compare(failure, null);
        compare(replies, ["one", "two", "three"]);
        compare(server.header(0, "Sec-WebSocket-Protocol"), "chat");
        tryVerify(() => server.closeCount() === 1);
        compare(server.closeReasonAt(0), "bye");
    }

    function test_wxTaskAtOnce() {
        const server = TestHelper.server("Echo");
        let reply = null;
        const task = WxTask.open(server.urlString(), data => reply = data);
        verify(task !== null, "the task itself, not a Promise");
        compare(task.readyState, SocketTask.CONNECTING);
        tryVerify(() => reply !== null, 5000);
        compare(reply, "hello");
        tryCompare(task, "readyState", SocketTask.CLOSED);
    }

    function test_pragmaLibraryHelper() {
        const server = TestHelper.server("Echo");
        let opened = null;
        SocketHelper.connect("chat", server.urlString()).then(task => opened = task);
        tryVerify(() => opened !== null, 5000);
        compare(opened.readyState, SocketTask.OPEN);
        SocketHelper.send("chat", "from the library");
        tryVerify(() => server.receivedCount() === 1);
        compare(server.receivedAt(0), "from the library");
        SocketHelper.closeAll();
        tryCompare(opened, "readyState", SocketTask.CLOSED);
    }

    function test_reconnectWrapper() {
        const server = TestHelper.server("Echo");
        const heard = [];
        const socket = new ReconnectWrapper.ReconnectingSocket(server.urlString(), data => heard.push(data));
        tryVerify(() => socket.task !== null && socket.task.readyState === SocketTask.OPEN, 5000);
        socket.send("drop"); // the server drops the connection without a close frame
        tryVerify(() => server.connectionCount() === 2, 5000);
        tryVerify(() => socket.task.readyState === SocketTask.OPEN, 5000);
        socket.send("after the drop");
        tryVerify(() => heard.length === 1, 5000);
        compare(heard, ["after the drop"]);
        socket.close();
        tryCompare(socket.task, "readyState", SocketTask.CLOSED);
        wait(100);
        compare(server.connectionCount(), 2, "no reconnect after close()");
    }
}
