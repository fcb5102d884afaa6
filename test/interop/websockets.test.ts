/**
 * Websockets listeners (`protocol websockets`, `http_dir`), side by side: MQTT.js clients over
 * ws:// against the port and Debian's mosquitto 2.0.11, and the HTTP answers of http_dir byte
 * for byte. Ports 3260-3299.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as net_connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as mqtt_connect, type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { portIsFree, startBroker, stopAll, type BrokerKind, type RunningBroker } from './helpers/broker.js';
import { mqttClient, pub, until } from './helpers/clients.js';

const kinds: BrokerKind[] = ['port', 'debian'];
const www = mkdtempSync(join(tmpdir(), 'interop-ws-'));
writeFileSync(join(www, 'index.html'), '<p>hello</p>\n');
mkdirSync(join(www, 'sub'));
writeFileSync(join(www, 'sub', 'a.txt'), 'a file in a directory\n');

let nextPort = 3260;
/** A free port of this file's range. */
async function wsPort(): Promise<number> {
  while (nextPort < 3300) {
    const p = nextPort++;
    if (await portIsFree(p)) return p;
  }
  throw new Error('no free port in 3260-3299');
}

/** A broker with a TCP listener ({{port}}) and a websockets listener on `ws` (Debian needs both). */
async function broker(kind: BrokerKind, ws: number, extra = ''): Promise<RunningBroker> {
  return startBroker(kind, `listener {{port}}\nlistener ${ws}\nprotocol websockets\n${extra}allow_anonymous true\n`,
    { verbose: true, readiness: 'log', port: await wsPort() });
}

/** Runs `body` against a fresh broker with a websockets listener, and stops the broker after it. */
async function withBroker(kind: BrokerKind, body: (b: RunningBroker, ws: number) => Promise<void>, extra = ''): Promise<void> {
  const ws = await wsPort();
  const b = await broker(kind, ws, extra);
  try {
    await body(b, ws);
  } finally {
    await b.stop();
  }
}

/** An MQTT.js client over ws://127.0.0.1:port (no reconnects). */
function wsClient(port: number, opts: IClientOptions): Promise<MqttClient> {
  return new Promise((res, rej) => {
    const c = mqtt_connect(`ws://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 3000, ...opts });
    c.once('connect', () => res(c));
    c.once('error', (e) => { c.end(true); rej(e); });
  });
}

/** Sends raw bytes and resolves with everything the server sent until it closed (or `ms`). */
function rawHttp(port: number, request: string, ms = 1500): Promise<{ data: string; closed: boolean }> {
  return new Promise((res) => {
    const s = net_connect(port, '127.0.0.1', () => s.write(request));
    let data = '';
    const t = setTimeout(() => { s.destroy(); res({ data, closed: false }); }, ms);
    s.on('data', (d: Buffer) => { data += d.toString('latin1'); });
    s.on('error', () => { /* close follows */ });
    s.on('close', () => { clearTimeout(t); res({ data, closed: true }); });
  });
}

/** A CONNECT (MQTT 3.1.1, clean session) for `id`. */
function connectPacket(id: string): Buffer {
  const body = Buffer.concat([Buffer.from([0, 4]), Buffer.from('MQTT'), Buffer.from([4, 2, 0, 60, 0, id.length]), Buffer.from(id)]);
  return Buffer.concat([Buffer.from([0x10, body.length]), body]);
}

interface wsOutcome { opened: boolean; protocol: string; received: Buffer[]; closed: boolean; code: number | null }

/**
 * Opens a WebSocket offering `protocols` (none when empty), sends each of `frames` as one binary
 * message, and reports what happened within `ms`.
 */
function wsRaw(port: number, protocols: string[], frames: Buffer[], ms = 1000): Promise<wsOutcome> {
  return new Promise((res) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, protocols);
    const out: wsOutcome = { opened: false, protocol: '', received: [], closed: false, code: null };
    const t = setTimeout(() => { ws.terminate(); res(out); }, ms);
    ws.on('open', () => {
      out.opened = true;
      out.protocol = ws.protocol;
      for (const f of frames) ws.send(f);
    });
    ws.on('message', (d: Buffer) => out.received.push(d));
    ws.on('error', () => { /* close follows */ });
    ws.on('close', (code: number) => { clearTimeout(t); out.closed = true; out.code = code; res(out); });
  });
}

/** The broker's log without timestamps and client ports. */
function logOf(b: RunningBroker): string[] {
  return b.stderr.map((l) => l.replace(/^\d+: /, '').replace(/(127\.0\.0\.1|::1):\d+/g, '$1:P'));
}

afterAll(async () => {
  await stopAll();
  rmSync(www, { recursive: true, force: true });
});

describe.each(kinds)('MQTT over WebSockets against %s', (kind) => {
  it('MQTT.js 3.1 (mqttv3.1), 3.1.1 and 5.0 (mqtt) clients exchange QoS 1 messages with a TCP client', async () => {
    await withBroker(kind, async (b, ws) => {
      const versions: [string, IClientOptions, string][] = [
        ['v31', { protocolId: 'MQIsdp', protocolVersion: 3 }, 'p1'],
        ['v311', { protocolVersion: 4 }, 'p2'],
        ['v5', { protocolVersion: 5 }, 'p5'],
      ];
      for (const [name, opts, proto] of versions) {
        const c = await wsClient(ws, { clientId: `ws-${name}`, ...opts });
        const got: string[] = [];
        c.on('message', (_t, m) => got.push(m.toString()));
        await c.subscribeAsync(`ws/${name}`, { qos: 1 });
        expect((await pub(b.port, ['-t', `ws/${name}`, '-m', `to ${name}`, '-q', '1'])).code).toBe(0);
        await until(() => got.length === 1, 5000, 'the message over ws');
        expect(got).toEqual([`to ${name}`]);
        await c.endAsync();
        await b.waitForLine(new RegExp(`Client ws-${name} disconnected\\.`));
        expect(logOf(b)).toContain(`New client connected from ::ffff:127.0.0.1:P as ws-${name} (${proto}, c1, k60).`);
      }
    });
  });

  it('a protocol error or a takeover ends a websockets client as "closed its connection", as libwebsockets reports it', async () => {
    await withBroker(kind, async (b, ws) => {
      /* Over TCP these two would be "disconnected due to protocol error". libwebsockets ends the
       * TCP connection without a close frame, which the client reports as code 1006. */
      expect(await wsRaw(ws, ['mqtt'], [Buffer.from([0x82, 0x02, 0x00, 0x01])])).toMatchObject({ closed: true, code: 1006 });
      await b.waitForLine(/Client <unknown> closed its connection\./);
      const bad = await wsRaw(ws, ['mqtt'], [Buffer.concat([connectPacket('ws-bad'), Buffer.from([0xe0, 0x01, 0x00])])]);
      expect(bad.received.map((d) => d.toString('hex'))).toEqual(['20020000']);
      expect(bad).toMatchObject({ closed: true, code: 1006 });
      await b.waitForLine(/Client ws-bad closed its connection\./);

      const first = wsRaw(ws, ['mqtt'], [connectPacket('ws-same')], 3000);
      await b.waitForLine(/New client connected from .* as ws-same /);
      const second = await wsRaw(ws, ['mqtt'], [connectPacket('ws-same')], 500);
      expect((await first).closed).toBe(true);
      expect(second.received.map((d) => d.toString('hex'))).toEqual(['20020000']);
      await b.waitForLine(/Client ws-same closed its connection\./);
      const log = logOf(b);
      const taken = log.indexOf('Client ws-same already connected, closing old connection.');
      expect(taken).toBeGreaterThan(-1);
      expect(log.slice(taken)).toContain('Client ws-same closed its connection.');
      expect(log.filter((l) => /protocol error/.test(l))).toEqual([]);
    });
  });

  it('max_packet_size holds TCP clients only: mosquitto\'s websockets reader does not check it', async () => {
    await withBroker(kind, async (b, ws) => {
      const got: Buffer[] = [];
      const rx = await mqttClient(b.port, { clientId: 'mp-rx' }, (c) => c.on('message', (_t, m) => got.push(m)));
      await rx.subscribeAsync('mp/t', { qos: 0 });
      const big = Buffer.alloc(500, 0x61);
      const tx = await wsClient(ws, { clientId: 'mp-ws' });
      await tx.publishAsync('mp/t', big, { qos: 0 });
      await until(() => got.length === 1, 5000, 'the 500-byte message from the websockets client');
      expect(got[0].equals(big)).toBe(true);
      tx.end(true);

      /* QoS 0: mosquitto_pub is gone before the broker cuts it, so only the log tells. */
      await pub(b.port, ['-i', 'mp-tcp', '-t', 'mp/t', '-m', big.toString()]);
      await b.waitForLine(/Client mp-tcp disconnected due to oversize packet\./);
      rx.end(true);
    }, 'max_packet_size 100\n');
  });

  it('a handshake offering only unknown subprotocols is dropped; one offering none stays open and unanswered', async () => {
    await withBroker(kind, async (b, ws) => {
      const unknown = await wsRaw(ws, ['foo'], []);
      expect(unknown).toMatchObject({ opened: false, closed: true });
      const none = await wsRaw(ws, [], [connectPacket('ws-none')], 700);
      expect(none).toEqual({ opened: true, protocol: '', received: [], closed: false, code: null });
      const v31 = await wsRaw(ws, ['foo', 'mqttv3.1'], [connectPacket('ws-v31')], 300);
      expect(v31.protocol).toBe('mqttv3.1');
      expect(v31.received.map((d) => d.toString('hex'))).toEqual(['20020000']);
    });
  });

  it('a large message (1 MB, Debian 60 kB) crosses ws -> ws intact, and a dropped WebSocket is a closed connection', async () => {
    await withBroker(kind, async (b, ws) => {
      const rx = await wsClient(ws, { clientId: 'ws-rx' });
      const got: Buffer[] = [];
      rx.on('message', (_t, m) => got.push(m));
      await rx.subscribeAsync('ws/big', { qos: 1 });
      const tx = await wsClient(ws, { clientId: 'ws-tx' });
      /* Debian's libwebsockets build moves about 30 kB/s this way, so it gets a smaller one. */
      const payload = Buffer.alloc(kind === 'port' ? 1024 * 1024 : 60 * 1024, 0);
      for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) & 0xff;
      await tx.publishAsync('ws/big', payload, { qos: 1 });
      await until(() => got.length === 1, 5000, 'the big message');
      expect(got[0].equals(payload)).toBe(true);
      tx.end(true);
      rx.stream.destroy();
      await b.waitForLine(/Client ws-rx closed its connection\./);
    });
  });
});

describe('http_dir (port = Debian, byte for byte)', () => {
  it('GET of a file, a directory, a missing file, POST, and a listener without http_dir', async () => {
    const answers: Record<BrokerKind, { data: string; closed: boolean }[]> = { port: [], debian: [] };
    for (const kind of kinds) {
      const ws = await wsPort();
      const bare = await wsPort();
      const b = await startBroker(kind, `listener {{port}}\nlistener ${ws}\nprotocol websockets\nhttp_dir ${www}\n`
        + `listener ${bare}\nprotocol websockets\nallow_anonymous true\n`, { verbose: true, readiness: 'log', port: await wsPort() });
      try {
        for (const req of [
          'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n',
          'GET / HTTP/1.1\r\nHost: x\r\n\r\n',
          'GET /sub HTTP/1.1\r\nHost: x\r\n\r\n',
          'GET /sub/a.txt HTTP/1.1\r\nHost: x\r\n\r\n',
          'GET /nope.html HTTP/1.1\r\nHost: x\r\n\r\n',
          'GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n',
          'POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\na=1',
        ]) {
          const a = await rawHttp(ws, req);
          /* Only the bytes count: libwebsockets keeps some connections open after an answer. */
          answers[kind].push({ data: a.data, closed: true });
        }
        answers[kind].push(await rawHttp(bare, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
        await b.waitForLine(/http serving file ".*index\.html"\./);
      } finally {
        await b.stop();
      }
    }
    expect(answers.port).toEqual(answers.debian);
    expect(answers.port[0].data).toBe('HTTP/1.0 200 OK\r\nServer: mosquitto\r\nContent-Length: 13\r\n\r\n<p>hello</p>\n');
    expect(answers.port[2].data).toBe('HTTP/1.0 302 OK\r\nLocation: /sub/\r\n\r\n');
    expect(answers.port[4].data).toMatch(/^HTTP\/1\.1 404 Not Found\r\n/);
    expect(answers.port[6].data).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(answers.port[7]).toEqual({ data: '', closed: true });
  }, 30000);
});
