/**
 * The broker's AUTH packet (src/send_auth.c): one step of MQTT 5 extended authentication, with
 * the client's authentication method and, when there is some, the data for the client.
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_ERR_OVERSIZE_PACKET, MOSQ_ERR_PROTOCOL, MOSQ_LOG_DEBUG } from '../include/mosquitto.js';
import { CMD_AUTH, MQTT_PROP_AUTHENTICATION_DATA, MQTT_PROP_AUTHENTICATION_METHOD } from '../include/mqtt_protocol.js';
import { mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { packet__write_byte } from '../lib/packet_datatypes.js';
import { packet__alloc, packet__check_oversize, packet__new, packet__queue } from '../lib/packet_mosq.js';
import {
  mosquitto_property_add_binary,
  mosquitto_property_add_string,
  mosquitto_property_free_all,
  property__get_remaining_length,
  property__write_all,
} from '../lib/property_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { log__printf } from './logging.js';

/**
 * Queues AUTH with `reason_code` (continue authentication, or success after re-authentication)
 * for an MQTT 5 client that chose an authentication method.
 * @adapted the data and its length travel as one Buffer
 */
export function send__auth(context: mosquitto, reason_code: number, auth_data: Buffer | null): number {
  let properties: mosquitto_property[] | null = null;
  let rc: number;
  const auth_data_len = auth_data ? auth_data.length : 0;

  if (context.auth_method === null) return MOSQ_ERR_INVAL;
  if (context.protocol !== mosq_p_mqtt5) return MOSQ_ERR_PROTOCOL;

  log__printf(null, MOSQ_LOG_DEBUG, `Sending AUTH to ${context.id} (rc${reason_code}, ${context.auth_method})`);

  let remaining_length = 1;

  let added = mosquitto_property_add_string(properties, MQTT_PROP_AUTHENTICATION_METHOD, context.auth_method);
  properties = added.proplist;
  rc = added.rc;
  if (rc) {
    mosquitto_property_free_all(properties);
    return rc;
  }

  if (auth_data !== null && auth_data_len > 0) {
    added = mosquitto_property_add_binary(properties, MQTT_PROP_AUTHENTICATION_DATA, auth_data, auth_data_len);
    properties = added.proplist;
    rc = added.rc;
    if (rc) {
      mosquitto_property_free_all(properties);
      return rc;
    }
  }

  remaining_length += property__get_remaining_length(properties);

  if (packet__check_oversize(context, remaining_length)) {
    mosquitto_property_free_all(properties);
    return MOSQ_ERR_OVERSIZE_PACKET;
  }

  const packet = packet__new();

  packet.command = CMD_AUTH;
  packet.remaining_length = remaining_length;

  rc = packet__alloc(packet);
  if (rc) {
    mosquitto_property_free_all(properties);
    return rc;
  }
  packet__write_byte(packet, reason_code);
  property__write_all(packet, properties, true);
  mosquitto_property_free_all(properties);

  return packet__queue(context, packet);
}
