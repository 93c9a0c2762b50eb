#!/usr/bin/env bash
# Records QEMU's virt device trees that test/system/virt-dt.test.ts compares univm's tree with.
# Needs Debian's qemu-system-misc (QEMU 7.2) and device-tree-compiler. The random
# /chosen/rng-seed is dropped so that re-recording changes nothing.
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
