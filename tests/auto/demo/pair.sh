#!/usr/bin/env bash
# The QML client and the Widgets client on one chat server see each other's messages.
#   pair.sh SERVER QML_CLIENT WIDGETS_CLIENT
set -euo pipefail
server=$1 qml=$2 widgets=$3
. "$(dirname "$0")/../../shared/chatserver.sh"
dir=$(mktemp -d)
chat_pid=
trap '[ -n "$chat_pid" ] && kill $chat_pid 2>/dev/null; rm -rf "$dir"' EXIT
start_chat_server "$server" "$dir/server.txt"
url=$chat_url
from_qml="Hello from QML, $RANDOM"
from_widgets="Hello from Widgets, $RANDOM"
"$widgets" --url "$url" --nick widgets --greeting "$from_widgets" --expect "$from_qml" \
    --screenshot "$dir/widgets.png" >"$dir/widgets.txt" 2>&1 &
wpid=$!
"$qml" --url "$url" --nick qml --greeting "$from_qml" --expect "$from_widgets" \
    --screenshot "$dir/qml.png" >"$dir/qml.txt" 2>&1 || { cat "$dir"/*.txt; echo "FAIL: QML client"; exit 1; }
wait $wpid || { cat "$dir"/*.txt; echo "FAIL: Widgets client"; exit 1; }
cat "$dir/qml.txt" "$dir/widgets.txt"
grep -qF "chat text shown: $from_widgets" "$dir/qml.txt" || { echo "FAIL: QML did not show the Widgets message"; exit 1; }
# Both said goodbye with close 1000 when they quit.
for nick in qml widgets; do
    for _ in $(seq 30); do grep -qF "left: $nick (close 1000)" "$dir/server.txt" && break; sleep 0.1; done
    grep -qF "left: $nick (close 1000)" "$dir/server.txt" || { cat "$dir/server.txt"; echo "FAIL: $nick did not close with 1000"; exit 1; }
done
if grep -E '\.qml:[0-9]+' "$dir"/*.txt; then echo "FAIL: QML warnings above"; exit 1; fi
echo "PASS: both clients saw each other's message"
