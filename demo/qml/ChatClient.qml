// SPDX-License-Identifier: MIT
// The chat client's logic, without UI: the connection (through the public QML API of the
// SocketTask module only: the SocketTask element and its reconnect policy), the chat protocol
// (JSON) and the models Main.qml shows.
import QtQml
import QtQml.Models
import SocketTask

QtObject {
    id: client

    // The --screenshot run: send `greeting` once joined, then wait for it to come back (and
    // for `expect` from someone else, if set).
    property bool screenshotMode: false
    property string greeting: ""
    property string expect: ""
    property bool greetingBack: false
    property bool expectSeen: false
    // How far the --screenshot run got; main.cpp names it if a step times out.
    property string stage: "starting"

    property string url: ""
    property string nick: ""
    property string ownNick: ""
    property string errorText: ""
    readonly property bool wantConnected: socket.active
    readonly property bool open: socket.readyState === SocketTask.OPEN
    // The wait before the next attempt, in ms, while the element awaits one (0: none).
    property int reconnectDelay: 0
    readonly property bool reconnecting: reconnectDelay > 0

    readonly property ListModel messages: ListModel {
    }
    readonly property ListModel users: ListModel {
    }

    // The connection: the SocketTask element, kept up by its reconnect policy (the library's
    // backoff: 0.5-1 s, 1-2 s, ... at most 30 s), with a keepalive so that a server gone silent
    // counts as a drop too. Each connection is a new one: it joins again.
    readonly property SocketTask socket: SocketTask {
        id: socket

        url: client.url
        heartbeat: ({
                "interval": 15000,
                "timeout": 10000
            })
        reconnect: ({})
        onOpened: {
            client.errorText = ""; // the drop's error is over
            client.stage = "joining as " + client.nick;
            socket.send({
                    "data": JSON.stringify({
                            "type": "join",
                            "nick": client.nick
                        })
                });
        }
        onMessageReceived: result => client.receive(result.data)
        onErrorOccurred: result => client.showError(result.errMsg)
        onClosed: {
            client.users.clear();
            client.ownNick = "";
        }
        onReconnecting: (delay, attempt) => {
            client.reconnectDelay = delay;
            console.info("reconnecting in " + delay + " ms (attempt " + attempt + ")");
        }
        onSocketTaskIdChanged: client.reconnectDelay = 0 // the attempt began
        // Only options the library refused end it (a URL that is not ws:// or wss://).
        onGaveUp: socket.active = false
        onActiveChanged: client.reconnectDelay = 0
    }
    readonly property Timer shotDelay: Timer {
        interval: 300 // let the list settle and render
        onTriggered: client.roundTripDone()
    }

    // A chat message of ours was sent (the input may be cleared).
    signal sent(string text)
    // The --screenshot run is done: the greeting came back from the server.
    signal roundTripDone

    function connectToServer(url, nick) {
        client.url = url.trim();
        client.nick = nick;
        stage = "connecting to " + client.url;
        socket.active = false; // a new connection with the new URL and nick
        socket.active = true;
    }

    function disconnectFromServer() {
        socket.active = false; // close 1000, no more attempts
    }

    function sendChat(text) {
        const trimmed = text.trim();
        if (!trimmed || !open)
            return;
        socket.send({
                "data": JSON.stringify({
                        "type": "chat",
                        "text": trimmed
                    })
            }).then(() => client.sent(text), result => client.showError(result.errMsg));
    }

    function receive(data) {
        let message;
        try {
            message = JSON.parse(data);
        } catch (e) {
            showError("the server sent something that is not JSON");
            return;
        }
        const time = new Date(message.time || Date.now());
        switch (message.type) {
        case "welcome":
            ownNick = message.nick;
            setUsers(message.users);
            for (const earlier of message.history || [])
                addChat(earlier);
            if (screenshotMode) {
                stage = "greeting sent";
                sendChat(greeting);
            }
            break;
        case "chat":
            addChat(message);
            break;
        case "users":
            setUsers(message.users);
            break;
        case "notice":
        case "error":
            messages.append({
                    "kind": message.type,
                    "nick": "",
                    "text": message.text,
                    "time": Qt.formatTime(time, "hh:mm"),
                    "own": false
                });
            break;
        }
    }

    function addChat(message) {
        const own = message.nick === ownNick;
        messages.append({
                "kind": "chat",
                "nick": message.nick,
                "text": message.text,
                "time": Qt.formatTime(new Date(message.time), "hh:mm"),
                "own": own
            });
        if (!screenshotMode)
            return;
        greetingBack = greetingBack || (own && message.text === greeting);
        expectSeen = expectSeen || expect === "" || (!own && message.text === expect);
        if (greetingBack && expectSeen) {
            stage = "done";
            shotDelay.start();
        } else if (greetingBack) {
            stage = "waiting for \"" + expect + "\" from someone else";
        }
    }

    function setUsers(list) {
        users.clear();
        for (const name of list)
            users.append({
                    "label": name === ownNick ? name + " (you)" : name
                });
    }

    function showError(text) {
        errorText = text;
    }

    // What the header says about the connection.
    function stateText() {
        switch (socket.readyState) {
        case SocketTask.CONNECTING:
            return "Connecting…";
        case SocketTask.OPEN:
            return ownNick ? "Connected as " + ownNick : "Joining…";
        case SocketTask.CLOSING:
            return "Closing…";
        }
        if (reconnecting)
            return "Reconnecting in " + Math.ceil(reconnectDelay / 1000) + " s";
        return "Disconnected";
    }
}
