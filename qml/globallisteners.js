// SPDX-License-Identifier: MIT
// Taro's global listeners (onSocketOpen/Message/Error/Close), kept here rather than as members
// of Taro so that they are not part of its API. One copy per Taro, that is per engine.

// The task's method that adds a listener of each kind.
const adders = {
    "open": "onOpen",
    "message": "onMessage",
    "error": "onError",
    "close": "onClose"
};

const listeners = {
    "open": [],
    "message": [],
    "error": [],
    "close": []
};

// A checked listener: it hears `kind` on the latest task, and on every task made later.
function add(taro, kind, listener) {
    listeners[kind].push(listener);
    if (taro.latestTask)
        forward(taro, taro.latestTask, kind, listener);
}

// A new latest task: every global listener hears it.
function attach(taro, task) {
    for (const kind in listeners) {
        for (const listener of listeners[kind])
            forward(taro, task, kind, listener);
    }
}

// A task listener that passes the event on while its task is the latest one. The task runs it
// like its own listeners: in order, and a throw is logged.
function forward(taro, task, kind, listener) {
    const relay = result => {
        if (task === taro.latestTask)
            listener(result);
    };
    task[adders[kind]](relay);
}
