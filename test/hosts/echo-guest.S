# Bare-metal guest for QEMU's virt machine (loaded with -bios at 0x80000000): prints every byte
# the UART receives as two hex digits and CR LF, so that control bytes (C-a, C-c, NUL) show in
# the recording. Records what QEMU's -nographic console hands to the guest (qemu-mux.ts).
	.option norvc
	.text
	.globl _start
_start:
	li	s0, 0x10000000		# NS16550A
	la	s1, digits
1:	lbu	t0, 5(s0)		# LSR.DR: wait for a byte
	andi	t0, t0, 1
	beqz	t0, 1b
	lbu	s2, 0(s0)
	srli	t1, s2, 4
	add	t1, s1, t1
	lbu	a0, 0(t1)
	jal	putc
	andi	t1, s2, 15
	add	t1, s1, t1
	lbu	a0, 0(t1)
	jal	putc
	li	a0, '\r'
	jal	putc
	li	a0, '\n'
	jal	putc
	j	1b

putc:	lbu	t2, 5(s0)		# LSR.THRE
	andi	t2, t2, 0x20
	beqz	t2, putc
	sb	a0, 0(s0)
	ret

digits:	.ascii	"0123456789abcdef"
