/**
 * NS16550A: register behaviour per the PC16550D datasheet, FIFOs, interrupts and their
 * priorities, and the exact access sequences of OpenSBI's uart8250, U-Boot's ns16550 and
 * Linux's 8250 drivers.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Bus, BusError } from '../../src/vms/system/bus.js';
import { IrqProbe } from '../../src/vms/system/irq.js';
import {
  FCR_FE, FCR_RFR, IER_MSI, IER_RDI, IER_RLSI, IER_THRI, LCR_DLAB, LSR_DR, LSR_OE, LSR_TEMT, LSR_THRE, MCR_DTR, MCR_LOOP, MCR_OUT1,
  MCR_OUT2, MCR_RTS, MSR_CTS, MSR_DCD, MSR_DCTS, MSR_DDCD, MSR_DDSR, MSR_DSR, MSR_RI, MSR_TERI, Ns16550a, UART_DLL, UART_DLM,
  UART_FCR, UART_IER, UART_IIR, UART_LCR, UART_LSR, UART_MCR, UART_MSR, UART_RBR, UART_SCR, UART_THR,
} from '../../src/vms/system/ns16550a.js';

function uart() {
  const irq = new IrqProbe();
  const out: number[] = [];
  const u = new Ns16550a({ irq, onOutput: (b) => out.push(b) });
  const rd = (reg: number) => Number(u.read(reg, 1));
  const wr = (reg: number, v: number) => u.write(reg, 1, BigInt(v));
  const text = () => Buffer.from(out).toString('latin1');
  return { u, irq, out, rd, wr, text };
}

describe('NS16550A registers', () => {
  it('power-on values', () => {
    const { rd, irq } = uart();
    assert.equal(rd(UART_IER), 0);
    assert.equal(rd(UART_IIR), 0x01);
    assert.equal(rd(UART_LCR), 0);
    assert.equal(rd(UART_MCR), 0);
    assert.equal(rd(UART_LSR), LSR_THRE | LSR_TEMT);
    assert.equal(rd(UART_MSR), MSR_DCD | MSR_DSR | MSR_CTS);
    assert.equal(rd(UART_SCR), 0);
    assert.equal(irq.level, false);
  });

  it('DLAB switches offsets 0 and 1 to the divisor latch', () => {
    const { u, rd, wr, out } = uart();
    wr(UART_IER, 0x05);
    wr(UART_LCR, LCR_DLAB | 0x03);
    wr(UART_DLL, 0x02);
    wr(UART_DLM, 0x01);
    assert.equal(rd(UART_DLL), 0x02);
    assert.equal(rd(UART_DLM), 0x01);
    assert.deepEqual(out, [], 'a DLL write transmits nothing');
    wr(UART_LCR, 0x03);
    assert.equal(rd(UART_IER), 0x05);
    assert.equal(rd(UART_LCR), 0x03);
    assert.equal(u.baudRate(3_686_400), 3_686_400 / 16 / 0x102);
  });

  it('IER keeps bits 3:0; MCR keeps bits 4:0; SCR and LCR keep all bits; LSR and MSR ignore writes', () => {
    const { rd, wr } = uart();
    wr(UART_IER, 0xff);
    assert.equal(rd(UART_IER), 0x0f);
    wr(UART_IER, 0);
    wr(UART_MCR, 0xff);
    assert.equal(rd(UART_MCR), 0x1f);
    wr(UART_MCR, 0);
    wr(UART_SCR, 0xa5);
    assert.equal(rd(UART_SCR), 0xa5);
    wr(UART_LCR, 0x7f);
    assert.equal(rd(UART_LCR), 0x7f);
    wr(UART_LSR, 0);
    assert.equal(rd(UART_LSR), LSR_THRE | LSR_TEMT);
    rd(UART_MSR);
    wr(UART_MSR, 0);
    assert.equal(rd(UART_MSR), 0xb0);
  });

  it('only offsets 0-7 decode (access fault beyond, as on QEMU); wide accesses use the low byte', () => {
    const { u, rd, text } = uart();
    const bus = new Bus();
    bus.map(0x10000000, u);
    assert.throws(() => bus.write(0x1000000f, 1, 0x42n), (e: unknown) => e instanceof BusError && e.reason === 'device' && e.addr === 0x1000000f
      && e.message === 'store of 1 byte at 0x1000000f: no NS16550A register at offset 15');
    assert.throws(() => bus.read(0x100000f8, 8), (e: unknown) => e instanceof BusError && !e.write);
    assert.equal(rd(UART_SCR), 0);
    bus.write(0x10000000, 4, 0x12345641n);
    bus.write(0x10000000, 8, 0x4243n);
    assert.equal(text(), 'AC');
    assert.equal(bus.read(0x10000004, 4), 0n);
    assert.equal(u.read(5, 2), BigInt(LSR_THRE | LSR_TEMT));
  });
});

describe('NS16550A transmit', () => {
  it('THR writes reach the host at once and the transmitter stays empty', () => {
    const { rd, wr, text } = uart();
    for (const c of 'hi\n') {
      assert.ok(rd(UART_LSR) & LSR_THRE);
      wr(UART_THR, c.charCodeAt(0));
    }
    assert.equal(text(), 'hi\n');
    assert.equal(rd(UART_LSR) & (LSR_THRE | LSR_TEMT), LSR_THRE | LSR_TEMT);
  });
});

describe('NS16550A receive', () => {
  it('16450 mode: one holding register, fed from the host queue as it is read', () => {
    const { u, rd } = uart();
    u.pushInput('abc');
    assert.equal(u.pendingInput(), 3);
    const got: string[] = [];
    while (rd(UART_LSR) & LSR_DR) got.push(String.fromCharCode(rd(UART_RBR)));
    assert.equal(got.join(''), 'abc');
    assert.equal(rd(UART_LSR) & LSR_DR, 0);
    assert.equal(rd(UART_RBR), 'c'.charCodeAt(0), 'an empty RBR reads the last byte again');
    assert.equal(u.pendingInput(), 0);
  });

  it('FIFO mode: 16 bytes in the FIFO, the rest waits on the host side, nothing is lost', () => {
    const { u, rd, wr } = uart();
    wr(UART_FCR, FCR_FE);
    const input = Array.from({ length: 40 }, (_, i) => 0x30 + i);
    u.pushInput(input);
    assert.equal(u.pendingInput(), 40);
    const got: number[] = [];
    while (rd(UART_LSR) & LSR_DR) got.push(rd(UART_RBR));
    assert.deepEqual(got, input);
    assert.equal(rd(UART_LSR) & LSR_OE, 0, 'no overrun from host input');
  });

  it('IIR reports FIFOs enabled in bits 7:6', () => {
    const { rd, wr } = uart();
    wr(UART_FCR, FCR_FE);
    assert.equal(rd(UART_IIR), 0xc1);
    wr(UART_FCR, 0);
    assert.equal(rd(UART_IIR), 0x01);
  });

  it('FCR: RX reset empties the FIFO; toggling FE empties it; host-side input survives', () => {
    const { u, rd, wr } = uart();
    wr(UART_FCR, FCR_FE);
    u.pushInput(Array.from({ length: 20 }, (_, i) => i));
    wr(UART_FCR, FCR_FE | FCR_RFR);
    // 16 were dropped with the FIFO; the 4 still queued on the host side arrive.
    const got: number[] = [];
    while (rd(UART_LSR) & LSR_DR) got.push(rd(UART_RBR));
    assert.deepEqual(got, [16, 17, 18, 19]);
    u.pushInput([1, 2]);
    wr(UART_FCR, 0);
    assert.equal(rd(UART_LSR) & LSR_DR, 0, 'disabling the FIFOs empties them');
  });

  it('FCR bits other than FE are ignored unless FE is set in the same write', () => {
    const { rd, wr } = uart();
    wr(UART_FCR, 0xc0);
    assert.equal(rd(UART_IIR) & 0xc0, 0);
  });
});

describe('NS16550A interrupts', () => {
  it('received data: IIR 0x04 in 16450 mode, line high until the data is read', () => {
    const { u, rd, wr, irq } = uart();
    wr(UART_IER, IER_RDI);
    assert.equal(irq.level, false);
    u.pushInput('x');
    assert.equal(irq.level, true);
    assert.equal(rd(UART_IIR), 0x04);
    rd(UART_RBR);
    assert.equal(irq.level, false);
    assert.equal(rd(UART_IIR), 0x01);
  });

  it('FIFO mode: character timeout below the trigger level, received data at it', () => {
    const { u, rd, wr, irq } = uart();
    wr(UART_FCR, FCR_FE | 0x80); // trigger level 8
    wr(UART_IER, IER_RDI);
    u.pushInput('abc');
    assert.equal(rd(UART_IIR), 0xcc);
    assert.equal(irq.level, true);
    u.pushInput('defgh');
    assert.equal(rd(UART_IIR), 0xc4);
    for (let i = 0; i < 8; i++) rd(UART_RBR);
    assert.equal(rd(UART_IIR), 0xc1);
    assert.equal(irq.level, false);
  });

  it('trigger levels 1, 4, 8 and 14', () => {
    for (const [bits, level] of [[0x00, 1], [0x40, 4], [0x80, 8], [0xc0, 14]]) {
      const { u, rd, wr } = uart();
      wr(UART_FCR, FCR_FE | bits);
      wr(UART_IER, IER_RDI);
      u.pushInput(new Uint8Array(level - 1));
      if (level > 1) assert.equal(rd(UART_IIR), 0xcc, `below ${level}`);
      u.pushInput([0]);
      assert.equal(rd(UART_IIR), 0xc4, `at ${level}`);
    }
  });

  it('THR empty: raised when enabled, cleared by reading IIR, re-armed by a THR write or a rising IER.THRI', () => {
    const { rd, wr, irq } = uart();
    wr(UART_IER, IER_THRI);
    assert.equal(irq.level, true);
    assert.equal(rd(UART_IIR), 0x02);
    assert.equal(irq.level, false, 'reading IIR that reports THRE clears it');
    assert.equal(rd(UART_IIR), 0x01);
    wr(UART_THR, 0x41);
    assert.equal(irq.level, true, 'the THR emptied again');
    assert.equal(rd(UART_IIR), 0x02);
    wr(UART_IER, IER_THRI);
    assert.equal(irq.level, false, 'rewriting the same IER does not re-arm');
    wr(UART_IER, 0);
    wr(UART_IER, IER_THRI);
    assert.equal(irq.level, true, 'a rising THRI does');
    wr(UART_IER, 0);
    assert.equal(irq.level, false);
  });

  it('priorities: line status > received data > THR empty > modem status', () => {
    const { u, rd, wr } = uart();
    wr(UART_IER, IER_RDI | IER_THRI | IER_RLSI | IER_MSI);
    wr(UART_MCR, MCR_LOOP); // MSR status changes: modem-status interrupt condition
    wr(UART_THR, 1); // loopback: into the 1-byte holding register
    wr(UART_THR, 2); // overrun
    assert.equal(rd(UART_IIR), 0x06);
    assert.ok(rd(UART_LSR) & LSR_OE);
    assert.equal(rd(UART_IIR), 0x04);
    assert.equal(rd(UART_RBR), 1);
    assert.equal(rd(UART_IIR), 0x02);
    assert.equal(rd(UART_IIR), 0x00);
    assert.notEqual(rd(UART_MSR) & 0x0f, 0);
    assert.equal(rd(UART_IIR), 0x01);
    u.pushInput('z'); // waits: loopback disconnects the receiver from the host
    assert.equal(rd(UART_LSR) & LSR_DR, 0);
    wr(UART_MCR, 0);
    assert.equal(rd(UART_RBR), 'z'.charCodeAt(0));
  });

  it('line status: overrun reported once, cleared by reading LSR', () => {
    const { rd, wr, irq } = uart();
    wr(UART_MCR, MCR_LOOP);
    wr(UART_FCR, FCR_FE);
    wr(UART_IER, IER_RLSI);
    for (let i = 0; i < 17; i++) wr(UART_THR, i);
    assert.equal(irq.level, true);
    assert.equal(rd(UART_LSR), LSR_OE | LSR_DR | LSR_THRE | LSR_TEMT);
    assert.equal(rd(UART_LSR), LSR_DR | LSR_THRE | LSR_TEMT);
    assert.equal(irq.level, false);
    const got: number[] = [];
    while (rd(UART_LSR) & LSR_DR) got.push(rd(UART_RBR));
    assert.deepEqual(got, Array.from({ length: 16 }, (_, i) => i), 'the overrunning byte is lost');
  });

  it('modem status in loopback: outputs feed inputs, delta bits until MSR is read', () => {
    const { rd, wr, irq } = uart();
    rd(UART_MSR);
    wr(UART_IER, IER_MSI);
    wr(UART_MCR, MCR_LOOP | MCR_DTR | MCR_RTS | MCR_OUT1 | MCR_OUT2);
    assert.equal(rd(UART_MSR) & 0xf0, MSR_CTS | MSR_DSR | MSR_RI | MSR_DCD);
    assert.equal(irq.level, false, 'reading MSR cleared the deltas');
    wr(UART_MCR, MCR_LOOP | MCR_DTR | MCR_OUT2);
    assert.equal(irq.level, true);
    assert.equal(rd(UART_IIR), 0x00);
    assert.equal(rd(UART_MSR), MSR_DSR | MSR_DCD | MSR_DCTS | MSR_TERI);
    wr(UART_MCR, MCR_LOOP);
    assert.equal(rd(UART_MSR), MSR_DDSR | MSR_DDCD);
    wr(UART_MCR, 0);
    assert.equal(rd(UART_MSR) & 0xf0, MSR_CTS | MSR_DSR | MSR_DCD);
  });

  it('loopback sends nothing to the host', () => {
    const { rd, wr, out } = uart();
    wr(UART_MCR, MCR_LOOP);
    wr(UART_THR, 0x55);
    assert.deepEqual(out, []);
    assert.equal(rd(UART_RBR), 0x55);
  });
});

describe('NS16550A with real drivers', () => {
  it("OpenSBI's uart8250_init, putc and getc", () => {
    const { u, rd, wr, text, irq } = uart();
    // uart8250_init(base, 3686400, 115200, reg_shift 0, reg_width 1)
    const bdiv = Math.floor((3_686_400 + 8 * 115200) / (16 * 115200));
    wr(UART_IER, 0x00);
    wr(UART_LCR, 0x80);
    wr(UART_DLL, bdiv & 0xff);
    wr(UART_DLM, (bdiv >> 8) & 0xff);
    wr(UART_LCR, 0x03);
    wr(UART_FCR, 0x01);
    wr(UART_MCR, 0x00);
    rd(UART_LSR);
    rd(UART_RBR);
    wr(UART_SCR, 0x00);
    assert.equal(u.baudRate(), 115200);
    const putc = (c: string) => {
      let spins = 0;
      while ((rd(UART_LSR) & LSR_THRE) === 0) assert.ok(++spins < 10);
      wr(UART_THR, c.charCodeAt(0));
    };
    for (const c of 'OpenSBI v1.2\r\n') putc(c);
    assert.equal(text(), 'OpenSBI v1.2\r\n');
    const getc = () => (rd(UART_LSR) & LSR_DR ? rd(UART_RBR) : -1);
    assert.equal(getc(), -1);
    u.pushInput('y');
    assert.equal(getc(), 'y'.charCodeAt(0));
    assert.equal(getc(), -1);
    assert.equal(irq.rises, 0, 'polled: no interrupts');
  });

  it("U-Boot's NS16550_init, putc, tstc and getc", () => {
    const { u, rd, wr, text } = uart();
    let spins = 0;
    while (!(rd(UART_LSR) & LSR_TEMT)) assert.ok(++spins < 10, 'init waits for TEMT');
    wr(UART_IER, 0);
    wr(UART_MCR, MCR_DTR | MCR_RTS);
    wr(UART_FCR, 0x07); // FIFO enable, clear RX and TX
    wr(UART_LCR, 0x80 | 0x03);
    wr(UART_DLL, 2);
    wr(UART_DLM, 0);
    wr(UART_LCR, 0x03);
    for (const c of 'U-Boot\n') {
      while (!(rd(UART_LSR) & LSR_THRE));
      wr(UART_THR, c.charCodeAt(0));
    }
    assert.equal(text(), 'U-Boot\n');
    u.pushInput('help\r');
    let line = '';
    while (rd(UART_LSR) & LSR_DR) line += String.fromCharCode(rd(UART_RBR));
    assert.equal(line, 'help\r');
  });

  it("Linux 8250 startup: THRE re-assertion test and TXEN test find no bugs", () => {
    const { rd, wr } = uart();
    // serial8250_do_startup for PORT_16550A
    wr(UART_FCR, FCR_FE);
    wr(UART_FCR, FCR_FE | FCR_RFR | 0x04);
    wr(UART_FCR, 0);
    rd(UART_LSR);
    rd(UART_RBR);
    rd(UART_IIR);
    rd(UART_MSR);
    assert.notEqual(rd(UART_LSR), 0xff, 'LSR safety check');
    wr(UART_LCR, 0x03);
    // UART_BUG_THRE test
    while (!(rd(UART_LSR) & LSR_THRE));
    wr(UART_IER, IER_THRI);
    const iir1 = rd(UART_IIR);
    wr(UART_IER, 0);
    wr(UART_IER, IER_THRI);
    const iir = rd(UART_IIR);
    wr(UART_IER, 0);
    const bugThre = (iir1 & 0x01) === 0 && (iir & 0x01) !== 0;
    assert.equal(bugThre, false);
    // MCR: OUT2 enables the IRQ on PCs; harmless here.
    wr(UART_MCR, MCR_OUT2 | MCR_DTR | MCR_RTS);
    // UART_BUG_TXEN test
    wr(UART_IER, IER_THRI);
    const lsr = rd(UART_LSR);
    const iir2 = rd(UART_IIR);
    wr(UART_IER, 0);
    const bugTxen = (lsr & LSR_TEMT) !== 0 && (iir2 & 0x01) !== 0;
    assert.equal(bugTxen, false);
  });

  it('Linux 8250 interrupt-driven transmit: the handler loop sends everything, then stops the TX interrupt', () => {
    const { rd, wr, irq, text } = uart();
    wr(UART_FCR, FCR_FE | 0x80);
    const pending = [...'hello, interrupt-driven world\n'];
    // start_tx: set IER.THRI
    wr(UART_IER, IER_RDI | IER_THRI);
    let handlerRuns = 0;
    while (irq.level) {
      assert.ok(++handlerRuns < 20, 'interrupt storm');
      // serial8250_handle_irq
      const iirv = rd(UART_IIR);
      if (iirv & 0x01) break;
      const lsr = rd(UART_LSR);
      if (lsr & LSR_DR) rd(UART_RBR);
      if (lsr & LSR_THRE && rd(UART_IER) & IER_THRI) {
        // serial8250_tx_chars: up to tx_loadsz (16) bytes, then stop_tx when empty
        for (let n = 0; n < 16 && pending.length; n++) wr(UART_THR, pending.shift()!.charCodeAt(0));
        if (pending.length === 0) wr(UART_IER, rd(UART_IER) & ~IER_THRI);
      }
    }
    assert.equal(text(), 'hello, interrupt-driven world\n');
    assert.equal(irq.level, false);
    assert.ok(handlerRuns >= 2 && handlerRuns <= 3, `${handlerRuns} handler runs`);
  });
});

describe('NS16550A snapshot', () => {
  it('a restored UART continues where the saved one was, and drives its line', () => {
    const a = uart();
    a.wr(UART_FCR, FCR_FE);
    a.wr(UART_IER, IER_RDI);
    a.wr(UART_SCR, 0x5a);
    a.u.pushInput(Array.from({ length: 20 }, (_, i) => 0x61 + i));
    a.rd(UART_RBR);
    const saved = a.u.saveState();
    const b = uart();
    b.u.loadState(saved);
    assert.equal(b.irq.level, true);
    assert.equal(b.rd(UART_SCR), 0x5a);
    const got: number[] = [];
    while (b.rd(UART_LSR) & LSR_DR) got.push(b.rd(UART_RBR));
    assert.deepEqual(got, Array.from({ length: 19 }, (_, i) => 0x62 + i));
    // The saved state is a copy: the original still has its bytes.
    assert.equal(a.u.pendingInput(), 19);
    assert.throws(() => b.u.loadState({ ...saved, regs: new Uint8Array(3) }), /wrong shape/);
  });

  it('reset returns to power-on state and lowers the line', () => {
    const { u, rd, wr, irq } = uart();
    wr(UART_IER, IER_THRI);
    wr(UART_LCR, 0x83);
    assert.equal(irq.level, true);
    u.reset();
    assert.equal(irq.level, false);
    assert.equal(rd(UART_LCR), 0);
    assert.equal(rd(UART_IER), 0);
  });
});
