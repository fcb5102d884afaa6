/**
 * DISCONNECT from a client (src/handle_disconnect.c): a clean disconnect discards the will,
 * unless an MQTT 5 client asks for it with reason 0x04.
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS, MOSQ_LOG_DEBUG } from '../include/mosquitto.js';
import { CMD_DISCONNECT, MQTT_RC_DISCONNECT_WITH_WILL_MSG, MQTT_RC_PROTOCOL_ERROR } from '../include/mqtt_protocol.js';
import { mosq_cs_disconnect_with_will, mosq_cs_disconnecting, mosq_p_mqtt311, mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { packet__read_byte } from '../lib/packet_datatypes.js';
import { property__read_all } from '../lib/property_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { send__disconnect } from '../lib/send_disconnect.js';
import { mosquitto__set_state } from '../lib/util_mosq.js';
import { will__clear } from '../lib/will_mosq.js';
import { log__printf } from './logging.js';
import { do_disconnect } from './loop.js';
import { property__process_disconnect } from './property_broker.js';

/** Handles a client's DISCONNECT and closes the connection. */
export function handle__disconnect(context: mosquitto): number {
  let reason_code = 0;
  let properties: mosquitto_property[] | null = null;

  if (!context) {
    return MOSQ_ERR_INVAL;
  }

  if (context.protocol === mosq_p_mqtt5 && context.in_packet.remaining_length > 0) {
    const byte = packet__read_byte(context.in_packet);
    if (byte.rc) return byte.rc;
    reason_code = byte.value;

    if (context.in_packet.remaining_length > 1) {
      const props = property__read_all(CMD_DISCONNECT, context.in_packet);
      if (props.rc) return props.rc;
      properties = props.properties;
    }
  }
  const rc = property__process_disconnect(context, properties);
  if (rc) {
    if (rc === MOSQ_ERR_PROTOCOL) {
      send__disconnect(context, MQTT_RC_PROTOCOL_ERROR, null);
    }
    return rc;
  }

  if (context.in_packet.pos !== context.in_packet.remaining_length) {
    return MOSQ_ERR_PROTOCOL;
  }
  log__printf(null, MOSQ_LOG_DEBUG, `Received DISCONNECT from ${context.id}`);
  if (context.protocol === mosq_p_mqtt311 || context.protocol === mosq_p_mqtt5) {
    if ((context.in_packet.command & 0x0f) !== 0x00) {
      do_disconnect(context, MOSQ_ERR_PROTOCOL);
      return MOSQ_ERR_PROTOCOL;
    }
  }
  if (reason_code === MQTT_RC_DISCONNECT_WITH_WILL_MSG) {
    mosquitto__set_state(context, mosq_cs_disconnect_with_will);
  } else {
    will__clear(context);
    mosquitto__set_state(context, mosq_cs_disconnecting);
  }
  do_disconnect(context, MOSQ_ERR_SUCCESS);
  return MOSQ_ERR_SUCCESS;
}
