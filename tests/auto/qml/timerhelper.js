// SPDX-License-Identifier: MIT
// A JavaScript file imported by a QML document (tst_timers.qml): a keepalive as WeChat code
// writes it, with setInterval and clearInterval unchanged.
function keepalive(task, ms, log) {
    const id = setInterval(() => {
        log.push("ping");
        task.send({ data: "ping" });
    }, ms);
    task.onClose(() => clearInterval(id));
    return id;
}
