/**
 * Incoming AUTH packets (src/handle_auth.c): the client's side of MQTT 5 extended
 * authentication, both during CONNECT and when re-authenticating an active session.
 * @module
 */
import {
  MOSQ_ERR_AUTH,
  MOSQ_ERR_AUTH_CONTINUE,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_MALFORMED_PACKET,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_DEBUG,
} from '../include/mosquitto.js';
import {
  CMD_AUTH,
  MQTT_PROP_AUTHENTICATION_DATA,
  MQTT_PROP_AUTHENTICATION_METHOD,
  MQTT_RC_BAD_AUTHENTICATION_METHOD,
  MQTT_RC_CONTINUE_AUTHENTICATION,
  MQTT_RC_NOT_AUTHORIZED,
  MQTT_RC_PROTOCOL_ERROR,
  MQTT_RC_REAUTHENTICATE,
  MQTT_RC_SUCCESS,
  MQTT_RC_UNSPECIFIED,
} from '../include/mqtt_protocol.js';
import {
  mosq_cs_active,
  mosq_cs_authenticating,
  mosq_cs_reauthenticating,
  mosq_p_mqtt5,
} from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { packet__read_byte } from '../lib/packet_datatypes.js';
import {
  mosquitto_property_free_all,
  mosquitto_property_read_binary,
  mosquitto_property_read_string,
  property__read_all,
} from '../lib/property_mosq.js';
import { send__disconnect } from '../lib/send_disconnect.js';
import { mosquitto__set_state } from '../lib/util_mosq.js';
import { will__clear } from '../lib/will_mosq.js';
import { connect__on_authorised } from './handle_connect.js';
import { log__printf } from './logging.js';
import { mosquitto_security_auth_continue, mosquitto_security_auth_start } from './security.js';
import { send__auth } from './send_auth.js';
import { send__connack } from './send_connack.js';

/**
 * Handles AUTH from a client. Only an MQTT 5 client that connected with an authentication
 * method may send it; the reason code must be "continue authentication" (while authenticating)
 * or "re-authenticate" (while active), and the method must be the one the client started with,
 * otherwise the client is disconnected with a protocol error. The data goes to the plugin; its
 * answer completes the connection, sends another AUTH, or refuses the client with CONNACK.
 */
export function handle__auth(context: mosquitto | null): number {
  let rc: number;
  let reason_code = 0;
  let auth_data: Buffer | null = null;

  if (!context) return MOSQ_ERR_INVAL;

  if (context.protocol !== mosq_p_mqtt5 || context.auth_method === null) {
    return MOSQ_ERR_PROTOCOL;
  }

  if (context.in_packet.remaining_length > 0) {
    const byte = packet__read_byte(context.in_packet);
    if (byte.rc) return MOSQ_ERR_MALFORMED_PACKET;
    reason_code = byte.value;
    if (reason_code !== MQTT_RC_CONTINUE_AUTHENTICATION
        && reason_code !== MQTT_RC_REAUTHENTICATE) {

      send__disconnect(context, MQTT_RC_PROTOCOL_ERROR, null);
      return MOSQ_ERR_PROTOCOL;
    }

    if ((reason_code === MQTT_RC_REAUTHENTICATE && context.state !== mosq_cs_active)
        || (reason_code === MQTT_RC_CONTINUE_AUTHENTICATION
          && context.state !== mosq_cs_authenticating && context.state !== mosq_cs_reauthenticating)) {

      send__disconnect(context, MQTT_RC_PROTOCOL_ERROR, null);
      return MOSQ_ERR_PROTOCOL;
    }

    const props = property__read_all(CMD_AUTH, context.in_packet);
    rc = props.rc;
    const properties = props.properties;
    if (rc) {
      send__disconnect(context, MQTT_RC_UNSPECIFIED, null);
      return rc;
    }

    const auth_method = mosquitto_property_read_string(properties, MQTT_PROP_AUTHENTICATION_METHOD, false);
    if (auth_method === null) {
      mosquitto_property_free_all(properties);
      send__disconnect(context, MQTT_RC_UNSPECIFIED, null);
      return MOSQ_ERR_PROTOCOL;
    }

    if (!auth_method.value || auth_method.value !== context.auth_method) {
      /* No method, or not the one the client started with. */
      mosquitto_property_free_all(properties);
      send__disconnect(context, MQTT_RC_PROTOCOL_ERROR, null);
      return MOSQ_ERR_PROTOCOL;
    }

    const data = mosquitto_property_read_binary(properties, MQTT_PROP_AUTHENTICATION_DATA, false);
    auth_data = data ? data.value : null;

    mosquitto_property_free_all(properties);
  }

  log__printf(null, MOSQ_LOG_DEBUG, `Received AUTH from ${context.id} (rc${reason_code}, ${context.auth_method})`);

  let auth;
  if (reason_code === MQTT_RC_REAUTHENTICATE) {
    /* The client asks to authenticate again while connected. */
    mosquitto__set_state(context, mosq_cs_reauthenticating);
    auth = mosquitto_security_auth_start(context, true, auth_data);
  } else {
    if (context.state !== mosq_cs_reauthenticating) {
      mosquitto__set_state(context, mosq_cs_authenticating);
    }
    auth = mosquitto_security_auth_continue(context, auth_data);
  }
  rc = auth.rc;
  if (rc === MOSQ_ERR_SUCCESS) {
    if (context.state === mosq_cs_authenticating) {
      return connect__on_authorised(context, auth.auth_data_out);
    } else {
      mosquitto__set_state(context, mosq_cs_active);
      return send__auth(context, MQTT_RC_SUCCESS, auth.auth_data_out);
    }
  } else if (rc === MOSQ_ERR_AUTH_CONTINUE) {
    return send__auth(context, MQTT_RC_CONTINUE_AUTHENTICATION, auth.auth_data_out);
  } else {
    if (context.state === mosq_cs_authenticating && context.will) {
      /* A first authentication failed: the will is dropped, not sent. */
      will__clear(context);
    }
    if (rc === MOSQ_ERR_AUTH) {
      send__connack(context, 0, MQTT_RC_NOT_AUTHORIZED, null);
      if (context.state === mosq_cs_authenticating) {
        context.id = null;
      }
      return MOSQ_ERR_PROTOCOL;
    } else if (rc === MOSQ_ERR_NOT_SUPPORTED) {
      /* Nobody handles extended authentication for this method. */
      send__connack(context, 0, MQTT_RC_BAD_AUTHENTICATION_METHOD, null);
      if (context.state === mosq_cs_authenticating) {
        context.id = null;
      }
      return MOSQ_ERR_PROTOCOL;
    } else {
      if (context.state === mosq_cs_authenticating) {
        context.id = null;
      }
      return rc;
    }
  }
}
