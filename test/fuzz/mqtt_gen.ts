/**
 * fast-check generators of MQTT control packets for the fuzz tests: every packet type (the ones a
 * client may send and the ones only a server sends, plus the reserved types 0 and 15) in MQTT
 * 3.1, 3.1.1 and 5.0, built valid first and then optionally mutated (bit flips, byte changes,
 * insertions, deletions, truncation, a replaced or oversized remaining length).
 * Shared by test/fuzz/*.test.ts, test/interop/robustness*.test.ts and scripts/fuzz-long.mjs
 * (which runs the decoder fuzz through vitest).
 */
import fc from 'fast-check';

export type proto = 3 | 4 | 5;

/** The remaining-length encoding of MQTT (1 to 4 bytes, 7 bits each). */
export function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0 && out.length < 5);
  return Buffer.from(out);
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** A length-prefixed string or binary field. */
export function lstr(s: string | Buffer): Buffer {
  const b = typeof s === 'string' ? Buffer.from(s) : s;
  return Buffer.concat([u16(b.length), b]);
}

/** Fixed header + body. */
export function packet(first: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([first]), varint(body.length), body]);
}

/** A CONNECT of the given version (client id, optional will, username, password). */
export function connect_packet(version: proto, id: string, opts: { clean?: boolean; keepalive?: number; username?: string; password?: string } = {}): Buffer {
  const name = version === 3 ? 'MQIsdp' : 'MQTT';
  let flags = opts.clean === false ? 0 : 0x02;
  if (opts.username !== undefined) flags |= 0x80;
  if (opts.password !== undefined) flags |= 0x40;
  const parts = [lstr(name), Buffer.from([version, flags]), u16(opts.keepalive ?? 60)];
  if (version === 5) parts.push(Buffer.from([0]));
  parts.push(lstr(id));
  if (opts.username !== undefined) parts.push(lstr(opts.username));
  if (opts.password !== undefined) parts.push(lstr(opts.password));
  return packet(0x10, Buffer.concat(parts));
}

/* Topics and strings: mostly short and printable, sometimes wildcards, empty, invalid UTF-8
 * (surrogates, overlong forms, NUL) or long. */
const topic_char = fc.constantFrom('a', 'b', '/', '+', '#', '$', 'SYS', 'é', '\u0000', ' ', 'x/y');
const text = fc.oneof(
  { weight: 6, arbitrary: fc.array(topic_char, { maxLength: 8 }).map((a) => Buffer.from(a.join(''))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.constantFrom(Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xc0, 0x80]), Buffer.from([0xff]), Buffer.from('$share/g/t'), Buffer.from('$share//t'), Buffer.from('$share/g')) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 3000 }).map((n) => Buffer.alloc(n, 0x61)) },
);

/* Property identifiers of MQTT 5 with their wire types; unknown ids are generated too. */
const PROP_TYPES: Record<number, 'byte' | 'u16' | 'u32' | 'varint' | 'bin' | 'str' | 'pair'> = {
  1: 'byte', 2: 'u32', 3: 'str', 8: 'str', 9: 'bin', 11: 'varint', 17: 'u32', 18: 'str', 19: 'u16',
  21: 'str', 22: 'bin', 23: 'byte', 24: 'u32', 25: 'byte', 26: 'str', 28: 'str', 31: 'str',
  33: 'u16', 34: 'u16', 35: 'u16', 36: 'byte', 37: 'byte', 38: 'pair', 39: 'u32', 40: 'byte',
  41: 'byte', 42: 'byte',
};
const prop_ids = Object.keys(PROP_TYPES).map(Number);

const property = fc.tuple(
  fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...prop_ids) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 300 }) }),
  fc.oneof(fc.constantFrom(0, 1, 2, 10, 0xffff, 0xffffffff, 268435455, 268435456), fc.nat()),
  text,
  text,
).map(([id, n, s1, s2]) => {
  const kind = PROP_TYPES[id] ?? 'byte';
  let value: Buffer;
  switch (kind) {
    case 'byte': value = Buffer.from([n & 0xff]); break;
    case 'u16': value = u16(n); break;
    case 'u32': value = u32(n); break;
    case 'varint': value = varint(n % 268435456); break;
    case 'bin': case 'str': value = lstr(s1); break;
    default: value = Buffer.concat([lstr(s1), lstr(s2)]);
  }
  return Buffer.concat([varint(id), value]);
});

/** An MQTT 5 property block (length + properties), empty for older versions. */
function props(version: proto): fc.Arbitrary<Buffer> {
  if (version !== 5) return fc.constant(Buffer.alloc(0));
  return fc.array(property, { maxLength: 4 }).map((list) => {
    const body = Buffer.concat(list);
    return Buffer.concat([varint(body.length), body]);
  });
}

const mid = fc.oneof(fc.constantFrom(0, 1, 2, 0xffff), fc.integer({ min: 0, max: 0xffff }));
const payload = fc.oneof(
  { weight: 5, arbitrary: fc.uint8Array({ maxLength: 32 }).map((a) => Buffer.from(a)) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20000 }).map((n) => Buffer.alloc(n, 0x42)) },
);

function connect_arb(version: proto): fc.Arbitrary<Buffer> {
  return fc.record({
    name: fc.oneof({ weight: 8, arbitrary: fc.constant(version === 3 ? 'MQIsdp' : 'MQTT') }, { weight: 1, arbitrary: fc.constantFrom('MQTT', 'MQIsdp', 'MQTX', '') }),
    level: fc.oneof({ weight: 8, arbitrary: fc.constant(version) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
    flags: fc.integer({ min: 0, max: 255 }),
    keepalive: fc.oneof(fc.constantFrom(0, 1, 60, 65535), fc.integer({ min: 0, max: 65535 })),
    props: props(version), will_props: props(version),
    id: text, will_topic: text, will_payload: payload, user: text, pass: text,
  }).map((r) => {
    const parts = [lstr(r.name), Buffer.from([r.level, r.flags]), u16(r.keepalive), r.props, lstr(r.id)];
    if (r.flags & 0x04) parts.push(r.will_props, lstr(r.will_topic), lstr(r.will_payload));
    if (r.flags & 0x80) parts.push(lstr(r.user));
    if (r.flags & 0x40) parts.push(lstr(r.pass));
    return packet(0x10, Buffer.concat(parts));
  });
}

function publish_arb(version: proto): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.integer({ min: 0, max: 15 }), text, mid, props(version), payload).map(([flags, topic, m, p, data]) => {
    const qos = (flags >> 1) & 3;
    const parts = [lstr(topic)];
    if (qos > 0) parts.push(u16(m));
    parts.push(p, data);
    return packet(0x30 | flags, Buffer.concat(parts));
  });
}

function ack_arb(version: proto, type: number): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.integer({ min: 0, max: 15 }), mid, fc.integer({ min: 0, max: 255 }), props(version), fc.integer({ min: 0, max: 2 })).map(([flags, m, reason, p, shape]) => {
    const fixed = type === 0x60 && flags === 0 ? 0x62 : type | flags;
    const parts = [u16(m)];
    if (version === 5 && shape >= 1) parts.push(Buffer.from([reason]));
    if (version === 5 && shape === 2) parts.push(p);
    return packet(fixed, Buffer.concat(parts));
  });
}

function subscribe_arb(version: proto, unsubscribe: boolean): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.constantFrom(2, 2, 2, 0, 3), mid, props(version), fc.array(fc.tuple(text, fc.integer({ min: 0, max: 255 })), { maxLength: 5 })).map(([flags, m, p, filters]) => {
    const parts = [u16(m), p];
    for (const [t, o] of filters) {
      parts.push(lstr(t));
      if (!unsubscribe) parts.push(Buffer.from([o]));
    }
    return packet((unsubscribe ? 0xa0 : 0x80) | flags, Buffer.concat(parts));
  });
}

function reason_props_arb(version: proto, type: number): fc.Arbitrary<Buffer> {
  return fc.tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 255 }), props(version), fc.integer({ min: 0, max: 2 })).map(([flags, reason, p, shape]) => {
    const parts: Buffer[] = [];
    if (shape >= 1) parts.push(Buffer.from([reason]));
    if (shape === 2) parts.push(p);
    return packet(type | (flags === 1 ? 1 : 0), Buffer.concat(parts));
  });
}

/** A well-formed-ish packet of any type for the version (client types weighted higher). */
export function any_packet(version: proto): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { weight: 4, arbitrary: connect_arb(version) },
    { weight: 6, arbitrary: publish_arb(version) },
    { weight: 2, arbitrary: ack_arb(version, 0x40) },
    { weight: 2, arbitrary: ack_arb(version, 0x50) },
    { weight: 2, arbitrary: ack_arb(version, 0x60) },
    { weight: 2, arbitrary: ack_arb(version, 0x70) },
    { weight: 4, arbitrary: subscribe_arb(version, false) },
    { weight: 3, arbitrary: subscribe_arb(version, true) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }).map((f) => packet(0xc0 | f, Buffer.alloc(0))) },
    { weight: 1, arbitrary: reason_props_arb(version, 0xe0) },
    { weight: 1, arbitrary: reason_props_arb(version, 0xf0) },
    /* Types only a server sends, and reserved type 0. */
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(0x00, 0x20, 0x90, 0xb0, 0xd0), fc.uint8Array({ maxLength: 8 })).map(([t, b]) => packet(t, Buffer.from(b))) },
  );
}

type mutation =
  | { k: 'flip'; at: number; bit: number }
  | { k: 'set'; at: number; v: number }
  | { k: 'insert'; at: number; bytes: Uint8Array }
  | { k: 'delete'; at: number; n: number }
  | { k: 'truncate'; at: number }
  | { k: 'length'; len: Buffer };

const mutation_arb: fc.Arbitrary<mutation> = fc.oneof(
  fc.record({ k: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ k: fc.constant('set' as const), at: fc.nat(), v: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ k: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  fc.record({ k: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ k: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    k: fc.constant('length' as const),
    len: fc.oneof(
      fc.constantFrom(268435455, 268435456, 0, 1, 127, 128, 16383, 16384, 2097151).map(varint),
      fc.nat({ max: 268435455 }).map(varint),
      fc.constantFrom(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x01]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]), Buffer.from([0xff, 0xff, 0xff, 0x7f])),
    ),
  }),
);

/** Where the body of a packet starts (after the fixed header's remaining length). */
function body_start(p: Buffer): number {
  let i = 1;
  while (i < p.length && (p[i] & 0x80) && i < 5) i++;
  return i + 1;
}

/** Applies mutations in order (positions wrap modulo the current length). */
export function mutate(p: Buffer, muts: readonly mutation[]): Buffer {
  let b = Buffer.from(p);
  for (const m of muts) {
    const at = b.length ? m.k === 'length' ? 0 : (m as { at: number }).at % b.length : 0;
    switch (m.k) {
      case 'flip': if (b.length) b[at] ^= 1 << m.bit; break;
      case 'set': if (b.length) b[at] = m.v; break;
      case 'insert': b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]); break;
      case 'delete': b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.n)]); break;
      case 'truncate': b = b.subarray(0, at); break;
      case 'length': b = Buffer.concat([b.subarray(0, 1), m.len, b.subarray(body_start(b))]); break;
    }
  }
  return b;
}

/**
 * One fuzz input: a protocol version, then the bytes a client sends after (optionally) a valid
 * CONNECT: valid packets, mutated packets or random bytes, possibly several in a row.
 */
export interface fuzz_input {
  version: proto;
  /** send a valid CONNECT first, so the input reaches the handlers of a connected client */
  connect_first: boolean;
  bytes: Buffer;
}

export function fuzz_input_arb(): fc.Arbitrary<fuzz_input> {
  return fc.constantFrom<proto>(3, 4, 5).chain((version) => fc.record({
    version: fc.constant(version),
    connect_first: fc.boolean(),
    bytes: fc.array(fc.oneof(
      { weight: 3, arbitrary: any_packet(version) },
      { weight: 6, arbitrary: fc.tuple(any_packet(version), fc.array(mutation_arb, { minLength: 1, maxLength: 3 })).map(([p, m]) => mutate(p, m)) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)) },
    ), { minLength: 1, maxLength: 3 }).map((list) => Buffer.concat(list)),
  }));
}
