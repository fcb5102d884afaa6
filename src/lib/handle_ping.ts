/**
 * PINGREQ and PINGRESP handling of lib/handle_ping.c.
 * @module
 */
import { MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS, MOSQ_LOG_DEBUG } from '../include/mosquitto.js';
import { log__printf } from '../broker/logging.js';
import { mosq_cs_active } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { send__pingresp } from './send_mosq.js';
import { mosquitto__get_state } from './util_mosq.js';

/** Answers a client's PINGREQ; only valid once the connection is active. */
export function handle__pingreq(mosq: mosquitto): number {
  if (mosquitto__get_state(mosq) !== mosq_cs_active) {
    return MOSQ_ERR_PROTOCOL;
  }
  log__printf(null, MOSQ_LOG_DEBUG, `Received PINGREQ from ${mosq.id}`);
  return send__pingresp(mosq);
}

/** Notes the answer to a PINGREQ the broker sent on a bridge. */
export function handle__pingresp(mosq: mosquitto): number {
  if (mosquitto__get_state(mosq) !== mosq_cs_active) {
    return MOSQ_ERR_PROTOCOL;
  }
  mosq.ping_t = 0;
  log__printf(null, MOSQ_LOG_DEBUG, `Received PINGRESP from ${mosq.id}`);
  return MOSQ_ERR_SUCCESS;
}
