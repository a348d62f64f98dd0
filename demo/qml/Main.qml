// SPDX-License-Identifier: MIT
// The demo chat client's window: the UI only. ChatClient.qml holds the logic (the connection
// through the SocketTask module's public QML API, the chat protocol, the models).
import QtQuick
import QtQuick.Controls.Material
import QtQuick.Layouts

ApplicationWindow {
    id: window

    // Set by main.cpp.
    property string serverUrl: "ws://127.0.0.1:8765"
    property string nick: "guest"
    property bool screenshotMode: false
    property string greeting: "Hello from the SocketTask QML client!"
    property string expect: "" // --screenshot also waits for this text from someone else
    // For main.cpp: how far the --screenshot run got, and when it is done.
    readonly property alias stage: client.stage
    signal roundTripDone

    function disconnectFromServer() {
        client.disconnectFromServer();
    }

    function stateColor() {
        if (client.open)
            return "#69f0ae";
        if (client.socket.readyState !== client.socket.CLOSED || client.reconnecting)
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
    Component.onCompleted: client.connectToServer(urlField.text, nickField.text)
    onClosing: client.disconnectFromServer() // close 1000 on quit

    ChatClient {
        id: client

        screenshotMode: window.screenshotMode
        greeting: window.greeting
        expect: window.expect
        onRoundTripDone: window.roundTripDone()
        onSent: text => {
            if (messageField.text === text)
                messageField.clear();
        }
    }

    Timer {
        id: scrollToEnd

        interval: 0 // once the new message has its delegate
        onTriggered: messageList.positionViewAtEnd()
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
                text: client.stateText()
                font.pixelSize: 14
                Layout.fillWidth: true
                elide: Text.ElideRight
            }

            TextField {
                id: urlField

                text: window.serverUrl
                placeholderText: "ws://host:port"
                enabled: !client.wantConnected
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
                enabled: !client.wantConnected
                selectByMouse: true
                Layout.preferredWidth: 120
                Material.foreground: "white"
                Material.accent: "white"
                color: "white"
            }

            Button {
                text: client.wantConnected ? "Disconnect" : "Connect"
                highlighted: !client.wantConnected
                flat: client.wantConnected
                onClicked: client.wantConnected ? client.disconnectFromServer() : client.connectToServer(urlField.text, nickField.text)
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
            visible: client.errorText !== ""
            color: "#fdecea"

            Label {
                id: bannerText

                anchors.left: parent.left
                anchors.right: dismiss.left
                anchors.verticalCenter: parent.verticalCenter
                anchors.leftMargin: 16
                text: client.errorText
                textFormat: Text.PlainText
                wrapMode: Text.Wrap
                color: "#8a1c12"
            }

            ToolButton {
                id: dismiss

                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                text: "✕"
                onClicked: client.errorText = ""
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
                model: client.messages
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
                    text: "In the room (" + client.users.count + ")"
                    font.bold: true
                    font.pixelSize: 14
                    Layout.margins: 12
                }

                ListView {
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    model: client.users

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
                placeholderText: client.open ? "Write a message, Enter sends" : "Not connected"
                enabled: client.open
                selectByMouse: true
                onAccepted: client.sendChat(text)
            }

            Button {
                text: "Send"
                highlighted: true
                enabled: messageField.enabled && messageField.text.trim() !== ""
                onClicked: client.sendChat(messageField.text)
            }
        }
    }
}
