/**
 * NS16550A UART, as on QEMU's virt machine (serial@10000000, PLIC source 10, reg-shift 0,
 * byte registers): the register set of the National Semiconductor PC16550D datasheet.
 *
 *   offset  DLAB=0 read / write     DLAB=1
 *   0       RBR / THR               DLL (divisor latch, low)
 *   1       IER                     DLM (divisor latch, high)
 *   2       IIR / FCR
 *   3       LCR (bit 7 = DLAB)
 *   4       MCR
 *   5       LSR (writes ignored)
 *   6       MSR (writes ignored)
 *   7       SCR
 *
 * The DT reserves 0x100 bytes but only the 8 registers decode; accesses to offsets 8..0xff
 * raise an access fault, as on QEMU. Any access size is accepted (as QEMU's serial-mm does):
 * a write takes the low byte of the value and a read returns the byte zero-extended.
 *
 * Host side: `pushInput` queues bytes typed at the console; they enter the receive FIFO (16
 * bytes, or a single holding register when FCR.FE = 0) as the guest drains it, so the host
 * never overruns the guest (flow control, like QEMU's character backends). Transmission is
 * instantaneous: a THR write calls `onOutput(byte)` at once and the transmitter is empty again
 * (LSR.THRE = LSR.TEMT = 1 always, so drivers never wait).
 *
 * Interrupts (IIR, highest priority first), each gated by its IER bit:
 *   0x06 receiver line status  LSR has OE/PE/FE/BI set; cleared by reading LSR
 *   0x04 received data         FIFO at or above the trigger level (or holding register full)
 *   0x0C character timeout     FIFO mode, data below the trigger level. Modelled with zero
 *                              delay (the real chip waits 4 character times): drivers drain
 *                              the FIFO on either 0x04 or 0x0C, so they cannot tell
 *   0x02 THR empty             set when the THR empties and when IER.THRI rises while THR is
 *                              empty; cleared by a THR write or by an IIR read reporting it
 *   0x00 modem status          MSR delta bits; cleared by reading MSR
 * IIR bits 7:6 read 11 when the FIFOs are enabled. The IRQ line is high while IIR bit 0 is 0.
 *
 * Loopback (MCR.LOOP): transmitted bytes go to the receiver (overrun sets LSR.OE when it is
 * full), host input waits, and MSR's status bits follow MCR (CTS=RTS, DSR=DTR, RI=OUT1,
 * DCD=OUT2) with their delta bits. Outside loopback the modem inputs read CTS, DSR and DCD
 * asserted, RI not.
 */
import { ALL_SIZES, BusError, MmioDevice } from './bus.js';
import { IrqLine, NO_IRQ } from './irq.js';

export const UART_RBR = 0, UART_THR = 0, UART_DLL = 0, UART_IER = 1, UART_DLM = 1, UART_IIR = 2, UART_FCR = 2;
export const UART_LCR = 3, UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7;

export const IER_RDI = 0x01, IER_THRI = 0x02, IER_RLSI = 0x04, IER_MSI = 0x08;
export const IIR_NO_INT = 0x01, IIR_MSI = 0x00, IIR_THRI = 0x02, IIR_RDI = 0x04, IIR_RLSI = 0x06, IIR_CTI = 0x0c, IIR_FIFO = 0xc0;
export const FCR_FE = 0x01, FCR_RFR = 0x02, FCR_XFR = 0x04, FCR_DMA = 0x08;
export const LCR_DLAB = 0x80;
export const MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
export const LSR_DR = 0x01, LSR_OE = 0x02, LSR_PE = 0x04, LSR_FE = 0x08, LSR_BI = 0x10, LSR_THRE = 0x20, LSR_TEMT = 0x40, LSR_FIFOE = 0x80;
export const MSR_DCTS = 0x01, MSR_DDSR = 0x02, MSR_TERI = 0x04, MSR_DDCD = 0x08, MSR_CTS = 0x10, MSR_DSR = 0x20, MSR_RI = 0x40, MSR_DCD = 0x80;

const FIFO_SIZE = 16;
const TRIGGER_LEVELS = [1, 4, 8, 14];
/** QEMU virt's UART input clock (the DT's clock-frequency): 3.6864 MHz. */
export const NS16550A_CLOCK = 3_686_400;

// Indices into the register file `r`.
const IER = 0, LCR = 1, MCR = 2, LSR_ERR = 3, MSR = 4, SCR = 5, FCR = 6, DLL = 7, DLM = 8, THR_IPENDING = 9, RBR_LAST = 10, RX_HEAD = 11, RX_COUNT = 12;
const NREGS = 13;

export interface Ns16550aState {
  regs: Uint8Array;
  rxFifo: Uint8Array;
  /** Host input not yet taken into the receive FIFO. */
  input: Uint8Array;
}

export interface Ns16550aOptions {
  name?: string;
  /** The interrupt line (PLIC source 10 on virt). */
  irq?: IrqLine;
  /** Called with each byte the guest transmits (not in loopback). */
  onOutput?: (byte: number) => void;
}

export class Ns16550a implements MmioDevice {
  readonly name: string;
  readonly size = 0x100;
  readonly accessSizes = ALL_SIZES;
  readonly irq: IrqLine;
  onOutput: (byte: number) => void;

  /** Register file (see the index constants above); a snapshot copies it. */
  private readonly r = new Uint8Array(NREGS);
  private readonly rx = new Uint8Array(FIFO_SIZE);
  private queue: number[] = [];
  private queueHead = 0;
  private irqLevel = false;

  constructor(opts: Ns16550aOptions = {}) {
    this.name = opts.name ?? 'uart0';
    this.irq = opts.irq ?? NO_IRQ;
    this.onOutput = opts.onOutput ?? (() => {});
    this.reset();
  }

  /** Power-on state: interrupts off, FIFOs off and empty, 8250-compatible mode, divisor 12. */
  reset(): void {
    this.r.fill(0);
    this.r[DLL] = 0x0c;
    this.r[MSR] = this.modemInputs();
    this.r[THR_IPENDING] = 0;
    this.fill(); // host input still queued survives a machine reset
    this.update();
  }

  // ---- host side ----

  /** Queues bytes from the host console; they reach the guest as it drains the FIFO. */
  pushInput(bytes: ArrayLike<number> | string): void {
    if (typeof bytes === 'string') bytes = new TextEncoder().encode(bytes);
    for (let i = 0; i < bytes.length; i++) this.queue.push(bytes[i] & 0xff);
    this.fill();
    this.update();
  }

  /** Bytes the guest has not read yet: in the receive FIFO plus waiting on the host side. */
  pendingInput(): number { return this.r[RX_COUNT] + this.queue.length - this.queueHead; }

  /** The baud rate the guest programmed, for the given input clock. */
  baudRate(clock = NS16550A_CLOCK): number {
    const div = this.r[DLL] | (this.r[DLM] << 8);
    return div === 0 ? 0 : clock / (16 * div);
  }

  /** Current level of the interrupt output. */
  get interruptPending(): boolean { return this.irqLevel; }

  // ---- registers ----

  read(offset: number, size: 1 | 2 | 4 | 8): bigint {
    if (offset >= 8) throw new BusError(offset, size, false, 'device', `no NS16550A register at offset ${offset}`);
    return BigInt(this.readReg(offset));
  }

  write(offset: number, size: 1 | 2 | 4 | 8, value: bigint): void {
    if (offset >= 8) throw new BusError(offset, size, true, 'device', `no NS16550A register at offset ${offset}`);
    this.writeReg(offset, Number(value & 0xffn));
  }

  readReg(reg: number): number {
    const r = this.r;
    switch (reg) {
      case UART_RBR:
        return r[LCR] & LCR_DLAB ? r[DLL] : this.readRbr();
      case UART_IER:
        return r[LCR] & LCR_DLAB ? r[DLM] : r[IER];
      case UART_IIR: {
        const id = this.interruptId();
        if (id === IIR_THRI) {
          r[THR_IPENDING] = 0;
          this.update();
        }
        return id | (this.fifoEnabled ? IIR_FIFO : 0);
      }
      case UART_LCR:
        return r[LCR];
      case UART_MCR:
        return r[MCR];
      case UART_LSR: {
        const v = this.lsr();
        if (r[LSR_ERR] !== 0) {
          r[LSR_ERR] = 0;
          this.update();
        }
        return v;
      }
      case UART_MSR: {
        const v = r[MSR];
        if (v & 0x0f) {
          r[MSR] = v & 0xf0;
          this.update();
        }
        return v;
      }
      default:
        return r[SCR];
    }
  }

  writeReg(reg: number, v: number): void {
    const r = this.r;
    switch (reg) {
      case UART_THR:
        if (r[LCR] & LCR_DLAB) r[DLL] = v;
        else this.transmit(v);
        return;
      case UART_IER:
        if (r[LCR] & LCR_DLAB) {
          r[DLM] = v;
        } else {
          const changed = (r[IER] ^ v) & 0x0f;
          r[IER] = v & 0x0f;
          // A rising IER.THRI with the THR empty raises the THRE interrupt again (drivers
          // toggle THRI to restart transmission); a falling one forgets it.
          if (changed & IER_THRI) r[THR_IPENDING] = r[IER] & IER_THRI ? 1 : 0;
          this.update();
        }
        return;
      case UART_FCR:
        this.writeFcr(v);
        return;
      case UART_LCR:
        r[LCR] = v;
        return;
      case UART_MCR: {
        const wasLoop = r[MCR] & MCR_LOOP;
        r[MCR] = v & 0x1f;
        this.setModemStatus(this.modemInputs());
        if (wasLoop && !(r[MCR] & MCR_LOOP)) this.fill();
        this.update();
        return;
      }
      case UART_LSR:
      case UART_MSR:
        return; // read-only
      default:
        r[SCR] = v;
    }
  }

  private get fifoEnabled(): boolean { return (this.r[FCR] & FCR_FE) !== 0; }
  private get capacity(): number { return this.fifoEnabled ? FIFO_SIZE : 1; }
  private get loopback(): boolean { return (this.r[MCR] & MCR_LOOP) !== 0; }

  private lsr(): number {
    const r = this.r;
    return (r[RX_COUNT] > 0 ? LSR_DR : 0) | r[LSR_ERR] | LSR_THRE | LSR_TEMT;
  }

  /** IIR bits 3:0 for the highest-priority enabled condition, or IIR_NO_INT. */
  private interruptId(): number {
    const r = this.r, ier = r[IER];
    if (ier & IER_RLSI && r[LSR_ERR] & (LSR_OE | LSR_PE | LSR_FE | LSR_BI)) return IIR_RLSI;
    if (ier & IER_RDI && r[RX_COUNT] > 0) {
      if (this.fifoEnabled && r[RX_COUNT] < TRIGGER_LEVELS[r[FCR] >> 6]) return IIR_CTI;
      return IIR_RDI;
    }
    if (ier & IER_THRI && r[THR_IPENDING]) return IIR_THRI;
    if (ier & IER_MSI && r[MSR] & 0x0f) return IIR_MSI;
    return IIR_NO_INT;
  }

  private update(): void {
    const level = this.interruptId() !== IIR_NO_INT;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }

  private readRbr(): number {
    const r = this.r;
    if (r[RX_COUNT] > 0) {
      r[RBR_LAST] = this.rx[r[RX_HEAD]];
      r[RX_HEAD] = (r[RX_HEAD] + 1) % FIFO_SIZE;
      r[RX_COUNT]--;
      this.fill();
      this.update();
    }
    return r[RBR_LAST];
  }

  private transmit(byte: number): void {
    const r = this.r;
    if (this.loopback) this.receive(byte);
    else this.onOutput(byte);
    // The byte left at once: the holding register is empty again.
    r[THR_IPENDING] = 1;
    this.update();
  }

  /** A byte arriving at the receiver (from loopback): overruns when the FIFO is full. */
  private receive(byte: number): void {
    const r = this.r;
    if (r[RX_COUNT] >= this.capacity) {
      r[LSR_ERR] |= LSR_OE;
      return;
    }
    this.rx[(r[RX_HEAD] + r[RX_COUNT]) % FIFO_SIZE] = byte;
    r[RX_COUNT]++;
  }

  /** Moves queued host input into the receive FIFO while it has room. */
  private fill(): void {
    if (this.loopback) return;
    const r = this.r, cap = this.capacity, q = this.queue;
    while (r[RX_COUNT] < cap && this.queueHead < q.length) {
      this.rx[(r[RX_HEAD] + r[RX_COUNT]) % FIFO_SIZE] = q[this.queueHead++];
      r[RX_COUNT]++;
    }
    if (this.queueHead === q.length) {
      this.queue = [];
      this.queueHead = 0;
    } else if (this.queueHead > 4096) {
      this.queue = q.slice(this.queueHead);
      this.queueHead = 0;
    }
  }

  private writeFcr(v: number): void {
    const r = this.r;
    // FCR bits other than FE are only written when FE is set in the same write; changing FE
    // empties both FIFOs.
    const next = v & FCR_FE ? v & (FCR_FE | FCR_DMA | 0xc0) : 0;
    if ((next ^ r[FCR]) & FCR_FE || (next & FCR_FE && v & FCR_RFR)) {
      r[RX_COUNT] = 0;
      r[RX_HEAD] = 0;
    }
    r[FCR] = next;
    this.fill();
    this.update();
  }

  /** The modem input lines (MSR bits 7:4) as the guest sees them now. */
  private modemInputs(): number {
    const mcr = this.r[MCR];
    if (!(mcr & MCR_LOOP)) return MSR_DCD | MSR_DSR | MSR_CTS;
    return (mcr & MCR_RTS ? MSR_CTS : 0) | (mcr & MCR_DTR ? MSR_DSR : 0) | (mcr & MCR_OUT1 ? MSR_RI : 0) | (mcr & MCR_OUT2 ? MSR_DCD : 0);
  }

  private setModemStatus(status: number): void {
    const old = this.r[MSR];
    const changed = (old ^ status) & 0xf0;
    let delta = old & 0x0f;
    if (changed & MSR_CTS) delta |= MSR_DCTS;
    if (changed & MSR_DSR) delta |= MSR_DDSR;
    if (changed & MSR_DCD) delta |= MSR_DDCD;
    if (old & MSR_RI && !(status & MSR_RI)) delta |= MSR_TERI;
    this.r[MSR] = status | delta;
  }

  // ---- snapshot ----

  saveState(): Ns16550aState {
    return { regs: this.r.slice(), rxFifo: this.rx.slice(), input: Uint8Array.from(this.queue.slice(this.queueHead)) };
  }

  loadState(s: Ns16550aState): void {
    if (s.regs.length !== NREGS || s.rxFifo.length !== FIFO_SIZE) throw new RangeError('ns16550a: saved state has the wrong shape');
    this.r.set(s.regs);
    this.rx.set(s.rxFifo);
    this.queue = Array.from(s.input);
    this.queueHead = 0;
    this.irqLevel = this.interruptId() !== IIR_NO_INT;
    this.irq.set(this.irqLevel);
  }
}
