// SPDX-License-Identifier: MIT
// Ported: Taro's Promise style, as Taro pages wrote it. No line changed.
//! [promise]
function chat(url, text, done) {
  Taro.connectSocket({ url, header: { 'content-type': 'application/json' } })
    .then(task => {
      task.onOpen(() => {
        task.send({ data: text }).then(res => console.debug(res.errMsg))
      })
      task.onMessage(res => {
        task.close({ code: 1000, reason: 'done' })
        done(res.data)
      })
      task.onError(err => done('error: ' + err.errMsg))
    })
}
//! [promise]
