#!/bin/sh
# Rebuild the x86-64 oracle and regenerate the golden vectors in test/fp/vectors.
# Requires an x86-64 host with gcc. Deterministic for a given seed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/test/fp/vectors"
bin=$(mktemp -d)/fp-oracle
trap 'rm -rf "$(dirname "$bin")"' EXIT

case "$(uname -m)" in
  x86_64|amd64) ;;
  *) echo "regenerate.sh: the oracle needs an x86-64 host (SSE semantics)" >&2; exit 1 ;;
esac

flags="-O0 -frounding-math -fno-builtin -Wall"
# Use the FMA instruction when the CPU has it; otherwise libm's fma(), which is
# correctly rounded as well.
if grep -qw fma /proc/cpuinfo 2>/dev/null; then flags="$flags -mfma"; fi
gcc $flags -o "$bin" "$here/gen.c" -lm

mkdir -p "$out"
seed=${SEED:-20240601}
"$bin" arith32 "$seed" > "$out/arith32.txt"
"$bin" arith64 "$((seed + 1))" > "$out/arith64.txt"
"$bin" cvt "$((seed + 2))" > "$out/cvt.txt"
wc -l "$out"/*.txt
du -ch "$out"/*.txt | tail -1
