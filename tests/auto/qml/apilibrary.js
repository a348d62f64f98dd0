// SPDX-License-Identifier: MIT
// A `.pragma library` file (no QML context, no imports): Taro and Wx are global.
.pragma library

function taro() {
    return typeof Taro === "undefined" ? null : Taro;
}

function wx() {
    return typeof Wx === "undefined" ? null : Wx;
}
