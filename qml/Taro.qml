// SPDX-License-Identifier: MIT
pragma Singleton
import QtQml
import SocketTask
import SocketTask.Impl
import "globallisteners.js" as GlobalListeners

// Checks, errMsg strings, event order and the Promises are C++'s (the core, and the plugin's
// SocketTaskBackend); this file only keeps the latest task and the module's global listeners.
/*!
    \qmltype Taro
    \inqmlmodule SocketTask
    \brief Taro's WebSocket API: connectSocket() and WeChat's one-socket functions.

    A singleton: code written for Taro runs with its calls unchanged. WeChat's
    \c {wx.connectSocket} returns the task rather than a Promise of it: for WeChat code, see
    \l Wx.

    Also a property of the engine's global object once a document imports SocketTask, for
    ported code outside QML documents (\c {.pragma library} files, ECMAScript modules), which
    sees no QML import; Wx too.

    \snippet TaroChat.qml connect
*/
QtObject {
    id: taro

    /*!
        \qmlproperty int Taro::maxConcurrentTasks
        How many tasks may be live (not CLOSED) at once; 0 means no limit. Default 5.
    */
    property int maxConcurrentTasks: SocketTaskBackend.maxConcurrentTasks

    /*!
        \qmlproperty SocketTask Taro::latestTask
        The task most recently made by connectSocket(): the one sendSocketMessage(),
        closeSocket() and the onSocket listeners act on.
    */
    property SocketTask latestTask: null

    // The limit lives in the core. A value set here goes there (a refused one is undone); a
    // change made anywhere else (C++, another engine) comes back through the backend's signal.
    onMaxConcurrentTasksChanged: {
        SocketTaskBackend.maxConcurrentTasks = maxConcurrentTasks;
        if (SocketTaskBackend.maxConcurrentTasks !== maxConcurrentTasks)
            maxConcurrentTasks = SocketTaskBackend.maxConcurrentTasks;
    }
    Component.onCompleted: SocketTaskBackend.maxConcurrentTasksChanged.connect(() => {
            taro.maxConcurrentTasks = SocketTaskBackend.maxConcurrentTasks;
        })

    /*!
        \qmlmethod Promise Taro::connectSocket(object options)
        Makes a task connecting to the \c url of \a options, with its \c header, \c protocols,
        \c timeout, \c tcpNoDelay, \c perMessageDeflate and \c caCertificates (PEM strings of
        extra trusted certificates, for a private CA), and resolves with it.
        \c success or \c fail, then \c complete, run synchronously. On failure the Promise
        resolves with the fail result when a \c fail or \c complete callback was given (so
        callback-style code sees no unhandled rejection), and rejects with it otherwise.
    */
    function connectSocket(options) {
        const made = SocketTaskBackend.connectSocket(options);
        const task = made.task;
        if (task) {
            latestTask = task;
            GlobalListeners.attach(taro, task);
        }
        return made.promise;
    }

    /*!
        \qmlmethod Promise Taro::sendSocketMessage(object options)
        SocketTask::send() of \a options on latestTask; fails with \c {"sendSocketMessage:fail WebSocket is
        not connected"} when there is none or it is CLOSED.
    */
    function sendSocketMessage(options) {
        return SocketTaskBackend.sendSocketMessage(latestTask, options);
    }

    /*!
        \qmlmethod Promise Taro::closeSocket(object options)
        SocketTask::close() with \a options on latestTask; fails with \c {"closeSocket:fail WebSocket is not
        connected"} when there is none or it is CLOSED.
    */
    function closeSocket(options) {
        return SocketTaskBackend.closeSocket(latestTask, options);
    }

    /*!
        \qmlmethod void Taro::onSocketOpen(function listener)
        Sets the global \a listener for the open event of whichever task is latestTask,
        including tasks made after it was set. It replaces the one set before, as in WeChat.
    */
    function onSocketOpen(listener) {
        if (SocketTaskBackend.isListener("Taro.onSocketOpen", listener))
            GlobalListeners.set(taro, "open", listener);
    }

    /*!
        \qmlmethod void Taro::onSocketMessage(function listener)
        Sets the global \a listener for the message event of whichever task is latestTask,
        including tasks made after it was set. It replaces the one set before, as in WeChat.
    */
    function onSocketMessage(listener) {
        if (SocketTaskBackend.isListener("Taro.onSocketMessage", listener))
            GlobalListeners.set(taro, "message", listener);
    }

    /*!
        \qmlmethod void Taro::onSocketError(function listener)
        Sets the global \a listener for the error event of whichever task is latestTask,
        including tasks made after it was set. It replaces the one set before, as in WeChat.
    */
    function onSocketError(listener) {
        if (SocketTaskBackend.isListener("Taro.onSocketError", listener))
            GlobalListeners.set(taro, "error", listener);
    }

    /*!
        \qmlmethod void Taro::onSocketClose(function listener)
        Sets the global \a listener for the close event of whichever task is latestTask,
        including tasks made after it was set. It replaces the one set before, as in WeChat.
    */
    function onSocketClose(listener) {
        if (SocketTaskBackend.isListener("Taro.onSocketClose", listener))
            GlobalListeners.set(taro, "close", listener);
    }
}
