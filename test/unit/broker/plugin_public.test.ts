/**
 * The broker API for plugins (plugin_public.ts): client facts with mosquitto's answers for a
 * missing client, the queue of plugin messages, changing a username, and kicking clients.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_ERR_ADMINISTRATIVE_ACTION,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOT_FOUND,
  MOSQ_ERR_SUCCESS,
} from '../../../src/include/mosquitto.js';
import { db, mp_mqtt, mp_websockets } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__acl_user, mosquitto__bridge, mosquitto_message_v5 } from '../../../src/broker/mosquitto_broker_internal.js';
import {
  mosq_cs_active,
  mosq_cs_disconnecting,
  mosq_p_invalid,
  mosq_p_mqtt31,
  mosq_p_mqtt311,
  mosq_p_mqtt5,
} from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { mosquitto_property_add_int32 } from '../../../src/lib/property_mosq.js';
import { make_context, make_listener, reset_db, socket_bytes } from '../helpers/context.js';

vi.mock('../../../src/broker/logging.js', () => ({ log__enabled: () => true, log__printf: () => 0 }));

/* Who do_disconnect was asked to throw out, and the state each was in at the time. */
const kicked = vi.hoisted(() => [] as { id: string | null; reason: number; state: number }[]);
vi.mock('../../../src/broker/loop.js', () => ({
  do_disconnect: (context: mosquitto, reason: number) => {
    kicked.push({ id: context.id, reason, state: context.state });
  },
}));

const {
  mosquitto_broker_publish,
  mosquitto_broker_publish_copy,
  mosquitto_client_address,
  mosquitto_client_certificate,
  mosquitto_client_clean_session,
  mosquitto_client_id,
  mosquitto_client_keepalive,
  mosquitto_client_protocol,
  mosquitto_client_protocol_version,
  mosquitto_client_sub_count,
  mosquitto_client_username,
  mosquitto_kick_client_by_clientid,
  mosquitto_kick_client_by_username,
  mosquitto_set_username,
} = await import('../../../src/broker/plugin_public.js');

/** The queued plugin messages, head to tail. */
function plugin_msgs(): mosquitto_message_v5[] {
  const out: mosquitto_message_v5[] = [];
  for (let msg = db.plugin_msgs; msg; msg = msg.next) out.push(msg);
  return out;
}

beforeEach(() => {
  reset_db();
  kicked.length = 0;
});

describe('client facts', () => {
  it('reads the client', () => {
    const c = make_context('facts', { address: '10.0.0.7', clean_start: false, keepalive: 25, sub_count: 3, username: 'u' });
    expect(mosquitto_client_address(c)).toBe('10.0.0.7');
    expect(mosquitto_client_clean_session(c)).toBe(false);
    expect(mosquitto_client_id(c)).toBe('facts');
    expect(mosquitto_client_keepalive(c)).toBe(25);
    expect(mosquitto_client_sub_count(c)).toBe(3);
    expect(mosquitto_client_username(c)).toBe('u');
    expect(mosquitto_client_certificate(c)).toBe(null);
  });

  it('gives the certificate a TLS client presented', () => {
    const pem = readFileSync(new URL('../../../mosquitto-src/mosquitto-2.0.11/test/ssl/client.crt', import.meta.url));
    const cert = new X509Certificate(pem);
    const c = make_context('tls');
    c.ssl = { getPeerX509Certificate: () => cert } as unknown as TLSSocket;
    expect(mosquitto_client_certificate(c)?.subject).toContain('CN=test client');
    c.ssl = { getPeerX509Certificate: () => undefined } as unknown as TLSSocket;
    expect(mosquitto_client_certificate(c)).toBe(null);
  });

  it('answers as mosquitto does without a client', () => {
    expect(mosquitto_client_address(null)).toBe(null);
    expect(mosquitto_client_clean_session(null)).toBe(true);
    expect(mosquitto_client_id(null)).toBe(null);
    expect(mosquitto_client_keepalive(null)).toBe(-1);
    expect(mosquitto_client_sub_count(null)).toBe(0);
    expect(mosquitto_client_username(null)).toBe(null);
    expect(mosquitto_client_protocol_version(null)).toBe(0);
    expect(mosquitto_client_protocol(null)).toBe(mp_mqtt);
  });

  it.each([
    [mosq_p_mqtt31, 3],
    [mosq_p_mqtt311, 4],
    [mosq_p_mqtt5, 5],
    [mosq_p_invalid, 0],
  ])('protocol %i is MQTT level %i', (protocol, level) => {
    expect(mosquitto_client_protocol_version(make_context('p', { protocol }))).toBe(level);
  });

  it('a client on a websockets listener speaks mp_websockets', () => {
    expect(mosquitto_client_protocol(make_context('tcp'))).toBe(mp_mqtt);
    expect(mosquitto_client_protocol(make_context('ws', { listener: make_listener({ protocol: mp_websockets }) }))).toBe(mp_websockets);
  });

  it('a bridge\'s username is its local username', () => {
    const bridge = { local_username: 'local-user' } as mosquitto__bridge;
    expect(mosquitto_client_username(make_context('b', { username: 'remote', bridge }))).toBe('local-user');
  });
});

describe('mosquitto_broker_publish', () => {
  it('queues messages in order, keeping the payload and properties it was given', () => {
    const payload = Buffer.from('abc');
    const props = mosquitto_property_add_int32(null, 2, 60).proplist;
    expect(mosquitto_broker_publish(null, 'a/b', 3, payload, 1, true, props)).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_broker_publish('client', 'c', 0, null, 0, false, null)).toBe(MOSQ_ERR_SUCCESS);
    const msgs = plugin_msgs();
    expect(msgs).toHaveLength(2);
    expect(msgs[0]).toMatchObject({ clientid: null, topic: 'a/b', payloadlen: 3, qos: 1, retain: true });
    expect(msgs[0]!.payload).toBe(payload);
    expect(msgs[0]!.properties).toBe(props);
    expect(msgs[1]).toMatchObject({ clientid: 'client', topic: 'c', payloadlen: 0, payload: null, qos: 0, retain: false, properties: null });
  });

  it.each([
    ['no topic', null, 0, null, 0],
    ['negative length', 't', -1, null, 0],
    ['length without payload', 't', 2, null, 0],
    ['QoS -1', 't', 0, null, -1],
    ['QoS 3', 't', 0, null, 3],
  ])('refuses %s', (_what, topic, len, payload, qos) => {
    expect(mosquitto_broker_publish(null, topic, len, payload, qos, false, null)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_broker_publish_copy(null, topic, len, payload, qos, false, null)).toBe(MOSQ_ERR_INVAL);
    expect(db.plugin_msgs).toBe(null);
  });

  it('the copying variant takes its own copy of the payload', () => {
    const payload = Buffer.from('hello world');
    expect(mosquitto_broker_publish_copy('x', 't', 5, payload, 2, false, null)).toBe(MOSQ_ERR_SUCCESS);
    payload.write('HELLO');
    const [msg] = plugin_msgs();
    expect(msg).toMatchObject({ clientid: 'x', topic: 't', payloadlen: 5, qos: 2 });
    expect(msg!.payload!.toString()).toBe('hello');
  });
});

describe('mosquitto_set_username', () => {
  it('changes the username and links the client to that user\'s ACL lines', () => {
    const anonymous: mosquitto__acl_user = { next: null, username: null, acl: null };
    const user_new: mosquitto__acl_user = { next: anonymous, username: 'new', acl: null };
    db.config!.security_options.acl_list = user_new;
    const c = make_context('c', { username: 'old' });
    expect(mosquitto_set_username(c, 'new')).toBe(MOSQ_ERR_SUCCESS);
    expect(c.username).toBe('new');
    expect(c.acl_list).toBe(user_new);
    expect(mosquitto_set_username(c, null)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.username).toBe(null);
    expect(c.acl_list).toBe(anonymous);
    expect(mosquitto_set_username(null, 'x')).toBe(MOSQ_ERR_INVAL);
  });

  it('keeps the old username when the ACL lookup fails', () => {
    reset_db({ per_listener_settings: true });
    const c = make_context('c', { username: 'old', listener: null });
    expect(mosquitto_set_username(c, 'new')).toBe(MOSQ_ERR_INVAL);
    expect(c.username).toBe('old');
  });
});

describe('kicking clients', () => {
  /** Clients a, b (user "u"), c (no username, MQTT 5), connected. */
  function connect_three(): (mosquitto & { fake: ReturnType<typeof make_context>['fake'] })[] {
    const clients = [
      make_context('a', { username: 'u' }),
      make_context('b', { username: 'u' }),
      make_context('c', { protocol: mosq_p_mqtt5 }),
    ];
    for (const c of clients) {
      db.contexts_by_sock.add(c);
      db.contexts_by_id.set(c.id!, c);
    }
    return clients;
  }

  it('by client id: an MQTT 5 client is told why; without the will it is disconnecting', () => {
    const [a, , c] = connect_three();
    expect(mosquitto_kick_client_by_clientid('c', false)).toBe(MOSQ_ERR_SUCCESS);
    expect(kicked).toEqual([{ id: 'c', reason: MOSQ_ERR_ADMINISTRATIVE_ACTION, state: mosq_cs_disconnecting }]);
    /* DISCONNECT with reason code 0x98, administrative action. */
    expect(socket_bytes(c!.fake!)).toEqual(Buffer.from([0xe0, 0x01, 0x98]));

    expect(mosquitto_kick_client_by_clientid('a', true)).toBe(MOSQ_ERR_SUCCESS);
    expect(kicked[1]).toEqual({ id: 'a', reason: MOSQ_ERR_ADMINISTRATIVE_ACTION, state: mosq_cs_active });
    /* An MQTT 3.1.1 client just loses its connection. */
    expect(socket_bytes(a!.fake!).length).toBe(0);

    expect(mosquitto_kick_client_by_clientid('nobody', false)).toBe(MOSQ_ERR_NOT_FOUND);
    expect(kicked).toHaveLength(2);
  });

  it('a null client id kicks everyone', () => {
    connect_three();
    expect(mosquitto_kick_client_by_clientid(null, true)).toBe(MOSQ_ERR_SUCCESS);
    expect(kicked.map((k) => k.id)).toEqual(['a', 'b', 'c']);
  });

  it('by username, or every client without one for null', () => {
    connect_three();
    expect(mosquitto_kick_client_by_username('u', false)).toBe(MOSQ_ERR_SUCCESS);
    expect(kicked.map((k) => k.id)).toEqual(['a', 'b']);
    kicked.length = 0;
    expect(mosquitto_kick_client_by_username(null, false)).toBe(MOSQ_ERR_SUCCESS);
    expect(kicked.map((k) => k.id)).toEqual(['c']);
    kicked.length = 0;
    expect(mosquitto_kick_client_by_username('nobody', false)).toBe(MOSQ_ERR_SUCCESS);
    expect(kicked).toEqual([]);
  });
});
