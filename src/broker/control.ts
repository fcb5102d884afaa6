/**
 * `$CONTROL/<feature>/...` topics of src/control.c: a plugin (dynamic-security, for one)
 * registers a callback for a control topic, and a PUBLISH to that topic goes to the callback
 * instead of to subscribers. mosquitto 2.0.11 builds with WITH_CONTROL, so this is always on.
 * @module
 */
import {
  MOSQ_ERR_ALREADY_EXISTS,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOT_FOUND,
  MOSQ_ERR_SUCCESS,
} from '../include/mosquitto.js';
import { MOSQ_EVT_CONTROL } from '../include/mosquitto_broker.js';
import type { MOSQ_FUNC_generic_callback, mosquitto_evt_control } from '../include/mosquitto_broker.js';
import { MQTT_PROP_REASON_STRING, MQTT_RC_SUCCESS } from '../include/mqtt_protocol.js';
import { mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { mosquitto_property_add_string, mosquitto_property_free_all } from '../lib/property_mosq.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import { send__puback, send__pubrec } from '../lib/send_mosq.js';
import { db } from './mosquitto_broker_internal.js';
import type { mosquitto__callback, mosquitto__security_options, mosquitto_msg_store } from './mosquitto_broker_internal.js';

const CONTROL_PREFIX = '$CONTROL/';

/**
 * Hands a PUBLISH to a `$CONTROL/...` topic to the callback registered for that exact topic
 * (if any), then acknowledges a QoS 1 or 2 message; a failing MQTT 5 callback's reason string
 * goes back in the PUBACK/PUBREC. The message never reaches subscribers.
 * @adapted the control callbacks are a Map keyed on topic (C: uthash); property lists are arrays
 */
export function control__process(context: mosquitto, stored: mosquitto_msg_store): number {
  let opts: mosquitto__security_options;
  let properties: mosquitto_property[] | null = null;
  let rc = MOSQ_ERR_SUCCESS;

  if (db.config!.per_listener_settings) {
    opts = context.listener!.security_options;
  } else {
    opts = db.config!.security_options;
  }
  const cb_found = stored.topic !== null ? opts.plugin_callbacks.control?.get(stored.topic) : undefined;
  if (cb_found) {
    const event_data: mosquitto_evt_control = {
      client: context,
      topic: stored.topic!,
      payload: stored.payload,
      payloadlen: stored.payloadlen,
      qos: stored.qos,
      retain: stored.retain,
      properties: stored.properties,
      reason_code: MQTT_RC_SUCCESS,
      reason_string: null,
    };

    rc = cb_found.cb(MOSQ_EVT_CONTROL, event_data, cb_found.userdata);
    if (rc) {
      if (context.protocol === mosq_p_mqtt5 && event_data.reason_string) {
        properties = mosquitto_property_add_string(properties, MQTT_PROP_REASON_STRING, event_data.reason_string).proplist;
      }
    }
  }

  if (stored.qos === 1) {
    if (send__puback(context, stored.source_mid, MQTT_RC_SUCCESS, properties)) rc = 1;
  } else if (stored.qos === 2) {
    if (send__pubrec(context, stored.source_mid, MQTT_RC_SUCCESS, properties)) rc = 1;
  }
  mosquitto_property_free_all(properties);

  return rc;
}

/**
 * Registers `cb_func` for one `$CONTROL/...` topic (at least `$CONTROL/A/v1` long, at most
 * 65535 bytes). One callback per topic: MOSQ_ERR_ALREADY_EXISTS if it is taken.
 * @adapted the topic table is a Map created on first use (C: a uthash head, NULL when empty)
 */
export function control__register_callback(opts: mosquitto__security_options, cb_func: MOSQ_FUNC_generic_callback | null,
  topic: string | null, userdata: unknown): number {
  if (topic === null || cb_func === null) return MOSQ_ERR_INVAL;
  const topic_len = Buffer.byteLength(topic, 'utf8');
  if (topic_len === 0 || topic_len > 65535) return MOSQ_ERR_INVAL;
  if (!topic.startsWith(CONTROL_PREFIX) || topic_len < '$CONTROL/A/v1'.length) {
    return MOSQ_ERR_INVAL;
  }

  const cb_found = opts.plugin_callbacks.control?.get(topic);
  if (cb_found) {
    return MOSQ_ERR_ALREADY_EXISTS;
  }

  const cb_new: mosquitto__callback = {
    next: null,
    prev: null,
    data: topic,
    cb: cb_func,
    userdata,
  };
  if (!opts.plugin_callbacks.control) {
    opts.plugin_callbacks.control = new Map();
  }
  opts.plugin_callbacks.control.set(cb_new.data!, cb_new);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Removes the callback of a `$CONTROL/...` topic, provided it is `cb_func`; otherwise
 * MOSQ_ERR_NOT_FOUND.
 * @adapted the topic table is a Map (C: uthash); it goes back to null when emptied, as the
 * uthash head does
 */
export function control__unregister_callback(opts: mosquitto__security_options, cb_func: MOSQ_FUNC_generic_callback | null,
  topic: string | null): number {
  if (topic === null) return MOSQ_ERR_INVAL;
  const topic_len = Buffer.byteLength(topic, 'utf8');
  if (topic_len === 0 || topic_len > 65535) return MOSQ_ERR_INVAL;
  if (!topic.startsWith(CONTROL_PREFIX)) return MOSQ_ERR_INVAL;

  const cb_found = opts.plugin_callbacks.control?.get(topic);
  if (cb_found && cb_found.cb === cb_func) {
    opts.plugin_callbacks.control!.delete(topic);
    if (opts.plugin_callbacks.control!.size === 0) {
      opts.plugin_callbacks.control = null;
    }

    return MOSQ_ERR_SUCCESS;
  }
  return MOSQ_ERR_NOT_FOUND;
}
