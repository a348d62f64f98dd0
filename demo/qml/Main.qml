// SPDX-License-Identifier: MIT
// The demo chat client. It talks to the server only through the public QML API of the
// SocketTask module: Taro.connectSocket and the task's listeners.
import QtQuick
import QtQuick.Controls.Material
import QtQuick.Layouts
import SocketTask

ApplicationWindow {
    id: window

    // Set by main.cpp.
    property string serverUrl: "ws://127.0.0.1:8765"
    property string nick: "guest"
    property bool screenshotMode: false
    property string greeting: "Hello from the SocketTask QML client!"
    property string expect: "" // --screenshot also waits for this text from someone else
    property bool greetingBack: false
    property bool expectSeen: false

    // The connection, built on the public API.
    property SocketTask task: null
    property bool wantConnected: false
    property int attempt: 0
    property string ownNick: ""
    property string errorText: ""
    // How far the --screenshot run got; main.cpp names it if a step times out.
    property string stage: "starting"

    // Emitted in --screenshot mode once the greeting came back from the server.
    signal roundTripDone

    function connectToServer() {
        wantConnected = true;
        reconnectTimer.stop();
        stage = "connecting to " + urlField.text;
        Taro.connectSocket({
                "url": urlField.text.trim(),
                "fail": result => window.showError(result.errMsg)
            }).then(made => {
                if (typeof made.onOpen !== "function")
                    return; // the fail result: shown already
                window.task = made;
                made.onOpen(() => {
                        window.attempt = 0;
                        window.stage = "joining as " + nickField.text;
                        made.send({
                                "data": JSON.stringify({
                                        "type": "join",
                                        "nick": nickField.text
                                    })
                            });
                    });
                made.onMessage(result => window.receive(result.data));
                made.onError(result => window.showError(result.errMsg));
                made.onClose(result => {
                        if (window.task === made)
                            window.task = null;
                        users.clear();
                        window.ownNick = "";
                        if (window.wantConnected)
                            window.scheduleReconnect();
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

    function sendChat() {
        const text = messageField.text.trim();
        if (!text || !task || task.readyState !== SocketTask.OPEN)
            return;
        task.send({
                "data": JSON.stringify({
                        "type": "chat",
                        "text": text
                    })
            }).then(() => messageField.clear(), result => window.showError(result.errMsg));
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
                messageField.text = greeting;
                sendChat();
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
        if (reconnectTimer.running)
            return "Reconnecting in " + Math.round(reconnectTimer.interval / 1000) + " s";
        return "Disconnected";
    }

    function stateColor() {
        if (task && task.readyState === SocketTask.OPEN)
            return "#69f0ae";
        if (task || reconnectTimer.running)
            return "#ffd740";
        return "#bdbdbd";
    }

    width: 960
    height: 640
    visible: true
    title: "SocketTask chat"
    Material.theme: Material.Light
    Material.accent: Material.Teal
    Material.primary: Material.Teal
    Component.onCompleted: connectToServer()
    onClosing: disconnectFromServer() // close 1000 on quit

    ListModel {
        id: messages
    }

    ListModel {
        id: users
    }

    Timer {
        id: reconnectTimer

        onTriggered: window.connectToServer()
    }

    Timer {
        id: scrollToEnd

        interval: 0 // once the new message has its delegate
        onTriggered: messageList.positionViewAtEnd()
    }

    Timer {
        id: shotDelay

        interval: 300 // let the list settle and render
        onTriggered: window.roundTripDone()
    }

    header: ToolBar {
        Material.foreground: "white"

        background: Rectangle {
            color: "#00796b"
        }

        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 16
            anchors.rightMargin: 12
            spacing: 12

            Label {
                text: "SocketTask chat"
                font.pixelSize: 18
                font.bold: true
            }

            Rectangle {
                Layout.preferredWidth: 12
                Layout.preferredHeight: 12
                radius: 6
                color: window.stateColor()
            }

            Label {
                text: window.stateText()
                font.pixelSize: 14
                Layout.fillWidth: true
                elide: Text.ElideRight
            }

            TextField {
                id: urlField

                text: window.serverUrl
                placeholderText: "ws://host:port"
                enabled: !window.wantConnected
                selectByMouse: true
                Layout.preferredWidth: 220
                Material.foreground: "white"
                Material.accent: "white"
                color: "white"
            }

            TextField {
                id: nickField

                text: window.nick
                placeholderText: "nickname"
                maximumLength: 32
                enabled: !window.wantConnected
                selectByMouse: true
                Layout.preferredWidth: 120
                Material.foreground: "white"
                Material.accent: "white"
                color: "white"
            }

            Button {
                text: window.wantConnected ? "Disconnect" : "Connect"
                highlighted: !window.wantConnected
                flat: window.wantConnected
                onClicked: window.wantConnected ? window.disconnectFromServer() : window.connectToServer()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // errMsg from the library, as it said it
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: bannerText.implicitHeight + 20
            visible: window.errorText !== ""
            color: "#fdecea"

            Label {
                id: bannerText

                anchors.left: parent.left
                anchors.right: dismiss.left
                anchors.verticalCenter: parent.verticalCenter
                anchors.leftMargin: 16
                text: window.errorText
                textFormat: Text.PlainText
                wrapMode: Text.Wrap
                color: "#8a1c12"
            }

            ToolButton {
                id: dismiss

                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                text: "✕"
                onClicked: window.errorText = ""
            }
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            ListView {
                id: messageList

                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                spacing: 6
                topMargin: 12
                bottomMargin: 12
                model: messages
                onCountChanged: scrollToEnd.restart()

                delegate: Item {
                    id: row

                    required property string kind
                    required property string nick
                    required property string text
                    required property string time
                    required property bool own

                    width: ListView.view.width
                    height: row.kind === "chat" ? bubble.height : noticeLabel.implicitHeight + 4

                    Label {
                        id: noticeLabel

                        visible: row.kind !== "chat"
                        anchors.horizontalCenter: parent.horizontalCenter
                        width: Math.min(implicitWidth, parent.width - 32)
                        text: row.time + "  ·  " + row.text
                        textFormat: Text.PlainText
                        elide: Text.ElideRight
                        font.pixelSize: 12
                        color: row.kind === "error" ? "#c62828" : "#757575"
                    }

                    Rectangle {
                        id: bubble

                        visible: row.kind === "chat"
                        readonly property real maxWidth: row.width * 0.7

                        x: row.own ? row.width - width - 16 : 16
                        width: Math.min(maxWidth, Math.max(body.implicitWidth, header.implicitWidth) + 24)
                        height: header.implicitHeight + body.implicitHeight + 20
                        radius: 10
                        color: row.own ? "#d7f3ef" : "#f1f1f1"

                        Label {
                            id: header

                            x: 12
                            y: 8
                            width: bubble.width - 24
                            text: (row.own ? "You" : row.nick) + "   " + row.time
                            textFormat: Text.PlainText
                            elide: Text.ElideRight
                            font.pixelSize: 12
                            font.bold: true
                            color: row.own ? "#00695c" : "#455a64"
                        }

                        Label {
                            id: body

                            objectName: "chatBody"
                            x: 12
                            anchors.top: header.bottom
                            anchors.topMargin: 2
                            width: bubble.maxWidth - 24
                            text: row.text
                            textFormat: Text.PlainText // chat text is never markup
                            wrapMode: Text.Wrap
                            font.pixelSize: 15
                            color: "#212121"
                        }
                    }
                }

                ScrollBar.vertical: ScrollBar {
                }
            }

            Rectangle {
                Layout.fillHeight: true
                Layout.preferredWidth: 1
                color: "#e0e0e0"
            }

            ColumnLayout {
                Layout.preferredWidth: 200
                Layout.fillWidth: false
                Layout.fillHeight: true
                spacing: 0

                Label {
                    text: "In the room (" + users.count + ")"
                    font.bold: true
                    font.pixelSize: 14
                    Layout.margins: 12
                }

                ListView {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: users

                    delegate: Label {
                        id: userLabel

                        required property string label

                        width: ListView.view.width
                        leftPadding: 16
                        topPadding: 4
                        bottomPadding: 4
                        text: userLabel.label
                        textFormat: Text.PlainText
                        elide: Text.ElideRight
                        font.pixelSize: 14
                    }
                }
            }
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 1
            color: "#e0e0e0"
        }

        RowLayout {
            Layout.fillWidth: true
            Layout.margins: 12
            spacing: 12

            TextField {
                id: messageField

                Layout.fillWidth: true
                placeholderText: window.task && window.task.readyState === SocketTask.OPEN ? "Write a message, Enter sends" : "Not connected"
                enabled: window.task !== null && window.task.readyState === SocketTask.OPEN
                selectByMouse: true
                onAccepted: window.sendChat()
            }

            Button {
                text: "Send"
                highlighted: true
                enabled: messageField.enabled && messageField.text.trim() !== ""
                onClicked: window.sendChat()
            }
        }
    }
}
