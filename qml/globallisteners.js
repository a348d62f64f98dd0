// SPDX-License-Identifier: MIT
// The global listeners of the one-socket API (onSocketOpen/Message/Error/Close), kept here
// rather than as members of the facades so that they are not part of their API. One copy per
// importing singleton, that is per Taro, Wx, Swan and My of an engine.
//
// WeChat keeps one listener per event: a later onSocketOpen replaces the earlier one (code that
// sets its listeners again on each reconnect runs them once). WeChat's pages do not say so;
// code written for it relies on it (see docs/porting.qdoc). Alipay keeps a list: my.onSocketOpen
// adds one, my.offSocketOpen removes it (add/remove below).

// The listeners of each kind, in the order they were added.
const current = {
    "open": [],
    "message": [],
    "error": [],
    "close": []
};

// Messages are relayed only once a message listener is set, so that a message costs no call into
// JavaScript when nobody listens globally (messages are the hot path; the other events are rare,
// and their relays are always there). Only the latest task's relay passes messages on: this is
// the id of the latest task that has one. (Not a WeakSet of tasks: Qt 6.4's engine crashes in
// one keyed by QObjects after a garbage collection.)
let relayingTaskId = 0;

// WeChat's rule: a checked listener from now on alone hears `kind`, on the latest task and on
// every task made later.
function set(owner, kind, listener) {
    current[kind] = [listener];
    if (kind === "message" && owner.latestTask)
        relayMessages(owner, owner.latestTask);
}

// Alipay's my.onSocketOpen...: one more listener of `kind`.
function add(owner, kind, listener) {
    current[kind] = current[kind].concat([listener]);
    if (kind === "message" && owner.latestTask)
        relayMessages(owner, owner.latestTask);
}

// Alipay's my.offSocketOpen...: those that are `listener`, or all with none.
function remove(kind, listener) {
    current[kind] = listener === undefined ? [] : current[kind].filter(fn => fn !== listener);
}

// Each listener of the moment; one removed by an earlier one is not called (as a browser's
// EventTarget), one added meanwhile hears the next event. One that throws is logged, and the
// others still run.
function notify(kind, result) {
    const listeners = current[kind];
    for (const listener of listeners) {
        if (!current[kind].includes(listener))
            continue;
        try {
            listener(result);
        } catch (error) {
            console.warn("a global " + kind + " listener threw: " + error);
        }
    }
}

function relayMessages(owner, task) {
    if (task.socketTaskId === relayingTaskId)
        return;
    relayingTaskId = task.socketTaskId;
    SocketTaskBackend.relay(task, "message", result => {
        if (task === owner.latestTask)
            notify("message", result);
    });
}

// A new latest task: one relay per kind, which passes the event to the listeners of the moment
// while the task is the latest one; and its close event once its error was heard, so that code
// that reconnects in onSocketError still hears the old task's onSocketClose. The task runs the
// relays like its own listeners (in order, and a throw is logged), but the task's off* leaves
// them (they are the platform's global listeners, not the task's).
function attach(owner, task) {
    let errorHeard = false;
    const relay = (kind, result) => {
        const heard = task === owner.latestTask || (kind === "close" && errorHeard);
        if (!heard)
            return;
        if (kind === "error")
            errorHeard = true;
        notify(kind, result);
    };
    for (const kind of ["open", "error", "close"])
        SocketTaskBackend.relay(task, kind, result => relay(kind, result));
    if (current.message.length > 0)
        relayMessages(owner, task);
}
