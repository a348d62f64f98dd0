// SPDX-License-Identifier: MIT
// The global listeners of WeChat's one-socket API (onSocketOpen/Message/Error/Close), kept here
// rather than as members of Taro and Wx so that they are not part of their API. One copy per
// importing singleton, that is per Taro and per Wx of an engine.
//
// WeChat keeps one listener per event: a later onSocketOpen replaces the earlier one (code that
// sets its listeners again on each reconnect runs them once). WeChat's pages do not say so;
// code written for it relies on it (see docs/porting.qdoc).

// The listener of each kind, or null.
const current = {
    "open": null,
    "message": null,
    "error": null,
    "close": null
};

// Messages are relayed only once a message listener is set, so that a message costs no call into
// JavaScript when nobody listens globally (messages are the hot path; the other events are rare,
// and their relays are always there). Only the latest task's relay passes messages on: this is
// the id of the latest task that has one. (Not a WeakSet of tasks: Qt 6.4's engine crashes in
// one keyed by QObjects after a garbage collection.)
let relayingTaskId = 0;

// A checked listener: from now on it alone hears `kind`, on the latest task and on every task
// made later.
function set(owner, kind, listener) {
    current[kind] = listener;
    if (kind === "message" && owner.latestTask)
        relayMessages(owner, owner.latestTask);
}

function relayMessages(owner, task) {
    if (task.socketTaskId === relayingTaskId)
        return;
    relayingTaskId = task.socketTaskId;
    SocketTaskBackend.relay(task, "message", result => {
        if (task === owner.latestTask)
            current.message(result);
    });
}

// A new latest task: one relay per kind, which passes the event to the listener of the moment
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
        const listener = current[kind];
        if (listener)
            listener(result);
    };
    for (const kind of ["open", "error", "close"])
        SocketTaskBackend.relay(task, kind, result => relay(kind, result));
    if (current.message)
        relayMessages(owner, task);
}
