.pragma library
// SPDX-License-Identifier: MIT
// A chat client written the way mini-program code is: Taro's API, async/await, class fields,
// object spread and rest, optional catch bindings, `?.` and `??`, template literals, and an
// application heartbeat on setInterval. It runs on Qt's engine as written: Taro, setInterval and
// setTimeout are global in an engine that imports SocketTask, and sockettask_lower_javascript()
// (CMake, esbuild) lowers at build time the syntax that Qt's engine does not have, and binds the
// import of '@tarojs/taro' to the Taro singleton; the exports stay names of this file.

import Taro from "@tarojs/taro";
import { connectSocket } from "@tarojs/taro";

export const HEARTBEAT_MS = 10000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export class ChatClient {
  task = null;
  nick = "";
  pongs = 0;
  #heartbeat = null;
  #listeners = { message: [], pong: [], close: [] };

  constructor(url, { heartbeatMs = HEARTBEAT_MS, ...rest } = {}) {
    this.url = url;
    this.heartbeatMs = heartbeatMs;
    this.options = { joinTimeoutMs: 5000, ...rest };
  }

  on(event, listener) {
    this.#listeners[event]?.push(listener);
    return this;
  }

  off(event, listener) {
    this.#listeners[event] = (this.#listeners[event] ?? []).filter((l) => l !== listener);
  }

  #emit(event, payload) {
    for (const listener of [...(this.#listeners[event] ?? [])]) listener(payload);
  }

  async join(nick) {
    this.task = await connectSocket({ url: this.url });
    await new Promise((resolve, reject) => {
      this.task.onOpen(resolve);
      this.task.onError(({ errMsg }) => reject(new Error(errMsg)));
    });
    this.task.onMessage(({ data }) => this.#receive(data));
    this.task.onClose(({ code, reason }) => {
      this.#stopHeartbeat();
      this.#emit("close", { code, reason });
    });
    const welcome = this.next("welcome", this.options.joinTimeoutMs);
    await this.task.send({ data: JSON.stringify({ type: "join", nick }) });
    ({ nick: this.nick } = await welcome);
    this.#heartbeat = setInterval(() => this.#ping(), this.heartbeatMs);
    return welcome;
  }

  async #ping() {
    try {
      await this.task?.send({ data: JSON.stringify({ type: "ping" }) });
    } catch {
      this.#stopHeartbeat(); // not OPEN any more: onClose says why
    }
  }

  #receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return; // not ours
    }
    if (message.type === "pong") ++this.pongs;
    this.#emit(message.type === "pong" ? "pong" : "message", { ...message, receivedAt: Date.now() });
  }

  // The next message of `type`, or an Error after `timeoutMs`.
  next(type, timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      let timer = null;
      const listener = (message) => {
        if (message.type !== type) return;
        clearTimeout(timer);
        this.off("message", listener);
        resolve(message);
      };
      timer = setTimeout(() => {
        this.off("message", listener);
        reject(new Error(`no ${type} in ${timeoutMs} ms`));
      }, timeoutMs);
      this.on("message", listener);
    });
  }

  async say(text) {
    const own = new Promise((resolve) => {
      const listener = (message) => {
        if (message.type === "chat" && message.nick === this.nick && message.text === text) {
          this.off("message", listener);
          resolve(message);
        }
      };
      this.on("message", listener);
    });
    await this.task.send({ data: JSON.stringify({ type: "chat", text }) });
    return own;
  }

  #stopHeartbeat() {
    clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  async leave() {
    this.#stopHeartbeat();
    await this.task?.close({ code: 1000, reason: "bye" });
  }
}

// The example: join, say something and hear it back, wait for two heartbeats, leave.
export async function run(url, nick, text, log) {
  Taro.onSocketError((res) => log(`socket error: ${res.errMsg}`));
  const client = new ChatClient(url, { heartbeatMs: 200 });
  client.on("pong", () => log(`pong ${client.pongs}`));
  const { users, history = [] } = await client.join(nick);
  log(`joined as ${client.nick}; in the room: ${users.join(", ")}; ${history.length} earlier`);
  const echoed = await client.say(text);
  log(`said "${echoed.text}" at ${new Date(echoed.time).toISOString()}`);
  while (client.pongs < 2) await sleep(50);
  const closed = new Promise((resolve) => client.on("close", resolve));
  await client.leave();
  const { code, reason } = await closed;
  log(`left (close ${code} ${reason || "-"})`);
}
