// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import SocketTask
import SocketTaskTest

// JavaScript's order (docs/contract.md, "Events"): a Promise chain begun before a socket event
// runs to its end before that event's listeners, as at a browser's microtask checkpoint. Chains
// of 1 to 256 steps, before an open, a message and a close; 20 rounds each; Taro, Wx and the
// element; against a real server on loopback.
TestCase {
    id: tc
    name: "Order"

    readonly property var lengths: [1, 2, 4, 8, 16, 32, 64, 128, 256]
    readonly property int rounds: 20

    Component {
        id: elementComponent
        SocketTask {
        }
    }

    function cleanup() {
        tryVerify(() => TestHelper.liveTaskCount() === 0, 5000, "every task CLOSED");
        TestHelper.stopServers();
    }

    // `steps` then() steps after `promise`, then `last` with the value.
    function chain(promise, steps, last) {
        let p = promise;
        for (let i = 0; i < steps; ++i)
            p = p.then(value => value);
        return p.then(last);
    }

    // The listener added at the end of the chain hears onOpen.
    // The wait these tests use: a condition that throws fails it, not passes it.
    function test_waitForFailsWhenTheConditionThrows() {
        ignoreWarning(/TestHelper.waitFor: the condition threw .*no such thing/);
        verify(!TestHelper.waitFor(() => {
                    throw new Error("no such thing");
                }, 100));
    }

    function test_open_taro() {
        const server = TestHelper.server("Echo");
        openAndClose(server, () => Taro.connectSocket({
                        "url": server.urlString()
                    }));
    }

    function test_open_wx() {
        const server = TestHelper.server("Echo");
        openAndClose(server, () => Promise.resolve(Wx.connectSocket({
                            "url": server.urlString()
                        })));
    }

    function test_open_element() {
        const server = TestHelper.server("Echo");
        const elements = [];
        openAndClose(server, () => {
                const element = elementComponent.createObject(tc, {
                        "url": server.urlString(),
                        "active": true
                    });
                elements.push(element);
                return Promise.resolve(element);
            });
        elements.forEach(element => element.destroy());
    }

    // For each length and round: connect, and at the end of a chain begun then add onOpen,
    // which must hear it; then close(), and a chain begun right after it ends before onClose.
    function openAndClose(server, connect) {
        for (const steps of lengths) {
            for (let round = 0; round < rounds; ++round) {
                const at = "steps " + steps + ", round " + round;
                const log = [];
                let made = null;
                chain(connect(), steps, task => {
                        made = task;
                        task.onOpen(() => log.push("open"));
                        task.onClose(() => log.push("close"));
                        log.push("added");
                    });
                verify(TestHelper.waitFor(() => log.length === 2), at);
                compare(log, ["added", "open"], at);
                made.close({});
                chain(Promise.resolve(), steps, () => log.push("chain"));
                verify(TestHelper.waitFor(() => log.length === 4), at);
                compare(log.slice(2), ["chain", "close"], at);
            }
        }
    }

    // A chain begun after send() (whose echo is on its way) ends before the echo's onMessage.
    function messageAfterChain(task) {
        for (const steps of lengths) {
            for (let round = 0; round < rounds; ++round) {
                const at = "steps " + steps + ", round " + round;
                const log = [];
                task.onMessage(r => log.push("message"));
                task.send({
                        "data": "echo"
                    });
                chain(Promise.resolve(), steps, () => log.push("chain"));
                verify(TestHelper.waitFor(() => log.length === 2), at);
                compare(log, ["chain", "message"], at);
                task.offMessage();
            }
        }
    }

    function test_message_taro() {
        const server = TestHelper.server("Echo");
        let task = null;
        Taro.connectSocket({
                "url": server.urlString()
            }).then(t => task = t);
        tryVerify(() => task !== null && task.readyState === SocketTask.OPEN);
        messageAfterChain(task);
        task.close({});
    }

    function test_message_wx() {
        const server = TestHelper.server("Echo");
        const task = Wx.connectSocket({
                "url": server.urlString()
            });
        tryCompare(task, "readyState", SocketTask.OPEN);
        messageAfterChain(task);
        task.close({});
    }

    function test_message_element() {
        const server = TestHelper.server("Echo");
        const element = elementComponent.createObject(tc, {
                "url": server.urlString(),
                "active": true
            });
        tryCompare(element, "readyState", SocketTask.OPEN);
        messageAfterChain(element);
        element.active = false;
        tryCompare(element, "readyState", SocketTask.CLOSED);
        element.destroy();
    }
}
