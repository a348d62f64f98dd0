// SPDX-License-Identifier: MIT
// setTimeout, setInterval, clearTimeout, clearInterval (installed by `import SocketTask`) with a
// browser's semantics, in a QML document, a JavaScript file it imports and a .pragma library.
import QtQuick
import QtTest
import SocketTask
import SocketTaskTest
import "timerhelper.js" as Helper
import "timerlibrary.js" as Library

// Globals installed at run time are unknown to the linter: from Qt 6.11 it calls each use of
// setTimeout in a QML document an unqualified access (ported .js files are not affected).
// qmllint disable unqualified

TestCase {
    id: tc
    name: "Timers"

    // The global object (Qt 6.4 has no tc.global).
    readonly property var global: Function("return this")()

    function cleanup() {
        TestHelper.stopServers();
        tryVerify(() => TestHelper.liveTaskCount() === 0, 5000, "every task CLOSED");
    }

    function test_installed() {
        for (const name of ["setTimeout", "setInterval", "clearTimeout", "clearInterval"])
            compare(typeof tc.global[name], "function", name);
        compare(tc.global.setTimeout.name, "setTimeout");
    }

    function test_timeout_orderArgumentsAndThis() {
        const log = [];
        const id1 = setTimeout((a, b) => log.push("a" + a + b), 20, 1, 2);
        const id2 = setTimeout(function () {
                log.push(this === tc.global ? "this is global" : "this is " + this);
            }, 0);
        const id3 = setTimeout(() => log.push("same delay, later"), 20);
        verify(id1 > 0 && id2 > id1 && id3 > id2, "positive ids, increasing");
        compare(log.length, 0, "never inside the call");
        tryCompare(log, "length", 3);
        compare(log, ["this is global", "a12", "same delay, later"]);
    }

    function test_clear() {
        const log = [];
        const id = setTimeout(() => log.push("cleared"), 10);
        clearTimeout(id);
        clearTimeout(id); // twice: nothing
        clearTimeout(undefined);
        clearTimeout(123456);
        const interval = setInterval(() => {
                log.push("tick");
                if (log.length === 3)
                    clearInterval(interval); // inside its own handler
            }, 5);
        // clearTimeout and clearInterval share the ids, as in a browser
        const other = setInterval(() => log.push("other"), 5);
        clearTimeout(other);
        tryCompare(log, "length", 3);
        // The sentinel, set after the third tick: by then the other interval would have
        // ticked several times, and the cleared timeout long run.
        const sentinel = [];
        setTimeout(() => sentinel.push("ran"), 30);
        tryCompare(sentinel, "length", 1);
        compare(log, ["tick", "tick", "tick"]);
    }

    function test_delays() {
        const log = [];
        setTimeout(() => log.push("negative"), -5);
        setTimeout(() => log.push("NaN"), "abc");
        setTimeout(() => log.push("string number"), "30");
        setTimeout(() => log.push("none"));
        tryCompare(log, "length", 4);
        compare(log[3], "string number");
    }

    function test_throwingHandlerIsLogged() {
        const log = [];
        ignoreWarning(/setTimeout handler threw: Error: timer boom/);
        setTimeout(() => {
                throw new Error("timer boom");
            }, 0);
        setTimeout(() => log.push("next"), 5);
        tryCompare(log, "length", 1);
    }

    function test_stringHandler() {
        tc.global.timerStringRan = false;
        setTimeout("this.timerStringRan = true", 0); // code, run in the global scope
        tryVerify(() => tc.global.timerStringRan === true);
    }

    // A keepalive in a JavaScript file the document imports.
    function test_importedJavaScriptFile() {
        const server = TestHelper.server("Echo");
        const log = [];
        const task = Wx.connectSocket({
                "url": server.urlString()
            });
        task.onOpen(() => Helper.keepalive(task, 10, log));
        tryVerify(() => log.length >= 3, 5000, "three pings");
        task.close();
        tryCompare(task, "readyState", SocketTask.CLOSED);
        const count = log.length;
        const sentinel = []; // three of the keepalive's 10 ms periods
        setTimeout(() => sentinel.push("ran"), 30);
        tryCompare(sentinel, "length", 1);
        compare(log.length, count, "cleared in onClose");
    }

    // A .pragma library file sees them too (the global object, not a QML context).
    function test_pragmaLibrary() {
        const box = {};
        Library.later(10, "value").then(v => box.value = v);
        tryCompare(box, "value", "value");
        const id = Library.backoff(0, () => box.connected = true);
        verify(id > 0);
        tryVerify(() => box.connected === true);
    }
}
