#!/usr/bin/python3
# A third-party WebSocket peer for the interop tests: Debian's python3-websockets, on an
# ephemeral loopback port (printed as "PORT <n>"), driven by the text messages it receives:
#   handshake          -> {"headers": {...}, "subprotocol": "..."} as JSON
#   fragments N TEXT   -> TEXT sent as one message in N fragments
#   close CODE REASON  -> close with that code and reason
#   ping               -> ping the client, then say "pong received" once its pong came
#   lastclose          -> {"code": n, "reason": "..."} of the close of the connection opened
#                         just before this one, once it has ended here (the client may see
#                         its close before this server has finished with it)
#   anything else      -> echoed (text or binary)
# It runs on python3-websockets 10.4 (Debian 12) to 17 (sid). websockets 14 replaced the
# server's implementation: request_headers() and select_subprotocol() below hide the two
# differences we meet.
import asyncio
import json
import sys

import websockets

connections = []  # in the order their handlers started: {"code", "reason", "ended"}


def request_headers(ws):
    request = getattr(ws, "request", None)  # websockets 14+
    return request.headers if request is not None else ws.request_headers


SUBPROTOCOLS = ["chat", "superchat"]


def select_subprotocol(first, second):
    # 10-13 pass (offered, ours), 14+ (connection, offered). The client's first choice that we
    # speak, or none: 14+ would otherwise refuse a client that offers no subprotocol (HTTP 400).
    offered = first if isinstance(first, (list, tuple)) else second
    return next((p for p in offered if p in SUBPROTOCOLS), None)


async def handler(ws):
    me = {"code": None, "reason": None, "ended": asyncio.Event()}
    connections.append(me)
    previous = connections[-2] if len(connections) > 1 else None
    try:
        async for message in ws:
            if isinstance(message, bytes):
                await ws.send(message)
                continue
            words = message.split(" ", 2)
            if message == "handshake":
                await ws.send(json.dumps({"headers": dict(request_headers(ws).raw_items()),
                                          "subprotocol": ws.subprotocol}))
            elif words[0] == "fragments" and len(words) == 3:
                n, text = int(words[1]), words[2]
                size = max(1, -(-len(text) // n))
                await ws.send([text[i:i + size] for i in range(0, len(text), size)])
            elif words[0] == "close" and len(words) >= 2:
                await ws.close(int(words[1]), words[2] if len(words) == 3 else "")
            elif message == "ping":
                waiter = await ws.ping()
                await asyncio.wait_for(waiter, 5)
                await ws.send("pong received")
            elif message == "lastclose":
                if previous is not None:
                    await asyncio.wait_for(previous["ended"].wait(), 5)
                answer = previous or {"code": None, "reason": None}
                await ws.send(json.dumps({"code": answer["code"], "reason": answer["reason"]}))
            else:
                await ws.send(message)
    except websockets.ConnectionClosed:
        pass
    finally:
        me["code"], me["reason"] = ws.close_code, ws.close_reason
        me["ended"].set()


async def main():
    async with websockets.serve(handler, "127.0.0.1", 0, subprotocols=SUBPROTOCOLS,
                                select_subprotocol=select_subprotocol,
                                max_size=64 * 1024 * 1024, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"PORT {port}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
