/**
 * Receiving PUBACK and PUBCOMP (lib/handle_pubackcomp.c), in the broker's build: the end of an
 * outgoing QoS 1 or QoS 2 flow, which frees a slot in the client's send window.
 * @module
 */
import { MOSQ_ERR_NOT_FOUND, MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS, MOSQ_LOG_DEBUG, MOSQ_LOG_WARNING } from '../include/mosquitto.js';
import { CMD_PUBACK } from '../include/mqtt_protocol.js';
import { db__message_delete_outgoing } from '../broker/database.js';
import { log__enabled, log__printf } from '../broker/logging.js';
import { mosq_cs_active, mosq_ms_wait_for_pubcomp, mosq_p_mqtt5 } from './mosquitto_internal.js';
import type { mosquitto } from './mosquitto_internal.js';
import { packet__read_byte, packet__read_uint16 } from './packet_datatypes.js';
import { property__read_all } from './property_mosq.js';
import { mosquitto__get_state, util__increment_send_quota } from './util_mosq.js';

/**
 * Handles PUBACK (`type` "PUBACK") or PUBCOMP ("PUBCOMP"): gives back send quota, reads the id
 * and optional MQTT 5 reason code and properties, and finishes the matching outgoing message.
 * An unknown id only logs a warning.
 * @adapted no msgs_out mutex: the broker is single threaded
 */
export function handle__pubackcomp(mosq: mosquitto, type: string): number {
  let reason_code = 0;

  if (mosquitto__get_state(mosq) !== mosq_cs_active) {
    return MOSQ_ERR_PROTOCOL;
  }

  util__increment_send_quota(mosq);

  const mid_read = packet__read_uint16(mosq.in_packet);
  if (mid_read.rc) return mid_read.rc;
  const mid = mid_read.value;
  const qos = type[3] === 'A' ? 1 : 2; /* pubAck or pubComp */
  if (mid === 0) return MOSQ_ERR_PROTOCOL;

  if (mosq.protocol === mosq_p_mqtt5 && mosq.in_packet.remaining_length > 2) {
    const rc_read = packet__read_byte(mosq.in_packet);
    if (rc_read.rc) return rc_read.rc;
    reason_code = rc_read.value;

    if (mosq.in_packet.remaining_length > 3) {
      /* Reason String and User Property are read for validity only. */
      const props_read = property__read_all(CMD_PUBACK, mosq.in_packet);
      if (props_read.rc) return props_read.rc;
    }
  }

  if (log__enabled(MOSQ_LOG_DEBUG)) {
    log__printf(null, MOSQ_LOG_DEBUG, `Received ${type} from ${mosq.id} (Mid: ${mid}, RC:${reason_code})`);
  }

  const rc = db__message_delete_outgoing(mosq, mid, mosq_ms_wait_for_pubcomp, qos);
  if (rc === MOSQ_ERR_NOT_FOUND) {
    log__printf(mosq, MOSQ_LOG_WARNING, `Warning: Received ${type} from ${mosq.id} for an unknown packet identifier ${mid}.`);
    return MOSQ_ERR_SUCCESS;
  } else {
    return rc;
  }
}
