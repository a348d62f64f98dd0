// SPDX-License-Identifier: MIT
// Ported: Baidu's SocketTask example (swan.connectSocket returns the task, wrapped in a
// Promise that onOpen resolves), reading the server's response headers and each message's
// dataType.
//! [task]
const swan = Swan // the one line added

function open(url) {
  return new Promise((resolve, reject) => {
    const socketHandler = swan.connectSocket({
      url,
      header: {},
      success: (res) => console.debug('connectSocket success', res.socketTaskId),
      fail: (err) => reject(err),
    })
    socketHandler.onOpen((res) => resolve({ task: socketHandler, server: res.header['X-Server-Id'] }))
  })
}

function echo(task, data) {
  return new Promise((resolve) => {
    task.onMessage((res) => resolve(res.dataType + ':' + res.data))
    task.send({ data })
  })
}
//! [task]
