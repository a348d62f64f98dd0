// SPDX-License-Identifier: MIT
// An ECMAScript module: Taro and Wx are global there too.
export function apis() {
    return [typeof Taro === "undefined" ? null : Taro, typeof Wx === "undefined" ? null : Wx];
}
