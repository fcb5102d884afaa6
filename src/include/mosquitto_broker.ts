/**
 * Types of include/mosquitto_broker.h: the plugin events (version 5 interface), the data each
 * event hands to its callbacks, and the callback signature.
 *
 * A callback changes the event object in place where C writes through the struct pointer
 * (e.g. `data_out` of an extended-auth event).
 * @module
 */
import type { mosquitto } from '../lib/mosquitto_internal.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import type { mosquitto_opt } from '../broker/mosquitto_broker_internal.js';

/** enum mosquitto_plugin_event */
export const MOSQ_EVT_RELOAD = 1;
export const MOSQ_EVT_ACL_CHECK = 2;
export const MOSQ_EVT_BASIC_AUTH = 3;
export const MOSQ_EVT_EXT_AUTH_START = 4;
export const MOSQ_EVT_EXT_AUTH_CONTINUE = 5;
export const MOSQ_EVT_CONTROL = 6;
export const MOSQ_EVT_MESSAGE = 7;
export const MOSQ_EVT_PSK_KEY = 8;
export const MOSQ_EVT_TICK = 9;
export const MOSQ_EVT_DISCONNECT = 10;

/** struct mosquitto_evt_reload: the configuration was reloaded. */
export interface mosquitto_evt_reload {
  options: mosquitto_opt[] | null;
  option_count: number;
}

/** struct mosquitto_evt_acl_check: may `client` read/write/subscribe this topic? */
export interface mosquitto_evt_acl_check {
  client: mosquitto;
  topic: string;
  payload: Buffer | null;
  properties: mosquitto_property[] | null;
  access: number;
  payloadlen: number;
  qos: number;
  retain: boolean;
}

/**
 * struct mosquitto_evt_basic_auth: a CONNECT's username and password to check. The password is
 * the C string view of the client's password bytes (up to the first NUL, decoded as UTF-8).
 */
export interface mosquitto_evt_basic_auth {
  client: mosquitto;
  username: string | null;
  password: string | null;
}

/** struct mosquitto_evt_psk_key: the callback sets `key` (hex) for a TLS-PSK identity. */
export interface mosquitto_evt_psk_key {
  client: mosquitto;
  hint: string;
  identity: string;
  key: string;
  max_key_len: number;
}

/** struct mosquitto_evt_extended_auth: one step of MQTT 5 extended authentication. */
export interface mosquitto_evt_extended_auth {
  client: mosquitto;
  data_in: Buffer | null;
  data_out: Buffer | null;
  data_in_len: number;
  data_out_len: number;
  auth_method: string | null;
}

/** struct mosquitto_evt_control: a message to a `$CONTROL/...` topic a plugin registered for. */
export interface mosquitto_evt_control {
  client: mosquitto;
  topic: string;
  payload: Buffer | null;
  properties: mosquitto_property[] | null;
  reason_string: string | null;
  payloadlen: number;
  qos: number;
  reason_code: number;
  retain: boolean;
}

/** struct mosquitto_evt_message: a message the broker received; the callback may change it. */
export interface mosquitto_evt_message {
  client: mosquitto;
  topic: string | null;
  payload: Buffer;
  properties: mosquitto_property[] | null;
  reason_string: string | null;
  payloadlen: number;
  qos: number;
  reason_code: number;
  retain: boolean;
}

/** struct mosquitto_evt_tick: the main loop's periodic tick. */
export interface mosquitto_evt_tick {
  now_ns: number;
  next_ns: number;
  now_s: number;
  next_s: number;
}

/** struct mosquitto_evt_disconnect: a client went away. */
export interface mosquitto_evt_disconnect {
  client: mosquitto;
  reason: number;
}

/** MOSQ_FUNC_generic_callback: every plugin event callback has this shape. */
export type MOSQ_FUNC_generic_callback = (event: number, event_data: unknown, userdata: unknown) => number;
