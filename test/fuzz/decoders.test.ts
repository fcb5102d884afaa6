/*
 * In-process fuzz of every packet decoder: generated packets of every type and protocol version,
 * valid, mutated, truncated, with oversized remaining lengths, or random bytes, are pushed through
 * the broker's real read path (packet__read -> handle__packet -> handle__*, and do_disconnect on
 * an error, as the mux does for socket data), split at random chunk boundaries. Plus the
 * low-level readers (datatypes, properties, UTF-8, topic checks) on random buffers.
 *
 * Passing means: nothing throws, every return code is an MOSQ_ERR_* number, and an input that
 * fails ends with the context disconnected. FUZZ_RUNS scales the run (default: 100,000+ inputs in
 * total); FUZZ_SEED fixes the seed (scripts/fuzz-long.mjs runs this file in chunks with new seeds).
 */
import fc from 'fast-check';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { context__free_disused, context__init } from '../../src/broker/context.js';
import { keepalive__check } from '../../src/broker/keepalive.js';
import { session_expiry__check } from '../../src/broker/session_expiry.js';
import { will_delay__check } from '../../src/broker/will_delay.js';
import { db__open } from '../../src/broker/database.js';
import { do_disconnect } from '../../src/broker/loop.js';
import { db } from '../../src/broker/mosquitto_broker_internal.js';
import { MOSQ_ERR_CONN_LOST, MOSQ_ERR_SUCCESS } from '../../src/include/mosquitto.js';
import { mosq_cs_active, mosq_cs_new } from '../../src/lib/mosquitto_internal.js';
import type { mosquitto, mosquitto__packet } from '../../src/lib/mosquitto_internal.js';
import { net__read_available } from '../../src/lib/net_mosq.js';
import {
  packet__read_binary, packet__read_byte, packet__read_string, packet__read_uint16, packet__read_uint32, packet__read_varint,
} from '../../src/lib/packet_datatypes.js';
import { packet__new, packet__read } from '../../src/lib/packet_mosq.js';
import { property__read_all, mosquitto_property_check_all } from '../../src/lib/property_mosq.js';
import { mosquitto_validate_utf8 } from '../../src/lib/utf8_mosq.js';
import { mosquitto_pub_topic_check2, mosquitto_sub_topic_check2, mosquitto_sub_topic_tokenise, mosquitto_topic_matches_sub } from '../../src/lib/util_topic.js';
import { make_listener, reset_db } from '../unit/helpers/context.js';
import { any_packet, connect_packet, fuzz_input_arb, lstr, packet, u16 } from './mqtt_gen.js';
import type { fuzz_input, proto } from './mqtt_gen.js';

vi.mock('../../src/broker/logging.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  log__printf: () => 0,
}));

const SCALE = Number(process.env.FUZZ_RUNS ?? 0) || 0;
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined;
/** Inputs through the full read path, and per low-level reader (8 of them). */
const STREAM_RUNS = SCALE || 40000;
const READER_RUNS = SCALE ? Math.ceil(SCALE / 8) : 8000;
/** Multi-client sessions (each 2 to 12 steps) sharing one database. */
const SESSION_RUNS = SCALE ? Math.ceil(SCALE / 10) : 4000;

/** A socket stand-in with a peer address, that swallows writes. */
function fake_socket(): Socket {
  const s = Object.assign(new EventEmitter(), {
    remoteAddress: '127.0.0.1', remotePort: 40000, destroyed: false, writableCorked: 0,
    bytes: 0,
    cork() { /* nothing buffered */ }, uncork() { /* nothing buffered */ },
    write(b: Buffer) { s.bytes += b.length; return true; },
    end(cb?: () => void) { if (cb) cb(); },
    destroy() { s.destroyed = true; },
    setNoDelay() { return s; },
  });
  return s as unknown as Socket;
}

/** Feeds one chunk as the mux does; returns the first error code (0 if none). */
function feed(context: mosquitto, chunk: Buffer): number {
  if (!context.sock) return -1;
  context.in_chunk = chunk;
  context.in_chunk_pos = 0;
  do {
    const rc = packet__read(context);
    if (typeof rc !== 'number') throw new Error(`packet__read returned ${String(rc)}`);
    if (rc) {
      context.in_chunk = null;
      do_disconnect(context, rc);
      return rc;
    }
  } while (context.sock && net__read_available(context) > 0);
  context.in_chunk = null;
  return 0;
}

let counter = 0;

/** Runs one input against a fresh database and a fresh client; throws on any failure. */
export function run_input(input: fuzz_input, split: number): void {
  reset_db({ max_queued_messages: 20, message_size_limit: 0 });
  db__open(db.config);
  db.config!.listeners = [make_listener()];
  const context = context__init(fake_socket())!;
  context.listener = db.config!.listeners[0];
  context.state = mosq_cs_new;
  if (input.connect_first) {
    const rc = feed(context, connect_packet(input.version, `fuzz${counter++}`));
    expect(rc).toBe(MOSQ_ERR_SUCCESS);
    expect(context.state).toBe(mosq_cs_active);
  }
  const at = input.bytes.length ? split % (input.bytes.length + 1) : 0;
  let rc = feed(context, input.bytes.subarray(0, at));
  if (!rc && context.sock) rc = feed(context, input.bytes.subarray(at));
  /* An input that failed ends the connection (the context is disconnected or disused). */
  if (rc > 0) expect(context.sock).toBeNull();
}

/* Blocks of at most 5,000 inputs, each its own test with its own seed, and each starting with a
 * turn of the event loop, so that the worker answers vitest's RPC in time (it gives up after a
 * minute without an answer). */
const BLOCK = 5000;

function yield_to_io(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('decoder fuzz: the full read path', () => {
  for (let done = 0, k = 0; done < STREAM_RUNS; done += BLOCK, k++) {
    const runs = Math.min(BLOCK, STREAM_RUNS - done);
    const seed = SEED === undefined ? undefined : SEED * 1000 + k;
    it(`block ${k}: ${runs} generated inputs, all packet types, MQTT 3.1/3.1.1/5`, async () => {
      await yield_to_io();
      fc.assert(fc.property(fuzz_input_arb(), fc.nat(), (input, split) => { run_input(input, split); }),
        { numRuns: runs, seed });
    }, 600000);
  }
});

/*
 * Sessions: up to four clients on one database, connecting (with wills, clean or persistent
 * sessions, ids that collide so sessions are taken over), sending generated packets, vanishing
 * (so wills fire), while the loop's periodic duties run with the clock moving on. Checks that no
 * step throws and that a failing input always ends its connection.
 */
type step =
  | { k: 'connect'; slot: number; version: proto; id: number; clean: boolean; will: boolean; retain: boolean; keepalive: number }
  | { k: 'send'; slot: number; bytes: Buffer }
  | { k: 'drop'; slot: number }
  | { k: 'tick'; seconds: number };

const IDS = ['a', 'b', 'c', ''];

function session_steps(): fc.Arbitrary<step[]> {
  const version = fc.constantFrom<proto>(3, 4, 5);
  const slot = fc.integer({ min: 0, max: 3 });
  return fc.array(fc.oneof(
    { weight: 3, arbitrary: fc.record({ k: fc.constant('connect' as const), slot, version, id: fc.integer({ min: 0, max: 3 }), clean: fc.boolean(), will: fc.boolean(), retain: fc.boolean(), keepalive: fc.constantFrom(0, 1, 5, 60) }) },
    { weight: 6, arbitrary: fc.record({ k: fc.constant('send' as const), slot, bytes: version.chain((v) => fc.array(any_packet(v), { minLength: 1, maxLength: 4 })).map((l) => Buffer.concat(l)) }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('drop' as const), slot }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('tick' as const), seconds: fc.constantFrom(1, 2, 10, 100, 5000) }) },
  ), { minLength: 2, maxLength: 12 });
}

function session_connect(s: Extract<step, { k: 'connect' }>): Buffer {
  const name = s.version === 3 ? 'MQIsdp' : 'MQTT';
  const flags = (s.clean ? 0x02 : 0) | (s.will ? 0x04 | 0x08 | (s.retain ? 0x20 : 0) : 0);
  const parts = [lstr(name), Buffer.from([s.version, flags]), u16(s.keepalive)];
  if (s.version === 5) parts.push(s.clean ? Buffer.from([0]) : Buffer.from([5, 17, 0, 0, 0, 100]));
  parts.push(lstr(IDS[s.id]));
  if (s.will) {
    if (s.version === 5) parts.push(Buffer.from([5, 24, 0, 0, 0, 2]));
    parts.push(lstr(`will/${IDS[s.id]}`), lstr('gone'));
  }
  return packet(0x10, Buffer.concat(parts));
}

function run_session(steps: step[]): void {
  reset_db({ max_queued_messages: 5 });
  db__open(db.config);
  db.config!.listeners = [make_listener()];
  const slots: (mosquitto | null)[] = [null, null, null, null];
  for (const s of steps) {
    if (s.k === 'tick') {
      db.now_s += s.seconds;
      db.now_real_s += s.seconds;
      context__free_disused();
      keepalive__check();
      session_expiry__check();
      will_delay__check();
      continue;
    }
    const c = slots[s.slot];
    if (s.k === 'connect') {
      if (c?.sock) do_disconnect(c, MOSQ_ERR_CONN_LOST);
      const n = context__init(fake_socket())!;
      n.listener = db.config!.listeners[0];
      slots[s.slot] = n;
      const rc = feed(n, session_connect(s));
      if (rc > 0) expect(n.sock).toBeNull();
    } else if (s.k === 'send') {
      if (!c?.sock) continue;
      const rc = feed(c, s.bytes);
      if (rc > 0) expect(c.sock).toBeNull();
    } else if (c?.sock) {
      do_disconnect(c, MOSQ_ERR_CONN_LOST);
    }
  }
}

describe('decoder fuzz: sessions of several clients on one database', () => {
  for (let done = 0, k = 0; done < SESSION_RUNS; done += 1000, k++) {
    const runs = Math.min(1000, SESSION_RUNS - done);
    const seed = SEED === undefined ? undefined : SEED * 1000 + 500 + k;
    it(`block ${k}: ${runs} sessions`, async () => {
      await yield_to_io();
      fc.assert(fc.property(session_steps(), (steps) => { run_session(steps); }), { numRuns: runs, seed });
    }, 600000);
  }
});

function pkt(b: Uint8Array): mosquitto__packet {
  const p = packet__new();
  p.payload = Buffer.from(b);
  p.remaining_length = b.length;
  return p;
}

const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 40 }),
  fc.tuple(fc.integer({ min: 0, max: 0xff }), fc.uint8Array({ maxLength: 40 })).map(([id, rest]) => Uint8Array.from([rest.length, id, ...rest])),
);
const COMMANDS = [0x10, 0x20, 0x30, 0x40, 0x50, 0x62, 0x70, 0x82, 0x90, 0xa2, 0xb0, 0xe0, 0xf0, 0x00];

describe('decoder fuzz: low-level readers on random bytes', () => {
  const readers: [string, (b: Uint8Array) => void][] = [
    ['packet__read_byte/uint16/uint32', (b) => { const p = pkt(b); packet__read_byte(p); packet__read_uint16(p); packet__read_uint32(p); }],
    ['packet__read_varint', (b) => { const r = packet__read_varint(pkt(b)); expect(typeof r.rc).toBe('number'); }],
    ['packet__read_string', (b) => { packet__read_string(pkt(b)); }],
    ['packet__read_binary', (b) => { packet__read_binary(pkt(b)); }],
    ['property__read_all + check_all, every command', (b) => {
      for (const cmd of COMMANDS) {
        const r = property__read_all(cmd, pkt(b));
        expect(typeof r.rc).toBe('number');
        if (r.rc === 0) mosquitto_property_check_all(cmd, r.properties);
      }
    }],
    ['mosquitto_validate_utf8', (b) => { expect(typeof mosquitto_validate_utf8(Buffer.from(b), b.length)).toBe('number'); }],
    ['topic checks', (b) => {
      const s = Buffer.from(b).toString('latin1');
      mosquitto_pub_topic_check2(s, s.length);
      mosquitto_sub_topic_check2(s, s.length);
      mosquitto_sub_topic_tokenise(s);
    }],
    ['mosquitto_topic_matches_sub', (b) => {
      const s = Buffer.from(b).toString('latin1');
      const half = s.length >> 1;
      mosquitto_topic_matches_sub(s.slice(0, half), s.slice(half));
    }],
  ];
  for (const [name, fn] of readers) {
    it(`${READER_RUNS} inputs: ${name}`, async () => {
      await yield_to_io();
      fc.assert(fc.property(bytes, (b) => { fn(b); }), { numRuns: READER_RUNS, seed: SEED });
    }, 600000);
  }
});
