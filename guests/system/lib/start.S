/* Reset entry, trap entries (direct and vectored, M and S), privilege switching, probes. */
    .file "start.S"
#define FRAME_SIZE (38 * 8)
#define F_EPC (32 * 8)
#define F_CAUSE (33 * 8)
#define F_TVAL (34 * 8)
#define F_STATUS (35 * 8)
#define F_VEC (36 * 8)

    .section .text.init, "ax"
    .option norvc
    .globl _start
_start:
    /* only hart 0 runs the guest */
    csrr t0, mhartid
1:  bnez t0, 1b
    la sp, m_stack_top
    la t0, m_trap_stack_top
    csrw mscratch, t0
    la t0, m_trap_entry
    csrw mtvec, t0
    la t0, s_trap_stack_top
    csrw sscratch, t0
    la t0, s_trap_entry
    csrw stvec, t0
    la t0, __bss_start
    la t1, __bss_end
2:  bgeu t0, t1, 3f
    sd zero, 0(t0)
    addi t0, t0, 8
    j 2b
3:  call rt_init
    call main
    call exit_

/* Saves the registers into a frame on the trap stack (swapped in from xscratch), calls the C
 * handler, writes back epc/status (the handler may change them) and returns. The vector slots
 * enter at \p\()_trap_slot with t0 already saved and holding the slot number. */
.macro TRAP_ENTRY p, handler
    .align 6
    .globl \p\()_trap_entry
\p\()_trap_entry:
    csrrw sp, \p\()scratch, sp
    addi sp, sp, -FRAME_SIZE
    sd t0, 5*8(sp)
    li t0, -1
\p\()_trap_common:
    sd t0, F_VEC(sp)
    sd ra, 1*8(sp)
    sd gp, 3*8(sp)
    sd tp, 4*8(sp)
    sd t1, 6*8(sp)
    sd t2, 7*8(sp)
    sd s0, 8*8(sp)
    sd s1, 9*8(sp)
    sd a0, 10*8(sp)
    sd a1, 11*8(sp)
    sd a2, 12*8(sp)
    sd a3, 13*8(sp)
    sd a4, 14*8(sp)
    sd a5, 15*8(sp)
    sd a6, 16*8(sp)
    sd a7, 17*8(sp)
    sd s2, 18*8(sp)
    sd s3, 19*8(sp)
    sd s4, 20*8(sp)
    sd s5, 21*8(sp)
    sd s6, 22*8(sp)
    sd s7, 23*8(sp)
    sd s8, 24*8(sp)
    sd s9, 25*8(sp)
    sd s10, 26*8(sp)
    sd s11, 27*8(sp)
    sd t3, 28*8(sp)
    sd t4, 29*8(sp)
    sd t5, 30*8(sp)
    sd t6, 31*8(sp)
    csrr t0, \p\()scratch
    sd t0, 2*8(sp)
    csrr t0, \p\()epc
    sd t0, F_EPC(sp)
    csrr t0, \p\()cause
    sd t0, F_CAUSE(sp)
    csrr t0, \p\()tval
    sd t0, F_TVAL(sp)
    csrr t0, \p\()status
    sd t0, F_STATUS(sp)
    mv a0, sp
    call \handler
    ld t0, F_EPC(sp)
    csrw \p\()epc, t0
    ld t0, F_STATUS(sp)
    csrw \p\()status, t0
    ld ra, 1*8(sp)
    ld gp, 3*8(sp)
    ld tp, 4*8(sp)
    ld t0, 5*8(sp)
    ld t1, 6*8(sp)
    ld t2, 7*8(sp)
    ld s0, 8*8(sp)
    ld s1, 9*8(sp)
    ld a0, 10*8(sp)
    ld a1, 11*8(sp)
    ld a2, 12*8(sp)
    ld a3, 13*8(sp)
    ld a4, 14*8(sp)
    ld a5, 15*8(sp)
    ld a6, 16*8(sp)
    ld a7, 17*8(sp)
    ld s2, 18*8(sp)
    ld s3, 19*8(sp)
    ld s4, 20*8(sp)
    ld s5, 21*8(sp)
    ld s6, 22*8(sp)
    ld s7, 23*8(sp)
    ld s8, 24*8(sp)
    ld s9, 25*8(sp)
    ld s10, 26*8(sp)
    ld s11, 27*8(sp)
    ld t3, 28*8(sp)
    ld t4, 29*8(sp)
    ld t5, 30*8(sp)
    ld t6, 31*8(sp)
    addi sp, sp, FRAME_SIZE
    csrrw sp, \p\()scratch, sp
    \p\()ret

/* Vectored mode: slot i jumps to a stub that enters the common path with t0 = i. */
    .align 6
    .globl \p\()_vector_table
\p\()_vector_table:
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
    j \p\()_vec_stub_\i
    .endr
    .irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
\p\()_vec_stub_\i:
    csrrw sp, \p\()scratch, sp
    addi sp, sp, -FRAME_SIZE
    sd t0, 5*8(sp)
    li t0, \i
    j \p\()_trap_common
    .endr
.endm

    .text
    TRAP_ENTRY m, m_trap
    TRAP_ENTRY s, s_trap

#define RUN_MAGIC 0x52554e
/* ra, sp and the callee-saved registers into the context at t0 (restore_ctx reads them back) */
.macro SAVE_CTX
    sd ra, 0(t0)
    sd sp, 8(t0)
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
    sd s\n, 16+8*\n(t0)
    .endr
.endm
/* i64 run_in(int mode, i64 (*fn)(i64), i64 arg): see rt.h. The callee-saved registers wait in
 * m_run_ctx until m_trap sees the return ecall and mrets to run_resume. */
    .globl run_in
run_in:
    la t0, m_run_ctx
    SAVE_CTX
    li t1, 0x1800
    csrc mstatus, t1
    slli t1, a0, 11
    csrs mstatus, t1
    csrw mepc, a1
    li t1, 1
    la t0, m_run_active
    sw t1, 0(t0)
    la sp, __user_stack_top
    la ra, lower_return_u
    beqz a0, 1f
    la sp, s_stack_top
    la ra, lower_return_s
1:  mv a0, a2
    mret

    .globl run_resume
run_resume:
    la t0, m_run_ctx
    j restore_ctx

/* i64 s_run_in_u(i64 (*fn)(i64), i64 arg), from S-mode. */
    .globl s_run_in_u
s_run_in_u:
    la t0, s_run_ctx
    SAVE_CTX
    li t1, 0x100
    csrc sstatus, t1
    csrw sepc, a0
    li t1, 1
    la t0, s_run_active
    sw t1, 0(t0)
    la sp, __user_stack_top
    la ra, lower_return_u
    mv a0, a1
    sret

    .globl s_resume
s_resume:
    la t0, s_run_ctx
restore_ctx:
    ld ra, 0(t0)
    ld sp, 8(t0)
    ld s0, 16(t0)
    ld s1, 24(t0)
    ld s2, 32(t0)
    ld s3, 40(t0)
    ld s4, 48(t0)
    ld s5, 56(t0)
    ld s6, 64(t0)
    ld s7, 72(t0)
    ld s8, 80(t0)
    ld s9, 88(t0)
    ld s10, 96(t0)
    ld s11, 104(t0)
    ret

    .globl lower_return_s
lower_return_s:
    li a7, RUN_MAGIC
    ecall

/* Probes: the access is one 4-byte instruction; a skipped trap leaves a0 = 0xdead. */
.macro LOAD_PROBE name, insn
    .globl \name
\name:
    mv t0, a0
    li a0, 0xdead
    \insn a0, 0(t0)
    ret
.endm
.macro STORE_PROBE name, insn
    .globl \name
\name:
    \insn a1, 0(a0)
    ret
.endm
.macro JUMP_PROBE name
    .globl \name
\name:
    addi sp, sp, -16
    sd ra, 0(sp)
    mv t0, a0
    li a0, 0xdead
    jalr t0
    ld ra, 0(sp)
    addi sp, sp, 16
    ret
.endm

    LOAD_PROBE probe_ld, ld
    LOAD_PROBE probe_lw, lw
    LOAD_PROBE probe_lh, lh
    LOAD_PROBE probe_lb, lb
    STORE_PROBE probe_sd, sd
    STORE_PROBE probe_sw, sw
    STORE_PROBE probe_sh, sh
    STORE_PROBE probe_sb, sb
    JUMP_PROBE probe_jump
    .globl probe_amoadd
probe_amoadd:
    mv t0, a0
    li a0, 0xdead
    amoadd.d a0, a1, (t0)
    ret
    .globl probe_lr
probe_lr:
    mv t0, a0
    li a0, 0xdead
    lr.d a0, (t0)
    ret

    .section .utext, "ax"
    .globl lower_return_u
lower_return_u:
    li a7, RUN_MAGIC
    ecall
    LOAD_PROBE uprobe_ld, ld
    STORE_PROBE uprobe_sd, sd
    JUMP_PROBE uprobe_jump

    .bss
    .align 4
    .globl m_run_ctx, s_run_ctx
m_run_ctx: .skip 8 * 14
s_run_ctx: .skip 8 * 14
    .align 12
m_stack: .skip 16384
    .globl m_stack_top
m_stack_top:
m_trap_stack: .skip 8192
    .globl m_trap_stack_top
m_trap_stack_top:
s_stack: .skip 16384
    .globl s_stack_top
s_stack_top:
s_trap_stack: .skip 8192
    .globl s_trap_stack_top
s_trap_stack_top:
