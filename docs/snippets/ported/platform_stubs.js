// SPDX-License-Identifier: MIT
// The app's own versions of the platform APIs that socket code calls beside the socket: a token
// from storage, a toast. Added once, in a `.pragma library` file (there `Taro` and `Wx` take
// new names); every file then sees them, QML documents included.
//! [stubs]
.pragma library

const storage = {}
let toasts = []

function install() {
  Taro.getStorageSync = key => (key in storage ? storage[key] : '')
  Taro.setStorageSync = (key, value) => { storage[key] = value }
  Taro.showToast = options => { toasts.push(options.title) }
  Wx.getStorageSync = Taro.getStorageSync
  Wx.setStorageSync = Taro.setStorageSync
  Wx.showToast = Taro.showToast
}
//! [stubs]

function shownToasts() {
  return toasts
}
