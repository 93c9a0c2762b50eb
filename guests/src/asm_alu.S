/* asm_alu: no-libc RISC-V instruction tests printed as name=hex lines: RV64I
 * arithmetic/logic/shift/compare incl. W forms and masked shift amounts, lui sign
 * extension, auipc/jal/jalr link values (as differences), jalr clearing bit 0, all
 * load widths with sign/zero extension, misaligned loads/stores, writes to x0,
 * explicit compressed (RVC) instructions, M extension samples, AMOs and LR/SC, an
 * unknown syscall (-ENOSYS), and self-modifying code through an RWX mmap + fence.i. */

    .macro SHOW name
    la   a1, .Lname\@
    call show
    .pushsection .rodata
.Lname\@: .asciz "\name"
    .popsection
    .endm

    .data
    .balign 8
bytes:  .byte 0x80, 0x7f, 0xff, 0x01, 0x34, 0x12, 0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12, 0xaa, 0x55
scratch: .dword 0, 0, 0
amoword: .word 100
    .balign 8
amodword: .dword 0x0fffffffffffffff

    .text
    .globl _start
_start:
    /* --- RV64I arithmetic --- */
    li   t0, 0x7fffffffffffffff
    addi a0, t0, 1
    SHOW add_overflow
    li   t0, 0x7fffffff
    addiw a0, t0, 1
    SHOW addiw_overflow
    li   t0, 0x100000005
    li   t1, 7
    subw a0, t0, t1
    SHOW subw
    li   t0, 0x80000000
    li   t1, 0x80000000
    addw a0, t0, t1
    SHOW addw_wrap
    li   t0, -1
    li   t1, 68
    sll  a0, t0, t1         /* shift amount masked to 4 */
    SHOW sll_masked
    li   t0, 0x12345678
    li   t1, 36
    sllw a0, t0, t1         /* masked to 4 */
    SHOW sllw_masked
    li   t0, 0xffffffff80000000
    li   t1, 4
    srlw a0, t0, t1
    SHOW srlw
    sraw a0, t0, t1
    SHOW sraw
    li   t0, 0x8000000000000000
    srai a0, t0, 63
    SHOW srai63
    srli a0, t0, 63
    SHOW srli63
    li   t0, 0x00000000fedcba98
    slliw a0, t0, 4
    SHOW slliw
    srliw a0, t0, 0
    SHOW srliw0_sext
    sraiw a0, t0, 31
    SHOW sraiw31
    li   t0, -5
    li   t1, 3
    slt  a0, t0, t1
    SHOW slt
    sltu a0, t0, t1
    SHOW sltu
    sltiu a0, t1, -1        /* imm sign-extended then compared unsigned */
    SHOW sltiu_minus1
    slti a0, t0, -5
    SHOW slti_equal
    seqz a0, zero
    SHOW seqz
    snez a0, t0
    SHOW snez
    li   t0, 0xf0f0f0f0f0f0f0f0
    xori a0, t0, -1
    SHOW xori_not
    andi a0, t0, -16
    SHOW andi_neg
    ori  a0, t0, 0x7ff
    SHOW ori
    lui  a0, 0x80000
    SHOW lui_sext
    lui  a0, 0x7ffff
    addiw a0, a0, 0x7ff
    SHOW lui_addiw
    /* x0 is hardwired */
    addi zero, zero, 5
    li   t0, 123
    add  zero, t0, t0
    mv   a0, zero
    SHOW x0_stays_zero

    /* --- auipc / jal / jalr --- */
.Lauipc1:
    auipc t0, 0
    auipc t1, 0
    sub  a0, t1, t0
    SHOW auipc_delta
    jal  t0, .Ljal_target
.Ljal_ret:
    j    .Ljal_done
.Ljal_target:
    la   t1, .Ljal_ret
    sub  a0, t0, t1
    SHOW jal_link_delta
    jr   t0
.Ljal_done:
    la   t0, .Ljalr_target
    addi t0, t0, 1          /* jalr clears bit 0 of the target */
    jalr t2, 0(t0)
.Ljalr_back:
    j    .Ljalr_done
    .balign 4
.Ljalr_target:
    la   t3, .Ljalr_back
    sub  a0, t2, t3
    SHOW jalr_odd_target_link
    jalr zero, 0(t2)
.Ljalr_done:

    /* branches: signed vs unsigned */
    li   t0, -1
    li   t1, 1
    li   a0, 0
    blt  t0, t1, 1f
    ori  a0, a0, 1
1:  bltu t0, t1, 2f
    ori  a0, a0, 2
2:  bge  t1, t0, 3f
    ori  a0, a0, 4
3:  bgeu t1, t0, 4f
    ori  a0, a0, 8
4:  beq  t0, t0, 5f
    ori  a0, a0, 16
5:  bne  t0, t0, 6f
    ori  a0, a0, 32
6:  SHOW branch_mask

    /* --- loads and stores --- */
    la   s0, bytes
    lb   a0, 0(s0)
    SHOW lb_0x80
    lbu  a0, 0(s0)
    SHOW lbu_0x80
    lh   a0, 6(s0)
    SHOW lh_0xdef0
    lhu  a0, 6(s0)
    SHOW lhu_0xdef0
    lw   a0, 4(s0)
    SHOW lw
    lwu  a0, 4(s0)
    SHOW lwu
    lw   a0, 8(s0)
    SHOW lw_positive
    lwu  a0, 8(s0)
    SHOW lwu_positive
    ld   a0, 8(s0)
    SHOW ld
    ld   a0, 3(s0)          /* misaligned */
    SHOW ld_misaligned
    lw   a0, 1(s0)
    SHOW lw_misaligned
    lhu  a0, 7(s0)
    SHOW lhu_misaligned
    la   s1, scratch
    li   t0, 0x1122334455667788
    sd   t0, 0(s1)
    sb   zero, 2(s1)
    li   t1, -2
    sh   t1, 4(s1)
    ld   a0, 0(s1)
    SHOW sb_sh_into_sd
    sd   t0, 5(s1)          /* misaligned store */
    ld   a0, 8(s1)
    SHOW sd_misaligned_hi
    ld   a0, 0(s1)
    SHOW sd_misaligned_lo
    sw   t0, 16(s1)
    lwu  a0, 16(s1)
    SHOW sw_low_half

    /* --- M extension samples --- */
    li   t0, -7
    li   t1, 2
    div  a0, t0, t1
    SHOW div
    rem  a0, t0, t1
    SHOW rem
    divu a0, t0, zero
    SHOW divu_by_zero
    remw a0, t0, zero
    SHOW remw_by_zero
    li   t0, 0x8000000000000000
    li   t1, -1
    div  a0, t0, t1
    SHOW div_overflow
    mulh a0, t0, t1
    SHOW mulh
    mulhu a0, t0, t1
    SHOW mulhu
    mulhsu a0, t1, t0
    SHOW mulhsu
    li   t0, 0x123456789
    li   t1, 0x987654321
    mulw a0, t0, t1
    SHOW mulw

    /* --- compressed instructions (explicit) --- */
    c.li  a0, -32
    SHOW c_li
    c.li  a0, 31
    c.addiw a0, -1
    c.slli a0, 60
    SHOW c_addiw_slli
    li    a0, -256
    c.srai a0, 4
    SHOW c_srai
    c.srli a0, 60
    SHOW c_srli
    li    a0, 0x5a5a
    c.andi a0, -6
    SHOW c_andi
    li    a0, 100
    li    a1, 58
    c.sub a0, a1
    SHOW c_sub
    li    a0, 0x7fffffff
    li    a2, 1
    c.addw a0, a2
    SHOW c_addw
    li    a0, 0
    c.subw a0, a2
    SHOW c_subw
    li    a0, 0xff00
    li    a2, 0x0ff0
    c.xor a0, a2
    c.or  a0, a2
    c.and a0, a2
    SHOW c_xor_or_and
    c.lui a0, 0x1f
    SHOW c_lui
    c.lui a0, 0xfffe0
    SHOW c_lui_neg
    c.mv  a0, sp
    sub   a0, a0, sp
    SHOW c_mv_sp
    c.addi16sp sp, -64
    li    t0, 0xabcdef
    c.sdsp t0, 8(sp)
    c.ldsp a0, 8(sp)
    c.lwsp a3, 8(sp)
    c.add a0, a3
    c.addi16sp sp, 64
    SHOW c_sdsp_ldsp_lwsp
    c.addi4spn a0, sp, 16
    sub   a0, a0, sp
    SHOW c_addi4spn
    la    a4, bytes
    c.ld  a0, 8(a4)
    c.lw  a5, 4(a4)
    c.add a0, a5
    SHOW c_ld_lw
    li    a0, 0
    c.beqz a0, 1f
    c.li  a0, 1
1:  c.bnez a0, 2f
    c.addi a0, 4
2:  SHOW c_beqz_bnez
    la    t0, .Lc_target
    c.jalr t0
    SHOW c_jalr_return
    c.j   .Lc_after
.Lc_target:
    li    a0, 0xc0de
    c.jr  ra
.Lc_after:

    /* --- atomics --- */
    la   s2, amoword
    li   t0, 5
    amoadd.w a0, t0, (s2)
    SHOW amoadd_w_old
    lw   a0, 0(s2)
    SHOW amoadd_w_new
    li   t0, -1
    amomaxu.w a0, t0, (s2)
    lw   a0, 0(s2)
    SHOW amomaxu_w_new_sext
    li   t0, 0x12
    amoswap.w a0, t0, (s2)
    SHOW amoswap_w_old
    la   s3, amodword
    li   t0, 1
    amoadd.d a0, t0, (s3)
    ld   a0, 0(s3)
    SHOW amoadd_d
    li   t0, 0xff
    amoand.d a0, t0, (s3)
    ld   a0, 0(s3)
    SHOW amoand_d
    li   t0, 0x100
    amoor.d.aqrl a0, t0, (s3)
    li   t0, 0x101
    amoxor.d a0, t0, (s3)
    ld   a0, 0(s3)
    SHOW amoor_xor_d
    li   t0, -3
    amomin.d a0, t0, (s3)
    ld   a0, 0(s3)
    SHOW amomin_d
    lr.d t0, (s3)
    addi t0, t0, 10
    sc.d a0, t0, (s3)
    SHOW sc_d_result
    ld   a0, 0(s3)
    SHOW after_lr_sc
    sc.d a0, t0, (s3)       /* no reservation any more: must fail */
    SHOW sc_d_again_fails
    lr.w t0, (s2)
    sc.w a0, t0, (s2)
    SHOW sc_w_result
    fence
    fence rw, rw
    fence.i

    /* --- syscalls --- */
    li   a7, 9999
    ecall
    SHOW unknown_syscall
    li   a7, 172            /* getpid: only check that it is positive */
    ecall
    sgtz a0, a0
    SHOW getpid_positive

    /* --- self-modifying code --- */
    li   a0, 0
    li   a1, 4096
    li   a2, 7              /* PROT_READ|WRITE|EXEC */
    li   a3, 0x22           /* MAP_PRIVATE|MAP_ANONYMOUS */
    li   a4, -1
    li   a5, 0
    li   a7, 222
    ecall
    mv   s4, a0
    li   t0, 0x07b00513     /* addi a0, zero, 123 */
    sw   t0, 0(s4)
    li   t0, 0x00008067     /* ret */
    sw   t0, 4(s4)
    fence.i
    jalr ra, 0(s4)
    SHOW smc_first
    li   t0, 0x04d00513     /* addi a0, zero, 77 */
    sw   t0, 0(s4)
    fence.i
    jalr ra, 0(s4)
    SHOW smc_second
    li   t0, 0x4529         /* c.li a0, 10 */
    sh   t0, 0(s4)
    li   t0, 0x8082         /* c.jr ra */
    sh   t0, 2(s4)
    fence.i
    jalr ra, 0(s4)
    SHOW smc_compressed

    li   a0, 0
    li   a7, 93
    ecall

/* show(a0 = value, a1 = NUL-terminated name): prints "name=%016x\n".
 * Preserves every register except ra (the caller's call clobbers it). */
show:
    addi sp, sp, -128
    sd   ra, 120(sp)
    sd   s0, 112(sp)
    sd   s1, 104(sp)
    sd   t0, 96(sp)
    sd   t1, 88(sp)
    sd   t2, 80(sp)
    sd   t3, 72(sp)
    sd   t4, 64(sp)
    sd   a0, 56(sp)
    sd   a1, 48(sp)
    sd   a2, 40(sp)
    sd   a7, 32(sp)
    mv   s0, a0
    mv   s1, a1
    mv   t0, a1
1:  lbu  t1, 0(t0)
    beqz t1, 2f
    addi t0, t0, 1
    j    1b
2:  sub  a2, t0, s1
    li   a0, 1
    mv   a1, s1
    li   a7, 64
    ecall
    li   t0, '='
    sb   t0, 0(sp)
    li   t1, 16
    addi t2, sp, 16
3:  andi t3, s0, 15
    li   t4, 10
    blt  t3, t4, 4f
    addi t3, t3, 'a' - 10
    j    5f
4:  addi t3, t3, '0'
5:  sb   t3, 0(t2)
    srli s0, s0, 4
    addi t2, t2, -1
    addi t1, t1, -1
    bnez t1, 3b
    li   t0, '\n'
    sb   t0, 17(sp)
    li   a0, 1
    mv   a1, sp
    li   a2, 18
    li   a7, 64
    ecall
    ld   ra, 120(sp)
    ld   s0, 112(sp)
    ld   s1, 104(sp)
    ld   t0, 96(sp)
    ld   t1, 88(sp)
    ld   t2, 80(sp)
    ld   t3, 72(sp)
    ld   t4, 64(sp)
    ld   a0, 56(sp)
    ld   a1, 48(sp)
    ld   a2, 40(sp)
    ld   a7, 32(sp)
    addi sp, sp, 128
    ret
