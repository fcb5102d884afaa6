/**
 * Raw-socket MQTT for the robustness tests: send exact bytes, collect what the broker answers,
 * see whether (and when) it closes the connection, and split the answer into packets. Brokers for
 * these tests run on ports 3600-3699 (`robustnessPort`).
 */
import { connect as net_connect, type Socket } from 'node:net';
import { portIsFree } from './broker.js';

/* Each test file takes its own block of the range, so files running in parallel never race for
 * a port: fuzz 3600-3614, memory 3615-3629, security 3630-3644, load 3645-3659, faults 3660-3674,
 * websockets fuzz 3675-3689 (scripts/load.mjs uses 3690 and up). */
export const PORT_BLOCKS = { fuzz: 3600, memory: 3615, security: 3630, load: 3645, faults: 3660, wsfuzz: 3675 } as const;
const BLOCK_SIZE = 15;
const cursor = new Map<number, number>();

/** A free port of the test file's block of the robustness range (3600-3699). */
export async function robustnessPort(block: keyof typeof PORT_BLOCKS): Promise<number> {
  const first = PORT_BLOCKS[block];
  for (let i = 0; i < BLOCK_SIZE; i++) {
    const n = cursor.get(first) ?? 0;
    cursor.set(first, n + 1);
    const port = first + (n % BLOCK_SIZE);
    if (await portIsFree(port)) return port;
  }
  throw new Error(`no free port in ${first}-${first + BLOCK_SIZE - 1}`);
}

/** Runs `job(0)` to `job(count - 1)`, at most `concurrency` at a time; the results in order. */
export async function run_pool<T>(count: number, concurrency: number, job: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await job(i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/**
 * The inputs (by index) whose exchanges differ between the two brokers. A difference may be
 * timing (a broker busy for longer than the idle wait), so those inputs are run once more with
 * `rerun` (one at a time, with a longer wait) and only what still differs is kept.
 */
export async function differing_after_retry<I>(inputs: I[], ours: exchange[], theirs: exchange[],
  same: (ours: exchange, theirs: exchange) => boolean,
  rerun: (again: I[]) => Promise<[exchange[], exchange[]]>): Promise<{ first_pass: number; differ: number[] }> {
  const first = inputs.map((_, i) => i).filter((i) => !same(ours[i], theirs[i]));
  if (!first.length) return { first_pass: 0, differ: [] };
  const [o2, t2] = await rerun(first.map((i) => inputs[i]));
  return { first_pass: first.length, differ: first.filter((_, j) => !same(o2[j], t2[j])) };
}

export interface exchange {
  /** every byte the broker sent */
  answer: Buffer;
  /** the broker closed the connection within the wait */
  closed: boolean;
  /** the close was reported as a reset (ECONNRESET) */
  reset: boolean;
}

/**
 * Connects, writes `bytes` (each element as its own write), waits until the broker closes the
 * connection or has been quiet for `idle_ms`, then closes our side.
 */
export function exchange_bytes(port: number, bytes: Buffer[], idle_ms = 150, max_ms = 3000): Promise<exchange> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const sock = net_connect(port, '127.0.0.1');
    let timer: NodeJS.Timeout | null = null;
    let done = false;
    const finish = (closed: boolean, reset = false): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      clearTimeout(hard);
      sock.destroy();
      resolve({ answer: Buffer.concat(chunks), closed, reset });
    };
    const arm = (): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish(false), idle_ms);
    };
    const hard = setTimeout(() => finish(false), max_ms);
    sock.on('connect', () => {
      for (const b of bytes) if (b.length) sock.write(b);
      arm();
    });
    sock.on('data', (d) => { chunks.push(d); arm(); });
    sock.on('error', (e: NodeJS.ErrnoException) => finish(true, e.code === 'ECONNRESET'));
    sock.on('close', () => finish(true));
  });
}

/** Splits broker output into packets (first byte, body); an incomplete tail is dropped. */
export function split_packets(buf: Buffer): { first: number; body: Buffer }[] {
  const out: { first: number; body: Buffer }[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const first = buf[pos];
    let len = 0;
    let mult = 1;
    let i = pos + 1;
    for (;;) {
      if (i >= buf.length) return out;
      const b = buf[i++];
      len += (b & 127) * mult;
      mult *= 128;
      if (!(b & 128)) break;
    }
    if (i + len > buf.length) return out;
    out.push({ first, body: buf.subarray(i, i + len) });
    pos = i + len;
  }
  return out;
}

/**
 * What a test compares between brokers: whether the connection was closed, the CONNACK reason
 * code and the DISCONNECT reason code the broker sent (null when it sent none).
 */
export function outcome(x: exchange): { closed: boolean; connack: number | null; disconnect: number | null } {
  let connack: number | null = null;
  let disconnect: number | null = null;
  for (const p of split_packets(x.answer)) {
    if (p.first === 0x20) connack = p.body[1] ?? null;
    if (p.first === 0xe0) disconnect = p.body.length ? p.body[0] : 0;
  }
  return { closed: x.closed, connack, disconnect };
}

/** A socket that stays connected as an MQTT 3.1.1 client and records the PUBLISH topics it gets. */
export interface bystander {
  sock: Socket;
  topics: string[];
  closed: boolean;
  publish(topic: string, payload: string): void;
  close(): void;
}

/** Connects a plain client (keepalive 0 so it needs no pings) subscribed to `filter`. */
export function bystander_client(port: number, id: string, filter: string | null): Promise<bystander> {
  return new Promise((resolve, reject) => {
    const sock = net_connect(port, '127.0.0.1');
    const topics: string[] = [];
    let buf = Buffer.alloc(0);
    const lstr = (s: string): Buffer => { const b = Buffer.from(s); const l = Buffer.alloc(2); l.writeUInt16BE(b.length); return Buffer.concat([l, b]); };
    const pkt = (first: number, body: Buffer): Buffer => {
      const len: number[] = [];
      let n = body.length;
      do { let b = n % 128; n = Math.floor(n / 128); if (n) b |= 128; len.push(b); } while (n);
      return Buffer.concat([Buffer.from([first, ...len]), body]);
    };
    const b: bystander = {
      sock, topics, closed: false,
      publish(topic, payload) { sock.write(pkt(0x30, Buffer.concat([lstr(topic), Buffer.from(payload)]))); },
      close() { sock.destroy(); },
    };
    let ready = false;
    sock.on('connect', () => {
      sock.write(pkt(0x10, Buffer.concat([lstr('MQTT'), Buffer.from([4, 2, 0, 0]), lstr(id)])));
      if (filter) sock.write(pkt(0x82, Buffer.concat([Buffer.from([0, 1]), lstr(filter), Buffer.from([0])])));
    });
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      const packets = split_packets(buf);
      let used = 0;
      for (const p of packets) {
        used += 1 + (p.body.length < 128 ? 1 : p.body.length < 16384 ? 2 : 3) + p.body.length;
        if (p.first === 0x20 && !filter) { ready = true; resolve(b); }
        if (p.first === 0x90) { ready = true; resolve(b); }
        if ((p.first & 0xf0) === 0x30) topics.push(p.body.subarray(2, 2 + p.body.readUInt16BE(0)).toString());
      }
      buf = buf.subarray(used);
    });
    sock.on('error', (e) => { if (!ready) reject(e); });
    sock.on('close', () => { b.closed = true; });
  });
}

/** Options of raw_client's CONNECT. */
export interface raw_connect_options {
  version?: 4 | 5;
  username?: string;
  password?: string;
  clean?: boolean;
  will?: { topic: string; payload: string; qos?: number; retain?: boolean };
  /** MQTT 5 session expiry interval (for persistent sessions) */
  session_expiry?: number;
}

/**
 * A scriptable MQTT 3.1.1/5 client over a raw socket: CONNECT, SUBSCRIBE and PUBLISH with the
 * broker's answers (reason codes) returned as they are on the wire, every incoming PUBLISH kept
 * (topic, payload, retain flag) and QoS 1 deliveries acknowledged.
 */
export class raw_client {
  sock!: Socket;
  received: { topic: string; payload: string; retain: boolean }[] = [];
  closed = false;
  connack: { session_present: number; reason: number } | null = null;
  private buf = Buffer.alloc(0);
  private waiters: { first: number; resolve: (body: Buffer) => void }[] = [];
  private mid = 1;
  private version: 4 | 5 = 4;

  static lstr(s: string | Buffer): Buffer {
    const b = typeof s === 'string' ? Buffer.from(s) : s;
    const l = Buffer.alloc(2);
    l.writeUInt16BE(b.length);
    return Buffer.concat([l, b]);
  }

  static pkt(first: number, body: Buffer): Buffer {
    const len: number[] = [];
    let n = body.length;
    do { let b = n % 128; n = Math.floor(n / 128); if (n) b |= 128; len.push(b); } while (n);
    return Buffer.concat([Buffer.from([first, ...len]), body]);
  }

  /** Connects and sends CONNECT; resolves with the CONNACK (or null if the broker just closed). */
  connect(port: number, id: string, o: raw_connect_options = {}): Promise<{ session_present: number; reason: number } | null> {
    this.version = o.version ?? 4;
    const v5 = this.version === 5;
    return new Promise((resolve) => {
      this.sock = net_connect(port, '127.0.0.1');
      this.sock.on('error', () => { /* closed below */ });
      this.sock.on('close', () => { this.closed = true; resolve(this.connack); for (const w of this.waiters) w.resolve(Buffer.alloc(0)); this.waiters = []; });
      this.sock.on('data', (d) => this.on_data(d));
      this.sock.on('connect', () => {
        let flags = o.clean === false ? 0 : 2;
        if (o.username !== undefined) flags |= 0x80;
        if (o.password !== undefined) flags |= 0x40;
        if (o.will) flags |= 0x04 | ((o.will.qos ?? 0) << 3) | (o.will.retain ? 0x20 : 0);
        const parts = [raw_client.lstr('MQTT'), Buffer.from([this.version, flags, 0, 0])];
        if (v5) {
          if (o.session_expiry) parts.push(Buffer.from([5, 17]), Buffer.from([(o.session_expiry >>> 24) & 255, (o.session_expiry >>> 16) & 255, (o.session_expiry >>> 8) & 255, o.session_expiry & 255]));
          else parts.push(Buffer.from([0]));
        }
        parts.push(raw_client.lstr(id));
        if (o.will) {
          if (v5) parts.push(Buffer.from([0]));
          parts.push(raw_client.lstr(o.will.topic), raw_client.lstr(o.will.payload));
        }
        if (o.username !== undefined) parts.push(raw_client.lstr(o.username));
        if (o.password !== undefined) parts.push(raw_client.lstr(o.password));
        this.sock.write(raw_client.pkt(0x10, Buffer.concat(parts)));
        this.wait(0x20).then((body) => {
          if (body.length >= 2) this.connack = { session_present: body[0], reason: body[1] };
          resolve(this.connack);
        });
      });
    });
  }

  private on_data(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const [p] = split_packets(this.buf);
      if (!p) return;
      let hdr = 2;
      while (this.buf[hdr - 1] & 0x80) hdr++;
      this.buf = this.buf.subarray(hdr + p.body.length);
      if ((p.first & 0xf0) === 0x30) {
        const qos = (p.first >> 1) & 3;
        const tlen = p.body.readUInt16BE(0);
        let pos = 2 + tlen;
        const topic = p.body.subarray(2, pos).toString();
        let mid = 0;
        if (qos) { mid = p.body.readUInt16BE(pos); pos += 2; }
        if (this.version === 5) {
          let plen = 0; let mult = 1; let b;
          do { b = p.body[pos++]; plen += (b & 127) * mult; mult *= 128; } while (b & 128);
          pos += plen;
        }
        this.received.push({ topic, payload: p.body.subarray(pos).toString(), retain: (p.first & 1) === 1 });
        if (qos === 1) this.sock.write(raw_client.pkt(0x40, Buffer.from([mid >> 8, mid & 255])));
        if (qos === 2) this.sock.write(raw_client.pkt(0x50, Buffer.from([mid >> 8, mid & 255])));
        continue;
      }
      if ((p.first & 0xf0) === 0x60) { this.sock.write(raw_client.pkt(0x70, p.body.subarray(0, 2))); continue; }
      const i = this.waiters.findIndex((w) => w.first === (p.first & 0xf0));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(p.body);
    }
  }

  private wait(first: number): Promise<Buffer> {
    return new Promise((resolve) => {
      if (this.closed) { resolve(Buffer.alloc(0)); return; }
      this.waiters.push({ first, resolve });
    });
  }

  /** SUBSCRIBE to one filter; resolves with the SUBACK reason code (-1 if the broker closed). */
  async subscribe(filter: string, qos = 1): Promise<number> {
    const mid = this.mid++;
    const props = this.version === 5 ? Buffer.from([0]) : Buffer.alloc(0);
    this.sock.write(raw_client.pkt(0x82, Buffer.concat([Buffer.from([mid >> 8, mid & 255]), props, raw_client.lstr(filter), Buffer.from([qos])])));
    const body = await this.wait(0x90);
    return body.length ? body[body.length - 1] : -1;
  }

  /** PUBLISH; for QoS 1 resolves with the PUBACK reason (0 when absent, -1 if closed). */
  async publish(topic: string, payload: string, qos = 0, retain = false): Promise<number> {
    const mid = this.mid++;
    const parts = [raw_client.lstr(topic)];
    if (qos) parts.push(Buffer.from([mid >> 8, mid & 255]));
    if (this.version === 5) parts.push(Buffer.from([0]));
    parts.push(Buffer.from(payload));
    this.sock.write(raw_client.pkt(0x30 | (qos << 1) | (retain ? 1 : 0), Buffer.concat(parts)));
    if (!qos) return 0;
    const body = await this.wait(0x40);
    if (!body.length) return -1;
    return body.length > 2 ? body[2] : 0;
  }

  /** A PINGREQ/PINGRESP round trip: everything sent before it has been handled. */
  async ping(): Promise<void> {
    this.sock.write(Buffer.from([0xc0, 0]));
    await this.wait(0xd0);
  }

  /** Sends DISCONNECT (the will is then not sent) and closes. */
  disconnect(): void {
    if (!this.closed) this.sock.end(Buffer.from([0xe0, 0]));
  }

  /** Drops the connection without DISCONNECT (the will is sent). */
  drop(): void {
    this.sock.destroy();
  }
}
