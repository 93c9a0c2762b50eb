#!/usr/bin/env bash
# Records QEMU 7.2's console transcripts for test/system/boot.test.ts into golden/:
#   NAME.log        the bytes QEMU wrote on stdout while console.ts typed at U-Boot's prompt
#   manifest.json   QEMU version and arguments, firmware sha256, commands typed, exit status
# The scenarios (firmware, commands) are in scenarios.ts. Needs Debian's qemu-system-misc,
# opensbi and u-boot-qemu (bookworm: QEMU 7.2, OpenSBI 1.1, U-Boot 2023.01), and
# `npx tsc -p .` done.
#
# What QEMU 7.2's virt machine does at reset (hw/riscv/boot.c, virt.c; checked with the
# monitor's `xp /22xw 0x1000` and `info registers` under -S), which univm's `system` must do too:
#
# * -bios FILE is loaded at 0x80000000 (an ELF at its own addresses; anything else raw).
#   -kernel FILE goes to the first 2 MiB boundary at or after the end of the firmware image
#   (0x80200000 for OpenSBI's 115 KB .bin; an ELF at its lowest load address, a uImage at
#   its load address). With -bios none the kernel lands at 0x80000000 and the harts start there.
# * The device tree goes at align_down(min(RAM end, 3 GiB) - dtb size, 2 MiB): 0x8fe00000
#   for -m 256M. fw_jump then copies it to its built-in FW_JUMP_FDT_ADDR, 0x82200000
#   ("Domain0 Next Arg1"), and jumps to its built-in FW_JUMP_ADDR, 0x80200000, in S-mode.
# * Every hart starts at 0x1000 (mstatus = SXL|UXL = 64-bit, everything else 0; mip.MTIP is
#   already set because mtimecmp resets to 0) in a ROM holding ten words, the same for every
#   firmware:
#       0x1000  00000297  auipc t0, 0            t0 = 0x1000
#       0x1004  02828613  addi  a2, t0, 40       a2 = 0x1028: &fw_dynamic_info
#       0x1008  f1402573  csrr  a0, mhartid      a0 = hart id
#       0x100c  0202b583  ld    a1, 32(t0)       a1 = device tree address (0x1020)
#       0x1010  0182b283  ld    t0, 24(t0)       t0 = start address (0x1018)
#       0x1014  00028067  jr    t0
#       0x1018  .dword start      0x80000000 (the firmware; with -bios none the kernel)
#       0x1020  .dword dtb        e.g. 0x8fe00000
#   followed at 0x1028 by OpenSBI's struct fw_dynamic_info, six little-endian dwords:
#       magic 0x4942534f ("OSBI"), version 2, next_addr = the -kernel entry (0x80200000;
#       0 without -kernel), next_mode 1 (S-mode), options 0, boot_hart 0.
#   The rest of the ROM (to 0x10000) reads as zero. fw_dynamic reads a2 and boots next_addr
#   in next_mode; fw_jump and M-mode U-Boot ignore a2 (U-Boot takes a0 and a1 only).
#
# How QEMU's machine is brought close to univm's (scenarios.ts): -cpu with H, Zba/Zbb/Zbc/Zbs
# and Zihintpause off, so the device tree's riscv,isa is univm's rv64imafdc_zicsr_zifencei_sstc
# and OpenSBI delegates the same traps (MIDELEG 0x222, MEDELEG 0xb109); -nic none; -smp 1
# -m 256M. QEMU's virt machine cannot drop its flash, virtio-mmio transports, PCIe host, RTC
# and fw-cfg, so U-Boot's "Core:" device count differs, "Flash: 32 MiB" has no counterpart
# (U-Boot's qemu-riscv board skips flash without a cfi-flash node), and everything U-Boot puts
# below its relocated device tree moves (univm's is smaller): "Working FDT", bdinfo's
# fdt_blob/new_fdt/fdt_size, flashstart/flashsize and lmb reservations, printenv's fdt
# addresses. The hart's own differences: OpenSBI's "MHPM Count" (QEMU 16, univm 0) and the
# sbi command's marchid/mimpid. scenarios.ts MACHINE_LINES lists them; boot.test.ts fails if
# one stops differing. Without flash U-Boot's `cp` takes every address for flash (its flash
# table stays zero), so the commands avoid `cp`. QEMU's rng-seed changes the device tree's
# bytes on every run but not its size, so QEMU's transcripts are repeatable apart from the
# autoboot countdown (which second the key arrived in).
set -euo pipefail
cd "$(dirname "$0")"
for f in qemu-system-riscv64; do
  command -v "$f" >/dev/null || { echo "record.sh: $f missing (Debian package qemu-system-misc)" >&2; exit 1; }
done
for f in /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin; do
  [ -f "$f" ] || { echo "record.sh: $f missing (Debian packages opensbi, u-boot-qemu)" >&2; exit 1; }
done
mkdir -p golden
node ../../../dist/test/system/boot/record.js
