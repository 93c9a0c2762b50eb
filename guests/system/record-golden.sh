#!/usr/bin/env bash
# Records what the oracle, QEMU 7.2's qemu-system-riscv64, prints for each bare-metal guest.
#
# For every entry of manifest.json:
#   qemu-system-riscv64 -M MACHINE -cpu CPU -nographic -bios none -kernel bin/NAME
# where CPU comes from qemu.json (the default CPU without the extensions univm lacks).
# with the entry's stdin (or /dev/null), writing golden/NAME.stdout and golden/NAME.status.
# A status different from the manifest's, anything on stderr, or a FAIL line is reported as a
# problem. Spike guests that have a virt build (build/virt/NAME, from `make virt-variants`) are
# also run on QEMU's virt machine, whose output must be the same: univm runs them on virt.
#
# Usage: guests/system/record-golden.sh [NAME...]     (default: every entry)
# Needs: qemu-system-riscv64 (Debian qemu-system-misc), node.
set -u
here=$(cd "$(dirname "$0")" && pwd)
QEMU=${QEMU:-qemu-system-riscv64}
TIMEOUT=${TIMEOUT:-60}   # seconds per run; status 124 means it timed out
mkdir -p "$here/golden"
CPU=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).cpu)' "$here/qemu.json") || exit 1

# One line per entry: name <TAB> machine <TAB> expected status <TAB> stdin as JSON string
entries=$(node -e '
  const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  for (const e of m) console.log([e.name, e.machine, e.status, JSON.stringify(e.stdin ?? "")].join("\t"));
' "$here/manifest.json") || exit 1

problems=0
total=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
while IFS=$'\t' read -r name machine want stdin_json; do
    if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then continue; fi
    total=$((total + 1))
    bin=$here/bin/$name
    if [ ! -f "$bin" ]; then echo "$name: MISSING $bin (run make -C guests/system)"; problems=$((problems + 1)); continue; fi
    node -e 'process.stdout.write(JSON.parse(process.argv[1]))' "$stdin_json" >"$scratch/stdin"
    timeout -k 5 "$TIMEOUT" "$QEMU" -M "$machine" -cpu "$CPU" -nographic -bios none -kernel "$bin" \
        <"$scratch/stdin" >"$here/golden/$name.stdout" 2>"$scratch/stderr"
    status=$?
    echo "$status" >"$here/golden/$name.status"
    line="$name ($machine): status $status"
    if [ "$status" != "$want" ]; then line="$line  PROBLEM: manifest expects $want"; problems=$((problems + 1)); fi
    if [ -s "$scratch/stderr" ]; then line="$line  PROBLEM: stderr: $(head -c 200 "$scratch/stderr")"; problems=$((problems + 1)); fi
    if grep -q '^FAIL\|^UNEXPECTED' "$here/golden/$name.stdout"; then line="$line  PROBLEM: FAIL lines under QEMU"; problems=$((problems + 1)); fi
    virt=$here/build/virt/$name
    if [ "$machine" = spike ] && [ -f "$virt" ]; then
        timeout -k 5 "$TIMEOUT" "$QEMU" -M virt -cpu "$CPU" -nographic -bios none -kernel "$virt" \
            <"$scratch/stdin" >"$scratch/virt.stdout" 2>/dev/null
        vstatus=$?
        if cmp -s "$scratch/virt.stdout" "$here/golden/$name.stdout" && [ "$vstatus" = "$status" ]; then
            line="$line, same on virt"
        else
            line="$line  PROBLEM: differs on virt (status $vstatus)"
            problems=$((problems + 1))
            diff "$here/golden/$name.stdout" "$scratch/virt.stdout" | head -5
        fi
    fi
    echo "$line"
done <<<"$entries"

echo "$total guests recorded, $problems problem(s)"
[ "$problems" -eq 0 ]
