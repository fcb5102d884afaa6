/**
 * Receiving PUBREC (lib/handle_pubrec.c), in the broker's build: the client has an outgoing
 * QoS 2 message; the broker answers with PUBREL, or forgets the message if the client refused it.
 * @module
 */
import { MOSQ_ERR_NOT_FOUND, MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS, MOSQ_LOG_DEBUG, MOSQ_LOG_WARNING } from '../include/mosquitto.js';
import { CMD_PUBREC } from '../include/mqtt_protocol.js';
import { db__message_delete_outgoing, db__message_update_outgoing } from '../broker/database.js';
import { log__enabled, log__printf } from '../broker/logging.js';
import { mosq_cs_active, mosq_ms_wait_for_pubcomp, mosq_ms_wait_for_pubrec, mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { packet__read_byte, packet__read_uint16 } from './packet_datatypes.js';
import { property__read_all } from './property_mosq.js';
import { send__pubrel } from './send_mosq.js';
import { mosquitto__get_state } from './util_mosq.js';

/**
 * Handles PUBREC: a success reason moves the message on to waiting for PUBCOMP and sends
 * PUBREL (also for an unknown id, after a warning); a failure reason (0x80 and up) ends the flow.
 */
export function handle__pubrec(mosq: mosquitto): number {
  let reason_code = 0;
  let rc: number;

  if (mosquitto__get_state(mosq) !== mosq_cs_active) {
    return MOSQ_ERR_PROTOCOL;
  }

  const mid_read = packet__read_uint16(mosq.in_packet);
  if (mid_read.rc) return mid_read.rc;
  const mid = mid_read.value;
  if (mid === 0) return MOSQ_ERR_PROTOCOL;

  if (mosq.protocol === mosq_p_mqtt5 && mosq.in_packet.remaining_length > 2) {
    const rc_read = packet__read_byte(mosq.in_packet);
    if (rc_read.rc) return rc_read.rc;
    reason_code = rc_read.value;

    if (mosq.in_packet.remaining_length > 3) {
      /* Reason String and User Property are read for validity only. */
      const props_read = property__read_all(CMD_PUBREC, mosq.in_packet);
      if (props_read.rc) return props_read.rc;
    }
  }

  if (log__enabled(MOSQ_LOG_DEBUG)) {
    log__printf(null, MOSQ_LOG_DEBUG, `Received PUBREC from ${mosq.id} (Mid: ${mid})`);
  }

  if (reason_code < 0x80) {
    rc = db__message_update_outgoing(mosq, mid, mosq_ms_wait_for_pubcomp, 2);
  } else {
    return db__message_delete_outgoing(mosq, mid, mosq_ms_wait_for_pubrec, 2);
  }
  if (rc === MOSQ_ERR_NOT_FOUND) {
    log__printf(mosq, MOSQ_LOG_WARNING, `Warning: Received PUBREC from ${mosq.id} for an unknown packet identifier ${mid}.`);
  } else if (rc !== MOSQ_ERR_SUCCESS) {
    return rc;
  }
  rc = send__pubrel(mosq, mid, null);
  if (rc) return rc;

  return MOSQ_ERR_SUCCESS;
}
