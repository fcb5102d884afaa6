#!/usr/bin/env node
/* global process, console, setTimeout, clearTimeout, Buffer */
/**
 * One load-client process for the scenarios where 50 or 10,000 real client processes would
 * out-use the broker on a 2-core machine. Speaks just enough MQTT 3.1.1 (CONNECT, SUBSCRIBE,
 * PUBLISH in, PINGREQ never: keepalive 0).
 *
 *   node bench/load.mjs fanout <port> <subscribers> <topic> <messages> <timeout_ms> [qos]
 *     connects the subscribers (also used with one subscriber: mosquitto_sub printing every
 *     message is slower than a fast broker, which then rightly drops QoS 0 at
 *     max_queued_messages), prints "ready" once every SUBACK is in, then counts each
 *     subscriber's PUBLISHes by sequence number (the payload starts with "<seq> ") and prints one
 *     JSON line: deliveries, lost, duplicated, ms (first delivery -> last), cpu_ms.
 *   node bench/load.mjs publish <port> <topic_prefix> <publishers> <messages_each>
 *     fan-in's publishers, where 20 mosquitto_pub processes out-use the broker: connects the
 *     publishers, then each sends its QoS 0 PUBLISHes to <topic_prefix><i> (payload "<seq> x..",
 *     100 bytes, seq i*messages_each + j), 64 packets per write, waiting for the socket to drain
 *     when it is full, then DISCONNECT. Exits when every socket has closed.
 *   node bench/load.mjs idle <port> <connections> <timeout_ms>
 *     opens the connections (source addresses 127.0.0.1-127.0.0.40, 400 in flight), prints one
 *     JSON line with the time until the last CONNACK, then holds them until stdin closes.
 */
import { connect } from 'node:net';

const [mode, portArg, ...rest] = process.argv.slice(2);
const port = Number(portArg);
const t_start = process.cpuUsage();

function cpuMs() {
  const u = process.cpuUsage(t_start);
  return (u.user + u.system) / 1000;
}

function connectPacket(id) {
  const idb = Buffer.from(id);
  const rl = 10 + 2 + idb.length;
  const b = Buffer.alloc(2 + rl);
  let p = 0;
  b[p++] = 0x10; b[p++] = rl; /* rl < 128 for the ids used here */
  b.writeUInt16BE(4, p); p += 2; b.write('MQTT', p); p += 4;
  b[p++] = 4; b[p++] = 0x02; b.writeUInt16BE(0, p); p += 2;
  b.writeUInt16BE(idb.length, p); p += 2; idb.copy(b, p);
  return b;
}

function subscribePacket(topic, qos) {
  const tb = Buffer.from(topic);
  const rl = 2 + 2 + tb.length + 1;
  const b = Buffer.alloc(2 + rl);
  b[0] = 0x82; b[1] = rl; b.writeUInt16BE(1, 2); b.writeUInt16BE(tb.length, 4); tb.copy(b, 6); b[6 + tb.length] = qos;
  return b;
}

/** Splits a byte stream into MQTT packets and calls onPacket(cmd, buf, start, end) for each. */
function framer(onPacket) {
  let pending = null;
  return (chunk) => {
    let buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      if (buf.length - pos < 2) break;
      let mult = 1, rl = 0, i = pos + 1, byte;
      do {
        if (i >= buf.length) { byte = -1; break; }
        byte = buf[i++];
        rl += (byte & 127) * mult; mult *= 128;
      } while (byte & 128);
      if (byte === -1 || buf.length - i < rl) break;
      onPacket(buf[pos], buf, i, i + rl);
      pos = i + rl;
    }
    pending = pos < buf.length ? buf.subarray(pos) : null;
    if (pending) pending = Buffer.from(pending);
  };
}

function fanout() {
  const [nArg, topic, mArg, toArg, qosArg] = rest;
  const n = Number(nArg), m = Number(mArg), timeout = Number(toArg), qos = Number(qosArg ?? 0);
  const seen = [];
  let subacks = 0, deliveries = 0, dups = 0, bad = 0, first = 0, last = 0;
  const socks = [];
  const finish = (timedOut) => {
    let lost = 0;
    for (const s of seen) for (let i = 0; i < m; i++) if (!s[i]) lost++;
    console.log(JSON.stringify({ deliveries, lost, duplicated: dups, bad, timed_out: timedOut, ms: last - first, cpu_ms: cpuMs() }));
    for (const s of socks) s.destroy();
    process.exit(0);
  };
  const timer = setTimeout(() => finish(true), timeout);
  /* The bench sends SIGUSR2 when the publishers are long done and deliveries are still missing. */
  process.on('SIGUSR2', () => finish(true));
  for (let k = 0; k < n; k++) {
    const got = new Uint8Array(m);
    seen.push(got);
    const sock = connect({ port, host: '127.0.0.1' });
    socks.push(sock);
    sock.setNoDelay(true);
    sock.on('connect', () => { sock.write(connectPacket(`fan${k}`)); sock.write(subscribePacket(topic, qos)); });
    sock.on('error', (e) => { console.error(`sub ${k}: ${e.message}`); });
    const frame = framer((cmd, buf, s, e) => {
      const type = cmd & 0xf0;
      if (type === 0x90) {
        if (++subacks === n) console.log('ready');
      } else if (type === 0x30) {
        const tl = buf.readUInt16BE(s);
        let p = s + 2 + tl;
        if (cmd & 0x06) {
          sock.write(Buffer.from([0x40, 2, buf[p], buf[p + 1]])); /* PUBACK */
          p += 2;
        }
        let seq = 0;
        while (p < e && buf[p] >= 0x30 && buf[p] <= 0x39) seq = seq * 10 + buf[p++] - 0x30;
        if (seq >= m) { bad++; return; }
        if (got[seq]) dups++; else got[seq] = 1;
        if (deliveries === 0) first = Date.now();
        deliveries++;
        last = Date.now();
        if (deliveries === n * m) { clearTimeout(timer); finish(false); }
      }
    });
    sock.on('data', (d) => { sock.cork(); frame(d); sock.uncork(); });
  }
}

function publishPacket(topic, payload) {
  const tb = Buffer.from(topic);
  const rl = 2 + tb.length + payload.length; /* < 16384: two length bytes */
  const b = Buffer.alloc(3 + rl);
  b[0] = 0x30; b[1] = (rl & 127) | 128; b[2] = rl >> 7;
  b.writeUInt16BE(tb.length, 3); tb.copy(b, 5); payload.copy(b, 5 + tb.length);
  return b;
}

function publish() {
  const [prefix, nArg, mArg] = rest;
  const n = Number(nArg), m = Number(mArg);
  const BATCH = 64;
  let connacks = 0;
  const socks = [];
  const send = (sock, i) => {
    let j = 0;
    const more = () => {
      while (j < m) {
        const packets = [];
        for (const end = Math.min(m, j + BATCH); j < end; j++) {
          packets.push(publishPacket(`${prefix}${i}`, Buffer.from(`${i * m + j} `.padEnd(100, 'x'))));
        }
        if (!sock.write(Buffer.concat(packets))) { sock.once('drain', more); return; }
      }
      sock.end(Buffer.from([0xe0, 0]));
    };
    more();
  };
  for (let i = 0; i < n; i++) {
    const sock = connect({ port, host: '127.0.0.1' });
    socks.push(sock);
    sock.on('connect', () => sock.write(connectPacket(`pub${i}`)));
    sock.on('error', (e) => { console.error(`pub ${i}: ${e.message}`); process.exitCode = 1; });
    sock.once('data', (d) => {
      if (d[0] !== 0x20) { console.error(`pub ${i}: no CONNACK`); process.exit(1); }
      if (++connacks === n) socks.forEach(send);
    });
  }
}

function idle() {
  const [nArg, toArg] = rest;
  const n = Number(nArg), timeout = Number(toArg);
  const INFLIGHT = 400;
  let started = 0, acked = 0, failed = 0;
  const t0 = Date.now();
  const socks = [];
  const done = () => {
    console.log(JSON.stringify({ connected: acked, failed, ms: Date.now() - t0, cpu_ms: cpuMs() }));
    process.stdin.resume();
    process.stdin.on('end', () => { for (const s of socks) s.destroy(); process.exit(0); });
  };
  const timer = setTimeout(() => { done(); }, timeout);
  const next = () => {
    if (started >= n) return;
    const k = started++;
    const sock = connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${1 + (k % 40)}` });
    socks.push(sock);
    let ok = false;
    sock.on('connect', () => sock.write(connectPacket(`idle${k}`)));
    sock.on('data', (d) => {
      if (!ok && d[0] === 0x20) {
        ok = true; acked++;
        if (acked + failed === n) { clearTimeout(timer); done(); } else next();
      }
    });
    sock.on('error', () => {
      if (!ok) { ok = true; failed++; if (acked + failed === n) { clearTimeout(timer); done(); } else next(); }
    });
  };
  for (let i = 0; i < INFLIGHT; i++) next();
}

if (mode === 'fanout') fanout();
else if (mode === 'publish') publish();
else if (mode === 'idle') idle();
else { console.error('usage: load.mjs fanout|publish|idle ...'); process.exit(2); }
