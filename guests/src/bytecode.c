/* bytecode: a small stack-based bytecode interpreter (switch dispatch) with locals,
 * calls/returns, conditional jumps and a tiny assembler; runs several programs:
 * iterative and recursive Fibonacci, a prime sieve on a VM heap, GCD, and Collatz. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <inttypes.h>

enum op { PUSH, POP, DUP, SWAP, OVER, ADD, SUB, MUL, DIV, MOD, NEG, LT, EQ, NOT, AND, SHL, SHR,
          JMP, JZ, JNZ, CALL, RET, LOAD, STORE, GLOAD, GSTORE, HLOAD, HSTORE, PRINT, HALT, NOP };
static const char *opnames[] = { "PUSH", "POP", "DUP", "SWAP", "OVER", "ADD", "SUB", "MUL", "DIV", "MOD", "NEG",
                                 "LT", "EQ", "NOT", "AND", "SHL", "SHR", "JMP", "JZ", "JNZ", "CALL", "RET",
                                 "LOAD", "STORE", "GLOAD", "GSTORE", "HLOAD", "HSTORE", "PRINT", "HALT", "NOP" };

typedef int64_t cell;
struct frame { int ret; int bp; };
struct vm {
    cell stack[4096]; int sp;
    struct frame frames[1024]; int fp;
    cell locals[8192]; int lp;
    cell globals[16];
    cell heap[100000];
    long steps;
    uint64_t outhash;
    int printed;
};

static int run(struct vm *m, const cell *code, long maxsteps)
{
    int pc = 0;
    m->sp = 0; m->fp = 0; m->lp = 0;
    for (;;) {
        if (++m->steps > maxsteps) return -1;
        cell op = code[pc++];
        cell a, b;
        switch (op) {
        case PUSH: m->stack[m->sp++] = code[pc++]; break;
        case POP: m->sp--; break;
        case DUP: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; break;
        case SWAP: a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = a; break;
        case OVER: m->stack[m->sp] = m->stack[m->sp - 2]; m->sp++; break;
#define BIN(OPC, EXPR) case OPC: b = m->stack[--m->sp]; a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = (EXPR); break;
        BIN(ADD, (cell)((uint64_t)a + (uint64_t)b))
        BIN(SUB, (cell)((uint64_t)a - (uint64_t)b))
        BIN(MUL, (cell)((uint64_t)a * (uint64_t)b))
        BIN(DIV, b ? a / b : 0)
        BIN(MOD, b ? a % b : 0)
        BIN(LT, a < b)
        BIN(EQ, a == b)
        BIN(AND, a & b)
        BIN(SHL, (cell)((uint64_t)a << (b & 63)))
        BIN(SHR, (cell)((uint64_t)a >> (b & 63)))
        case NEG: m->stack[m->sp - 1] = -m->stack[m->sp - 1]; break;
        case NOT: m->stack[m->sp - 1] = !m->stack[m->sp - 1]; break;
        case JMP: pc = (int)code[pc]; break;
        case JZ: a = m->stack[--m->sp]; pc = a ? pc + 1 : (int)code[pc]; break;
        case JNZ: a = m->stack[--m->sp]; pc = a ? (int)code[pc] : pc + 1; break;
        case CALL: /* CALL target nargs: args are moved from the stack to a new locals frame */
            m->frames[m->fp].ret = pc + 2; m->frames[m->fp].bp = m->lp; m->fp++;
            { int nargs = (int)code[pc + 1]; m->lp += 8;
              for (int i = nargs - 1; i >= 0; i--) m->locals[m->lp + i] = m->stack[--m->sp]; }
            pc = (int)code[pc];
            break;
        case RET: m->fp--; pc = m->frames[m->fp].ret; m->lp = m->frames[m->fp].bp; break;
        case LOAD: m->stack[m->sp++] = m->locals[m->lp + code[pc++]]; break;
        case STORE: m->locals[m->lp + code[pc++]] = m->stack[--m->sp]; break;
        case GLOAD: m->stack[m->sp++] = m->globals[code[pc++]]; break;
        case GSTORE: m->globals[code[pc++]] = m->stack[--m->sp]; break;
        case HLOAD: m->stack[m->sp - 1] = m->heap[m->stack[m->sp - 1]]; break;
        case HSTORE: b = m->stack[--m->sp]; a = m->stack[--m->sp]; m->heap[a] = b; break; /* addr value HSTORE */
        case PRINT:
            a = m->stack[--m->sp];
            m->outhash = m->outhash * 1000003 ^ (uint64_t)a;
            if (m->printed++ < 12) printf("  out: %" PRId64 "\n", a);
            break;
        case HALT: return 0;
        case NOP: break;
        default: printf("bad opcode %" PRId64 " at %d\n", op, pc - 1); return -2;
        }
    }
}

static void disasm(const cell *code, int n)
{
    for (int pc = 0; pc < n && pc < 12;) {
        cell op = code[pc];
        int args = (op == PUSH || op == JMP || op == JZ || op == JNZ || op == LOAD || op == STORE || op == GLOAD || op == GSTORE) ? 1 : op == CALL ? 2 : 0;
        printf("  %3d %-6s", pc, opnames[op]);
        for (int i = 1; i <= args; i++) printf(" %" PRId64, code[pc + i]);
        printf("\n");
        pc += 1 + args;
    }
}

static struct vm m;

/* tiny assembler with labels */
static cell code[4096];
static int ncode, labels[32], fix_at[256], fix_lbl[256], nfix;
static void E(cell c) { code[ncode++] = c; }
static void E2(cell op, cell arg) { E(op); E(arg); }
static void L(int l) { labels[l] = ncode; }
static void J(cell op, int l) { E(op); fix_at[nfix] = ncode; fix_lbl[nfix++] = l; E(0); }
static void C(int l, int nargs) { J(CALL, l); E(nargs); }
static void begin(void) { ncode = 0; nfix = 0; memset(labels, -1, sizeof labels); }
static void go(const char *name)
{
    for (int i = 0; i < nfix; i++) code[fix_at[i]] = labels[fix_lbl[i]];
    printf("program %s (%d cells):\n", name, ncode);
    disasm(code, ncode);
    m.steps = 0; m.outhash = 0; m.printed = 0;
    memset(m.globals, 0, sizeof m.globals);
    int r = run(&m, code, 100000000);
    printf("  result=%d steps=%ld outputs=%d outhash=%016" PRIx64 " stack_depth=%d\n", r, m.steps, m.printed, m.outhash, m.sp);
}

int main(void)
{
    /* iterative fib: print fib(0..90) */
    begin();
    E2(PUSH, 0); E2(GSTORE, 0); E2(PUSH, 1); E2(GSTORE, 1); E2(PUSH, 0); E2(GSTORE, 2);
    L(1); E2(GLOAD, 2); E2(PUSH, 91); E(LT); J(JZ, 2);
    E2(GLOAD, 0); E(PRINT);
    E2(GLOAD, 0); E2(GLOAD, 1); E(DUP); E2(GSTORE, 0); E(ADD); E2(GSTORE, 1);
    E2(GLOAD, 2); E2(PUSH, 1); E(ADD); E2(GSTORE, 2); J(JMP, 1);
    L(2); E(HALT);
    go("fib_iter");

    /* recursive fib(n) for n in 0..24 */
    begin();
    E2(PUSH, 0); E2(GSTORE, 0);
    L(1); E2(GLOAD, 0); E2(PUSH, 25); E(LT); J(JZ, 2);
    E2(GLOAD, 0); C(3, 1); E(PRINT); E2(GLOAD, 0); E2(PUSH, 1); E(ADD); E2(GSTORE, 0); J(JMP, 1);
    L(2); E(HALT);
    L(3); E2(LOAD, 0); E2(PUSH, 2); E(LT); J(JZ, 4); E2(LOAD, 0); E(RET);
    L(4); E2(LOAD, 0); E2(PUSH, 1); E(SUB); C(3, 1); E2(LOAD, 0); E2(PUSH, 2); E(SUB); C(3, 1); E(ADD); E(RET);
    go("fib_rec");

    /* sieve of Eratosthenes below 50000 on the VM heap: prints the number of primes and the last five */
    begin();
    E2(PUSH, 2); E2(GSTORE, 0);
    L(1); E2(GLOAD, 0); E(DUP); E(MUL); E2(PUSH, 50000); E(LT); J(JZ, 5);
    E2(GLOAD, 0); E(HLOAD); J(JNZ, 4);
    E2(GLOAD, 0); E(DUP); E(MUL); E2(GSTORE, 1);
    L(3); E2(GLOAD, 1); E2(PUSH, 50000); E(LT); J(JZ, 4);
    E2(GLOAD, 1); E2(PUSH, 1); E(HSTORE); E2(GLOAD, 1); E2(GLOAD, 0); E(ADD); E2(GSTORE, 1); J(JMP, 3);
    L(4); E2(GLOAD, 0); E2(PUSH, 1); E(ADD); E2(GSTORE, 0); J(JMP, 1);
    L(5); E2(PUSH, 2); E2(GSTORE, 0); E2(PUSH, 0); E2(GSTORE, 2);
    L(6); E2(GLOAD, 0); E2(PUSH, 50000); E(LT); J(JZ, 8);
    E2(GLOAD, 0); E(HLOAD); J(JNZ, 7);
    E2(GLOAD, 2); E2(PUSH, 1); E(ADD); E2(GSTORE, 2);
    E2(GLOAD, 0); E2(PUSH, 49900); E(LT); J(JNZ, 7); E2(GLOAD, 0); E(PRINT);
    L(7); E2(GLOAD, 0); E2(PUSH, 1); E(ADD); E2(GSTORE, 0); J(JMP, 6);
    L(8); E2(GLOAD, 2); E(PRINT); E(HALT);
    go("sieve");

    /* Collatz: total number of steps for n = 1..3000 */
    begin();
    E2(PUSH, 1); E2(GSTORE, 0); E2(PUSH, 0); E2(GSTORE, 3);
    L(1); E2(GLOAD, 0); E2(PUSH, 3001); E(LT); J(JZ, 6);
    E2(GLOAD, 0); E2(GSTORE, 1);
    L(2); E2(GLOAD, 1); E2(PUSH, 1); E(EQ); J(JNZ, 5);
    E2(GLOAD, 1); E2(PUSH, 1); E(AND); J(JZ, 3);
    E2(GLOAD, 1); E2(PUSH, 3); E(MUL); E2(PUSH, 1); E(ADD); E2(GSTORE, 1); J(JMP, 4);
    L(3); E2(GLOAD, 1); E2(PUSH, 1); E(SHR); E2(GSTORE, 1);
    L(4); E2(GLOAD, 3); E2(PUSH, 1); E(ADD); E2(GSTORE, 3); J(JMP, 2);
    L(5); E2(GLOAD, 0); E2(PUSH, 1); E(ADD); E2(GSTORE, 0); J(JMP, 1);
    L(6); E2(GLOAD, 3); E(PRINT); E(HALT);
    go("collatz");

    /* recursive gcd: sum of gcd(i, 360) for i = 1..2000, plus a few negatives via MOD/DIV/NEG */
    begin();
    E2(PUSH, 1); E2(GSTORE, 0); E2(PUSH, 0); E2(GSTORE, 1);
    L(1); E2(GLOAD, 0); E2(PUSH, 2001); E(LT); J(JZ, 2);
    E2(GLOAD, 0); E2(PUSH, 360); C(3, 2); E2(GLOAD, 1); E(ADD); E2(GSTORE, 1);
    E2(GLOAD, 0); E2(PUSH, 1); E(ADD); E2(GSTORE, 0); J(JMP, 1);
    L(2); E2(GLOAD, 1); E(PRINT);
    E2(PUSH, -17); E2(PUSH, 5); E(DIV); E(PRINT); E2(PUSH, -17); E2(PUSH, 5); E(MOD); E(PRINT);
    E2(PUSH, 7); E(NEG); E2(PUSH, 3); E(SWAP); E(OVER); E(SUB); E(SUB); E(PRINT);
    E2(PUSH, 1); E2(PUSH, 63); E(SHL); E(PRINT); E2(PUSH, 0); E(NOT); E(PRINT); E(NOP); E(HALT);
    L(3); E2(LOAD, 1); J(JNZ, 4); E2(LOAD, 0); E(RET);
    L(4); E2(LOAD, 1); E2(LOAD, 0); E2(LOAD, 1); E(MOD); C(3, 2); E(RET);
    go("gcd");
    (void)POP;
    return 0;
}
