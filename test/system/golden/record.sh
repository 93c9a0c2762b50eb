#!/usr/bin/env bash
# Records what QEMU's virt machine says, for the tests under test/system/:
#   qemu-virt*.dts    QEMU's device trees (virt-dt.test.ts compares univm's tree with them);
#                     the random /chosen/rng-seed is dropped so that re-recording changes nothing
#   mmio-oracle.txt   register values read by mmio-oracle/runner.S (mmio-oracle.test.ts)
# Needs Debian's qemu-system-misc (QEMU 7.2) and device-tree-compiler, and `npx tsc -p .` done.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dump() { # NAME QEMU-ARGS...
  local name=$1; shift
  qemu-system-riscv64 -M "virt,dumpdtb=$tmp/$name.dtb" -nographic "$@" >/dev/null 2>&1
  dtc -q -I dtb -O dts "$tmp/$name.dtb" | grep -v 'rng-seed = ' > "$name.dts"
}
head -c 5000 /dev/zero > "$tmp/initrd"
head -c 4096 /dev/zero > "$tmp/kernel"
dump qemu-virt -m 128M -smp 1
dump qemu-virt-smp2 -m 128M -smp 2
dump qemu-virt-chosen -m 256M -smp 1 -kernel "$tmp/kernel" -initrd "$tmp/initrd" -append 'console=ttyS0 earlycon=sbi root=/dev/vda rw'
qemu-system-riscv64 --version | head -1 > qemu-version.txt
node ../../../dist/test/system/mmio-oracle/record.js --write
