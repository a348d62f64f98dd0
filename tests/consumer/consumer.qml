// SPDX-License-Identifier: MIT
import QtQml
import SocketTask

QtObject {
    id: consumer

    required property string url

    Component.onCompleted: {
        Taro.connectSocket({
            "url": consumer.url
        }).then(task => {
            task.onOpen(() => task.send({
                        "data": "installed module"
                    }));
            task.onMessage(result => {
                console.log("consumer-qml: echoed", result.data);
                task.close();
            });
            task.onClose(result => Qt.exit(result.code === 1000 ? 0 : 1));
        }, result => {
            console.log("consumer-qml:", result.errMsg);
            Qt.exit(1);
        });
    }
}
