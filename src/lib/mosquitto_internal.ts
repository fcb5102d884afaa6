/**
 * The shared structures of lib/mosquitto_internal.h: the client context (`struct mosquitto`),
 * the packet being read or written, and the enums for client and message state.
 *
 * The broker's build of this header is the one ported (WITH_BROKER): client-library-only fields
 * (callbacks, SOCKS, threading) are left out. Fields keep their C names so a reader can lay the
 * two side by side.
 * @module
 */
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { WebSocket } from 'ws';
import type { mosquitto_property } from './property_mosq.js';
import type {
  mosquitto__acl_user,
  mosquitto__bridge,
  mosquitto__listener,
  mosquitto__subhier,
  mosquitto__subshared_ref,
  mosquitto_client_msg,
} from '../broker/mosquitto_broker_internal.js';

/** enum mosquitto_msg_direction */
export const mosq_md_in = 0;
export const mosq_md_out = 1;
export type mosquitto_msg_direction = typeof mosq_md_in | typeof mosq_md_out;

/** enum mosquitto_msg_state */
export const mosq_ms_invalid = 0;
export const mosq_ms_publish_qos0 = 1;
export const mosq_ms_publish_qos1 = 2;
export const mosq_ms_wait_for_puback = 3;
export const mosq_ms_publish_qos2 = 4;
export const mosq_ms_wait_for_pubrec = 5;
export const mosq_ms_resend_pubrel = 6;
export const mosq_ms_wait_for_pubrel = 7;
export const mosq_ms_resend_pubcomp = 8;
export const mosq_ms_wait_for_pubcomp = 9;
export const mosq_ms_send_pubrec = 10;
export const mosq_ms_queued = 11;
export type mosquitto_msg_state = number;

/** enum mosquitto_client_state */
export const mosq_cs_new = 0;
export const mosq_cs_connected = 1;
export const mosq_cs_disconnecting = 2;
export const mosq_cs_active = 3;
export const mosq_cs_connect_pending = 4;
export const mosq_cs_connect_srv = 5;
export const mosq_cs_disconnect_ws = 6;
export const mosq_cs_disconnected = 7;
export const mosq_cs_socks5_new = 8;
export const mosq_cs_expiring = 15;
export const mosq_cs_duplicate = 17;
export const mosq_cs_disconnect_with_will = 18;
export const mosq_cs_disused = 19;
export const mosq_cs_authenticating = 20;
export const mosq_cs_reauthenticating = 21;
export type mosquitto_client_state = number;

/** enum mosquitto__protocol */
export const mosq_p_invalid = 0;
export const mosq_p_mqtt31 = 1;
export const mosq_p_mqtt311 = 2;
export const mosq_p_mqtts = 3;
export const mosq_p_mqtt5 = 5;
export type mosquitto__protocol = number;

/** enum mosquitto__transport */
export const mosq_t_invalid = 0;
export const mosq_t_tcp = 1;
export const mosq_t_ws = 2;

/**
 * The connection a context reads from and writes to: a TCP or unix socket, the TLSSocket over
 * one, or (websockets) a duplex stream over the WebSocket. All are Node streams of bytes.
 */
export type mosq_sock_t = Duplex | null;

/** struct mosquitto__alias: one topic alias a client has set. */
export interface mosquitto__alias {
  topic: string | null;
  alias: number;
}

/** struct session_expiry_list: a node of the session expiry list. */
export interface session_expiry_list {
  context: mosquitto;
  prev: session_expiry_list | null;
  next: session_expiry_list | null;
}

/** struct will_delay_list: a node of the delayed-will list. */
export interface will_delay_list {
  context: mosquitto;
  prev: will_delay_list | null;
  next: will_delay_list | null;
}

/**
 * struct mosquitto__packet: one MQTT packet being read or built.
 *
 * Incoming: `payload` holds the remaining-length bytes (variable header and payload) and `pos` is
 * the read cursor. Outgoing: `payload` holds the whole packet, fixed header included, and `pos`
 * is the write cursor.
 */
export interface mosquitto__packet {
  payload: Buffer;
  next: mosquitto__packet | null;
  remaining_mult: number;
  remaining_length: number;
  packet_length: number;
  to_process: number;
  pos: number;
  mid: number;
  command: number;
  remaining_count: number;
}

/** struct mosquitto_message (include/mosquitto.h): the message part of a will. */
export interface mosquitto_message {
  mid: number;
  topic: string | null;
  payload: Buffer | null;
  payloadlen: number;
  qos: number;
  retain: boolean;
}

/** struct mosquitto_message_all: a message with its properties; the broker uses it for wills. */
export interface mosquitto_message_all {
  properties: mosquitto_property[] | null;
  timestamp: number;
  state: mosquitto_msg_state;
  dup: boolean;
  msg: mosquitto_message;
  expiry_interval: number;
}

/** struct mosquitto_msg_data: one direction's in-flight and queued messages of a client. */
export interface mosquitto_msg_data {
  inflight: mosquitto_client_msg | null;
  queued: mosquitto_client_msg | null;
  msg_bytes: number;
  msg_bytes12: number;
  msg_count: number;
  msg_count12: number;
  inflight_quota: number;
  inflight_maximum: number;
}

/**
 * struct mosquitto: everything the broker knows about one client connection (a "context"),
 * which outlives the connection while a persistent session does.
 */
export interface mosquitto {
  sock: mosq_sock_t;
  maximum_packet_size: number;
  protocol: mosquitto__protocol;
  address: string | null;
  id: string | null;
  username: string | null;
  password: Buffer | null;
  keepalive: number;
  last_mid: number;
  state: mosquitto_client_state;
  last_msg_in: number;
  next_msg_out: number;
  ping_t: number;
  in_packet: mosquitto__packet;
  current_out_packet: mosquitto__packet | null;
  out_packet: mosquitto__packet | null;
  will: mosquitto_message_all | null;
  aliases: mosquitto__alias[];
  will_delay_entry: will_delay_list | null;
  alias_count: number;
  out_packet_count: number;
  will_delay_interval: number;
  will_delay_time: number;
  want_write: boolean;
  clean_start: boolean;
  session_expiry_time: number;
  session_expiry_interval: number;
  removed_from_by_id: boolean;
  is_dropping: boolean;
  is_bridge: boolean;
  bridge: mosquitto__bridge | null;
  msgs_in: mosquitto_msg_data;
  msgs_out: mosquitto_msg_data;
  acl_list: mosquitto__acl_user | null;
  listener: mosquitto__listener | null;
  out_packet_last: mosquitto__packet | null;
  subs: (mosquitto__subhier | null)[];
  shared_subs: (mosquitto__subshared_ref | null)[];
  auth_method: string | null;
  sub_count: number;
  shared_sub_count: number;
  assigned_id: boolean;
  max_qos: number;
  retain_available: boolean;
  tcp_nodelay: boolean;
  expiry_list_item: session_expiry_list | null;
  remote_port: number;
  /** the TLS session when the listener speaks TLS (C: SSL *ssl), else null */
  ssl: TLSSocket | null;
  /** the WebSocket of a websockets client (C: struct lws *wsi), else null; cleared once it closed */
  wsi: WebSocket | null;
  /** the unread part of the socket's last `data` chunk (TS only: Node pushes data, C pulls it) */
  in_chunk: Buffer | null;
  in_chunk_pos: number;
}
