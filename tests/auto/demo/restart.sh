#!/usr/bin/env bash
# A client keeps its chat going when the server crashes and comes back on the same port: the
# library's reconnect brings it back, it joins again, and it hears a newcomer.
#   restart.sh SERVER CLIENT OTHER_CLIENT
set -euo pipefail
server=$1 client=$2 other=$3
. "$(dirname "$0")/../../shared/chatserver.sh"
dir=$(mktemp -d)
chat_pid=
trap '[ -n "$chat_pid" ] && kill $chat_pid 2>/dev/null; [ -n "${KEEP_PNG:-}" ] && cp "$dir"/*.png "$KEEP_PNG"/; rm -rf "$dir"' EXIT
# wait_for FILE TEXT [TENTHS]: until FILE holds TEXT (fixed string), or fail.
wait_for() {
    for _ in $(seq "${3:-100}"); do grep -qF -- "$2" "$1" && return 0; sleep 0.1; done
    cat "$dir"/*.txt; echo "FAIL: no \"$2\" in $(basename "$1")"; exit 1
}
start_chat_server "$server" "$dir/server1.txt"
url=$chat_url
port=${url##*:}
before="before the crash, $RANDOM"
after="after the restart, $RANDOM"
"$client" --url "$url" --nick alice --greeting "$before" --expect "$after" \
    --screenshot "$dir/alice.png" >"$dir/alice.txt" 2>&1 &
apid=$!
wait_for "$dir/server1.txt" "joined: alice"
kill -9 $chat_pid # a crash: no close frame reaches alice
wait $chat_pid 2>/dev/null || true
start_chat_server "$server" "$dir/server2.txt" "$port"
wait_for "$dir/server2.txt" "joined: alice" # alice came back by herself
# bob joins the new room; alice greeted it again when she joined, so bob finds her greeting.
"$other" --url "$url" --nick bob --greeting "$after" --expect "$before" \
    --screenshot "$dir/bob.png" >"$dir/bob.txt" 2>&1 || { cat "$dir"/*.txt; echo "FAIL: bob"; exit 1; }
wait $apid || { cat "$dir"/*.txt; echo "FAIL: alice did not hear bob after the restart"; exit 1; }
cat "$dir/alice.txt"
grep -qE "reconnecting in [0-9]+ ms \(attempt 1\)" "$dir/alice.txt" \
    || { echo "FAIL: alice did not say she was reconnecting"; exit 1; }
[ "$(grep -c "joined: alice" "$dir/server2.txt")" = 1 ] || { cat "$dir/server2.txt"; echo "FAIL: alice joined more than once"; exit 1; }
wait_for "$dir/server2.txt" "left: alice (close 1000)" 30
if grep -E '\.qml:[0-9]+' "$dir"/*.txt; then echo "FAIL: QML warnings above"; exit 1; fi
echo "PASS: alice reconnected to the restarted server and heard bob"
