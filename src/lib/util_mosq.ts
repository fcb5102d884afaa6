/**
 * Small helpers of lib/util_mosq.c shared by the client library and the broker: keepalive check,
 * message ids, flow-control quotas, random bytes and the client state accessors.
 * @module
 */
import { randomFillSync } from 'node:crypto';
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';
import { bst_lazy, db } from '../broker/mosquitto_broker_internal.js';
import { log__printf } from '../broker/logging.js';
import { MOSQ_LOG_NOTICE } from '../include/mosquitto.js';
import { mosq_cs_active, mosq_cs_disused } from './mosquitto_internal.js';
import type { mosquitto, mosquitto_client_state } from './mosquitto_internal.js';
import { net__socket_close } from './net_mosq.js';
import { send__pingreq } from './send_mosq.js';

/**
 * For a connection the broker opened itself (a bridge): sends PINGREQ when the link has been
 * quiet for a keepalive period, and closes it when a PINGREQ went unanswered or a lazy bridge
 * has been idle too long.
 */
export function mosquitto__check_keepalive(mosq: mosquitto): number {
  const now = db.now_s;

  if (mosq.bridge && mosq.bridge.start_type === bst_lazy && mosq.sock
      && now - mosq.next_msg_out - mosq.keepalive >= mosq.bridge.idle_timeout) {
    log__printf(null, MOSQ_LOG_NOTICE, `Bridge connection ${mosq.id} has exceeded idle timeout, disconnecting.`);
    net__socket_close(mosq);
    return MOSQ_ERR_SUCCESS;
  }
  const next_msg_out = mosq.next_msg_out;
  const last_msg_in = mosq.last_msg_in;
  if (mosq.keepalive && mosq.sock && (now >= next_msg_out || now - last_msg_in >= mosq.keepalive)) {
    const state = mosquitto__get_state(mosq);
    if (state === mosq_cs_active && mosq.ping_t === 0) {
      send__pingreq(mosq);
      /* Give the peer a full period to answer. */
      mosq.last_msg_in = now;
      mosq.next_msg_out = now + mosq.keepalive;
    } else {
      net__socket_close(mosq);
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/** The next message id for this client: 1..65535, never 0. */
export function mosquitto__mid_generate(mosq: mosquitto): number {
  mosq.last_mid = (mosq.last_mid + 1) & 0xffff;
  if (mosq.last_mid === 0) mosq.last_mid++;
  return mosq.last_mid;
}

/**
 * Decodes a hex string into bytes; returns the byte count, or 0 when it is not valid hex or too long.
 * @adapted Buffer.from(hex) replaces OpenSSL's BN_hex2bn; leading "00" pairs are kept as C keeps them
 */
export function mosquitto__hex2bin(hex: string, bin: Buffer, bin_max_len: number): number {
  if (hex.length === 0 || !/^[0-9a-fA-F]+$/.test(hex)) return 0;
  const padded = hex.length % 2 ? `0${hex}` : hex;
  const bytes = Buffer.from(padded, 'hex');
  if (bytes.length > bin_max_len) return 0;
  bytes.copy(bin);
  return bytes.length;
}

/** Gives back one unit of the receive quota after an incoming QoS>0 flow finished. */
export function util__increment_receive_quota(mosq: mosquitto): void {
  if (mosq.msgs_in.inflight_quota < mosq.msgs_in.inflight_maximum) {
    mosq.msgs_in.inflight_quota++;
  }
}

/** Gives back one unit of the send quota after an outgoing QoS>0 flow finished. */
export function util__increment_send_quota(mosq: mosquitto): void {
  if (mosq.msgs_out.inflight_quota < mosq.msgs_out.inflight_maximum) {
    mosq.msgs_out.inflight_quota++;
  }
}

/** Takes one unit of the receive quota for a new incoming QoS>0 message. */
export function util__decrement_receive_quota(mosq: mosquitto): void {
  if (mosq.msgs_in.inflight_quota > 0) {
    mosq.msgs_in.inflight_quota--;
  }
}

/** Takes one unit of the send quota for a new outgoing QoS>0 message. */
export function util__decrement_send_quota(mosq: mosquitto): void {
  if (mosq.msgs_out.inflight_quota > 0) {
    mosq.msgs_out.inflight_quota--;
  }
}

/**
 * Fills a buffer with cryptographically strong random bytes.
 * @adapted node:crypto replaces OpenSSL's RAND_bytes
 */
export function util__random_bytes(bytes: Buffer, count: number): number {
  if (count > bytes.length) return MOSQ_ERR_INVAL;
  randomFillSync(bytes, 0, count);
  return MOSQ_ERR_SUCCESS;
}

/** Changes a client's state, except that a context already marked for freeing stays so. */
export function mosquitto__set_state(mosq: mosquitto, state: mosquitto_client_state): number {
  if (mosq.state !== mosq_cs_disused) {
    mosq.state = state;
  }
  return MOSQ_ERR_SUCCESS;
}

/** A client's current state. */
export function mosquitto__get_state(mosq: mosquitto): mosquitto_client_state {
  return mosq.state;
}
