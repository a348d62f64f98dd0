// SPDX-License-Identifier: MIT
// Ported: a reconnect wrapper as apps write their own (WeChat and Taro have none): a new task
// after each close, with a growing delay. No line changed. (In QML, the SocketTask element's
// `reconnect` does this for you.)
//! [reconnect]
function ReconnectingSocket(url, onMessage) {
  this.url = url
  this.onMessage = onMessage
  this.attempts = 0
  this.closedByUser = false
  this.task = null
  this.connect()
}

ReconnectingSocket.prototype.connect = function () {
  var self = this
  Taro.connectSocket({ url: self.url }).then(function (task) {
    self.task = task
    task.onOpen(function () {
      self.attempts = 0
    })
    task.onMessage(function (res) {
      self.onMessage(res.data)
    })
    task.onClose(function () {
      if (self.closedByUser) return
      var delay = Math.min(1000, 20 * Math.pow(2, self.attempts++))
      setTimeout(function () {
        self.connect()
      }, delay)
    })
  })
}

ReconnectingSocket.prototype.send = function (data) {
  return this.task.send({ data: data })
}

ReconnectingSocket.prototype.close = function () {
  this.closedByUser = true
  this.task.close({})
}
//! [reconnect]
