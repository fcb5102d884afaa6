/**
 * The broker API a plugin may call, from src/plugin_public.c: facts about a client, publishing
 * a message from the broker, changing a client's username and kicking clients off.
 *
 * A plugin module imports these functions from this module (C: the symbols the broker exports
 * to the shared objects it loads).
 * @module
 */
import type { X509Certificate } from 'node:crypto';
import { MOSQ_ERR_ADMINISTRATIVE_ACTION, MOSQ_ERR_INVAL, MOSQ_ERR_NOT_FOUND, MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';
import { MQTT_RC_ADMINISTRATIVE_ACTION } from '../include/mqtt_protocol.js';
import { DL_APPEND } from '../deps/utlist.js';
import { mosq_cs_disconnecting, mosq_p_mqtt31, mosq_p_mqtt311, mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { send__disconnect } from '../lib/send_disconnect.js';
import { mosquitto__set_state } from '../lib/util_mosq.js';
import { do_disconnect } from './loop.js';
import { db, mp_mqtt, mp_websockets } from './mosquitto_broker_internal.js';
import type { mosquitto_message_v5 } from './mosquitto_broker_internal.js';
import { acl__find_acls } from './security_default.js';

/**
 * The client's network address, or null without a client.
 */
export function mosquitto_client_address(client: mosquitto | null): string | null {
  if (client) {
    return client.address;
  } else {
    return null;
  }
}

/**
 * Whether the client connected with clean session / clean start (true without a client).
 */
export function mosquitto_client_clean_session(client: mosquitto | null): boolean {
  if (client) {
    return client.clean_start;
  } else {
    return true;
  }
}

/**
 * The client's id, or null without a client.
 */
export function mosquitto_client_id(client: mosquitto | null): string | null {
  if (client) {
    return client.id;
  } else {
    return null;
  }
}

/**
 * The client's keepalive in seconds, or -1 without a client.
 */
export function mosquitto_client_keepalive(client: mosquitto | null): number {
  if (client) {
    return client.keepalive;
  } else {
    return -1;
  }
}

/**
 * The certificate the client presented over TLS, or null (no TLS, or no certificate).
 * @adapted C hands out a new reference to OpenSSL's X509; the port gives Node's X509Certificate
 */
export function mosquitto_client_certificate(client: mosquitto | null): X509Certificate | null {
  if (client && client.ssl) {
    return client.ssl.getPeerX509Certificate() ?? null;
  }
  return null;
}

/**
 * The transport the client came in on: mp_websockets or mp_mqtt.
 * @adapted C tests the client's libwebsockets handle; the port asks the client's listener
 */
export function mosquitto_client_protocol(client: mosquitto | null): number {
  if (client && client.listener && client.listener.protocol === mp_websockets) {
    return mp_websockets;
  } else {
    return mp_mqtt;
  }
}

/**
 * The MQTT protocol level the client speaks: 3 (3.1), 4 (3.1.1), 5, or 0 if unknown or no client.
 */
export function mosquitto_client_protocol_version(client: mosquitto | null): number {
  if (client) {
    switch (client.protocol) {
      case mosq_p_mqtt31:
        return 3;
      case mosq_p_mqtt311:
        return 4;
      case mosq_p_mqtt5:
        return 5;
      default:
        return 0;
    }
  } else {
    return 0;
  }
}

/**
 * How many subscriptions the client has, or 0 without a client.
 */
export function mosquitto_client_sub_count(client: mosquitto | null): number {
  if (client) {
    return client.sub_count;
  } else {
    return 0;
  }
}

/**
 * The client's username; for a bridge, the local username it uses on this broker.
 */
export function mosquitto_client_username(client: mosquitto | null): string | null {
  if (client) {
    if (client.bridge) {
      return client.bridge.local_username;
    } else {
      return client.username;
    }
  } else {
    return null;
  }
}

/**
 * Queues a message for the main loop to publish: to every subscriber, or when `clientid` is
 * given to that one client only. The broker keeps `payload` and `properties` (no copy).
 * @adapted the C takes ownership of the malloc'd payload; here the Buffer reference is kept
 */
export function mosquitto_broker_publish(clientid: string | null, topic: string | null, payloadlen: number,
  payload: Buffer | null, qos: number, retain: boolean, properties: mosquitto_property[] | null): number {
  if (topic === null
      || payloadlen < 0
      || (payloadlen > 0 && payload === null)
      || qos < 0 || qos > 2) {
    return MOSQ_ERR_INVAL;
  }

  const msg: mosquitto_message_v5 = {
    next: null,
    prev: null,
    clientid,
    topic,
    payloadlen,
    payload,
    qos,
    retain,
    properties,
  };

  db.plugin_msgs = DL_APPEND(db.plugin_msgs, msg);

  return MOSQ_ERR_SUCCESS;
}

/**
 * As mosquitto_broker_publish, but the broker takes its own copy of the payload, so the
 * plugin may reuse its buffer.
 */
export function mosquitto_broker_publish_copy(clientid: string | null, topic: string | null, payloadlen: number,
  payload: Buffer | null, qos: number, retain: boolean, properties: mosquitto_property[] | null): number {
  if (topic === null
      || payloadlen < 0
      || (payloadlen > 0 && payload === null)
      || qos < 0 || qos > 2) {
    return MOSQ_ERR_INVAL;
  }

  const payload_out = Buffer.alloc(payloadlen);
  if (payload) {
    payload.copy(payload_out, 0, 0, payloadlen);
  }

  return mosquitto_broker_publish(
    clientid,
    topic,
    payloadlen,
    payload_out,
    qos,
    retain,
    properties);
}

/**
 * Changes the client's username and looks its ACLs up again; on failure the old username
 * stays.
 */
export function mosquitto_set_username(client: mosquitto | null, username: string | null): number {
  if (!client) return MOSQ_ERR_INVAL;

  const old = client.username;
  client.username = username;

  const rc = acl__find_acls(client);
  if (rc) {
    client.username = old;
    return rc;
  } else {
    return MOSQ_ERR_SUCCESS;
  }
}

/**
 * Throws one client off: an MQTT 5 client first gets a DISCONNECT with "administrative action";
 * unless `with_will` is set the client counts as cleanly disconnecting, so its will is dropped.
 */
function disconnect_client(context: mosquitto, with_will: boolean): void {
  if (context.protocol === mosq_p_mqtt5) {
    send__disconnect(context, MQTT_RC_ADMINISTRATIVE_ACTION, null);
  }
  if (with_will === false) {
    mosquitto__set_state(context, mosq_cs_disconnecting);
  }
  do_disconnect(context, MOSQ_ERR_ADMINISTRATIVE_ACTION);
}

/**
 * Kicks the client with this id (MOSQ_ERR_NOT_FOUND if it is not known), or every connected
 * client when `clientid` is null.
 * @adapted the by-socket and by-id hashes are a Set and a Map; deleting while iterating a Set
 * is safe in JS, as HASH_ITER's saved next pointer is in C
 */
export function mosquitto_kick_client_by_clientid(clientid: string | null, with_will: boolean): number {
  if (clientid === null) {
    for (const ctxt of db.contexts_by_sock) {
      disconnect_client(ctxt, with_will);
    }
    return MOSQ_ERR_SUCCESS;
  } else {
    const ctxt = db.contexts_by_id.get(clientid);
    if (ctxt) {
      disconnect_client(ctxt, with_will);
      return MOSQ_ERR_SUCCESS;
    } else {
      return MOSQ_ERR_NOT_FOUND;
    }
  }
}

/**
 * Kicks every connected client with this username, or every client without a username when
 * `username` is null.
 * @adapted the by-socket hash is a Set; deleting while iterating a Set is safe in JS
 */
export function mosquitto_kick_client_by_username(username: string | null, with_will: boolean): number {
  if (username === null) {
    for (const ctxt of db.contexts_by_sock) {
      if (ctxt.username === null) {
        disconnect_client(ctxt, with_will);
      }
    }
  } else {
    for (const ctxt of db.contexts_by_sock) {
      if (ctxt.username !== null && ctxt.username === username) {
        disconnect_client(ctxt, with_will);
      }
    }
  }
  return MOSQ_ERR_SUCCESS;
}
