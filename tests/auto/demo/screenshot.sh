#!/usr/bin/env bash
# A client's --screenshot run: exit 0, a real PNG, the round trip reported.
#   screenshot.sh CLIENT [extra args...]
set -euo pipefail
client=$1; shift
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
out="$dir/out.txt"
"$client" --nick tester --screenshot "$dir/shot.png" "$@" >"$out" 2>&1 || { cat "$out"; echo "FAIL: exit code $?"; exit 1; }
cat "$out"
grep -q "greeting came back; window saved to $dir/shot.png" "$out" || { echo "FAIL: no round trip reported"; exit 1; }
head -c 8 "$dir/shot.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || { echo "FAIL: not a PNG"; exit 1; }
size=$(stat -c %s "$dir/shot.png")
[ "$size" -gt 10000 ] || { echo "FAIL: PNG of only $size bytes"; exit 1; }
if grep -E '\.qml:[0-9]+' "$dir"/*.txt; then echo "FAIL: QML warnings above"; exit 1; fi
echo "PASS: $(basename "$client") screenshot, $size bytes"
