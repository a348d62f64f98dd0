// SPDX-License-Identifier: MIT
// Ported: a Taro module as real projects write it, its imports and exports kept; an
// ECMAScript module here too (QML imports it as one), lowered at build time.
//! [module]
import Taro, { connectSocket } from '@tarojs/taro'

export const RETRY_MS = 1000

export async function openWithToken(url, token) {
  const task = await connectSocket({ url, header: { 'X-Token': token ?? 'anonymous' } })
  return { task, limit: Taro.maxConcurrentTasks }
}
//! [module]
