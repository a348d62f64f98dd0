// SPDX-License-Identifier: MIT
// Ported: Alipay's one-socket API as its docs' sample page uses it: global listeners set in
// onLoad, then connect, send, close; off* removes them (my.offSocketMessage() with no argument:
// all of them).
//! [global]
const my = My // the one line added

const page = {
  messages: [],
  onLoad(done) {
    my.onSocketOpen(() => my.sendSocketMessage({ data: 'first' }))
    my.onSocketMessage((res) => {
      this.messages.push(res.data)
      if (this.messages.length === 1) {
        my.offSocketMessage() // stop listening: the next echo is not heard
        my.sendSocketMessage({ data: 'unheard', complete: () => my.closeSocket() })
      }
    })
    my.onSocketClose((res) => done(this.messages, res.code))
  },
  connectSocket(url) {
    my.connectSocket({ url, complete: (res) => console.debug('connect', JSON.stringify(res)) })
  },
}
//! [global]
