# SPDX-License-Identifier: MIT
# Sourced by the shell tests that run the demo's chat server (tests/auto/demo, tests/porting).
# start_chat_server SERVER LOG [PORT]: starts SERVER on PORT (default 0: any free one) with its
# output in LOG, and waits until it listens; sets chat_pid and chat_url, or fails the test.
start_chat_server() {
    "$1" --port "${3:-0}" >"$2" 2>&1 &
    chat_pid=$!
    for _ in $(seq 50); do grep -q "listening on" "$2" && break; sleep 0.1; done
    chat_url=$(grep -o 'ws://[^ ]*' "$2" || true)
    [ -n "$chat_url" ] || { cat "$2"; echo "FAIL: the chat server did not start"; exit 1; }
}
