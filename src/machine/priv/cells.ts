/**
 * Privileged state that generated code reads on its hot paths, kept in one Int32Array so that
 * the interpreter and translated code see it without a call (the system VM's `SYS` binding).
 */
export const SYS_PRIV = 0;
/** mstatus.FS (0 Off, 1 Initial, 2 Clean, 3 Dirty): FP instructions check it. */
export const SYS_FS = 1;
/**
 * Nonzero: the translation context or the interrupt state changed (a CSR write, an MMIO store,
 * a TLB flush); the engine leaves its run loop after the current instruction, so the machine
 * can take an interrupt and the engine re-reads everything it cached (fetch page, TLB bindings).
 */
export const SYS_STOP = 2;
export const SYS_CELLS = 4;

export const PRV_U = 0, PRV_S = 1, PRV_M = 3;
export const PRIV_NAMES = ['U', 'S', '?', 'M'];

/**
 * Exits of the system engines for the privileged instructions: the engine stops *before* one of
 * them, like a trap, and the machine performs it (trap-and-emulate inside our own core). Numbers
 * above every real exception cause.
 */
export const EXIT_MRET = 0x100, EXIT_SRET = 0x101, EXIT_WFI = 0x102, EXIT_SFENCE_VMA = 0x103;
