// SPDX-License-Identifier: MIT
// Ported: WeChat's SocketTask, which wx.connectSocket returns at once (so does uni-app's, when
// given a callback).
//! [task]
const wx = Wx // the one line added

function open(url, done) {
  const socketTask = wx.connectSocket({
    url,
    success: () => console.debug('connecting'),
  })
  socketTask.onOpen(() => socketTask.send({ data: 'hello' }))
  socketTask.onMessage(res => {
    socketTask.close({ code: 1000, reason: 'bye', success: () => done(res.data) })
  })
  return socketTask
}
//! [task]
