#!/usr/bin/python3
# A hostile WebSocket server for tst_hostile: raw sockets, the Python standard library only, so
# it can break RFC 6455 in every way a real server might. It listens on an ephemeral loopback
# port (printed as "PORT <n>") and plays the scenario named by the request path
# (ws://127.0.0.1:<port>/<scenario>); /echo is a well-behaved echo server for the healthy task
# that runs beside each scenario. Each connection has its own thread.
import base64
import hashlib
import socket
import ssl
import struct
import sys
import threading
import time

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def read_request(conn):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None, {}
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    path = head[0].split(" ")[1]
    headers = {":path": path}
    for line in head[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return path, headers


def accept_key(headers):
    key = headers.get("sec-websocket-key", "").encode()
    return base64.b64encode(hashlib.sha1(key + GUID).digest()).decode()


def upgrade(conn, headers, extra="", connection="Upgrade", accept=None, upgrade_to="websocket"):
    lines = ["HTTP/1.1 101 Switching Protocols"]
    if upgrade_to is not None:
        lines.append("Upgrade: " + upgrade_to)
    lines.append("Connection: " + connection)
    lines.append("Sec-WebSocket-Accept: " + (accept or accept_key(headers)))
    conn.sendall(("\r\n".join(lines) + "\r\n" + extra + "\r\n").encode("latin-1"))


def frame(opcode, payload=b"", fin=True, rsv=0, mask=False, length=None, length_form=None):
    """One server frame. length/length_form lie about the payload when a scenario needs it."""
    if isinstance(payload, str):
        payload = payload.encode()
    n = len(payload) if length is None else length
    first = (0x80 if fin else 0) | (rsv << 4) | opcode
    form = length_form or (7 if n < 126 else 16 if n < 65536 else 64)
    mask_bit = 0x80 if mask else 0
    if form == 7:
        head = struct.pack("!BB", first, mask_bit | n)
    elif form == 16:
        head = struct.pack("!BBH", first, mask_bit | 126, n)
    else:
        head = struct.pack("!BBQ", first, mask_bit | 127, n)
    if mask:
        key = b"\x11\x22\x33\x44"
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
        head += key
    return head + payload


def close_frame(code=None, reason=b""):
    if code is None:
        return frame(0x8)
    if isinstance(reason, str):
        reason = reason.encode()
    return frame(0x8, struct.pack("!H", code) + reason)


def read_frames(conn):
    """Yields (opcode, payload) of the client's frames until the connection ends."""
    buf = b""

    def need(n):
        nonlocal buf
        while len(buf) < n:
            chunk = conn.recv(65536)
            if not chunk:
                raise EOFError
            buf += chunk

    try:
        while True:
            need(2)
            opcode, n = buf[0] & 0x0F, buf[1] & 0x7F
            pos = 2
            if n == 126:
                need(4)
                n = struct.unpack("!H", buf[2:4])[0]
                pos = 4
            elif n == 127:
                need(10)
                n = struct.unpack("!Q", buf[2:10])[0]
                pos = 10
            need(pos + 4 + n)
            key = buf[pos:pos + 4]
            payload = bytes(b ^ key[i % 4] for i, b in enumerate(buf[pos + 4:pos + 4 + n]))
            buf = buf[pos + 4 + n:]
            yield opcode, payload
    except (EOFError, OSError):
        return


def hold(conn, seconds=30):
    """Keeps the connection open, reading nothing, until the client goes away."""
    conn.settimeout(seconds)
    try:
        conn.recv(1, socket.MSG_PEEK)
        while conn.recv(65536):
            pass
    except OSError:
        pass


def read_late(conn, seconds=1.0):
    """Reads nothing for `seconds`, then everything until the client goes away (TLS too)."""
    time.sleep(seconds)
    conn.settimeout(60)
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass


def never_read(conn, seconds=60):
    """Keeps the connection open and reads nothing: what the client sends piles up."""
    time.sleep(seconds)


def echo(conn, headers):
    upgrade(conn, headers)
    echo_frames(conn)


def echo_frames(conn):
    for opcode, payload in read_frames(conn):
        if opcode in (0x1, 0x2):
            conn.sendall(frame(opcode, payload))
        elif opcode == 0x9:
            conn.sendall(frame(0xA, payload))
        elif opcode == 0x8:
            conn.sendall(frame(0x8, payload[:2]))
            return


def then(*frames, wait=True):
    """Upgrades, sends `frames` (bytes, or a callable taking conn), then waits for the client."""
    def play(conn, headers):
        upgrade(conn, headers)
        for f in frames:
            if callable(f):
                f(conn)
            else:
                conn.sendall(f)
        if wait:
            hold(conn)
    return play


def answer(raw):
    def play(conn, headers):
        conn.sendall(raw if isinstance(raw, bytes) else raw(headers))
        hold(conn)
    return play


def no_pong(conn, headers):
    """Reads the client's frames and answers none of its pings (a dead peer, for the keepalive)."""
    upgrade(conn, headers)
    for opcode, payload in read_frames(conn):
        if opcode == 0x8:
            return


def talk_no_pong(conn, headers):
    """Sends a text every 40 ms for 3 s and answers no ping: alive, but without pongs."""
    upgrade(conn, headers)
    conn.settimeout(0.04)
    try:
        for i in range(75):
            conn.sendall(frame(0x1, "tick %d" % i))
            try:
                if not conn.recv(65536):
                    return
            except socket.timeout:
                pass
    except OSError:
        return
    hold(conn)


def ping_flood(conn):
    # Pings as fast as the kernel takes them, never reading the pongs: the client's pongs pile
    # up in its write buffer once ours is full.
    ping = frame(0x9, b"x" * 125)
    burst = ping * 512
    conn.settimeout(60)
    try:
        while True:
            conn.sendall(burst)
    except OSError:
        pass


def drop(conn):
    conn.shutdown(socket.SHUT_RDWR)


def sleep(seconds):
    return lambda conn: time.sleep(seconds)


CREDENTIALS = "Basic " + base64.b64encode(b"alice:s3cret").decode()
UNAUTHORIZED = ("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"chat\"\r\n"
                "Content-Type: text/plain\r\nContent-Length: 12\r\n%s\r\nlog in first")


REFUSED = {}  # path (with the client's own query) -> 401s sent: a closing 401 ends a connection


def basic_auth(close):
    """HTTP Basic auth (user alice, password s3cret): a request without them gets 401, on a
    connection kept open for the next request, or closed (`close`). Once in, the first message
    says how the client got there: "at once" (credentials in its first request) or "after N
    401" (it answered N challenges, on this connection or the ones closed before, to the same
    path and query)."""
    def play(conn, headers):
        client = headers[":path"]
        while headers.get("authorization") != CREDENTIALS:
            REFUSED[client] = REFUSED.get(client, 0) + 1
            conn.sendall((UNAUTHORIZED % ("Connection: close\r\n" if close else "")).encode())
            if close:
                return
            path, headers = read_request(conn)
            if path is None:
                return
        refused = REFUSED.pop(client, 0)
        upgrade(conn, headers)
        conn.sendall(frame(0x1, "at once" if refused == 0 else "after %d 401" % refused))
        echo_frames(conn)
    return play


def huge_headers(headers):
    filler = "".join("X-Filler-%d: %s\r\n" % (i, "y" * 1000) for i in range(1100))
    return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Accept: %s\r\n%s\r\n" % (accept_key(headers), filler)).encode()


# A server's own headers in its 101 response, as real servers send them: cookies (an Expires
# has a comma), a header repeated in another case, a Latin-1 byte.
OWN_HEADERS = ("Set-Cookie: sid=abc; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly\r\n"
               "X-Server-Id: node-7\r\n"
               "set-cookie: theme=dark\r\n"
               "X-Multi: a\r\n"
               "x-multi:  b \r\n"
               "X-Latin: caf\u00e9\r\n")
FOLDED_HEADER = "X-Folded: first\r\n second\r\n"

SCENARIOS = {
    "echo": echo,
    "own-headers": lambda c, h: (upgrade(c, h, extra=OWN_HEADERS), echo_frames(c)),
    "folded-header": lambda c, h: (upgrade(c, h, extra=FOLDED_HEADER), echo_frames(c)),
    # Keepalive peers.
    "no-pong": no_pong,
    "talk-no-pong": talk_no_pong,
    # HTTP authentication.
    "auth-basic": basic_auth(close=False),
    "auth-basic-close": basic_auth(close=True),
    # Handshake faults.
    "hs-bad-accept": lambda c, h: (upgrade(c, h, accept="AAAAAAAAAAAAAAAAAAAAAAAAAAA="), hold(c)),
    "hs-no-upgrade": lambda c, h: (upgrade(c, h, upgrade_to=None), hold(c)),
    "hs-unrequested-protocol": lambda c, h: (
        upgrade(c, h, extra="Sec-WebSocket-Protocol: chat\r\n"), hold(c)),
    "hs-unoffered-extension": lambda c, h: (
        upgrade(c, h, extra="Sec-WebSocket-Extensions: permessage-deflate\r\n"),
        c.sendall(frame(0x1, "compressed?", rsv=4)), hold(c)),
    "hs-keepalive-upgrade": lambda c, h: (
        upgrade(c, h, connection="keep-alive, Upgrade"), c.sendall(frame(0x1, "hello")), hold(c)),
    "hs-301": answer(b"HTTP/1.1 301 Moved Permanently\r\nLocation: ws://127.0.0.1/\r\n"
                     b"Content-Length: 0\r\n\r\n"),
    "hs-200": answer(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\n"
                     b"hello"),
    "hs-huge-headers": answer(huge_headers),
    "hs-garbage": answer(b"\x16\x03\x01 this is not HTTP at all\x00\xff"),
    "hs-garbage-line": answer(b"SSH-2.0-OpenSSH_9.2p1\r\n"),
    "hs-silence": lambda c, h: hold(c),
    "hs-drop": lambda c, h: drop(c),
    # Close codes: valid ones (RFC 6455 7.4, IANA registry) reach onClose as sent.
    **{"close-%d" % code: then(close_frame(code, "reason %d" % code))
       for code in (1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000,
                    4999)},
    "close-empty": then(close_frame()),
    "close-after-messages": then(frame(0x1, "one"), frame(0x2, b"two"), close_frame(4000, "bye")),
    # Invalid close frames.
    **{"close-%d" % code: then(close_frame(code))
       for code in (0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535)},
    "close-1-byte": then(frame(0x8, b"\x03")),
    "close-bad-utf8-reason": then(close_frame(4000, b"\xc3\x28")),
    # Protocol violations.
    "text-bad-utf8": then(frame(0x1, b"ok \xff\xfe")),
    "text-bad-utf8-fragments": then(frame(0x1, b"ok \xe2\x82", fin=False), frame(0x0, b"\x28")),
    "rsv1": then(frame(0x1, "compressed?", rsv=4)),
    "rsv2": then(frame(0x1, "x", rsv=2)),
    "rsv3": then(frame(0x2, b"x", rsv=1)),
    "opcode-3": then(frame(0x3, b"x")),
    "opcode-b": then(frame(0xB, b"x")),
    "ping-126": then(frame(0x9, b"p" * 126)),
    "ping-fragmented": then(frame(0x9, b"p", fin=False)),
    "close-fragmented": then(frame(0x8, struct.pack("!H", 1000), fin=False)),
    "continuation-first": then(frame(0x0, "nothing to continue")),
    "text-inside-fragments": then(frame(0x1, "part", fin=False), frame(0x1, "new")),
    "length-not-shortest": then(frame(0x1, "short", length_form=16)),
    "masked": then(frame(0x1, "masked hello", mask=True)),
    "masked-after-one": then(frame(0x1, "plain"), frame(0x1, "masked", mask=True)),
    # Stalls and drops.
    "stall-header": then(b"\x81"),
    "stall-payload": then(frame(0x1, b"x" * 10, length=100)),
    "stall-fragments": then(frame(0x1, "first part", fin=False)),
    "drop-mid-frame": then(frame(0x1, b"x" * 10, length=100), sleep(0.2), drop, wait=False),
    # Memory: a server that never reads.
    "ping-flood": then(ping_flood, wait=False),
    "not-reading": lambda c, h: (upgrade(c, h), never_read(c)),
    # Backpressure: reads nothing for a second, then everything (tst_faults, over TLS).
    "read-late": lambda c, h: (upgrade(c, h), read_late(c)),
    # The closing handshake: a peer that reads everything and never answers a close frame.
    "no-close-answer": lambda c, h: (upgrade(c, h), hold(c, 60)),
    # A ping's answer, then a message.
    "ping-then-text": then(frame(0x9, b"hi"), frame(0x1, "after ping")),
}


def serve(conn, tls=None):
    try:
        if tls is not None:
            conn = tls.wrap_socket(conn, server_side=True)
        path, headers = read_request(conn)
        if path is None:
            return
        play = SCENARIOS.get(path.lstrip("/").split("?")[0])
        if play is None:
            conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            return
        play(conn, headers)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    # --tls CERT KEY: every connection is TLS (wss://) with that certificate.
    tls = None
    if len(sys.argv) > 3 and sys.argv[1] == "--tls":
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(sys.argv[2], sys.argv[3])
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    print("PORT %d" % server.getsockname()[1], flush=True)
    if len(sys.argv) > 1 and sys.argv[1] == "--list":
        print("SCENARIOS " + " ".join(sorted(SCENARIOS)), flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, tls), daemon=True).start()


if __name__ == "__main__":
    main()
