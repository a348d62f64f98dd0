// SPDX-License-Identifier: MIT
// The Wx singleton (WeChat's shape: connectSocket returns the task) and the logging of
// failures nobody handled, against real WebSocket peers.
import QtQuick
import QtTest
import SocketTask
import SocketTaskTest
import "apilibrary.js" as ApiLibrary
import "apimodule.mjs" as ApiModule

TestCase {
    id: tc
    name: "Wx"

    readonly property string p: "connectSocket:fail parameter error: "
    property var log: []

    function record(task) {
        const events = [];
        task.onOpen(r => events.push("open"));
        task.onMessage(r => events.push("message:" + r.data));
        task.onError(r => events.push("error"));
        task.onClose(r => events.push("close:" + r.code + ":" + r.reason));
        return events;
    }

    function init() {
        log = [];
        // No global listener left from another test.
        const none = () => {};
        Wx.onSocketOpen(none);
        Wx.onSocketMessage(none);
        Wx.onSocketError(none);
        Wx.onSocketClose(none);
    }

    function cleanup() {
        TestHelper.stopServers();
        tryVerify(() => TestHelper.liveTaskCount() === 0, 5000, "every task CLOSED");
    }

    // Outside QML documents (a `.pragma library` file, an ECMAScript module) ported code names
    // Taro and Wx without an import: a view of the singletons this document sees.
    function test_globalInScripts() {
        const fromModule = ApiModule.apis();
        verify(ApiLibrary.taro() === fromModule[0], "one view per engine");
        verify(ApiLibrary.wx() === fromModule[1]);
        verify(typeof ApiLibrary.taro().connectSocket === "function");
        // the same facade: a task made through the view is the one this document's Wx knows
        const task = ApiLibrary.wx().connectSocket({ "url": TestHelper.server("Echo").urlString() });
        compare(Wx.latestTask, task);
        compare(ApiLibrary.wx().latestTask, task);
        task.close({});
    }

    // Scripts add their own names beside the socket calls (stubs of the platform's storage and
    // toast APIs): every file sees them, this QML document included.
    function test_scriptsAddTheirOwnNames() {
        const server = TestHelper.server("Echo");
        ApiLibrary.addStubs();
        compare(ApiModule.stubs(), ["stored:token", "toast:hi"], "seen by an ECMAScript module");
        // The facades' types name their own members only (the porting guide's way to say so;
        // the category is "property" on Qt 6.4 and "missing-property" on 6.8, so none is named)
        // qmllint disable
        compare(Taro.getStorageSync("a"), "stored:a", "seen by a QML document");
        compare(Wx.showToast({ "title": "t" }), "toast:t");
        verify("showToast" in ApiLibrary.wx());
        const task = ApiLibrary.connectWithToken(server.urlString());
        let opened = false;
        task.onOpen(() => opened = true);
        tryVerify(() => opened);
        compare(server.requestUrl(server.connectionCount() - 1).split("?")[1], "q=1&token=stored:token");
        // replaced by the app: its own name, again
        ApiLibrary.taro().getStorageSync = key => "again:" + key;
        compare(Taro.getStorageSync("b"), "again:b");
        ApiLibrary.removeStubs();
        compare(typeof Taro.getStorageSync, "undefined");
        // qmllint enable
        verify(!("showToast" in ApiLibrary.wx()));
        task.close({});
    }

    // The facade's own members stay its own: a stub would be hidden from QML documents.
    function test_scriptsCannotReplaceTheFacade() {
        const taro = ApiLibrary.taro();
        let error = null;
        try {
            taro.connectSocket = () => "a stub";
        } catch (e) {
            error = e;
        }
        verify(error instanceof TypeError, String(error));
        compare(error.message, "Taro.connectSocket is SocketTask's own and cannot be replaced: "
                + "give yours a name of its own");
        compare(typeof taro.connectSocket, "function");
        try {
            delete ApiLibrary.wx().onSocketOpen;
        } catch (e) {} // a TypeError in strict code
        compare(typeof ApiLibrary.wx().onSocketOpen, "function", "not deleted");
    }

    // WeChat's own example shape: the task is used on the next line.
    function test_connectSocket_returnsTheTask() {
        const server = TestHelper.server("Echo");
        const calls = [];
        const task = Wx.connectSocket({
                "url": server.urlString(),
                "success": r => calls.push("success:" + r.errMsg),
                "complete": r => calls.push("complete:" + r.errMsg)
            });
        // As in WeChat, the callbacks come back after the call has returned.
        compare(calls, []);
        verify(task, "a task, at once");
        compare(typeof task.then, "undefined", "not a Promise");
        compare(task.readyState, SocketTask.CONNECTING);
        compare(task.errMsg, "connectSocket:ok");
        compare(Wx.latestTask, task);
        const events = record(task);
        task.onOpen(() => task.send({
                        "data": "hi"
                    }));
        tryCompare(events, "length", 2);
        compare(calls, ["success:connectSocket:ok", "complete:connectSocket:ok"]);
        compare(events, ["open", "message:hi"]);
        task.close({
                "code": 4001,
                "reason": "done"
            });
        tryCompare(events, "length", 3);
        compare(events[2], "close:4001:done");
    }

    function test_connectSocket_checks_data() {
        return [{
                "tag": "options undefined",
                "options": undefined,
                "errMsg": p + "parameter should be Object instead of Undefined"
            }, {
                "tag": "url number",
                "options": {
                    "url": 80
                },
                "errMsg": p + "parameter.url should be String instead of Number"
            }, {
                "tag": "url http",
                "options": {
                    "url": "http://127.0.0.1/"
                },
                "errMsg": "connectSocket:fail request:fail invalid url \"http://127.0.0.1/\""
            }, {
                "tag": "timeout negative",
                "options": {
                    "url": "ws://127.0.0.1:1/",
                    "timeout": -1
                },
                "errMsg": ""
            }];
    }

    // The same checks and strings as Taro's (one home: the core); null instead of a task.
    function test_connectSocket_checks(data) {
        const calls = [];
        const taro = [];
        // Taro's answer for the same options, for the rows that name no string
        Taro.connectSocket(data.options).then(r => taro.push(r), r => taro.push(r));
        tryCompare(taro, "length", 1);
        const errMsg = data.errMsg || taro[0].errMsg;
        verify(errMsg.startsWith("connectSocket:fail"), errMsg);
        if (typeof data.options === "object") {
            const options = Object.assign({}, data.options, {
                    "fail": r => calls.push("fail:" + r.errMsg),
                    "complete": r => calls.push("complete:" + r.errMsg)
                });
            compare(Wx.connectSocket(options), null);
            compare(calls, [], "after the call returned");
            tryCompare(calls, "length", 2);
            compare(calls, ["fail:" + errMsg, "complete:" + errMsg]);
        }
        // No callback heard it: logged once, with the errMsg.
        ignoreWarning(errMsg + " (no fail or complete callback)");
        compare(Wx.connectSocket(data.options), null);
        compare(TestHelper.liveTaskCount(), 0);
    }

    function test_limit() {
        const server = TestHelper.server("Hang");
        Taro.maxConcurrentTasks = 1;
        const first = Wx.connectSocket({
                "url": server.urlString()
            });
        verify(first);
        let errMsg = "";
        compare(Wx.connectSocket({
                    "url": server.urlString(),
                    "fail": r => errMsg = r.errMsg
                }), null);
        Taro.maxConcurrentTasks = 5;
        tryVerify(() => errMsg !== "");
        compare(errMsg, "connectSocket:fail exceed max concurrent socket tasks: 1");
        compare(Wx.latestTask, first, "a refused call makes no latest task");
        first.close();
    }

    // WeChat's mini-program example for the one-socket API, as written there (a queue until
    // onSocketOpen), with `wx` made of Wx.
    function test_legacy_weChatExample() {
        const wx = Wx;
        const server = TestHelper.server("Echo");
        let socketOpen = false;
        let socketMsgQueue = ["first", "second"];
        const received = [];
        function sendSocketMessage(msg) {
            if (socketOpen)
                wx.sendSocketMessage({
                        "data": msg
                    });
            else
                socketMsgQueue.push(msg);
        }
        wx.connectSocket({
                "url": server.urlString()
            });
        wx.onSocketOpen(function (res) {
                socketOpen = true;
                for (let i = 0; i < socketMsgQueue.length; i++)
                    sendSocketMessage(socketMsgQueue[i]);
                socketMsgQueue = [];
            });
        wx.onSocketMessage(res => received.push(res.data));
        sendSocketMessage("third");
        tryCompare(received, "length", 3);
        compare(received, ["first", "second", "third"]);
        let closed = "";
        wx.onSocketClose(res => closed = res.code + ":" + res.reason);
        wx.closeSocket({
                "code": 4002,
                "reason": "legacy"
            });
        tryVerify(() => closed === "4002:legacy");
        let errMsg = "";
        wx.sendSocketMessage({
                "data": "x",
                "fail": r => errMsg = r.errMsg
            });
        tryVerify(() => errMsg === "sendSocketMessage:fail WebSocket is not connected");
        wx.closeSocket({
                "complete": r => errMsg = r.errMsg
            });
        tryVerify(() => errMsg === "closeSocket:fail WebSocket is not connected");
    }

    // WeChat keeps one listener per event: code that sets its listeners again on each
    // (re)connect runs each once.
    function test_legacy_repeatedCallsReplace() {
        const server = TestHelper.server("Echo");
        for (let attempt = 0; attempt < 2; ++attempt) {
            Wx.connectSocket({
                    "url": server.urlString()
                });
            Wx.onSocketOpen(() => {
                    tc.log.push("open" + attempt);
                    Wx.sendSocketMessage({
                            "data": "handshake" + attempt
                        });
                });
            Wx.onSocketMessage(r => tc.log.push(r.data));
            tryCompare(tc.log, "length", 2 * (attempt + 1));
            const task = Wx.latestTask;
            Wx.closeSocket();
            tryCompare(task, "readyState", SocketTask.CLOSED); // nothing more can come from it
        }
        compare(tc.log, ["open0", "handshake0", "open1", "handshake1"]);
        // A listener that is not a function is refused, and the one before stays.
        ignoreWarning("Wx.onSocketOpen: the listener should be a Function, not String");
        Wx.onSocketOpen("nope");
    }

    // Code that reconnects in onSocketError still hears the failed task's onSocketClose, then
    // the new task's events.
    function test_legacy_reconnectInOnSocketError() {
        const server = TestHelper.server("Echo");
        const wx = Wx;
        let retried = false;
        wx.onSocketError(res => {
                tc.log.push("error");
                if (!retried) {
                    retried = true;
                    wx.connectSocket({
                            "url": server.urlString()
                        });
                }
            });
        wx.onSocketClose(res => tc.log.push("close:" + res.code));
        wx.onSocketOpen(res => {
                tc.log.push("open");
                wx.closeSocket();
            });
        const first = wx.connectSocket({
                "url": "ws://127.0.0.1:" + TestHelper.closedPort() + "/"
            });
        tryCompare(tc.log, "length", 4);
        compare(tc.log, ["error", "close:1006", "open", "close:1000"]);
        verify(Wx.latestTask !== first);
    }

    // A task that is no longer the latest is not heard, unless it failed while it was.
    function test_legacy_onlyTheLatestTask() {
        const server = TestHelper.server("Echo");
        Wx.onSocketMessage(r => tc.log.push(r.data));
        const older = Wx.connectSocket({
                "url": server.urlString()
            });
        const newer = Wx.connectSocket({
                "url": server.urlString()
            });
        tryCompare(older, "readyState", SocketTask.OPEN);
        tryCompare(newer, "readyState", SocketTask.OPEN);
        let olderEchoed = false;
        older.onMessage(() => olderEchoed = true); // the sentinel: the older echo came
        older.send({
                "data": "older"
            });
        newer.send({
                "data": "newer"
            });
        tryVerify(() => olderEchoed && tc.log.length >= 1);
        compare(tc.log, ["newer"]);
        older.close();
        newer.close();
    }

    function test_wxAndTaroKeepTheirOwnLatestTask() {
        const server = TestHelper.server("Echo");
        const wxTask = Wx.connectSocket({
                "url": server.urlString()
            });
        const done = [];
        Taro.connectSocket({
                "url": server.urlString()
            }).then(task => done.push(task));
        tryCompare(done, "length", 1);
        compare(Wx.latestTask, wxTask);
        compare(Taro.latestTask, done[0]);
        wxTask.close();
        done[0].close();
    }

    // A failure that nobody handles is logged once, with its errMsg.
    function test_unhandledRejection_logged() {
        const server = TestHelper.server("Hang");
        const task = Wx.connectSocket({
                "url": server.urlString()
            });
        ignoreWarning("Unhandled Promise rejection: sendSocketMessage:fail SocketTask.readyState is not OPEN");
        task.send({
                "data": "too early"
            });
        ignoreWarning("Unhandled Promise rejection: sendSocketMessage:fail parameter error: parameter.data should be String or ArrayBuffer instead of Number");
        task.send({
                "data": 5,
                "success": () => {}
            });
        ignoreWarning("Unhandled Promise rejection: closeSocket:fail The code must be either 1000, or between 3000 and 4999");
        task.close({
                "code": 1
            });
        ignoreWarning(/^Unhandled Promise rejection: connectSocket:fail parameter error: parameter.url/);
        Taro.connectSocket({
                "url": 1
            });
        ignoreWarning("Unhandled Promise rejection: sendSocketMessage:fail WebSocket is not connected");
        Taro.sendSocketMessage({
                "data": "x"
            });
        wait(100); // the check runs a few event-loop turns later; each is logged once
        task.close();
    }

    // Handled failures are not logged: by a fail or complete callback, catch, then's second
    // argument, finally, Promise.all, or a handler attached in a later then() callback.
    function test_unhandledRejection_handledIsQuiet() {
        const server = TestHelper.server("Hang");
        const task = Wx.connectSocket({
                "url": server.urlString()
            });
        failOnWarning(/Unhandled|no fail or complete/);
        const seen = [];
        const early = {
            "data": "early"
        };
        task.send(Object.assign({
                    "fail": () => seen.push("fail")
                }, early));
        task.send(Object.assign({
                    "complete": () => seen.push("complete")
                }, early));
        task.send(early).catch(r => seen.push("catch"));
        task.send(early).then(null, r => seen.push("then"));
        // Qt 6.4 has no Promise.prototype.finally; later versions do.
        if (typeof Promise.prototype.finally === "function")
            task.send(early).finally(() => seen.push("finally")).catch(() => {});
        else
            seen.push("finally");
        Promise.all([task.send(early)]).catch(r => seen.push("all"));
        Promise.resolve().then(() => task.send(early)).catch(r => seen.push("chained"));
        Wx.connectSocket({
                "url": 1,
                "fail": () => seen.push("connect fail")
            });
        Taro.connectSocket({
                "url": 1,
                "complete": () => seen.push("taro complete")
            });
        tryCompare(seen, "length", 9);
        wait(100);
        task.close();
    }
}
