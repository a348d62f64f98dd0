// SPDX-License-Identifier: MIT
pragma Singleton
import QtQml
import SocketTask

// Taro's WebSocket API for QML: Taro.connectSocket(options) and WeChat's one-socket functions.
// Checks, errMsg strings and event order are the C++ core's; this file only adds what is
// JavaScript's own: Promises, and the module's global listeners.
QtObject {
    id: taro

    // Tasks not yet CLOSED count against this limit; 0 means none.
    property int maxConcurrentTasks: SocketTaskBackend.maxConcurrentTasks

    // The task most recently made by connectSocket: the one the legacy functions act on.
    property SocketTask latestTask: null

    // Listeners of onSocketOpen/Message/Error/Close; they hear whichever task is the latest.
    readonly property var _globalListeners: ({
            "open": [],
            "message": [],
            "error": [],
            "close": []
        })

    onMaxConcurrentTasksChanged: SocketTaskBackend.maxConcurrentTasks = maxConcurrentTasks

    // Resolves with the task. On failure it resolves with the result when a fail or complete
    // callback was given (callback-style code sees no unhandled rejection), else rejects.
    function connectSocket(options) {
        const made = SocketTaskBackend.connectSocket(options);
        if (!made.task)
            return made.failOrComplete ? Promise.resolve(made.result) : Promise.reject(made.result);
        const task = made.task;
        latestTask = task;
        for (const kind in _globalListeners) {
            for (const listener of _globalListeners[kind])
                _forward(task, kind, listener);
        }
        return Promise.resolve(task);
    }

    function sendSocketMessage(options) {
        return SocketTaskBackend.sendSocketMessage(latestTask, options);
    }

    function closeSocket(options) {
        return SocketTaskBackend.closeSocket(latestTask, options);
    }

    function onSocketOpen(listener) {
        _addGlobal("open", "Taro.onSocketOpen", listener);
    }

    function onSocketMessage(listener) {
        _addGlobal("message", "Taro.onSocketMessage", listener);
    }

    function onSocketError(listener) {
        _addGlobal("error", "Taro.onSocketError", listener);
    }

    function onSocketClose(listener) {
        _addGlobal("close", "Taro.onSocketClose", listener);
    }

    function _addGlobal(kind, api, listener) {
        if (!SocketTaskBackend.isListener(api, listener))
            return;
        _globalListeners[kind].push(listener);
        if (latestTask)
            _forward(latestTask, kind, listener);
    }

    // A task listener that passes the event on while its task is the latest one. The task
    // runs it like its own listeners: in order, and a throw is logged.
    function _forward(task, kind, listener) {
        const relay = result => {
            if (task === taro.latestTask)
                listener(result);
        };
        switch (kind) {
        case "open":
            task.onOpen(relay);
            break;
        case "message":
            task.onMessage(relay);
            break;
        case "error":
            task.onError(relay);
            break;
        case "close":
            task.onClose(relay);
            break;
        }
    }
}
