// SPDX-License-Identifier: MIT
// The chat client's logic, without UI: the connection (through the public QML API of the
// SocketTask module only: Taro.connectSocket and the task's listeners), the reconnect backoff,
// the chat protocol (JSON) and the models Main.qml shows.
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

    property SocketTask task: null
    property bool wantConnected: false
    property int attempt: 0
    property string url: ""
    property string nick: ""
    property string ownNick: ""
    property string errorText: ""
    readonly property bool open: task !== null && task.readyState === SocketTask.OPEN
    readonly property bool reconnecting: reconnectTimer.running
    readonly property real reconnectSeconds: reconnectTimer.interval / 1000

    readonly property ListModel messages: ListModel {
    }
    readonly property ListModel users: ListModel {
    }

    readonly property Timer reconnectTimer: Timer {
        onTriggered: client.connectToServer(client.url, client.nick)
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
        wantConnected = true;
        reconnectTimer.stop();
        stage = "connecting to " + client.url;
        Taro.connectSocket({
                "url": client.url,
                "fail": result => client.showError(result.errMsg)
            }).then(made => {
                if (typeof made.onOpen !== "function")
                    return; // the fail result: shown already
                client.task = made;
                made.onOpen(() => {
                        client.attempt = 0;
                        client.stage = "joining as " + client.nick;
                        made.send({
                                "data": JSON.stringify({
                                        "type": "join",
                                        "nick": client.nick
                                    })
                            });
                    });
                made.onMessage(result => client.receive(result.data));
                made.onError(result => client.showError(result.errMsg));
                made.onClose(result => {
                        if (client.task === made)
                            client.task = null;
                        client.users.clear();
                        client.ownNick = "";
                        if (client.wantConnected)
                            client.scheduleReconnect();
                    });
            });
    }

    function disconnectFromServer() {
        wantConnected = false;
        reconnectTimer.stop();
        if (task)
            task.close({
                    "code": 1000,
                    "reason": "bye"
                });
    }

    function scheduleReconnect() {
        // 1 s, 2 s, 4 s ... up to 30 s between tries
        reconnectTimer.interval = Math.min(30000, 1000 * Math.pow(2, attempt));
        attempt += 1;
        reconnectTimer.start();
    }

    function sendChat(text) {
        const trimmed = text.trim();
        if (!trimmed || !open)
            return;
        task.send({
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
        if (task) {
            switch (task.readyState) {
            case SocketTask.CONNECTING:
                return "Connecting…";
            case SocketTask.OPEN:
                return ownNick ? "Connected as " + ownNick : "Joining…";
            case SocketTask.CLOSING:
                return "Closing…";
            }
        }
        if (reconnecting)
            return "Reconnecting in " + Math.round(reconnectSeconds) + " s";
        return "Disconnected";
    }
}
