/**
 * Test helpers: a raw MQTT client that writes exactly the bytes a test builds and reads back
 * every packet the broker sends, plus the encoders and decoders it needs (MQTT 3.1, 3.1.1, 5,
 * properties included). Nothing here validates: a test may build a malformed packet on purpose.
 */
import { connect as net_connect, type Socket } from 'node:net';

/** The type of a property's value, by property identifier (MQTT 5 section 2.2.2.2). */
const BYTE = new Set([1, 23, 25, 36, 37, 40, 41, 42]);
const UINT16 = new Set([19, 33, 34, 35]);
const UINT32 = new Set([2, 17, 24, 39]);
const VARINT = new Set([11]);
const BINARY = new Set([9, 22]);
const PAIR = new Set([38]);

export type PropValue = number | string | Buffer | [string, string];
export interface Prop { id: number; value: PropValue }

/** A variable byte integer. */
export function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return Buffer.from(out);
}

function u16(n: number): Buffer {
  return Buffer.from([(n >> 8) & 0xff, n & 0xff]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** A length-prefixed UTF-8 string (or raw bytes). */
export function str(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([u16(b.length), b]);
}

/** One property, encoded as its identifier's type says. */
export function prop(id: number, value: PropValue): Buffer {
  let body: Buffer;
  if (BYTE.has(id)) body = Buffer.from([value as number]);
  else if (UINT16.has(id)) body = u16(value as number);
  else if (UINT32.has(id)) body = u32(value as number);
  else if (VARINT.has(id)) body = varint(value as number);
  else if (PAIR.has(id)) body = Buffer.concat([str((value as [string, string])[0]), str((value as [string, string])[1])]);
  else body = str(value as string | Buffer);
  return Buffer.concat([varint(id), body]);
}

/** A property list with its length in front; `props()` is the empty list. */
export function props(...list: Buffer[]): Buffer {
  const body = Buffer.concat(list);
  return Buffer.concat([varint(body.length), body]);
}

/** A whole packet: fixed header byte, remaining length, body. */
export function packet(header: number, ...body: Buffer[]): Buffer {
  const b = Buffer.concat(body);
  return Buffer.concat([Buffer.from([header]), varint(b.length), b]);
}

export interface WillOptions { topic: string; payload?: string | Buffer; qos?: number; retain?: boolean; props?: Buffer }

export interface ConnectOptions {
  id?: string;
  /** 3 (MQIsdp), 4 (3.1.1) or 5 (default). */
  proto?: 3 | 4 | 5;
  clean?: boolean;
  keepalive?: number;
  /** the encoded property list (MQTT 5 only; default: empty) */
  props?: Buffer;
  will?: WillOptions;
  username?: string;
  password?: string;
}

export function connect(o: ConnectOptions = {}): Buffer {
  const proto = o.proto ?? 5;
  let flags = o.clean === false ? 0 : 0x02;
  if (o.will) {
    flags |= 0x04 | ((o.will.qos ?? 0) << 3) | (o.will.retain ? 0x20 : 0);
  }
  if (o.username !== undefined) flags |= 0x80;
  if (o.password !== undefined) flags |= 0x40;
  const parts = [str(proto === 3 ? 'MQIsdp' : 'MQTT'), Buffer.from([proto, flags]), u16(o.keepalive ?? 60)];
  if (proto === 5) parts.push(o.props ?? props());
  parts.push(str(o.id ?? ''));
  if (o.will) {
    if (proto === 5) parts.push(o.will.props ?? props());
    parts.push(str(o.will.topic), str(typeof o.will.payload === 'string' ? Buffer.from(o.will.payload) : o.will.payload ?? Buffer.alloc(0)));
  }
  if (o.username !== undefined) parts.push(str(o.username));
  if (o.password !== undefined) parts.push(str(o.password));
  return packet(0x10, ...parts);
}

export interface PublishOptions { qos?: number; mid?: number; retain?: boolean; dup?: boolean; props?: Buffer; proto?: 3 | 4 | 5 }

export function publish(topic: string, payload: string | Buffer, o: PublishOptions = {}): Buffer {
  const qos = o.qos ?? 0;
  const header = 0x30 | (o.dup ? 0x08 : 0) | (qos << 1) | (o.retain ? 1 : 0);
  const parts = [str(topic)];
  if (qos > 0) parts.push(u16(o.mid ?? 1));
  if ((o.proto ?? 5) === 5) parts.push(o.props ?? props());
  parts.push(typeof payload === 'string' ? Buffer.from(payload) : payload);
  return packet(header, ...parts);
}

/** SUBSCRIBE with one or more (topic, options byte) pairs. */
export function subscribe(mid: number, subs: [string, number][], o: { props?: Buffer; proto?: 3 | 4 | 5 } = {}): Buffer {
  const parts = [u16(mid)];
  if ((o.proto ?? 5) === 5) parts.push(o.props ?? props());
  for (const [t, opts] of subs) parts.push(str(t), Buffer.from([opts]));
  return packet(0x82, ...parts);
}

/** PUBACK/PUBREC/PUBREL/PUBCOMP: `header` is 0x40, 0x50, 0x62 or 0x70. */
export function ack(header: number, mid: number, reason?: number): Buffer {
  return reason === undefined ? packet(header, u16(mid)) : packet(header, u16(mid), Buffer.from([reason]));
}

export function disconnect(reason?: number, p?: Buffer): Buffer {
  if (reason === undefined) return packet(0xe0);
  return p ? packet(0xe0, Buffer.from([reason]), p) : packet(0xe0, Buffer.from([reason]));
}

/** A packet as read off the wire. */
export interface Packet { type: number; flags: number; body: Buffer }

/** Reads a property list at `pos`; returns the properties and the position after them. */
export function readProps(b: Buffer, pos: number): { props: Prop[]; pos: number } {
  const len = readVarint(b, pos);
  pos = len.pos;
  const end = pos + len.value;
  const out: Prop[] = [];
  while (pos < end) {
    const idv = readVarint(b, pos);
    const id = idv.value;
    pos = idv.pos;
    const s = (): string | Buffer => {
      const l = b.readUInt16BE(pos);
      const v = b.subarray(pos + 2, pos + 2 + l);
      pos += 2 + l;
      return v;
    };
    if (BYTE.has(id)) { out.push({ id, value: b[pos] }); pos += 1; }
    else if (UINT16.has(id)) { out.push({ id, value: b.readUInt16BE(pos) }); pos += 2; }
    else if (UINT32.has(id)) { out.push({ id, value: b.readUInt32BE(pos) }); pos += 4; }
    else if (VARINT.has(id)) { const v = readVarint(b, pos); out.push({ id, value: v.value }); pos = v.pos; }
    else if (BINARY.has(id)) out.push({ id, value: Buffer.from(s() as Buffer) });
    else if (PAIR.has(id)) { const k = s().toString(); const v = s().toString(); out.push({ id, value: [k, v] }); }
    else out.push({ id, value: s().toString() });
  }
  return { props: out, pos: end };
}

function readVarint(b: Buffer, pos: number): { value: number; pos: number } {
  let value = 0;
  let mult = 1;
  for (;;) {
    const byte = b[pos++];
    value += (byte & 0x7f) * mult;
    mult *= 128;
    if ((byte & 0x80) === 0) return { value, pos };
  }
}

/** The value of the first property with this id, or undefined. */
export function propValue(list: Prop[], id: number): PropValue | undefined {
  return list.find((p) => p.id === id)?.value;
}

export interface Connack { flags: number; rc: number; props: Prop[] }

export function decodeConnack(p: Packet, proto = 5): Connack {
  if (p.type !== 0x20) throw new Error(`expected CONNACK, got ${describe(p)}`);
  return { flags: p.body[0], rc: p.body[1], props: proto === 5 && p.body.length > 2 ? readProps(p.body, 2).props : [] };
}

export interface Publish { topic: string; qos: number; retain: boolean; dup: boolean; mid: number; props: Prop[]; payload: Buffer }

export function decodePublish(p: Packet, proto = 5): Publish {
  if (p.type !== 0x30) throw new Error(`expected PUBLISH, got ${describe(p)}`);
  const qos = (p.flags >> 1) & 3;
  const tlen = p.body.readUInt16BE(0);
  let pos = 2 + tlen;
  const topic = p.body.subarray(2, pos).toString();
  let mid = 0;
  if (qos > 0) { mid = p.body.readUInt16BE(pos); pos += 2; }
  let plist: Prop[] = [];
  if (proto === 5) { const r = readProps(p.body, pos); plist = r.props; pos = r.pos; }
  return { topic, qos, retain: (p.flags & 1) === 1, dup: (p.flags & 8) === 8, mid, props: plist, payload: p.body.subarray(pos) };
}

/** An acknowledgement or DISCONNECT: packet id (if any), reason code (0 when left out), properties. */
export function decodeAck(p: Packet, hasMid = true): { mid: number; rc: number; props: Prop[] } {
  let pos = 0;
  let mid = 0;
  if (hasMid) { mid = p.body.readUInt16BE(0); pos = 2; }
  const rc = p.body.length > pos ? p.body[pos] : 0;
  const plist = p.body.length > pos + 1 ? readProps(p.body, pos + 1).props : [];
  return { mid, rc, props: plist };
}

export function decodeDisconnect(p: Packet): { rc: number; props: Prop[] } {
  if (p.type !== 0xe0) throw new Error(`expected DISCONNECT, got ${describe(p)}`);
  const d = decodeAck(p, false);
  return { rc: d.rc, props: d.props };
}

const NAMES: Record<number, string> = {
  0x10: 'CONNECT', 0x20: 'CONNACK', 0x30: 'PUBLISH', 0x40: 'PUBACK', 0x50: 'PUBREC', 0x60: 'PUBREL', 0x70: 'PUBCOMP',
  0x80: 'SUBSCRIBE', 0x90: 'SUBACK', 0xa0: 'UNSUBSCRIBE', 0xb0: 'UNSUBACK', 0xc0: 'PINGREQ', 0xd0: 'PINGRESP',
  0xe0: 'DISCONNECT', 0xf0: 'AUTH',
};

export function describe(p: Packet | 'closed'): string {
  if (p === 'closed') return 'connection closed';
  return `${NAMES[p.type] ?? p.type.toString(16)} ${p.body.toString('hex')}`;
}

/** A raw MQTT connection: send bytes, take packets one by one as they arrive. */
export class RawClient {
  private buf = Buffer.alloc(0);
  private queue: Packet[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly sock: Socket) {
    sock.on('data', (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.parse();
      this.wake();
    });
    sock.on('close', () => { this.closed = true; this.wake(); });
    sock.on('error', () => { /* reported as close */ });
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((res, rej) => {
      const s = net_connect(port, host);
      s.once('connect', () => res(new RawClient(s)));
      s.once('error', rej);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private parse(): void {
    for (;;) {
      if (this.buf.length < 2) return;
      let pos = 1;
      let len = 0;
      let mult = 1;
      for (;;) {
        if (pos >= this.buf.length) return;
        const byte = this.buf[pos++];
        len += (byte & 0x7f) * mult;
        mult *= 128;
        if ((byte & 0x80) === 0) break;
      }
      if (this.buf.length < pos + len) return;
      this.queue.push({ type: this.buf[0] & 0xf0, flags: this.buf[0] & 0x0f, body: Buffer.from(this.buf.subarray(pos, pos + len)) });
      this.buf = this.buf.subarray(pos + len);
    }
  }

  send(...bufs: Buffer[]): void {
    this.sock.write(Buffer.concat(bufs));
  }

  /** The next packet, 'closed' when the broker closed the connection, or an error after `ms`. */
  async next(ms = 3000): Promise<Packet | 'closed'> {
    const deadline = Date.now() + ms;
    for (;;) {
      const p = this.queue.shift();
      if (p) return p;
      if (this.closed) return 'closed';
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no packet within ${ms} ms`);
      await new Promise<void>((res) => {
        const t = setTimeout(res, left);
        this.waiters.push(() => { clearTimeout(t); res(); });
      });
    }
  }

  /** The next packet; fails when the connection closes instead. */
  async packet(ms = 3000): Promise<Packet> {
    const p = await this.next(ms);
    if (p === 'closed') throw new Error('connection closed, packet expected');
    return p;
  }

  /** Waits `ms` and returns whatever arrived meanwhile (packets, then 'closed' if it closed). */
  async drain(ms = 300): Promise<(Packet | 'closed')[]> {
    await new Promise((r) => setTimeout(r, ms));
    const out: (Packet | 'closed')[] = this.queue.splice(0);
    if (this.closed) out.push('closed');
    return out;
  }

  /**
   * Waits until the broker closes the connection or `ms` pass, and returns whatever arrived
   * meanwhile (packets, then 'closed' if it closed).
   */
  async settle(ms = 300): Promise<(Packet | 'closed')[]> {
    const deadline = Date.now() + ms;
    while (!this.closed && Date.now() < deadline) {
      await new Promise<void>((res) => {
        const t = setTimeout(res, deadline - Date.now());
        this.waiters.push(() => { clearTimeout(t); res(); });
      });
    }
    const out: (Packet | 'closed')[] = this.queue.splice(0);
    if (this.closed) out.push('closed');
    return out;
  }

  /** Resolves once the broker has closed the connection; fails after `ms`. */
  async waitClosed(ms = 3000): Promise<Packet[]> {
    const seen: Packet[] = [];
    for (;;) {
      const p = await this.next(ms);
      if (p === 'closed') return seen;
      seen.push(p);
    }
  }

  /** Sends CONNECT and returns the decoded CONNACK. */
  async connect(o: ConnectOptions = {}): Promise<Connack> {
    this.send(connect(o));
    return decodeConnack(await this.packet(), o.proto ?? 5);
  }

  end(): void {
    this.sock.destroy();
  }
}

/** Opens a connection and completes CONNECT; fails unless the CONNACK accepts it. */
export async function client(port: number, o: ConnectOptions = {}): Promise<RawClient> {
  const c = await RawClient.open(port);
  const ack = await c.connect(o);
  if (ack.rc !== 0) throw new Error(`CONNECT refused with ${ack.rc}`);
  return c;
}
