/* bare: no libc at all. _start reads argc and argv from the initial stack, writes a
 * greeting, argc as a decimal digit string and each argument on its own line with the
 * write syscall (ecall 64), then exits with exit (ecall 93), status 0. */
    .section .rodata
hello:  .ascii "hello from bare-metal RISC-V assembly\n"
        .set hello_len, . - hello
argc_msg: .ascii "argc="
newline:  .ascii "\n"
arg_msg:  .ascii "arg: "

    .text
    .globl _start
_start:
    /* gp is not needed: no small data used. sp -> argc, argv[0..], NULL, envp... */
    mv   s0, sp
    li   a0, 1
    la   a1, hello
    li   a2, hello_len
    li   a7, 64
    ecall

    li   a0, 1
    la   a1, argc_msg
    li   a2, 5
    li   a7, 64
    ecall

    ld   s1, 0(s0)          /* argc */
    /* convert argc to decimal into a buffer on the stack (right to left) */
    addi sp, sp, -32
    addi t0, sp, 31         /* t0 = write cursor (one past last digit) */
    mv   t1, s1
    li   t2, 10
1:  remu t3, t1, t2
    addi t3, t3, '0'
    addi t0, t0, -1
    sb   t3, 0(t0)
    divu t1, t1, t2
    bnez t1, 1b
    li   a0, 1
    mv   a1, t0
    addi a2, sp, 31
    sub  a2, a2, t0
    li   a7, 64
    ecall
    li   a0, 1
    la   a1, newline
    li   a2, 1
    li   a7, 64
    ecall

    /* print argv[1..argc-1] */
    li   s2, 1
2:  bge  s2, s1, 4f
    slli t0, s2, 3
    add  t0, t0, s0
    ld   s3, 8(t0)          /* argv[s2] is at sp + 8 + 8*s2 */
    mv   t1, s3             /* strlen */
3:  lbu  t2, 0(t1)
    beqz t2, 5f
    addi t1, t1, 1
    j    3b
5:  sub  s4, t1, s3
    li   a0, 1
    la   a1, arg_msg
    li   a2, 5
    li   a7, 64
    ecall
    li   a0, 1
    mv   a1, s3
    mv   a2, s4
    li   a7, 64
    ecall
    li   a0, 1
    la   a1, newline
    li   a2, 1
    li   a7, 64
    ecall
    addi s2, s2, 1
    j    2b

4:  li   a0, 0
    li   a7, 93             /* exit */
    ecall
    unimp                   /* never reached */
