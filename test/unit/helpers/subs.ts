/**
 * Test helpers for the subscription and retain tests: what a client has been given, read from its
 * outgoing in-flight and queued lists, an ACL made of one callback, and SUBSCRIBE/UNSUBSCRIBE
 * packet bodies.
 */
import { MQTT_PROP_SUBSCRIPTION_IDENTIFIER } from '../../../src/include/mqtt_protocol.js';
import type {
  mosquitto__security_options,
  mosquitto_client_msg,
} from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import type { fake_socket } from './context.js';

/** One message as the client will get it. */
export interface received_msg {
  topic: string | null;
  payload: string;
  qos: number;
  retain: boolean;
  mid: number;
  /** the subscription identifier property, 0 when absent */
  identifier: number;
}

function identifier_of(msg: mosquitto_client_msg): number {
  const prop = (msg.properties ?? []).find((p) => p.identifier === MQTT_PROP_SUBSCRIPTION_IDENTIFIER);
  return prop ? prop.value.varint : 0;
}

/** The client's outgoing messages, in flight first, then queued, each in list order. */
export function received(context: mosquitto): received_msg[] {
  const out: received_msg[] = [];
  for (const head of [context.msgs_out.inflight, context.msgs_out.queued]) {
    for (let msg = head; msg; msg = msg.next) {
      out.push({
        topic: msg.store.topic,
        payload: msg.store.payload.subarray(0, msg.store.payloadlen).toString(),
        qos: msg.qos,
        retain: msg.retain,
        mid: msg.mid,
        identifier: identifier_of(msg),
      });
    }
  }
  return out;
}

/** An ACL decision: the access asked for (MOSQ_ACL_*), the client and topic; returns MOSQ_ERR_*. */
export type acl_rule = (access: number, client: mosquitto, topic: string) => number;

/**
 * Gives security options an empty set of plugin callbacks, plus an ACL-check callback when
 * `rule` is given (as a plugin registering MOSQ_EVT_ACL_CHECK would).
 */
export function set_acl(opts: mosquitto__security_options, rule: acl_rule | null = null): void {
  opts.plugin_callbacks = {
    tick: null,
    acl_check: null,
    basic_auth: null,
    control: null,
    disconnect: null,
    ext_auth_continue: null,
    ext_auth_start: null,
    message: null,
    psk_key: null,
    reload: null,
  };
  if (rule) {
    opts.plugin_callbacks.acl_check = {
      next: null,
      prev: null,
      cb: (_event: number, event_data: unknown) => {
        const ev = event_data as { access: number; client: mosquitto; topic: string };
        return rule(ev.access, ev.client, ev.topic);
      },
      userdata: null,
      data: null,
    };
  }
}

/** A big-endian Two Byte Integer. */
export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** A UTF-8 Encoded String: length, then bytes. */
export function str(s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([u16(b.length), b]);
}

/** A Variable Byte Integer. */
export function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

/** A SUBSCRIBE body; `props` (MQTT 5 only) is the raw property block without its length. */
export function subscribe_body(mid: number, entries: [string, number][], props: Buffer | null = null): Buffer {
  const parts = [u16(mid)];
  if (props) parts.push(varint(props.length), props);
  for (const [topic, options] of entries) parts.push(str(topic), Buffer.from([options]));
  return Buffer.concat(parts);
}

/** An UNSUBSCRIBE body; MQTT 5 bodies get an empty property block. */
export function unsubscribe_body(mid: number, topics: string[], v5 = false): Buffer {
  return Buffer.concat([u16(mid), ...(v5 ? [Buffer.from([0])] : []), ...topics.map(str)]);
}

/** The packets written to a client's fake socket so far (one write per packet), then forgotten. */
export function packets(c: mosquitto & { fake: fake_socket | null }): Buffer[] {
  const out = c.fake!.written;
  c.fake!.written = [];
  return out;
}
