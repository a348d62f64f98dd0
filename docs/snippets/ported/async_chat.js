// SPDX-License-Identifier: MIT
// Ported: Taro code with async/await, class fields, object spread, optional chaining and an
// optional catch binding, as newer pages write it. No line changed: the build lowers it
// (sockettask_lower_javascript() in CMake).
//! [async]
class Socket {
  task = null
  pending = []

  async open(url, extra = {}) {
    this.task = await Taro.connectSocket({ url, ...extra })
    await new Promise((resolve, reject) => {
      this.task.onOpen(resolve)
      this.task.onError(({ errMsg }) => reject(new Error(errMsg)))
    })
    this.task.onMessage(({ data }) => this.pending.shift()?.(data))
    return this
  }

  request(data) {
    return new Promise(resolve => {
      this.pending.push(resolve)
      this.task.send({ data })
    })
  }

  async close() {
    try {
      await this.task?.close({ code: 1000, reason: 'bye' })
    } catch {
      // already closed
    }
  }
}

async function talk(url, lines) {
  const socket = await new Socket().open(url, { protocols: ['chat'] })
  const replies = []
  for (const line of lines) replies.push(await socket.request(line))
  await socket.close()
  return replies
}
//! [async]
