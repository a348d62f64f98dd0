// SPDX-License-Identifier: MIT
// Ported: Alipay's multiple-instance socket (my.connectSocket with multiple: true), as Alipay's
// own example writes it: the task is used inside success, which runs after the call returned;
// its listeners' results are nested in `data`; binary travels as Base64 with isBuffer.
//! [task]
const my = My // the one line added

function start(url, done) {
  const received = []
  const task = my.connectSocket({
    url,
    multiple: true,
    data: { room: 'lobby' }, // goes into the URL's query
    success: (res) => {
      task.onOpen(() => {
        task.send({ data: 'hello' })
        task.send({ data: 'AAEC', isBuffer: true }) // the bytes 00 01 02
      })
      task.onMessage((res) => {
        received.push(res.data.isBuffer ? 'base64:' + res.data.data : res.data.data)
        if (received.length === 2) task.close({ code: 1000, reason: 'bye' })
      })
      task.onClose((res) => done(received, res.data.socketTaskID === task.socketTaskId))
    },
    fail: (err) => console.warn('connect failed', err.error, err.errorMessage),
  })
  return task
}
//! [task]
