#!/bin/sh
# Regenerates the GNU objdump reference data of test/isa/*.test.ts.
#
#   test/isa/golden/regenerate.sh [--out DIR] [--only rvc|decode32|hello|qemu-rvc] [--no-build]
#
# Needs riscv64-linux-gnu-objdump (Debian binutils-riscv64-linux-gnu; the committed data is from
# 2.40) and node. Builds dist/ first (npx tsc -p .) unless --no-build: the 32-bit word list is
# made by test/isa/reference.ts (deterministic PRNG over our instruction table, see words32()).
#
# Writes into DIR (default: this directory), gzip'ed, one instruction a line, tab-separated:
#   rvc.objdump.gz         PARCEL MNEMONIC [OPERANDS]  all 16-bit parcels with low bits != 11,
#                                                      increasing, parcel k at address 2k
#   decode32.objdump.gz    WORD   MNEMONIC [OPERANDS]  the words of words32(), word i at address 4i
#   hello-text.objdump.gz  ADDR   MNEMONIC [OPERANDS]  the .text section of guests/bin/hello
#   objdump-version.txt    the first line of objdump --version
# and only with --only qemu-rvc (needs riscv64-linux-gnu-as/ld and qemu-riscv64; ~15 minutes on 2 cores):
#   qemu-rvc.gz            PARCEL RESULT  every parcel whose run in the harness of reference.ts
#                                         (HARNESS_S) does not end in SIGTRAP: SIGILL, or timeout
#   qemu-version.txt       the first line of qemu-riscv64 --version
# rvc and decode32 use -M no-aliases,numeric (registers xN/fN, compressed mnemonics kept);
# hello uses -M no-aliases (ABI register names, as our disassembler prints them). objdump's
# "# ..." comments and the operand of .2byte/.4byte (the bytes again) are dropped.
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
OUT=$HERE
ONLY=all
BUILD=1
OBJDUMP=${OBJDUMP:-riscv64-linux-gnu-objdump}
while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    *) echo "usage: $0 [--out DIR] [--only rvc|decode32|hello|qemu-rvc] [--no-build]" >&2; exit 2 ;;
  esac
done
[ "$ONLY" = qemu-rvc ] || command -v "$OBJDUMP" >/dev/null || { echo "$OBJDUMP not found (apt-get install binutils-riscv64-linux-gnu)" >&2; exit 1; }
mkdir -p "$OUT"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

cd "$REPO"
if [ "$BUILD" = 1 ]; then npx tsc -p .; fi
# (golden-tool does nothing under node --test, which the live tests run this script from)
TOOL="env -u NODE_TEST_CONTEXT node $REPO/dist/test/isa/golden-tool.js"

# objdump's instruction lines -> KEY \t MNEMONIC [\t OPERANDS]; KEY is the bytes column (key=bytes)
# or the address (key=addr).
extract() {
  LC_ALL=C awk -F'\t' -v key="$1" '
    /^ *[0-9a-f]+:\t/ {
      addr = $1; sub(/^ +/, "", addr); sub(/:$/, "", addr)
      bytes = $2; sub(/ +$/, "", bytes)
      mn = $3; ops = $4
      sub(/ *#.*$/, "", ops)
      if (mn == ".2byte" || mn == ".4byte") ops = ""
      k = (key == "addr") ? addr : bytes
      if (ops == "") print k "\t" mn; else print k "\t" mn "\t" ops
    }'
}

raw() { # FILE: disassemble a raw little-endian blob as RV64 (objdump's default rv64gc for raw data)
  "$OBJDUMP" -D -z -b binary -m riscv:rv64 -M no-aliases,numeric "$1"
}

if [ "$ONLY" = qemu-rvc ]; then
  ${QEMU_RISCV64:-qemu-riscv64} --version | head -n 1 > "$OUT/qemu-version.txt"
  $TOOL qemu-rvc | gzip -9n > "$OUT/qemu-rvc.gz"
  exit 0
fi
"$OBJDUMP" --version | head -n 1 > "$OUT/objdump-version.txt"

if [ "$ONLY" = all ] || [ "$ONLY" = rvc ]; then
  $TOOL rvc > "$TMP/rvc.bin"
  raw "$TMP/rvc.bin" | extract bytes | gzip -9n > "$OUT/rvc.objdump.gz"
fi
if [ "$ONLY" = all ] || [ "$ONLY" = decode32 ]; then
  $TOOL words32 > "$TMP/words.bin"
  raw "$TMP/words.bin" | extract bytes | gzip -9n > "$OUT/decode32.objdump.gz"
fi
if [ "$ONLY" = all ] || [ "$ONLY" = hello ]; then
  "$OBJDUMP" -d -M no-aliases -j .text "$REPO/guests/bin/hello" | extract addr | gzip -9n > "$OUT/hello-text.objdump.gz"
fi
