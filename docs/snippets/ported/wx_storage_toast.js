// SPDX-License-Identifier: MIT
// Ported: WeChat code that reads its token from storage and shows a toast once connected, as
// written but for the one line added; the app's stubs (platform_stubs.js) answer the calls.
//! [code]
const wx = Wx // the one line added

function connectWithToken(url) {
  const token = wx.getStorageSync('token')
  const socketTask = wx.connectSocket({ url: url + '&token=' + token })
  socketTask.onOpen(() => wx.showToast({ title: 'connected', icon: 'success' }))
  return socketTask
}
//! [code]
