// SPDX-License-Identifier: MIT
pragma Singleton
import QtQml
import SocketTask.Impl
import "globallisteners.js" as GlobalListeners

// Alipay's shapes of the same calls. Checks, errMsg strings, error numbers, event order and
// results are C++'s (the core, and SocketTaskBackend's Alipay shapes); this file keeps the
// one-socket mode's connection and the global listeners.
/*!
    \qmltype My
    \inqmlmodule SocketTask
    \since 1.1
    \brief Alipay mini-programs' WebSocket API: my.connectSocket() with \c multiple, the
    one-socket functions, and \c off* to remove listeners.

    A singleton. Alipay code runs with one line added, \c {const my = My}. Its shapes are
    Alipay's, not WeChat's:
    \list
    \li \c {connectSocket({ url, data, header, protocols, timeout, multiple })}: \c data goes
        into the URL's query. With \c {multiple: true} it returns a task; otherwise it returns
        nothing and opens the one connection that sendSocketMessage(), closeSocket() and the
        global listeners drive; a second one while it is not closed fails (error 2).
    \li Failures are \c {{ error, errorMessage }}: Alipay's numbers (docs/contract.md,
        "Alipay"), and the errMsg as the message.
    \li Binary travels as Base64: \c {sendSocketMessage({ data: base64, isBuffer: true })}, and
        a binary message is \c {{ data: base64, isBuffer: true }}.
    \li A task's listeners get \c {{ data: { socketTaskID, ... } }}, as Alipay's container
        passes them; the global ones get the fields themselves.
    \li \c {my.onSocketOpen} adds a listener, \c {my.offSocketOpen(fn)} removes it, and with
        no argument, all of them; a task has \c offOpen ... \c offClose.
    \endlist
    As in Alipay's runtime, \c success, \c fail and \c complete run after the call has
    returned, so \c {const task = my.connectSocket({ multiple: true, success() {
    task.onOpen(...) } })} works, and the listener hears onOpen.

    Also a property of the engine's global object, for \c {.pragma library} files and
    ECMAScript modules.
*/
QtObject {
    id: my

    /*!
        \qmlproperty SocketTask My::latestTask
        The one-socket mode's connection (a connectSocket() without \c multiple), or \c null.
    */
    property var latestTask: null

    /*!
        \qmlmethod SocketTask My::connectSocket(object options)
        Connects to the \c url of \a options (with \c data in its query). With
        \c {multiple: true}, returns the
        task (or \c null when the options are invalid); otherwise returns nothing.
    */
    function connectSocket(options) {
        const multiple = options !== null && typeof options === "object" && options.multiple === true;
        const task = SocketTaskBackend.connectSocketTask(options, multiple ? SocketTaskBackend.MyTask : SocketTaskBackend.MySocket, latestTask);
        if (multiple)
            return task;
        if (task) {
            latestTask = task;
            GlobalListeners.attach(my, task);
        }
        return undefined;
    }

    /*!
        \qmlmethod Promise My::sendSocketMessage(object options)
        Sends the \c data of \a options on the one-socket connection: text, or with \c {isBuffer: true} binary as
        Base64 (an ArrayBuffer is sent as binary too).
    */
    function sendSocketMessage(options) {
        return SocketTaskBackend.sendSocketMessage(latestTask, options, SocketTaskBackend.MySocket);
    }

    /*!
        \qmlmethod Promise My::closeSocket(object options)
        Closes the one-socket connection with \a options (\c code and \c reason, as
        SocketTask::close()).
    */
    function closeSocket(options) {
        return SocketTaskBackend.closeSocket(latestTask, options, SocketTaskBackend.MySocket);
    }

    /*!
        \qmlmethod void My::onSocketOpen(function listener)
        Adds \a listener for the open event of the one-socket connection.
    */
    function onSocketOpen(listener) {
        if (SocketTaskBackend.isListener("My.onSocketOpen", listener))
            GlobalListeners.add(my, "open", listener);
    }

    /*!
        \qmlmethod void My::onSocketMessage(function listener)
        Adds \a listener for messages: \c {{ data, isBuffer }}.
    */
    function onSocketMessage(listener) {
        if (SocketTaskBackend.isListener("My.onSocketMessage", listener))
            GlobalListeners.add(my, "message", listener);
    }

    /*!
        \qmlmethod void My::onSocketError(function listener)
        Adds \a listener for the error event: \c {{ error, errorMessage }}.
    */
    function onSocketError(listener) {
        if (SocketTaskBackend.isListener("My.onSocketError", listener))
            GlobalListeners.add(my, "error", listener);
    }

    /*!
        \qmlmethod void My::onSocketClose(function listener)
        Adds \a listener for the close event: \c {{ code, reason }}.
    */
    function onSocketClose(listener) {
        if (SocketTaskBackend.isListener("My.onSocketClose", listener))
            GlobalListeners.add(my, "close", listener);
    }

    /*!
        \qmlmethod void My::offSocketOpen(function listener)
        Removes \a listener; with no argument, every open listener.
    */
    function offSocketOpen(listener) {
        if (listener === undefined || SocketTaskBackend.isListener("My.offSocketOpen", listener))
            GlobalListeners.remove("open", listener);
    }

    /*!
        \qmlmethod void My::offSocketMessage(function listener)
        Removes \a listener; with no argument, every message listener.
    */
    function offSocketMessage(listener) {
        if (listener === undefined || SocketTaskBackend.isListener("My.offSocketMessage", listener))
            GlobalListeners.remove("message", listener);
    }

    /*!
        \qmlmethod void My::offSocketError(function listener)
        Removes \a listener; with no argument, every error listener.
    */
    function offSocketError(listener) {
        if (listener === undefined || SocketTaskBackend.isListener("My.offSocketError", listener))
            GlobalListeners.remove("error", listener);
    }

    /*!
        \qmlmethod void My::offSocketClose(function listener)
        Removes \a listener; with no argument, every close listener.
    */
    function offSocketClose(listener) {
        if (listener === undefined || SocketTaskBackend.isListener("My.offSocketClose", listener))
            GlobalListeners.remove("close", listener);
    }
}
