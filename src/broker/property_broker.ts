/**
 * The broker's reading of MQTT 5 properties (src/property_broker.c) for CONNECT, the will and
 * DISCONNECT: each property that changes how the broker treats the client is copied onto the
 * context or the will.
 * @module
 */
import { MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';
import {
  MQTT_PROP_CONTENT_TYPE,
  MQTT_PROP_CORRELATION_DATA,
  MQTT_PROP_MAXIMUM_PACKET_SIZE,
  MQTT_PROP_MESSAGE_EXPIRY_INTERVAL,
  MQTT_PROP_PAYLOAD_FORMAT_INDICATOR,
  MQTT_PROP_RECEIVE_MAXIMUM,
  MQTT_PROP_RESPONSE_TOPIC,
  MQTT_PROP_SESSION_EXPIRY_INTERVAL,
  MQTT_PROP_USER_PROPERTY,
  MQTT_PROP_WILL_DELAY_INTERVAL,
} from '../include/mqtt_protocol.js';
import type { mosquitto, mosquitto_message_all } from '../lib/mosquitto_internal.js';
import type { mosquitto_property } from '../lib/property_mosq.js';

/**
 * Applies the CONNECT properties the broker acts on: session expiry interval, receive maximum
 * (the client's in-flight window) and maximum packet size. Zero for either of the last two is a
 * protocol error.
 */
export function property__process_connect(context: mosquitto, props: mosquitto_property[] | null): number {
  for (const p of props ?? []) {
    if (p.identifier === MQTT_PROP_SESSION_EXPIRY_INTERVAL) {
      context.session_expiry_interval = p.value.i32;
    } else if (p.identifier === MQTT_PROP_RECEIVE_MAXIMUM) {
      if (p.value.i16 === 0) {
        return MOSQ_ERR_PROTOCOL;
      }

      context.msgs_out.inflight_maximum = p.value.i16;
      context.msgs_out.inflight_quota = context.msgs_out.inflight_maximum;
    } else if (p.identifier === MQTT_PROP_MAXIMUM_PACKET_SIZE) {
      if (p.value.i32 === 0) {
        return MOSQ_ERR_PROTOCOL;
      }
      context.maximum_packet_size = p.value.i32;
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Sorts the will properties: the ones that travel with the message move from `props` to
 * `msg.properties`; will delay and message expiry are applied; anything else is a protocol error.
 * @adapted the C unlinks nodes from a linked list; here the moved entries are spliced out of the
 *   array in place, so the caller sees the same leftovers
 */
export function property__process_will(context: mosquitto, msg: mosquitto_message_all, props: mosquitto_property[] | null): number {
  let msg_properties: mosquitto_property[] | null = null;
  let i = 0;

  while (props && i < props.length) {
    const p = props[i];
    switch (p.identifier) {
      case MQTT_PROP_CONTENT_TYPE:
      case MQTT_PROP_CORRELATION_DATA:
      case MQTT_PROP_PAYLOAD_FORMAT_INDICATOR:
      case MQTT_PROP_RESPONSE_TOPIC:
      case MQTT_PROP_USER_PROPERTY:
        if (msg_properties) {
          msg_properties.push(p);
        } else {
          msg_properties = [p];
        }
        props.splice(i, 1);
        break;

      case MQTT_PROP_WILL_DELAY_INTERVAL:
        context.will_delay_interval = p.value.i32;
        i++;
        break;

      case MQTT_PROP_MESSAGE_EXPIRY_INTERVAL:
        msg.expiry_interval = p.value.i32;
        i++;
        break;

      default:
        return MOSQ_ERR_PROTOCOL;
    }
  }

  msg.properties = msg_properties;
  return MOSQ_ERR_SUCCESS;
}

/**
 * Applies a DISCONNECT's session expiry interval. A client that connected with no session expiry
 * may not ask for one at disconnect.
 */
export function property__process_disconnect(context: mosquitto, props: mosquitto_property[] | null): number {
  for (const p of props ?? []) {
    if (p.identifier === MQTT_PROP_SESSION_EXPIRY_INTERVAL) {
      if (context.session_expiry_interval === 0 && p.value.i32 !== 0) {
        return MOSQ_ERR_PROTOCOL;
      }
      context.session_expiry_interval = p.value.i32;
    }
  }
  return MOSQ_ERR_SUCCESS;
}
