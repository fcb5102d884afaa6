/**
 * Test helpers: plain `mosquitto` contexts, a broker config with mosquitto's defaults, and a fake
 * socket that records what the broker writes. None of them needs a listener or a real socket.
 */
import type { Socket } from 'node:net';
import { db, db__reset } from '../../../src/broker/mosquitto_broker_internal.js';
import type {
  mosquitto__config,
  mosquitto__listener,
  mosquitto__security_options,
} from '../../../src/broker/mosquitto_broker_internal.js';
import { mosq_cs_active, mosq_cs_disconnected, mosq_p_mqtt311 } from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto, mosquitto__packet, mosquitto_msg_data } from '../../../src/lib/mosquitto_internal.js';

/** A stand-in for a connected socket: every write is kept in `written`. */
export interface fake_socket {
  written: Buffer[];
  destroyed: boolean;
  writableCorked: boolean;
  cork(): void;
  uncork(): void;
  write(buf: Buffer): boolean;
  end(cb?: () => void): void;
  destroy(): void;
}

/** A fake socket that records writes instead of sending them. */
export function make_socket(): fake_socket {
  return {
    written: [],
    destroyed: false,
    writableCorked: false,
    cork() { this.writableCorked = true; },
    uncork() { this.writableCorked = false; },
    write(buf: Buffer) { this.written.push(Buffer.from(buf)); return true; },
    end(cb?: () => void) { if (cb) cb(); },
    destroy() { this.destroyed = true; },
  };
}

/** Everything written to a fake socket so far, as one buffer. */
export function socket_bytes(sock: fake_socket): Buffer {
  return Buffer.concat(sock.written);
}

/** Security options as conf.ts makes them: no files, no plugins, every callback list empty. */
export function security_options(): mosquitto__security_options {
  return {
    unpwd: null,
    psk_id: null,
    acl_list: null,
    acl_patterns: null,
    password_file: null,
    psk_file: null,
    acl_file: null,
    auth_plugin_configs: [],
    allow_anonymous: -1,
    allow_zero_length_clientid: true,
    auto_id_prefix: null,
    auto_id_prefix_len: 0,
    plugin_callbacks: {
      tick: null, acl_check: null, basic_auth: null, control: null, disconnect: null,
      ext_auth_continue: null, ext_auth_start: null, message: null, psk_key: null, reload: null,
    },
    pid: null,
  };
}

/** A listener with mosquitto's defaults (no mount point, QoS 2, 10 topic aliases). */
export function make_listener(overrides: Partial<mosquitto__listener> = {}): mosquitto__listener {
  return {
    port: 0,
    host: null,
    bind_interface: null,
    max_connections: -1,
    mount_point: null,
    socks: [],
    sock_count: 0,
    client_count: 0,
    protocol: 0,
    socket_domain: 0,
    use_username_as_clientid: false,
    max_qos: 2,
    max_topic_alias: 10,
    security_options: security_options(),
    ...overrides,
  } as mosquitto__listener;
}

/** A config with the defaults of mosquitto's config__init (max_inflight_messages 20, ...). */
export function make_config(overrides: Partial<mosquitto__config> = {}): mosquitto__config {
  return {
    allow_duplicate_messages: false,
    autosave_interval: 1800,
    autosave_on_changes: false,
    check_retain_source: false,
    connection_messages: true,
    local_only: true,
    log_dest: 0,
    log_type: 0,
    log_timestamp: true,
    max_inflight_bytes: 0,
    max_queued_bytes: 0,
    max_queued_messages: 1000,
    max_packet_size: 0,
    message_size_limit: 0,
    max_inflight_messages: 20,
    max_keepalive: 65535,
    max_qos: 2,
    persistence: false,
    persistent_client_expiration: 0,
    queue_qos0_messages: false,
    per_listener_settings: false,
    retain_available: true,
    set_tcp_nodelay: false,
    sys_interval: 10,
    upgrade_outgoing_qos: false,
    listeners: [],
    listener_count: 0,
    bridges: [],
    bridge_count: 0,
    default_listener: make_listener(),
    security_options: security_options(),
    ...overrides,
  } as mosquitto__config;
}

/** Starts a test from an empty database using `config` (defaults if not given). */
export function reset_db(config: Partial<mosquitto__config> = {}): void {
  db__reset();
  db.config = make_config(config);
  db.now_s = 1000;
  db.now_real_s = 1700000000;
}

function msg_data(inflight_maximum: number): mosquitto_msg_data {
  return {
    inflight: null,
    queued: null,
    msg_bytes: 0,
    msg_bytes12: 0,
    msg_count: 0,
    msg_count12: 0,
    inflight_quota: inflight_maximum,
    inflight_maximum,
  };
}

function packet(): mosquitto__packet {
  return {
    payload: Buffer.alloc(0),
    next: null,
    remaining_mult: 1,
    remaining_length: 0,
    packet_length: 0,
    to_process: 0,
    pos: 0,
    mid: 0,
    command: 0,
    remaining_count: 0,
  };
}

/** Options of make_context on top of context fields. */
export interface context_options extends Partial<mosquitto> {
  /** give the context a fake socket (default true); false makes an offline session */
  online?: boolean;
}

/**
 * A client context as context__init and a successful CONNECT would leave it: active, MQTT 3.1.1,
 * in-flight windows of `db.config.max_inflight_messages`, and a fake socket; with `online: false`
 * a disconnected session with no socket. Call reset_db first.
 */
export function make_context(id: string, options: context_options = {}): mosquitto & { fake: fake_socket | null } {
  const { online = true, ...overrides } = options;
  const fake = online ? make_socket() : null;
  const max_inflight = db.config ? db.config.max_inflight_messages : 20;
  const context: mosquitto = {
    sock: fake as unknown as Socket | null,
    maximum_packet_size: 0,
    protocol: mosq_p_mqtt311,
    address: '127.0.0.1',
    id,
    username: null,
    password: null,
    keepalive: 60,
    last_mid: 0,
    state: online ? mosq_cs_active : mosq_cs_disconnected,
    last_msg_in: 0,
    next_msg_out: 0,
    ping_t: 0,
    in_packet: packet(),
    current_out_packet: null,
    out_packet: null,
    will: null,
    aliases: [],
    will_delay_entry: null,
    alias_count: 0,
    out_packet_count: 0,
    will_delay_interval: 0,
    will_delay_time: 0,
    want_write: false,
    clean_start: true,
    session_expiry_time: 0,
    session_expiry_interval: 0,
    removed_from_by_id: false,
    is_dropping: false,
    is_bridge: false,
    bridge: null,
    msgs_in: msg_data(max_inflight),
    msgs_out: msg_data(max_inflight),
    acl_list: null,
    listener: make_listener(),
    out_packet_last: null,
    subs: [],
    shared_subs: [],
    auth_method: null,
    sub_count: 0,
    shared_sub_count: 0,
    assigned_id: false,
    max_qos: 2,
    retain_available: true,
    tcp_nodelay: false,
    expiry_list_item: null,
    remote_port: 12345,
    ssl: null,
    wsi: null,
    in_chunk: null,
    in_chunk_pos: 0,
    ...overrides,
  };
  return Object.assign(context, { fake });
}

/** Sets an incoming packet on a context, as packet__read leaves it for the handler. */
export function set_in_packet(context: mosquitto, command: number, body: Buffer): void {
  context.in_packet.command = command;
  context.in_packet.payload = body;
  context.in_packet.remaining_length = body.length;
  context.in_packet.pos = 0;
}
