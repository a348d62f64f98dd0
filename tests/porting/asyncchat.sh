#!/usr/bin/env bash
# The async/await chat example against the demo's chat server: it joins, hears its message
# back and two heartbeats, and leaves with 1000.
#   asyncchat.sh SERVER EXAMPLE
set -euo pipefail
server=$1 example=$2
. "$(dirname "$0")/../shared/chatserver.sh"
dir=$(mktemp -d)
chat_pid=
trap '[ -n "$chat_pid" ] && kill $chat_pid 2>/dev/null; rm -rf "$dir"' EXIT
start_chat_server "$server" "$dir/server.txt"
url=$chat_url
said="awaited, $RANDOM"
timeout 30 "$example" --url "$url" --nick async --say "$said" >"$dir/example.txt" 2>&1 \
    || { cat "$dir"/*.txt; echo "FAIL: the example did not finish"; exit 1; }
cat "$dir/example.txt"
for line in "joined as async; in the room: async; 0 earlier" "said \"$said\" at " "pong 2" \
    "left (close 1000 bye)"; do
    grep -qF -- "$line" "$dir/example.txt" || { echo "FAIL: no \"$line\""; exit 1; }
done
for _ in $(seq 30); do grep -qF "left: async (close 1000)" "$dir/server.txt" && break; sleep 0.1; done
grep -qF "left: async (close 1000)" "$dir/server.txt" || { cat "$dir/server.txt"; echo "FAIL: no close 1000"; exit 1; }
if grep -E '\.(qml|js):[0-9]+|socket error' "$dir/example.txt"; then echo "FAIL: warnings above"; exit 1; fi
echo "PASS: the async/await client chatted and left"
