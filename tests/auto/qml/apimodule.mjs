// SPDX-License-Identifier: MIT
// An ECMAScript module: Taro and Wx are global there too.
export function apis() {
    return [typeof Taro === "undefined" ? null : Taro, typeof Wx === "undefined" ? null : Wx];
}

// The names an app added in another script, seen from here.
export function stubs() {
    return [Taro.getStorageSync("token"), Wx.showToast({ "title": "hi" })];
}
