// SPDX-License-Identifier: MIT
// The async/await chat example: the chat client is chatclient.js, ported mini-program code
// (lowered at build time); this document only starts it. `import SocketTask` makes Taro and
// the timers global in this engine, for chatclient.js.
import QtQml
import SocketTask
import "chatclient.js" as Chat

QtObject {
    property string url: ""
    property string nick: "async"
    property string text: "hello from async/await"

    Component.onCompleted: Chat.run(url, nick, text, line => console.info(line)).then(() => Qt.exit(0), error => {
            console.warn("failed: " + (error && error.message ? error.message : error));
            Qt.exit(1);
        })
}
