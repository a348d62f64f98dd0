// SPDX-License-Identifier: MIT
// Ported: WeChat's one-socket API with an application keepalive, as mini-program pages wrote it
// (wx.connectSocket, then the global onSocket* listeners, sendSocketMessage on setInterval).
//! [legacy]
const wx = Wx // the one line added

var heartbeat = null
var replies = []

function start(url, done) {
  wx.connectSocket({ url: url })
  wx.onSocketOpen(function () {
    heartbeat = setInterval(function () {
      wx.sendSocketMessage({ data: 'ping' })
    }, 30)
  })
  wx.onSocketMessage(function (res) {
    replies.push(res.data)
    if (replies.length === 3) {
      clearInterval(heartbeat)
      wx.closeSocket({ code: 1000, reason: 'enough' })
    }
  })
  wx.onSocketClose(function (res) {
    done(replies, res.code)
  })
}
//! [legacy]
