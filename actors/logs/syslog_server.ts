// Syslog receiver (`--syslog HOST:PORT`): TCP (octet counting or LF framing) and UDP on the same port, RFC 5424 and
// RFC 3164, into one log table through LogIngest. Messages are written in batches (by count or after a short delay);
// an invalid frame is counted and reported (a warning naming the peer, the reason and the byte), never fatal.
import { createServer, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { SyslogColumns, SyslogFramer, syslogPipeline, type Clock } from '../../core/index.ts';
import type { Logger } from '../runtime/logger.ts';
import type { LogIngest } from './log_ingest.ts';
import { WriteGate } from '../gateway/write_gate.ts';

export interface SyslogOptions {
  host: string;
  port: number;
  db: string;
  table: string;
  /** Write once this many messages are waiting (default 4096)... */
  batchSize?: number;
  /** ...or this long after the first one arrived (ms, default 20). */
  batchDelayMs?: number;
}

export class SyslogCounters {
  messages = 0;
  invalidFrames = 0;
  /** Messages lost because their batch could not be written (logged). */
  failedMessages = 0;
  /** UDP datagrams dropped while writes waited for memory (UDP cannot be paused; logged once per wait). */
  droppedMessages = 0;
}

/** Faults logged per peer before going quiet (the counter still counts every one). */
const REPORTED_PER_PEER = 5;

export class SyslogServer {
  readonly counters = new SyslogCounters();
  private tcp: Server | null = null;
  private udp: UdpSocket | null = null;
  private pending = new SyslogColumns();
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly sockets = new Set<Socket>();
  private readonly reported = new Map<string, number>();
  private paused = false;
  private inFlight = 0;
  /** Bytes of the frames in `pending`: what its write is admitted for through the write gate. */
  private pendingBytes = 0;
  /** True while a batch waits for memory (the write gate): TCP reads are paused, UDP datagrams dropped. */
  private waitingOnMemory = false;
  private dropReported = false;
  address: { host: string; port: number } | null = null;

  constructor(
    private readonly opts: SyslogOptions, private readonly logs: LogIngest, private readonly clock: Clock, private readonly logger: Logger,
    /** Back-pressure: a batch waits here for room; TCP reads stop meanwhile. */
    private readonly gate: WriteGate = new WriteGate(0),
  ) {}

  /** True while TCP reads are paused (a batch waits for memory, or one writes and one waits behind it). */
  get readingPaused(): boolean {
    return this.paused;
  }

  async start(): Promise<{ host: string; port: number }> {
    const { host } = this.opts;
    this.tcp = createServer((s) => this.onConnection(s));
    await new Promise<void>((resolve, reject) => {
      this.tcp!.once('error', reject);
      this.tcp!.listen(this.opts.port, host, () => resolve());
    });
    const port = (this.tcp.address() as { port: number }).port;
    this.udp = createSocket({ type: isIP(host) === 6 ? 'udp6' : 'udp4', recvBufferSize: 8 * 1024 * 1024 });
    this.udp.on('message', (m, r) => {
      if (this.waitingOnMemory) { this.drop(); return; }
      let text = m.toString('utf8');
      while (text.endsWith('\n') || text.endsWith('\0')) text = text.slice(0, -1);
      this.onFrame(text, r.address);
    });
    await new Promise<void>((resolve, reject) => {
      this.udp!.once('error', reject);
      this.udp!.bind(port, host, () => resolve());
    });
    this.address = { host, port };
    return this.address;
  }

  private onConnection(s: Socket): void {
    this.sockets.add(s);
    const peer = s.remoteAddress ?? null;
    const framer = new SyslogFramer({
      frame: (text) => this.onFrame(text, peer),
      fault: (reason, offset) => this.fault(peer, `${reason} at byte ${offset} of the TCP stream`),
    });
    if (this.paused) s.pause();
    s.on('data', (c) => framer.push(c));
    s.on('end', () => framer.end());
    s.on('error', () => undefined);
    s.on('close', () => this.sockets.delete(s));
  }

  private onFrame(text: string, peer: string | null): void {
    if (text === '') return;
    const f = this.pending.add(text, this.clock.now(), peer);
    if (f) { this.fault(peer, `${f.reason} at character ${f.at + 1}: ${JSON.stringify(text.length > 80 ? text.slice(0, 80) + '...' : text)}`); return; }
    this.counters.messages++;
    this.pendingBytes += text.length;
    if (this.pending.length >= (this.opts.batchSize ?? 4096)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.opts.batchDelayMs ?? 20);
  }

  private fault(peer: string | null, why: string): void {
    this.counters.invalidFrames++;
    const key = peer ?? '?';
    const n = (this.reported.get(key) ?? 0) + 1;
    this.reported.set(key, n);
    if (n <= REPORTED_PER_PEER) this.logger.warn(`syslog: invalid frame from ${key}: ${why}${n === REPORTED_PER_PEER ? ' (further faults from this peer are only counted)' : ''}`);
  }

  /** A UDP datagram dropped while a batch waits for memory: counted, logged once per wait. */
  private drop(): void {
    this.counters.droppedMessages++;
    if (this.dropReported) return;
    this.dropReported = true;
    this.logger.warn('syslog: UDP messages are dropped while writes wait for memory (--memory-limit-mb); eddy_syslog_dropped_messages_total counts them');
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const s of this.sockets) s.pause();
  }

  private resume(): void {
    if (!this.paused || this.waitingOnMemory || this.inFlight > 1) return;
    this.paused = false;
    for (const s of this.sockets) s.resume();
  }

  /**
   * Writes what is waiting; writes run one at a time, and TCP reads pause while a backlog builds behind them or while
   * a batch waits for memory (the write gate: TCP senders are slowed by their socket; UDP datagrams are dropped).
   */
  private flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.pending.length === 0) return;
    const { n, columns } = this.pending.columns();
    const bytes = this.pendingBytes;
    this.pendingBytes = 0;
    // One batch writing and one waiting is enough: past that, stop reading TCP until the writes catch up.
    if (++this.inFlight > 1) this.pause();
    this.writing = this.writing.then(async () => {
      let release = this.gate.admitNow(bytes);
      if (!release) {
        this.waitingOnMemory = true;
        this.dropReported = false;
        this.pause();
        try {
          release = await this.gate.acquire(bytes, { mayRefuse: false });
        } finally {
          this.waitingOnMemory = false;
        }
      }
      try {
        await this.logs.ingestColumns(this.opts.db, this.opts.table, syslogPipeline(), n, columns);
      } catch (e) {
        this.counters.failedMessages += n;
        this.logger.error('syslog.write', `syslog: ${n} messages could not be written to ${this.opts.db}.${this.opts.table}: ${(e as Error).message}`);
      } finally {
        release();
      }
    }).finally(() => {
      this.inFlight--;
      this.resume();
    });
  }

  /** Resolves when everything received so far is written (tests, and the stop). */
  async drain(): Promise<void> {
    this.flush();
    await this.writing;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.udp ? this.udp.close(() => resolve()) : resolve()));
    await this.drain();
  }
}
