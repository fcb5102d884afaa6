/**
 * The broker's shared structures from src/mosquitto_broker_internal.h: configuration, listeners,
 * the subscription and retained-message trees, the message store, and the global `db`.
 *
 * uthash tables become `Map`s; utlist lists keep their `prev`/`next` fields (see deps/utlist.ts).
 * @module
 */
import type { Server } from 'node:net';
import type { WebSocketServer } from 'ws';
import type { SSL_CTX } from '../deps/openssl.js';
import type { mosquitto_property } from '../lib/property_mosq.js';
import type { mosq_out, mosquitto_acl_msg } from '../include/mosquitto_plugin.js';
import type { MOSQ_FUNC_generic_callback } from '../include/mosquitto_broker.js';
import type {
  mosquitto,
  mosq_sock_t,
  mosquitto__protocol,
  mosquitto_msg_direction,
  mosquitto_msg_state,
} from '../lib/mosquitto_internal.js';

/* Log destinations */
export const MQTT3_LOG_NONE = 0x00;
export const MQTT3_LOG_SYSLOG = 0x01;
export const MQTT3_LOG_FILE = 0x02;
export const MQTT3_LOG_STDOUT = 0x04;
export const MQTT3_LOG_STDERR = 0x08;
export const MQTT3_LOG_TOPIC = 0x10;
export const MQTT3_LOG_DLT = 0x20;
export const MQTT3_LOG_ALL = 0xff;

/** The broker's version string (C: VERSION from config.mk). */
export const VERSION = '2.0.11';

export const CMD_PORT_LIMIT = 10;
export const TOPIC_HIERARCHY_LIMIT = 200;

/** The store's message ids; 64-bit in C, a JS number is exact up to 2^53. */
export type dbid_t = number;

/** enum mosquitto_msg_origin */
export const mosq_mo_client = 0;
export const mosq_mo_broker = 1;
export type mosquitto_msg_origin = typeof mosq_mo_client | typeof mosq_mo_broker;

/** enum mosquitto_protocol (include/mosquitto_broker.h): how a listener speaks MQTT. */
export const mp_mqtt = 0;
export const mp_mqttsn = 1;
export const mp_websockets = 2;

/** enum mosquitto__keyform (lib/mosquitto_internal.h): how a listener's TLS key is loaded. */
export const mosq_k_pem = 0;
export const mosq_k_engine = 1;

/** enum mosquitto_pwhash_type */
export const pw_sha512 = 6;
export const pw_sha512_pbkdf2 = 7;

/** struct mosquitto_opt: a plugin option. */
export interface mosquitto_opt {
  key: string;
  value: string;
}

/* Plugin entry points. A plugin is an ES module exporting functions under the C symbol names;
 * `void **` and `uint16_t *` out-parameters become mosq_out holders. */
export type FUNC_plugin_init_v5 = (identifier: mosquitto_plugin_id_t, userdata: mosq_out<unknown>, options: mosquitto_opt[], option_count: number) => number;
export type FUNC_plugin_cleanup_v5 = (userdata: unknown, options: mosquitto_opt[], option_count: number) => number;

export type FUNC_auth_plugin_init_v4 = (user_data: mosq_out<unknown>, opts: mosquitto_opt[], opt_count: number) => number;
export type FUNC_auth_plugin_cleanup_v4 = (user_data: unknown, opts: mosquitto_opt[], opt_count: number) => number;
export type FUNC_auth_plugin_security_init_v4 = (user_data: unknown, opts: mosquitto_opt[], opt_count: number, reload: boolean) => number;
export type FUNC_auth_plugin_security_cleanup_v4 = (user_data: unknown, opts: mosquitto_opt[], opt_count: number, reload: boolean) => number;
export type FUNC_auth_plugin_acl_check_v4 = (user_data: unknown, access: number, client: mosquitto, msg: mosquitto_acl_msg) => number;
export type FUNC_auth_plugin_unpwd_check_v4 = (user_data: unknown, client: mosquitto, username: string | null, password: string | null) => number;
export type FUNC_auth_plugin_psk_key_get_v4 = (user_data: unknown, client: mosquitto, hint: string, identity: string, key: mosq_out<string>, max_key_len: number) => number;
export type FUNC_auth_plugin_auth_start_v4 = (user_data: unknown, client: mosquitto, method: string, reauth: boolean, data_in: Buffer | null, data_in_len: number, data_out: mosq_out<Buffer | null>, data_out_len: mosq_out<number>) => number;
export type FUNC_auth_plugin_auth_continue_v4 = (user_data: unknown, client: mosquitto, method: string, data_in: Buffer | null, data_in_len: number, data_out: mosq_out<Buffer | null>, data_out_len: mosq_out<number>) => number;

export type FUNC_auth_plugin_init_v3 = FUNC_auth_plugin_init_v4;
export type FUNC_auth_plugin_cleanup_v3 = FUNC_auth_plugin_cleanup_v4;
export type FUNC_auth_plugin_security_init_v3 = FUNC_auth_plugin_security_init_v4;
export type FUNC_auth_plugin_security_cleanup_v3 = FUNC_auth_plugin_security_cleanup_v4;
export type FUNC_auth_plugin_acl_check_v3 = FUNC_auth_plugin_acl_check_v4;
export type FUNC_auth_plugin_unpwd_check_v3 = FUNC_auth_plugin_unpwd_check_v4;
export type FUNC_auth_plugin_psk_key_get_v3 = FUNC_auth_plugin_psk_key_get_v4;

export type FUNC_auth_plugin_init_v2 = FUNC_auth_plugin_init_v4;
export type FUNC_auth_plugin_cleanup_v2 = FUNC_auth_plugin_cleanup_v4;
export type FUNC_auth_plugin_security_init_v2 = FUNC_auth_plugin_security_init_v4;
export type FUNC_auth_plugin_security_cleanup_v2 = FUNC_auth_plugin_security_cleanup_v4;
export type FUNC_auth_plugin_acl_check_v2 = (user_data: unknown, clientid: string | null, username: string | null, topic: string, access: number) => number;
export type FUNC_auth_plugin_unpwd_check_v2 = (user_data: unknown, username: string | null, password: string | null) => number;
export type FUNC_auth_plugin_psk_key_get_v2 = (user_data: unknown, hint: string, identity: string, key: mosq_out<string>, max_key_len: number) => number;

/** struct mosquitto__auth_plugin: a loaded plugin, its version and the entry points it exports. */
export interface mosquitto__auth_plugin {
  /** the loaded module's exports (C: the dlopen handle) */
  lib: Record<string, unknown> | null;
  user_data: unknown;
  identifier: mosquitto_plugin_id_t | null;

  plugin_init_v5: FUNC_plugin_init_v5 | null;
  plugin_cleanup_v5: FUNC_plugin_cleanup_v5 | null;

  plugin_init_v4: FUNC_auth_plugin_init_v4 | null;
  plugin_cleanup_v4: FUNC_auth_plugin_cleanup_v4 | null;
  security_init_v4: FUNC_auth_plugin_security_init_v4 | null;
  security_cleanup_v4: FUNC_auth_plugin_security_cleanup_v4 | null;
  acl_check_v4: FUNC_auth_plugin_acl_check_v4 | null;
  unpwd_check_v4: FUNC_auth_plugin_unpwd_check_v4 | null;
  psk_key_get_v4: FUNC_auth_plugin_psk_key_get_v4 | null;
  auth_start_v4: FUNC_auth_plugin_auth_start_v4 | null;
  auth_continue_v4: FUNC_auth_plugin_auth_continue_v4 | null;

  plugin_init_v3: FUNC_auth_plugin_init_v3 | null;
  plugin_cleanup_v3: FUNC_auth_plugin_cleanup_v3 | null;
  security_init_v3: FUNC_auth_plugin_security_init_v3 | null;
  security_cleanup_v3: FUNC_auth_plugin_security_cleanup_v3 | null;
  acl_check_v3: FUNC_auth_plugin_acl_check_v3 | null;
  unpwd_check_v3: FUNC_auth_plugin_unpwd_check_v3 | null;
  psk_key_get_v3: FUNC_auth_plugin_psk_key_get_v3 | null;

  plugin_init_v2: FUNC_auth_plugin_init_v2 | null;
  plugin_cleanup_v2: FUNC_auth_plugin_cleanup_v2 | null;
  security_init_v2: FUNC_auth_plugin_security_init_v2 | null;
  security_cleanup_v2: FUNC_auth_plugin_security_cleanup_v2 | null;
  acl_check_v2: FUNC_auth_plugin_acl_check_v2 | null;
  unpwd_check_v2: FUNC_auth_plugin_unpwd_check_v2 | null;
  psk_key_get_v2: FUNC_auth_plugin_psk_key_get_v2 | null;
  /** 0 until loaded */
  version: number;
}

/** struct mosquitto__auth_plugin_config: one `plugin`/`auth_plugin` line and its options. */
export interface mosquitto__auth_plugin_config {
  path: string;
  options: mosquitto_opt[];
  option_count: number;
  deny_special_chars: boolean;
  /** filled in by security__module_init_single (C: zeroed with the config) */
  plugin: mosquitto__auth_plugin;
}

/** struct mosquitto__callback: one registered event callback (a node of a utlist list). */
export interface mosquitto__callback {
  next: mosquitto__callback | null;
  prev: mosquitto__callback | null;
  cb: MOSQ_FUNC_generic_callback;
  userdata: unknown;
  /** e.g. the topic of a control event */
  data: string | null;
}

/** struct plugin__callbacks: the callback list of each plugin event. */
export interface plugin__callbacks {
  tick: mosquitto__callback | null;
  acl_check: mosquitto__callback | null;
  basic_auth: mosquitto__callback | null;
  /** `$CONTROL/...` topic -> its one callback (C: a uthash table keyed on the callback's `data`) */
  control: Map<string, mosquitto__callback> | null;
  disconnect: mosquitto__callback | null;
  ext_auth_continue: mosquitto__callback | null;
  ext_auth_start: mosquitto__callback | null;
  message: mosquitto__callback | null;
  psk_key: mosquitto__callback | null;
  reload: mosquitto__callback | null;
}

/** struct mosquitto__security_options: global or per-listener authentication settings. */
export interface mosquitto__security_options {
  unpwd: Map<string, mosquitto__unpwd> | null;
  psk_id: Map<string, mosquitto__unpwd> | null;
  acl_list: mosquitto__acl_user | null;
  acl_patterns: mosquitto__acl | null;
  password_file: string | null;
  psk_file: string | null;
  acl_file: string | null;
  auth_plugin_configs: mosquitto__auth_plugin_config[];
  /** -1 unset, 0 false, 1 true, as the C int8_t */
  allow_anonymous: number;
  allow_zero_length_clientid: boolean;
  auto_id_prefix: string | null;
  auto_id_prefix_len: number;
  plugin_callbacks: plugin__callbacks;
  /** the identity the built-in password/ACL checks register their callbacks under */
  pid: mosquitto_plugin_id_t | null;
}

/** struct mosquitto_plugin_id_t: who registers a plugin callback (null listener: global options). */
export interface mosquitto_plugin_id_t {
  listener: mosquitto__listener | null;
}

/** struct mosquitto__listener: one `listener` block of the config. */
export interface mosquitto__listener {
  port: number;
  host: string | null;
  bind_interface: string | null;
  max_connections: number;
  mount_point: string | null;
  /** the listening servers (C: an array of sockets) */
  socks: Server[];
  sock_count: number;
  client_count: number;
  protocol: number;
  /** 0 unspecified, 4 IPv4 only, 6 IPv6 only (C: AF_UNSPEC/AF_INET/AF_INET6) */
  socket_domain: number;
  use_username_as_clientid: boolean;
  max_qos: number;
  max_topic_alias: number;
  cafile: string | null;
  capath: string | null;
  certfile: string | null;
  keyfile: string | null;
  tls_engine: string | null;
  tls_engine_kpass_sha1: string | null;
  ciphers: string | null;
  ciphers_tls13: string | null;
  psk_hint: string | null;
  crlfile: string | null;
  tls_version: string | null;
  dhparamfile: string | null;
  use_identity_as_username: boolean;
  use_subject_as_username: boolean;
  require_certificate: boolean;
  tls_keyform: number;
  http_dir: string | null;
  security_options: mosquitto__security_options;
  unix_socket_path: string | null;
  /** the TLS settings new connections get, when the listener speaks TLS */
  ssl_ctx: SSL_CTX | null;
  /** the websockets server of a `protocol websockets` listener (C: struct lws_context *) */
  ws_context: WebSocketServer | null;
}

/** struct mosquitto__listener_sock: one listening socket and the listener it belongs to. */
export interface mosquitto__listener_sock {
  sock: Server;
  listener: mosquitto__listener;
}

/** struct mosquitto__config: the whole configuration, from the command line and config files. */
export interface mosquitto__config {
  allow_duplicate_messages: boolean;
  autosave_interval: number;
  autosave_on_changes: boolean;
  check_retain_source: boolean;
  clientid_prefixes: string | null;
  connection_messages: boolean;
  cmd_port: number[];
  cmd_port_count: number;
  daemon: boolean;
  default_listener: mosquitto__listener;
  listeners: mosquitto__listener[];
  listener_count: number;
  local_only: boolean;
  log_dest: number;
  log_facility: number;
  log_type: number;
  log_timestamp: boolean;
  log_timestamp_format: string | null;
  log_file: string | null;
  /** the open log file (C: FILE *log_fptr) */
  log_fptr: number | null;
  max_inflight_bytes: number;
  max_queued_bytes: number;
  max_queued_messages: number;
  max_packet_size: number;
  message_size_limit: number;
  max_inflight_messages: number;
  max_keepalive: number;
  max_qos: number;
  persistence: boolean;
  persistence_location: string | null;
  persistence_file: string | null;
  persistence_filepath: string | null;
  persistent_client_expiration: number;
  pid_file: string | null;
  queue_qos0_messages: boolean;
  per_listener_settings: boolean;
  retain_available: boolean;
  set_tcp_nodelay: boolean;
  sys_interval: number;
  upgrade_outgoing_qos: boolean;
  user: string | null;
  websockets_log_level: number;
  websockets_headers_size: number;
  bridges: mosquitto__bridge[];
  bridge_count: number;
  security_options: mosquitto__security_options;
}

/** struct mosquitto__subleaf: one client's subscription at a node of the subscription tree. */
export interface mosquitto__subleaf {
  prev: mosquitto__subleaf | null;
  next: mosquitto__subleaf | null;
  context: mosquitto;
  identifier: number;
  qos: number;
  no_local: boolean;
  retain_as_published: boolean;
}

/** struct mosquitto__subshared_ref: a client's link to one shared-subscription group. */
export interface mosquitto__subshared_ref {
  hier: mosquitto__subhier;
  shared: mosquitto__subshared;
}

/** struct mosquitto__subshared: a `$share/<name>/...` group at one node of the tree. */
export interface mosquitto__subshared {
  name: string;
  subs: mosquitto__subleaf | null;
}

/** struct mosquitto__subhier: one topic level of the subscription tree. */
export interface mosquitto__subhier {
  parent: mosquitto__subhier | null;
  children: Map<string, mosquitto__subhier>;
  subs: mosquitto__subleaf | null;
  shared: Map<string, mosquitto__subshared>;
  topic: string;
  topic_len: number;
}

/** struct mosquitto__retainhier: one topic level of the retained-message tree. */
export interface mosquitto__retainhier {
  parent: mosquitto__retainhier | null;
  children: Map<string, mosquitto__retainhier>;
  retained: mosquitto_msg_store | null;
  topic: string;
  topic_len: number;
}

/** struct mosquitto_msg_store: a message stored once and shared by every client it goes to. */
export interface mosquitto_msg_store {
  next: mosquitto_msg_store | null;
  prev: mosquitto_msg_store | null;
  db_id: dbid_t;
  source_id: string | null;
  source_username: string | null;
  source_listener: mosquitto__listener | null;
  dest_ids: string[] | null;
  dest_id_count: number;
  ref_count: number;
  topic: string | null;
  properties: mosquitto_property[] | null;
  payload: Buffer;
  message_expiry_time: number;
  payloadlen: number;
  origin: mosquitto_msg_origin;
  source_mid: number;
  mid: number;
  qos: number;
  retain: boolean;
}

/** struct mosquitto_msg_store_load: maps a db id read from disk to its loaded message. */
export interface mosquitto_msg_store_load {
  db_id: dbid_t;
  store: mosquitto_msg_store;
}

/** struct mosquitto_client_msg: one client's reference to a stored message, with its own state. */
export interface mosquitto_client_msg {
  prev: mosquitto_client_msg | null;
  next: mosquitto_client_msg | null;
  store: mosquitto_msg_store;
  properties: mosquitto_property[] | null;
  timestamp: number;
  mid: number;
  qos: number;
  retain: boolean;
  direction: mosquitto_msg_direction;
  state: mosquitto_msg_state;
  dup: boolean;
}

/** struct mosquitto__unpwd: a password-file or PSK-file entry. */
export interface mosquitto__unpwd {
  username: string;
  password: Buffer | null;
  clientid: string | null;
  salt: Buffer | null;
  password_len: number;
  salt_len: number;
  iterations: number;
  hashtype: number;
}

/** struct mosquitto__acl: one ACL line (`topic` or `pattern`). */
export interface mosquitto__acl {
  next: mosquitto__acl | null;
  topic: string;
  access: number;
  ucount: number;
  ccount: number;
}

/** struct mosquitto__acl_user: the ACL lines that follow one `user` line. */
export interface mosquitto__acl_user {
  next: mosquitto__acl_user | null;
  username: string | null;
  acl: mosquitto__acl | null;
}

/** enum mosquitto__bridge_direction */
export const bd_out = 0;
export const bd_in = 1;
export const bd_both = 2;

/** enum mosquitto_bridge_start_type */
export const bst_automatic = 0;
export const bst_lazy = 1;
export const bst_manual = 2;
export const bst_once = 3;

/** struct mosquitto__bridge_topic: one `topic` line of a bridge. */
export interface mosquitto__bridge_topic {
  topic: string | null;
  local_prefix: string | null;
  remote_prefix: string | null;
  local_topic: string | null;
  remote_topic: string | null;
  direction: number;
  qos: number;
}

/** struct bridge_address: one `address host:port` of a bridge. */
export interface bridge_address {
  address: string;
  port: number;
}

/** struct mosquitto__bridge: one `connection` block of the config. */
export interface mosquitto__bridge {
  name: string;
  addresses: bridge_address[];
  cur_address: number;
  address_count: number;
  primary_retry: number;
  /** the probe connection to the first address while connected to another (C: mosq_sock_t) */
  primary_retry_sock: mosq_sock_t;
  round_robin: boolean;
  try_private: boolean;
  try_private_accepted: boolean;
  clean_start: boolean;
  clean_start_local: number;
  keepalive: number;
  topics: mosquitto__bridge_topic[];
  topic_count: number;
  topic_remapping: boolean;
  protocol_version: mosquitto__protocol;
  restart_t: number;
  remote_clientid: string | null;
  remote_username: string | null;
  remote_password: string | null;
  local_clientid: string | null;
  local_username: string | null;
  local_password: string | null;
  notification_topic: string | null;
  bind_address: string | null;
  notifications: boolean;
  notifications_local_only: boolean;
  start_type: number;
  idle_timeout: number;
  restart_timeout: number;
  backoff_base: number;
  backoff_cap: number;
  threshold: number;
  maximum_packet_size: number;
  lazy_reconnect: boolean;
  attempt_unsubscribe: boolean;
  initial_notification_done: boolean;
  outgoing_retain: boolean;
  tls_insecure: boolean;
  tls_ocsp_required: boolean;
  tls_cafile: string | null;
  tls_capath: string | null;
  tls_certfile: string | null;
  tls_keyfile: string | null;
  tls_version: string | null;
  tls_alpn: string | null;
  tls_psk_identity: string | null;
  tls_psk: string | null;
}

/** struct mosquitto_message_v5: a message a plugin asked the broker to publish (mosquitto_broker_publish). */
export interface mosquitto_message_v5 {
  next: mosquitto_message_v5 | null;
  prev: mosquitto_message_v5 | null;
  topic: string | null;
  payload: Buffer | null;
  properties: mosquitto_property[] | null;
  /** only for a message meant for one client; null publishes to the subscribers */
  clientid: string | null;
  payloadlen: number;
  qos: number;
  retain: boolean;
}

/** struct mosquitto_db: the broker's global state. */
export interface mosquitto_db {
  last_db_id: dbid_t;
  subs: mosquitto__subhier | null;
  retains: mosquitto__retainhier | null;
  contexts_by_id: Map<string, mosquitto>;
  contexts_by_sock: Set<mosquitto>;
  contexts_for_free: mosquitto[];
  /** contexts waiting to be freed at the end of this loop iteration (C: a list via for_free_next) */
  ll_for_free: mosquitto[];
  /** the bridge contexts; a freed one leaves null in its slot */
  bridges: (mosquitto | null)[];
  msg_store: mosquitto_msg_store | null;
  msg_store_load: Map<dbid_t, mosquitto_msg_store_load>;
  now_s: number;
  now_real_s: number;
  bridge_count: number;
  msg_store_count: number;
  msg_store_bytes: number;
  config_file: string | null;
  config: mosquitto__config | null;
  auth_plugin_count: number;
  verbose: boolean;
  subscription_count: number;
  shared_subscription_count: number;
  retained_count: number;
  persistence_changes: number;
  /** messages from plugins, published by the main loop (loop.c queue_plugin_msgs) */
  plugin_msgs: mosquitto_message_v5 | null;
}

/**
 * A fresh, empty database.
 * @tsonly C zero-initialises the global; tests need a way to start from a clean one
 */
function db__new(): mosquitto_db {
  return {
    last_db_id: 0,
    subs: null,
    retains: null,
    contexts_by_id: new Map(),
    contexts_by_sock: new Set(),
    contexts_for_free: [],
    ll_for_free: [],
    bridges: [],
    msg_store: null,
    msg_store_load: new Map(),
    now_s: 0,
    now_real_s: 0,
    bridge_count: 0,
    msg_store_count: 0,
    msg_store_bytes: 0,
    config_file: null,
    config: null,
    auth_plugin_count: 0,
    verbose: false,
    subscription_count: 0,
    shared_subscription_count: 0,
    retained_count: 0,
    persistence_changes: 0,
    plugin_msgs: null,
  };
}

/** The broker's one database (C: `struct mosquitto_db db`). */
export let db: mosquitto_db = db__new();

/**
 * Replaces the global database with an empty one.
 * @tsonly lets unit tests start each case from a clean broker state
 */
export function db__reset(): void {
  db = db__new();
}
