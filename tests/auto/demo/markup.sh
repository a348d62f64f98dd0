#!/usr/bin/env bash
# Chat text is plain text in the QML client: markup in a message shows as typed.
set -euo pipefail
client=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
text='<b>x</b> <img src="nothing.png"> &amp;'
"$client" --nick tester --greeting "$text" --screenshot "$dir/shot.png" >"$dir/out.txt" 2>&1 || { cat "$dir/out.txt"; exit 1; }
cat "$dir/out.txt"
grep -qF "chat text shown: $text (textFormat 0)" "$dir/out.txt" || { echo "FAIL: markup not shown as plain text"; exit 1; }
if grep -E '\.qml:[0-9]+' "$dir"/*.txt; then echo "FAIL: QML warnings above"; exit 1; fi
echo "PASS: markup shown literally"
