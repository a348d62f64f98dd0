.pragma library
// SPDX-License-Identifier: MIT
// Ported: the shared helper module many mini-programs have (utils/socket.js), as a QML
// `.pragma library` file. It names Taro and setTimeout without an import. No line changed.
//! [library]
var sockets = {}

function connect(name, url) {
  return Taro.connectSocket({ url: url }).then(function (task) {
    sockets[name] = task
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () {
        reject(new Error('open timeout'))
      }, 5000)
      task.onOpen(function () {
        clearTimeout(timer)
        resolve(task)
      })
    })
  })
}

function send(name, data) {
  return sockets[name].send({ data: data })
}

function closeAll() {
  Object.keys(sockets).forEach(function (name) {
    sockets[name].close({})
  })
}
//! [library]
