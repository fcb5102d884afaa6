/*
 * Inputs the fuzzing turned up, kept as regression tests (read path in process; the same inputs
 * go over sockets in test/interop/robustness_memory.test.ts).
 *
 * - A PUBLISH (or any packet but CONNECT) as the first packet announcing 256 MiB: upstream 2.0.11
 *   reads on and allocates the announced payload before the client has even connected
 *   (CVE-2023-0809); Debian's 2.0.11 and later upstream refuse it at the first byte. Found by the
 *   socket fuzz as 60 of 400 inputs where the port kept a connection open that mosquitto closed.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { context__init } from '../../src/broker/context.js';
import { db__open } from '../../src/broker/database.js';
import { db } from '../../src/broker/mosquitto_broker_internal.js';
import { MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS } from '../../src/include/mosquitto.js';
import type { mosquitto } from '../../src/lib/mosquitto_internal.js';
import { packet__read } from '../../src/lib/packet_mosq.js';
import { make_listener, reset_db } from '../unit/helpers/context.js';
import { connect_packet, varint } from './mqtt_gen.js';

vi.mock('../../src/broker/logging.js', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  log__printf: () => 0,
}));

function fresh_client(): mosquitto {
  const sock = Object.assign(new EventEmitter(), {
    remoteAddress: '127.0.0.1', remotePort: 40001, destroyed: false,
    cork() { /* nothing */ }, uncork() { /* nothing */ },
    write() { return true; }, end(cb?: () => void) { if (cb) cb(); }, destroy() { /* nothing */ }, setNoDelay() { return sock; },
  });
  const c = context__init(sock as unknown as Socket)!;
  c.listener = make_listener();
  return c;
}

function read_chunk(c: mosquitto, chunk: Buffer): number {
  c.in_chunk = chunk;
  c.in_chunk_pos = 0;
  const rc = packet__read(c);
  c.in_chunk = null;
  return rc;
}

beforeEach(() => {
  reset_db();
  db__open(db.config);
});

describe('fuzz regressions', () => {
  for (const first of [0x30, 0x82, 0xc0, 0xe0, 0xf0, 0x20, 0x00]) {
    it(`first packet 0x${first.toString(16)} (not CONNECT) is refused at its first byte, before any length is read`, () => {
      const c = fresh_client();
      const rc = read_chunk(c, Buffer.concat([Buffer.from([first]), varint(268435455), Buffer.alloc(16)]));
      expect(rc).toBe(MOSQ_ERR_PROTOCOL);
      expect(c.in_packet.remaining_length).toBe(0);
      expect(c.in_packet.payload.length).toBe(0);
    });
  }

  it('a CONNECT first is still read as before', () => {
    const c = fresh_client();
    expect(read_chunk(c, connect_packet(4, 'ok'))).toBe(MOSQ_ERR_SUCCESS);
    expect(c.id).toBe('ok');
  });
});
