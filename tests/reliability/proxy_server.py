#!/usr/bin/python3
# A proxy for tst_proxy: HTTP CONNECT and SOCKS5 (RFC 1928, username/password RFC 1929) on one
# ephemeral loopback port (printed as "PORT <n>"), the Python standard library only. The first
# byte tells which: 0x05 is SOCKS5, anything else HTTP. Both want the user "alice" with the
# password "secret"; wrong credentials are refused (HTTP 407, SOCKS5 status 1), and so is any
# target port listed after --forbid (HTTP 403, SOCKS5 reply 2, "not allowed by ruleset").
# Each tunnel it opens is printed as "TUNNEL <kind> <host>:<port>", so a test knows the
# connection really went through it.
import base64
import socket
import struct
import sys
import threading

USER, PASSWORD = b"alice", b"secret"
forbidden = set()


def relay(a, b):
    def pump(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    threading.Thread(target=pump, args=(b, a), daemon=True).start()
    pump(a, b)


def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def tunnel(kind, host, port):
    print("TUNNEL %s %s:%d" % (kind, host, port), flush=True)
    return socket.create_connection((host, port))


def http_connect(conn, first):
    # Requests on one connection until a tunnel opens: a client sends its credentials after
    # the 407 on the same connection (HTTP/1.1 keeps it open).
    data = first
    while True:
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        head, data = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        method, target = lines[0].split(" ")[:2]
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        expected = "Basic " + base64.b64encode(USER + b":" + PASSWORD).decode()
        if method != "CONNECT":
            conn.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        if headers.get("proxy-authorization") != expected:
            conn.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                         b"Proxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n")
            continue
        host, _, port = target.rpartition(":")
        if int(port) in forbidden:
            conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
            return
        upstream = tunnel("http", host, int(port))
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        if data:
            upstream.sendall(data)
        relay(conn, upstream)
        return


def socks5(conn):
    nmethods = recv_exact(conn, 1)[0]
    methods = recv_exact(conn, nmethods)
    if 0x02 not in methods:  # username/password only
        conn.sendall(b"\x05\xff")
        return
    conn.sendall(b"\x05\x02")
    recv_exact(conn, 1)  # subnegotiation version 1
    user = recv_exact(conn, recv_exact(conn, 1)[0])
    password = recv_exact(conn, recv_exact(conn, 1)[0])
    if (user, password) != (USER, PASSWORD):
        conn.sendall(b"\x01\x01")
        return
    conn.sendall(b"\x01\x00")
    _, cmd, _, atyp = recv_exact(conn, 4)
    if atyp == 1:
        host = socket.inet_ntoa(recv_exact(conn, 4))
    elif atyp == 3:
        host = recv_exact(conn, recv_exact(conn, 1)[0]).decode()
    else:
        host = socket.inet_ntop(socket.AF_INET6, recv_exact(conn, 16))
    port = struct.unpack("!H", recv_exact(conn, 2))[0]
    reply = lambda status: conn.sendall(b"\x05" + bytes([status]) + b"\x00\x01" + b"\x00" * 6)
    if cmd != 1:
        reply(7)  # command not supported
        return
    if port in forbidden:
        reply(2)  # not allowed by ruleset
        return
    try:
        upstream = tunnel("socks5", host, port)
    except OSError:
        reply(5)  # connection refused
        return
    reply(0)
    relay(conn, upstream)


def serve(conn):
    try:
        first = conn.recv(1)
        if first == b"\x05":
            socks5(conn)
        elif first:
            http_connect(conn, first)
    except (EOFError, OSError):
        pass
    finally:
        conn.close()


def main():
    args = sys.argv[1:]
    if "--forbid" in args:
        forbidden.update(int(p) for p in args[args.index("--forbid") + 1:])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    print("PORT %d" % server.getsockname()[1], flush=True)
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
