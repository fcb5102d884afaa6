/**
 * max_queued_messages / max_queued_bytes for QoS 0 messages to a connected client whose socket is
 * full: the packets waiting to be written are the queue (C: out_packet_count), so the last one
 * that fits is written later and the first that does not is dropped and counted in
 * `$SYS/broker/publish/messages/dropped` (g_msgs_dropped). In process, with a fake socket.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mosq_md_out } from '../../../src/lib/mosquitto_internal.js';
import { db, mosq_mo_broker } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto_msg_store } from '../../../src/broker/mosquitto_broker_internal.js';
import { g } from '../../../src/broker/sys_tree.js';
import { db__message_insert, db__message_store, db__msg_store_new } from '../../../src/broker/database.js';
import { packet__write } from '../../../src/lib/packet_mosq.js';
import { make_context, reset_db, socket_bytes, type fake_socket } from '../helpers/context.js';
import { decodePublish, type Packet } from '../helpers/mqtt_wire.js';

vi.mock('../../../src/broker/logging.js', () => ({ log__enabled: () => true, log__printf: () => 0 }));

function store(payload: string): mosquitto_msg_store {
  const stored = db__msg_store_new();
  stored.topic = 't';
  stored.payload = Buffer.from(payload);
  stored.payloadlen = stored.payload.length;
  db__message_store(null, stored, 0, 0, mosq_mo_broker);
  return stored;
}

/** The payloads of the PUBLISH packets written to a fake socket (MQTT 3.1.1 framing). */
function written(sock: fake_socket): string[] {
  const b = socket_bytes(sock);
  const out: string[] = [];
  for (let pos = 0; pos < b.length;) {
    const len = b[pos + 1]; /* short packets: one length byte */
    out.push(decodePublish({ type: b[pos] & 0xf0, flags: b[pos] & 0x0f, body: b.subarray(pos + 2, pos + 2 + len) } as Packet, 4).payload.toString());
    pos += 2 + len;
  }
  return out;
}

/** A fake socket that refuses more writes until `drain` is called (Node's writableNeedDrain). */
function blocking(sock: fake_socket): fake_socket & { writableNeedDrain: boolean } {
  return Object.assign(sock, { writableNeedDrain: true });
}

beforeEach(() => {
  g.g_msgs_dropped = 0;
});

describe('QoS 0 to a client whose socket is full', () => {
  it('max_queued_messages: packets waiting to be written are the queue; one more is dropped and counted', () => {
    reset_db({ max_queued_messages: 2 });
    const c = make_context('slow');
    const sock = blocking(c.fake!);
    /* The first packet becomes the one being written (not counted), two more wait. */
    for (const p of ['a', 'b', 'c']) {
      expect(db__message_insert(c, 0, mosq_md_out, 0, false, store(p), null, true)).toBe(0);
    }
    expect(c.out_packet_count).toBe(2);
    expect(g.g_msgs_dropped).toBe(0);
    expect(db__message_insert(c, 0, mosq_md_out, 0, false, store('d'), null, true)).toBe(2);
    expect(g.g_msgs_dropped).toBe(1);
    expect(c.is_dropping).toBe(true);
    expect(written(sock)).toEqual([]);

    /* The socket drains: everything that fitted goes out, in order. */
    sock.writableNeedDrain = false;
    expect(packet__write(c)).toBe(0);
    expect(written(sock)).toEqual(['a', 'b', 'c']);
    expect(c.out_packet_count).toBe(0);
  });

  it('QoS 1 is not limited by the packets waiting: it waits in the in-flight window instead', () => {
    reset_db({ max_queued_messages: 1, max_inflight_messages: 2 });
    const c = make_context('slow');
    blocking(c.fake!);
    ['a', 'b', 'c', 'd'].forEach((p, i) => db__message_insert(c, i + 1, mosq_md_out, 1, false, store(p), null, true));
    /* a and b fill the window (their packets wait on the socket), c is queued, d is dropped. */
    expect(c.msgs_out.inflight?.store.payload.toString()).toBe('a');
    expect(c.msgs_out.inflight?.next?.store.payload.toString()).toBe('b');
    expect(c.msgs_out.queued?.store.payload.toString()).toBe('c');
    expect(c.msgs_out.queued?.next).toBeNull();
    expect(g.g_msgs_dropped).toBe(1);
  });

  it('writes at once while the socket takes data', () => {
    reset_db({ max_queued_messages: 1 });
    const c = make_context('fast');
    for (const p of ['a', 'b', 'c']) {
      expect(db__message_insert(c, 0, mosq_md_out, 0, false, store(p), null, true)).toBe(0);
    }
    expect(written(c.fake!)).toEqual(['a', 'b', 'c']);
    expect(g.g_msgs_dropped).toBe(0);
    expect(db.msg_store_count).toBe(0);
  });
});
