// SPDX-License-Identifier: MIT
pragma Singleton
import QtQml
import SocketTask.Impl
import "globallisteners.js" as GlobalListeners

// WeChat's shape of the same calls: connectSocket returns the task itself. Checks, errMsg
// strings, event order and results are C++'s, as for Taro; this file keeps the latest task.
/*!
    \qmltype Wx
    \inqmlmodule SocketTask
    \brief WeChat's WebSocket API: wx.connectSocket() returning the task, and the one-socket
    functions.

    A singleton. WeChat mini-program code runs with one line added, \c {const wx = Wx}:

    \snippet WxChat.qml connect

    Like \l Taro, also a property of the engine's global object, for \c {.pragma library}
    files and ECMAScript modules.

    It differs from \l Taro in what \c connectSocket returns: the task, at once (or \c null
    when the options are invalid), as WeChat's \c {wx.connectSocket} does, where Taro's
    returns a Promise of it. The checks, the errMsg strings and the callbacks are the same.
    A failure that no \c fail or \c complete callback hears is logged once, with its errMsg,
    under the \c sockettask logging category.

    Wx and Taro each keep their own latest task and their own global listeners.
*/
QtObject {
    id: wx

    /*!
        \qmlproperty SocketTask Wx::latestTask
        The task most recently made by connectSocket(): the one sendSocketMessage(),
        closeSocket() and the onSocket listeners act on.
    */
    // var, not SocketTask: that type would need `import SocketTask`, and the engine loads every
    // singleton of an imported module, so Taro.qml and this file would each wait for the other.
    property var latestTask: null

    /*!
        \qmlmethod SocketTask Wx::connectSocket(object options)
        Makes a task connecting to the \c url of \a options, with the options of
        Taro::connectSocket(), and returns it in the CONNECTING state; listeners added right
        after the call hear its onOpen. \c success or \c fail, then \c complete, run
        synchronously. Returns \c null when the options are invalid (after \c fail and
        \c complete).
    */
    function connectSocket(options) {
        const task = SocketTaskBackend.connectSocketTask(options, SocketTaskBackend.Wx);
        if (task) {
            latestTask = task;
            GlobalListeners.attach(wx, task);
        }
        return task;
    }

    /*!
        \qmlmethod Promise Wx::sendSocketMessage(object options)
        SocketTask::send() of \a options on latestTask; fails with \c {"sendSocketMessage:fail WebSocket is
        not connected"} when there is none or it is CLOSED. Returns the same Promise as
        Taro::sendSocketMessage(), which WeChat code may ignore.
    */
    function sendSocketMessage(options) {
        return SocketTaskBackend.sendSocketMessage(latestTask, options, SocketTaskBackend.Wx);
    }

    /*!
        \qmlmethod Promise Wx::closeSocket(object options)
        SocketTask::close() with \a options on latestTask; fails with \c {"closeSocket:fail WebSocket is not
        connected"} when there is none or it is CLOSED.
    */
    function closeSocket(options) {
        return SocketTaskBackend.closeSocket(latestTask, options, SocketTaskBackend.Wx);
    }

    /*!
        \qmlmethod void Wx::onSocketOpen(function listener)
        Sets the global \a listener for the open event of whichever task is latestTask,
        including tasks made after it was set. It replaces the one set before, as in WeChat.
    */
    function onSocketOpen(listener) {
        if (SocketTaskBackend.isListener("Wx.onSocketOpen", listener))
            GlobalListeners.set(wx, "open", listener);
    }

    /*!
        \qmlmethod void Wx::onSocketMessage(function listener)
        Sets the global \a listener for the message event of whichever task is latestTask,
        replacing the one set before.
    */
    function onSocketMessage(listener) {
        if (SocketTaskBackend.isListener("Wx.onSocketMessage", listener))
            GlobalListeners.set(wx, "message", listener);
    }

    /*!
        \qmlmethod void Wx::onSocketError(function listener)
        Sets the global \a listener for the error event of whichever task is latestTask,
        replacing the one set before.
    */
    function onSocketError(listener) {
        if (SocketTaskBackend.isListener("Wx.onSocketError", listener))
            GlobalListeners.set(wx, "error", listener);
    }

    /*!
        \qmlmethod void Wx::onSocketClose(function listener)
        Sets the global \a listener for the close event of whichever task is latestTask,
        replacing the one set before. A task whose error it heard brings its close event too,
        even when a new task was made in onSocketError (a reconnect).
    */
    function onSocketClose(listener) {
        if (SocketTaskBackend.isListener("Wx.onSocketClose", listener))
            GlobalListeners.set(wx, "close", listener);
    }
}
