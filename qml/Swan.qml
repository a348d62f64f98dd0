// SPDX-License-Identifier: MIT
pragma Singleton
import QtQml
import SocketTask.Impl
import "globallisteners.js" as GlobalListeners

// Baidu's shape of WeChat's calls. Checks, errMsg strings, event order and results are C++'s;
// this file keeps the latest task and converts nothing itself.
/*!
    \qmltype Swan
    \inqmlmodule SocketTask
    \since 1.1
    \brief Baidu smart programs' WebSocket API: swan.connectSocket() returning the task, and the
    one-socket functions.

    A singleton. Baidu code runs with one line added, \c {const swan = Swan}. It is \l Wx with
    Baidu's differences: each message result also has \c dataType (\c "string" for text,
    \c "arraybuffer" for binary). As in Baidu's runtime, \c success, \c fail and \c complete run
    after the call has returned; listeners added then still hear onOpen.

    Also a property of the engine's global object, for \c {.pragma library} files and
    ECMAScript modules. Swan keeps its own latest task and global listeners.
*/
QtObject {
    id: swan

    /*!
        \qmlproperty SocketTask Swan::latestTask
        The task most recently made by connectSocket(): the one sendSocketMessage(),
        closeSocket() and the onSocket listeners act on.
    */
    property var latestTask: null

    /*!
        \qmlmethod SocketTask Swan::connectSocket(object options)
        Wx::connectSocket() of \a options with Baidu's message results: the task, or \c null
        when the options are invalid.
    */
    function connectSocket(options) {
        const task = SocketTaskBackend.connectSocketTask(options, SocketTaskBackend.Swan);
        if (task) {
            latestTask = task;
            GlobalListeners.attach(swan, task);
        }
        return task;
    }

    /*!
        \qmlmethod Promise Swan::sendSocketMessage(object options)
        SocketTask::send() of \a options on latestTask.
    */
    function sendSocketMessage(options) {
        return SocketTaskBackend.sendSocketMessage(latestTask, options, SocketTaskBackend.Swan);
    }

    /*!
        \qmlmethod Promise Swan::closeSocket(object options)
        SocketTask::close() with \a options (\c code, \c reason) on latestTask.
    */
    function closeSocket(options) {
        return SocketTaskBackend.closeSocket(latestTask, options, SocketTaskBackend.Swan);
    }

    /*!
        \qmlmethod void Swan::onSocketOpen(function listener)
        Sets the global \a listener for the open event of latestTask, replacing the one set
        before, as Wx::onSocketOpen().
    */
    function onSocketOpen(listener) {
        if (SocketTaskBackend.isListener("Swan.onSocketOpen", listener))
            GlobalListeners.set(swan, "open", listener);
    }

    /*!
        \qmlmethod void Swan::onSocketMessage(function listener)
        Sets the global \a listener for messages: \c {{ data, dataType }}.
    */
    function onSocketMessage(listener) {
        if (SocketTaskBackend.isListener("Swan.onSocketMessage", listener))
            GlobalListeners.set(swan, "message", listener);
    }

    /*!
        \qmlmethod void Swan::onSocketError(function listener)
        Sets the global \a listener for the error event.
    */
    function onSocketError(listener) {
        if (SocketTaskBackend.isListener("Swan.onSocketError", listener))
            GlobalListeners.set(swan, "error", listener);
    }

    /*!
        \qmlmethod void Swan::onSocketClose(function listener)
        Sets the global \a listener for the close event: \c {{ code, reason }}.
    */
    function onSocketClose(listener) {
        if (SocketTaskBackend.isListener("Swan.onSocketClose", listener))
            GlobalListeners.set(swan, "close", listener);
    }
}
