# MMIO script runner for QEMU's virt machine (M-mode, -bios none, loaded at 0x80000000).
#
# Runs the script at 0x80001000: records of four little-endian u64 (op, address, size, value),
#   op 1 = load `size` bytes from `address`  -> result: the value, zero-extended
#   op 2 = store `value` (`size` bytes) to `address` -> result: 0
#   op 3 = read the mip CSR                  -> result: mip
#   op 0 = end of script.
# An access that traps records 0xdead000000000000 | mcause instead and the script goes on.
# Then it restores the UART to plain polled output, prints "RESULTS" and one line of 16 hex
# digits per op, and powers off through the sifive_test device.
# Build: riscv64-linux-gnu-as -march=rv64i_zicsr -o runner.o runner.S
#        riscv64-linux-gnu-ld -Ttext=0x80000000 -o runner.elf runner.o
#        riscv64-linux-gnu-objcopy -O binary runner.elf runner.bin
  .option norvc
  .text
  .globl _start
_start:
  la t0, trap
  csrw mtvec, t0
  li s0, 0x80001000
  li s1, 0x80100000
  mv s2, s1
loop:
  ld t0, 0(s0)
  ld t1, 8(s0)
  ld t2, 16(s0)
  ld t3, 24(s0)
  addi s0, s0, 32
  beqz t0, done
  li t4, 1
  beq t0, t4, do_load
  li t4, 2
  beq t0, t4, do_store
  csrr t5, mip
  j record
do_load:
  li t5, 0
  li t4, 1
  beq t2, t4, load1
  li t4, 2
  beq t2, t4, load2
  li t4, 4
  beq t2, t4, load4
  ld t5, 0(t1)
  j record
load1:
  lbu t5, 0(t1)
  j record
load2:
  lhu t5, 0(t1)
  j record
load4:
  lwu t5, 0(t1)
  j record
do_store:
  li t5, 0
  li t4, 1
  beq t2, t4, store1
  li t4, 2
  beq t2, t4, store2
  li t4, 4
  beq t2, t4, store4
  sd t3, 0(t1)
  j record
store1:
  sb t3, 0(t1)
  j record
store2:
  sh t3, 0(t1)
  j record
store4:
  sw t3, 0(t1)
  j record
record:
  sd t5, 0(s1)
  addi s1, s1, 8
  j loop

# Every access above is followed by `j record`: resume there with the marker in t5.
trap:
  csrr t5, mcause
  li t6, 0xdead
  slli t6, t6, 48
  or t5, t5, t6
  csrr t6, mepc
  addi t6, t6, 4
  csrw mepc, t6
  mret

done:
  li t0, 0x10000000
  li t1, 3
  sb t1, 3(t0)          # LCR: 8N1, DLAB off
  sb zero, 4(t0)        # MCR: loopback off
  sb zero, 1(t0)        # IER: no interrupts
  la a5, banner
banner_loop:
  lbu a2, 0(a5)
  beqz a2, print_loop
  jal ra, putc
  addi a5, a5, 1
  j banner_loop
print_loop:
  bgeu s2, s1, finish
  ld a0, 0(s2)
  addi s2, s2, 8
  li a1, 60
digit:
  srl a2, a0, a1
  andi a2, a2, 15
  li a3, 10
  blt a2, a3, decimal
  addi a2, a2, 87       # 'a' - 10
  j emit
decimal:
  addi a2, a2, 48       # '0'
emit:
  jal ra, putc
  addi a1, a1, -4
  bgez a1, digit
  li a2, 10
  jal ra, putc
  j print_loop
finish:
  li t0, 0x100000
  li t1, 0x5555
  sw t1, 0(t0)
halt:
  j halt

putc:                   # a2 = byte; t0 = UART base
  lbu a4, 5(t0)
  andi a4, a4, 0x20
  beqz a4, putc
  sb a2, 0(t0)
  ret

banner:
  .asciz "RESULTS\n"
