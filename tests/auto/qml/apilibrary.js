// SPDX-License-Identifier: MIT
// A `.pragma library` file (no QML context, no imports): Taro and Wx are global.
.pragma library

function taro() {
    return typeof Taro === "undefined" ? null : Taro;
}

function wx() {
    return typeof Wx === "undefined" ? null : Wx;
}

// What an app adds beside the socket calls (issue 28): stubs of the platform's other APIs.
function addStubs() {
    Taro.getStorageSync = function (key) { return "stored:" + key; };
    Wx.showToast = function (options) { return "toast:" + options.title; };
}

// Code as a mini program writes it: the stubs and the socket call on the same object.
// url has a query already (TestServer's ?q=1).
function connectWithToken(url) {
    const task = Wx.connectSocket({ "url": url + "&token=" + Taro.getStorageSync("token") });
    task.onOpen(function () { Wx.showToast({ "title": "connected" }); });
    return task;
}

function removeStubs() {
    delete Taro.getStorageSync;
    delete Wx.showToast;
}
