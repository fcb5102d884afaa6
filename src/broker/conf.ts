/**
 * The broker configuration of src/conf.c: defaults, the command line, and `mosquitto.conf`
 * with every option keyword mosquitto 2.0.11 accepts, its checks and its error messages.
 *
 * A config line is handled as bytes, as in C: each line is decoded as latin1 (one char per
 * byte) so that tokens are cut exactly where strtok cuts them, and values are turned back into
 * UTF-8 strings when they are stored or printed.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { closeSync, readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import {
  MOSQ_ERR_INVAL,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_ALL,
  MOSQ_LOG_DEBUG,
  MOSQ_LOG_ERR,
  MOSQ_LOG_INFO,
  MOSQ_LOG_INTERNAL,
  MOSQ_LOG_NONE,
  MOSQ_LOG_NOTICE,
  MOSQ_LOG_SUBSCRIBE,
  MOSQ_LOG_UNSUBSCRIBE,
  MOSQ_LOG_WARNING,
  MOSQ_LOG_WEBSOCKETS,
} from '../include/mosquitto.js';
import { MQTT_MAX_PAYLOAD } from '../include/mqtt_protocol.js';
import { mosq_p_mqtt31, mosq_p_mqtt311, mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import { memory__set_limit } from '../lib/memory_mosq.js';
import { misc__trimblanks, mosquitto__fopen } from '../lib/misc_mosq.js';
import { mosquitto_validate_utf8 } from '../lib/utf8_mosq.js';
import { mosquitto__hex2bin } from '../lib/util_mosq.js';
import { mosquitto_pub_topic_check } from '../lib/util_topic.js';
import { bridge__add_topic } from './bridge_topic.js';
import { config__get_dir_files } from './conf_includedir.js';
import { log__printf } from './logging.js';
import { listener__set_defaults } from './mosquitto.js';
import {
  bd_both,
  bd_in,
  bd_out,
  bst_automatic,
  bst_lazy,
  bst_once,
  CMD_PORT_LIMIT,
  db,
  mosq_k_engine,
  mosq_k_pem,
  mp_mqtt,
  mp_websockets,
  MQTT3_LOG_DLT,
  MQTT3_LOG_FILE,
  MQTT3_LOG_NONE,
  MQTT3_LOG_STDERR,
  MQTT3_LOG_STDOUT,
  MQTT3_LOG_SYSLOG,
  MQTT3_LOG_TOPIC,
  VERSION,
} from './mosquitto_broker_internal.js';
import type {
  mosquitto__auth_plugin,
  mosquitto__auth_plugin_config,
  mosquitto__bridge,
  mosquitto__config,
  mosquitto__listener,
  mosquitto__security_options,
} from './mosquitto_broker_internal.js';

const UINT16_MAX = 65535;
const UINT_MAX = 0xffffffff;

/* syslog(3) facilities: LOG_DAEMON and LOG_LOCAL0..LOG_LOCAL7. */
const LOG_DAEMON = 3 << 3;
const LOG_LOCAL0 = 16 << 3;

/* Socket domains of `socket_domain` (see mosquitto__listener.socket_domain). */
const AF_INET = 4;
const AF_INET6 = 6;

/** struct config_recurse: `log_dest`/`log_type` collected over the main file and its includes. */
interface config_recurse {
  log_dest: number;
  log_dest_set: number;
  log_type: number;
  log_type_set: number;
}

/**
 * The C strtok_r save pointer over one config line: the line and where the next search starts.
 * @tsonly C keeps this as a `char *` into the line buffer
 */
interface strtok_state {
  s: string;
  pos: number;
}

/** Keys of `T` whose values can hold a `V`: the TS stand-in for a `V *` into a struct. */
type field_of<T, V> = { [K in keyof T]-?: [V] extends [T[K]] ? K : never }[keyof T];

/** The security options the last security keyword went to; kept across files, as in C. */
let cur_security_options: mosquitto__security_options | null = null;

/**
 * Cuts the next token off a line: with delimiter " ", skips leading spaces and ends the token
 * at the next space; with "", returns the rest of the line. Null when nothing is left.
 * @tsonly libc's strtok_r, over a string instead of a writable buffer
 */
function strtok_r(saveptr: strtok_state, delim: string): string | null {
  const s = saveptr.s;
  let start = saveptr.pos;
  while (delim !== '' && start < s.length && delim.includes(s[start])) start++;
  if (start >= s.length) {
    saveptr.pos = s.length;
    return null;
  }
  let end = start;
  while (end < s.length && !delim.includes(s[end])) end++;
  saveptr.pos = end < s.length ? end + 1 : end;
  return s.slice(start, end);
}

/**
 * Turns the bytes of a config token back into the text they encode.
 * @tsonly lines are parsed as latin1 byte strings (see the module comment)
 */
function utf8(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/**
 * The C library's atoi: optional blanks and sign, then digits; 0 when there are none. Values
 * beyond the long range saturate and are then cut to 32 bits, as `(int)strtol()` does.
 * @tsonly libc's atoi
 */
function atoi(str: string): number {
  return Number(BigInt.asIntN(32, BigInt(atol(str))));
}

/**
 * The C library's atol on a 64-bit system: like atoi, saturating at the long range.
 * @tsonly libc's atol
 */
function atol(str: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(str);
  if (!m) return 0;
  let v = BigInt(m[1]);
  if (v > 0x7fffffffffffffffn) v = 0x7fffffffffffffffn;
  if (v < -0x8000000000000000n) v = -0x8000000000000000n;
  return Number(v);
}

/**
 * An empty set of security options, as C has after zero-filling the struct.
 * @tsonly C gets this from memset()
 */
export function conf__new_security_options(): mosquitto__security_options {
  return {
    unpwd: null,
    psk_id: null,
    acl_list: null,
    acl_patterns: null,
    password_file: null,
    psk_file: null,
    acl_file: null,
    auth_plugin_configs: [],
    allow_anonymous: 0,
    allow_zero_length_clientid: false,
    auto_id_prefix: null,
    auto_id_prefix_len: 0,
    plugin_callbacks: {
      tick: null,
      acl_check: null,
      basic_auth: null,
      control: null,
      disconnect: null,
      ext_auth_continue: null,
      ext_auth_start: null,
      message: null,
      psk_key: null,
      reload: null,
    },
    pid: null,
  };
}

/**
 * An all-zero listener (port 0, no host, no options); listener__set_defaults fills in the
 * real defaults.
 * @tsonly C gets this from memset()
 */
export function config__new_listener(): mosquitto__listener {
  return {
    port: 0,
    host: null,
    bind_interface: null,
    max_connections: 0,
    mount_point: null,
    socks: [],
    sock_count: 0,
    client_count: 0,
    protocol: mp_mqtt,
    socket_domain: 0,
    use_username_as_clientid: false,
    max_qos: 0,
    max_topic_alias: 0,
    cafile: null,
    capath: null,
    certfile: null,
    keyfile: null,
    tls_engine: null,
    tls_engine_kpass_sha1: null,
    ciphers: null,
    ciphers_tls13: null,
    psk_hint: null,
    crlfile: null,
    tls_version: null,
    dhparamfile: null,
    use_identity_as_username: false,
    use_subject_as_username: false,
    require_certificate: false,
    tls_keyform: mosq_k_pem,
    http_dir: null,
    security_options: conf__new_security_options(),
    unix_socket_path: null,
    ssl_ctx: null,
    ws_context: null,
  };
}

/**
 * An unloaded plugin record, as C has it inside a zero-filled plugin config.
 * @tsonly C gets this from memset()
 */
function conf__new_auth_plugin(): mosquitto__auth_plugin {
  return {
    lib: null, user_data: null, identifier: null,
    plugin_init_v5: null, plugin_cleanup_v5: null,
    plugin_init_v4: null, plugin_cleanup_v4: null, security_init_v4: null, security_cleanup_v4: null,
    acl_check_v4: null, unpwd_check_v4: null, psk_key_get_v4: null, auth_start_v4: null, auth_continue_v4: null,
    plugin_init_v3: null, plugin_cleanup_v3: null, security_init_v3: null, security_cleanup_v3: null,
    acl_check_v3: null, unpwd_check_v3: null, psk_key_get_v3: null,
    plugin_init_v2: null, plugin_cleanup_v2: null, security_init_v2: null, security_cleanup_v2: null,
    acl_check_v2: null, unpwd_check_v2: null, psk_key_get_v2: null,
    version: 0,
  };
}

/**
 * An all-zero bridge named `name`; the `connection` keyword then sets its defaults.
 * @tsonly C gets this from memset()
 */
function conf__new_bridge(name: string): mosquitto__bridge {
  return {
    name,
    addresses: [],
    cur_address: 0,
    address_count: 0,
    primary_retry: 0,
    primary_retry_sock: null,
    round_robin: false,
    try_private: false,
    try_private_accepted: false,
    clean_start: false,
    clean_start_local: 0,
    keepalive: 0,
    topics: [],
    topic_count: 0,
    topic_remapping: false,
    protocol_version: 0,
    restart_t: 0,
    remote_clientid: null,
    remote_username: null,
    remote_password: null,
    local_clientid: null,
    local_username: null,
    local_password: null,
    notification_topic: null,
    bind_address: null,
    notifications: false,
    notifications_local_only: false,
    start_type: bst_automatic,
    idle_timeout: 0,
    restart_timeout: 0,
    backoff_base: 0,
    backoff_cap: 0,
    threshold: 0,
    maximum_packet_size: 0,
    lazy_reconnect: false,
    attempt_unsubscribe: false,
    initial_notification_done: false,
    outgoing_retain: false,
    tls_insecure: false,
    tls_ocsp_required: false,
    tls_cafile: null,
    tls_capath: null,
    tls_certfile: null,
    tls_keyfile: null,
    tls_version: null,
    tls_alpn: null,
    tls_psk_identity: null,
    tls_psk: null,
  };
}

/**
 * An all-zero configuration with an all-zero default listener.
 * @tsonly C gets this from memset()
 */
function conf__new_config(): mosquitto__config {
  return {
    allow_duplicate_messages: false,
    autosave_interval: 0,
    autosave_on_changes: false,
    check_retain_source: false,
    clientid_prefixes: null,
    connection_messages: false,
    cmd_port: new Array<number>(CMD_PORT_LIMIT).fill(0),
    cmd_port_count: 0,
    daemon: false,
    default_listener: config__new_listener(),
    listeners: [],
    listener_count: 0,
    local_only: false,
    log_dest: 0,
    log_facility: 0,
    log_type: 0,
    log_timestamp: false,
    log_timestamp_format: null,
    log_file: null,
    log_fptr: null,
    max_inflight_bytes: 0,
    max_queued_bytes: 0,
    max_queued_messages: 0,
    max_packet_size: 0,
    message_size_limit: 0,
    max_inflight_messages: 0,
    max_keepalive: 0,
    max_qos: 0,
    persistence: false,
    persistence_location: null,
    persistence_file: null,
    persistence_filepath: null,
    persistent_client_expiration: 0,
    pid_file: null,
    queue_qos0_messages: false,
    per_listener_settings: false,
    retain_available: false,
    set_tcp_nodelay: false,
    sys_interval: 0,
    upgrade_outgoing_qos: false,
    user: null,
    websockets_log_level: 0,
    websockets_headers_size: 0,
    bridges: [],
    bridge_count: 0,
    security_options: conf__new_security_options(),
  };
}

/**
 * Picks where security keywords go: the current listener's options with
 * `per_listener_settings true`, the global options otherwise.
 * @adapted returns the options instead of writing them through a pointer
 */
function conf__set_cur_security_options(config: mosquitto__config, cur_listener: mosquitto__listener): mosquitto__security_options {
  if (config.per_listener_settings) {
    return cur_listener.security_options;
  } else {
    return config.security_options;
  }
}

/**
 * Checks that a host name resolves; logs `<msg>: Error resolving <text>: <reason>.` at level
 * `log` and returns MOSQ_ERR_INVAL when it does not.
 * @adapted Node has no synchronous getaddrinfo: an IP literal is taken as it is, a name is
 *   looked up through the system resolver with `getent ahosts` (start-up only)
 */
function conf__attempt_resolve(host: string, text: string, log: number, msg: string): number {
  if (isIP(host)) return MOSQ_ERR_SUCCESS;
  try {
    execFileSync('getent', ['ahosts', host], { stdio: 'ignore', timeout: 10000 });
  } catch (err) {
    const status = (err as { status?: number | null }).status;
    if (status === 2) {
      log__printf(null, log, `${msg}: Error resolving ${text}: Name or service not known.`);
      return MOSQ_ERR_INVAL;
    } else if (typeof status === 'number') {
      log__printf(null, log, `${msg}: Error resolving ${text}: Temporary failure in name resolution.`);
      return MOSQ_ERR_INVAL;
    }
    /* getent is missing: the name cannot be checked here, the listener or bridge will tell. */
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Resets the options a reload reads afresh to their defaults: security files and flags, log
 * settings, limits, persistence, and the global plugin list.
 * @adapted a log file still open is closed by fd
 */
function config__init_reload(config: mosquitto__config): void {
  for (let i = 0; i < config.listener_count; i++) {
    config.listeners[i].security_options.acl_file = null;
    config.listeners[i].security_options.password_file = null;
    config.listeners[i].security_options.psk_file = null;
    config.listeners[i].security_options.allow_anonymous = -1;
    config.listeners[i].security_options.allow_zero_length_clientid = true;
    config.listeners[i].security_options.auto_id_prefix = null;
    config.listeners[i].security_options.auto_id_prefix_len = 0;
  }

  config.local_only = true;
  config.allow_duplicate_messages = false;

  config.security_options.acl_file = null;
  config.security_options.allow_anonymous = -1;
  config.security_options.allow_zero_length_clientid = true;
  config.security_options.auto_id_prefix = null;
  config.security_options.auto_id_prefix_len = 0;
  config.security_options.password_file = null;
  config.security_options.psk_file = null;

  config.autosave_interval = 1800;
  config.autosave_on_changes = false;
  config.connection_messages = true;
  config.clientid_prefixes = null;
  config.per_listener_settings = false;
  if (config.log_fptr !== null) {
    closeSync(config.log_fptr);
    config.log_fptr = null;
  }
  config.log_file = null;

  config.log_facility = LOG_DAEMON;
  config.log_dest = MQTT3_LOG_STDERR | MQTT3_LOG_DLT;
  if (db.verbose) {
    config.log_type = UINT_MAX;
  } else {
    config.log_type = MOSQ_LOG_ERR | MOSQ_LOG_WARNING | MOSQ_LOG_NOTICE | MOSQ_LOG_INFO;
  }
  config.log_timestamp = true;
  config.log_timestamp_format = null;
  config.max_keepalive = 65535;
  config.max_packet_size = 0;
  config.max_inflight_messages = 20;
  config.max_queued_messages = 1000;
  config.max_inflight_bytes = 0;
  config.max_queued_bytes = 0;
  config.persistence = false;
  config.persistence_location = null;
  config.persistence_file = null;
  config.persistent_client_expiration = 0;
  config.queue_qos0_messages = false;
  config.retain_available = true;
  config.set_tcp_nodelay = false;
  config.sys_interval = 10;
  config.upgrade_outgoing_qos = false;

  config__cleanup_plugins(config);
}

/**
 * Forgets the global plugin configurations (paths and options).
 * @adapted the GC frees the strings; only the list is dropped
 */
function config__cleanup_plugins(config: mosquitto__config): void {
  if (config.security_options.auth_plugin_configs.length) {
    for (const plug of config.security_options.auth_plugin_configs) {
      plug.options = [];
      plug.option_count = 0;
    }
    config.security_options.auth_plugin_configs = [];
  }
}

/**
 * A configuration holding mosquitto's defaults, before the command line and config file.
 * @adapted returns a new struct instead of filling the caller's
 */
export function config__init(): mosquitto__config {
  const config = conf__new_config();
  config__init_reload(config);

  config.daemon = false;
  config.default_listener = config__new_listener();
  listener__set_defaults(config.default_listener);
  return config;
}

/**
 * Releases what the configuration holds: closes the log file and drops the strings, listeners,
 * bridges and plugin configurations.
 * @adapted the GC frees memory; this drops the references and closes the log file
 */
export function config__cleanup(config: mosquitto__config): void {
  config.clientid_prefixes = null;
  config.persistence_location = null;
  config.persistence_file = null;
  config.persistence_filepath = null;
  config.security_options.auto_id_prefix = null;
  config.security_options.acl_file = null;
  config.security_options.password_file = null;
  config.security_options.psk_file = null;
  config.pid_file = null;
  config.user = null;
  config.log_timestamp_format = null;
  config.listeners = [];
  config.bridges = [];
  config__cleanup_plugins(config);

  if (config.log_fptr !== null) {
    closeSync(config.log_fptr);
    config.log_fptr = null;
  }
  if (config.log_file) {
    config.log_file = null;
  }
}

/** Prints mosquitto's usage text on stdout. */
function print_usage(): void {
  process.stdout.write(
    `mosquitto version ${VERSION}\n\n`
    + 'mosquitto is an MQTT v5.0/v3.1.1/v3.1 broker.\n\n'
    + 'Usage: mosquitto [-c config_file] [-d] [-h] [-p port]\n\n'
    + ' -c : specify the broker config file.\n'
    + ' -d : put the broker into the background after starting.\n'
    + ' -h : display this help.\n'
    + ' -p : start the broker listening on the specified port.\n'
    + '      Not recommended in conjunction with the -c option.\n'
    + ' -v : verbose mode - enable all logging types. This overrides\n'
    + '      any logging options given in the config file.\n'
    + '\nSee https://mosquitto.org/ for more information.\n\n');
}

/**
 * Reads the command line (`-c`, `-d`, `-h`, `-p`, `-v` and their long forms), loading the
 * config file where `-c` appears; turns listener options given outside any `listener` block
 * into a listener; then runs the final checks. MOSQ_ERR_INVAL after `-h`, as in C.
 * @adapted `argv` is the C argv array (argv[0] is the program), argc is its length
 */
export function config__parse_args(config: mosquitto__config, argv: string[]): number {
  const argc = argv.length;
  let port_tmp: number;

  for (let i = 1; i < argc; i++) {
    if (argv[i] === '-c' || argv[i] === '--config-file') {
      if (i < argc - 1) {
        db.config_file = argv[i + 1];

        if (config__read(config, false)) {
          return MOSQ_ERR_INVAL;
        }
      } else {
        log__printf(null, MOSQ_LOG_ERR, 'Error: -c argument given, but no config file specified.');
        return MOSQ_ERR_INVAL;
      }
      i++;
    } else if (argv[i] === '-d' || argv[i] === '--daemon') {
      config.daemon = true;
    } else if (argv[i] === '-h' || argv[i] === '--help') {
      print_usage();
      return MOSQ_ERR_INVAL;
    } else if (argv[i] === '-p' || argv[i] === '--port') {
      if (i < argc - 1) {
        port_tmp = atoi(argv[i + 1]);
        if (port_tmp < 1 || port_tmp > UINT16_MAX) {
          log__printf(null, MOSQ_LOG_ERR, `Error: Invalid port specified (${port_tmp}).`);
          return MOSQ_ERR_INVAL;
        } else {
          if (config.cmd_port_count === CMD_PORT_LIMIT) {
            log__printf(null, MOSQ_LOG_ERR, `Error: Only ${CMD_PORT_LIMIT} ports can be specified on the command line.`);
            return MOSQ_ERR_INVAL;
          }
          config.cmd_port[config.cmd_port_count] = port_tmp;
          config.cmd_port_count++;
        }
      } else {
        log__printf(null, MOSQ_LOG_ERR, 'Error: -p argument given, but no port specified.');
        return MOSQ_ERR_INVAL;
      }
      i++;
    } else if (argv[i] === '-v' || argv[i] === '--verbose') {
      db.verbose = true;
    } else {
      process.stderr.write(`Error: Unknown option '${argv[i]}'.\n`);
      print_usage();
      return MOSQ_ERR_INVAL;
    }
  }

  const def = config.default_listener;
  if (def.bind_interface
      || def.cafile
      || def.capath
      || def.certfile
      || def.keyfile
      || def.tls_engine
      || def.tls_keyform !== mosq_k_pem
      || def.tls_engine_kpass_sha1
      || def.ciphers
      || def.ciphers_tls13
      || def.dhparamfile
      || def.psk_hint
      || def.require_certificate
      || def.crlfile
      || def.use_identity_as_username
      || def.use_subject_as_username
      || def.use_username_as_clientid
      || def.host
      || def.port
      || def.max_connections !== -1
      || def.max_qos !== 2
      || def.mount_point
      || def.protocol !== mp_mqtt
      || def.socket_domain
      || def.security_options.password_file
      || def.security_options.psk_file
      || def.security_options.auth_plugin_configs.length
      || def.security_options.allow_zero_length_clientid !== true
  ) {
    const listener = config__new_listener();
    config.listener_count++;
    config.listeners.push(listener);
    if (def.port) {
      listener.port = def.port;
    } else {
      listener.port = 1883;
    }
    if (def.host) {
      listener.host = def.host;
    } else {
      listener.host = null;
    }
    if (def.mount_point) {
      listener.mount_point = def.mount_point;
    } else {
      listener.mount_point = null;
    }
    listener.bind_interface = def.bind_interface;
    listener.max_connections = def.max_connections;
    listener.protocol = def.protocol;
    listener.socket_domain = def.socket_domain;
    listener.client_count = 0;
    listener.socks = [];
    listener.sock_count = 0;
    listener.use_username_as_clientid = def.use_username_as_clientid;
    listener.max_qos = def.max_qos;
    listener.max_topic_alias = def.max_topic_alias;
    listener.tls_version = def.tls_version;
    listener.tls_engine = def.tls_engine;
    listener.tls_keyform = def.tls_keyform;
    listener.tls_engine_kpass_sha1 = def.tls_engine_kpass_sha1;
    listener.cafile = def.cafile;
    listener.capath = def.capath;
    listener.certfile = def.certfile;
    listener.keyfile = def.keyfile;
    listener.ciphers = def.ciphers;
    listener.ciphers_tls13 = def.ciphers_tls13;
    listener.dhparamfile = def.dhparamfile;
    listener.psk_hint = def.psk_hint;
    listener.require_certificate = def.require_certificate;
    listener.crlfile = def.crlfile;
    listener.use_identity_as_username = def.use_identity_as_username;
    listener.use_subject_as_username = def.use_subject_as_username;
    listener.security_options.acl_file = def.security_options.acl_file;
    listener.security_options.password_file = def.security_options.password_file;
    listener.security_options.psk_file = def.security_options.psk_file;
    listener.security_options.auth_plugin_configs = def.security_options.auth_plugin_configs;
    listener.security_options.allow_anonymous = def.security_options.allow_anonymous;
    listener.security_options.allow_zero_length_clientid = def.security_options.allow_zero_length_clientid;
  }

  /* Without a `user` option the broker drops to "mosquitto" when started as root. */
  if (!config.user) {
    config.user = 'mosquitto';
  }
  if (db.verbose) {
    config.log_type = UINT_MAX;
  }
  return config__check(config);
}

/**
 * Carries the reloadable options of a freshly read configuration over to the live one.
 * @adapted no frees: the GC drops the replaced strings
 */
function config__copy(src: mosquitto__config, dest: mosquitto__config): void {
  dest.security_options.acl_file = src.security_options.acl_file;

  dest.security_options.allow_anonymous = src.security_options.allow_anonymous;
  dest.security_options.allow_zero_length_clientid = src.security_options.allow_zero_length_clientid;

  dest.security_options.auto_id_prefix = src.security_options.auto_id_prefix;
  dest.security_options.auto_id_prefix_len = src.security_options.auto_id_prefix_len;

  dest.security_options.password_file = src.security_options.password_file;
  dest.security_options.psk_file = src.security_options.psk_file;

  dest.allow_duplicate_messages = src.allow_duplicate_messages;

  dest.autosave_interval = src.autosave_interval;
  dest.autosave_on_changes = src.autosave_on_changes;

  dest.clientid_prefixes = src.clientid_prefixes;

  dest.connection_messages = src.connection_messages;
  dest.log_dest = src.log_dest;
  dest.log_facility = src.log_facility;
  dest.log_type = src.log_type;
  dest.log_timestamp = src.log_timestamp;
  dest.log_timestamp_format = src.log_timestamp_format;
  dest.log_file = src.log_file;

  dest.message_size_limit = src.message_size_limit;

  dest.persistence = src.persistence;
  dest.persistence_location = src.persistence_location;
  dest.persistence_file = src.persistence_file;
  dest.persistence_filepath = src.persistence_filepath;
  dest.persistent_client_expiration = src.persistent_client_expiration;

  dest.queue_qos0_messages = src.queue_qos0_messages;
  dest.sys_interval = src.sys_interval;
  dest.upgrade_outgoing_qos = src.upgrade_outgoing_qos;

  dest.websockets_log_level = src.websockets_log_level;
}

/**
 * Reads `db.config_file` (on start-up, or again on SIGHUP with `reload`), then settles what
 * depends on the whole file: anonymous access, the persistence file path, the default user,
 * bridge completeness, and the collected `log_dest`/`log_type`.
 */
export function config__read(config: mosquitto__config, reload: boolean): number {
  let rc: number;
  const lineno = { value: 0 };
  let config_reload: mosquitto__config | null = null;

  if (reload) {
    config_reload = conf__new_config();
  }

  const cr: config_recurse = {
    log_dest: MQTT3_LOG_NONE,
    log_dest_set: 0,
    log_type: MOSQ_LOG_NONE,
    log_type_set: 0,
  };

  if (!db.config_file) return 0;

  if (config_reload) {
    /* Reloadable options start again from their defaults. */
    config__init_reload(config_reload);
    config_reload.listeners = config.listeners;
    config_reload.listener_count = config.listener_count;
    cur_security_options = null;
    rc = config__read_file(config_reload, reload, db.config_file, cr, 0, lineno);
  } else {
    rc = config__read_file(config, reload, db.config_file, cr, 0, lineno);
  }
  if (rc) {
    if (lineno.value > 0) {
      log__printf(null, MOSQ_LOG_ERR, `Error found at ${db.config_file}:${lineno.value}.`);
    }
    return rc;
  }

  if (config_reload) {
    config__copy(config_reload, config);
  }

  /* With no listener configured only local clients can connect, and they may be anonymous. */
  if (config.local_only === true) {
    config.security_options.allow_anonymous = 1;
  } else {
    if (config.per_listener_settings) {
      for (let i = 0; i < config.listener_count; i++) {
        if (config.listeners[i].security_options.allow_anonymous === -1) {
          config.listeners[i].security_options.allow_anonymous = 0;
        }
      }
    } else {
      if (config.security_options.allow_anonymous === -1) {
        config.security_options.allow_anonymous = 0;
      }
    }
  }
  if (config.persistence) {
    if (!config.persistence_file) {
      config.persistence_file = 'mosquitto.db';
    }
    if (config.persistence_location && config.persistence_location.length) {
      config.persistence_filepath = `${config.persistence_location}/${config.persistence_file}`;
    } else {
      config.persistence_filepath = config.persistence_file;
    }
  }
  /* config__parse_args does this too, but this function can also run on its own (reload). */
  if (!config.user) {
    config.user = 'mosquitto';
  }

  for (let i = 0; i < config.bridge_count; i++) {
    if (!config.bridges[i].name) {
      log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid bridge configuration: bridge name not defined.');
      return MOSQ_ERR_INVAL;
    }
    if (config.bridges[i].address_count === 0) {
      log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid bridge configuration: no remote addresses defined.');
      return MOSQ_ERR_INVAL;
    }
    if (config.bridges[i].topic_count === 0) {
      log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid bridge configuration: no topics defined.');
      return MOSQ_ERR_INVAL;
    }
    if (config.bridges[i].tls_psk && !config.bridges[i].tls_psk_identity) {
      log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid bridge configuration: missing bridge_identity.');
      return MOSQ_ERR_INVAL;
    }
    if (config.bridges[i].tls_psk_identity && !config.bridges[i].tls_psk) {
      log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid bridge configuration: missing bridge_psk.');
      return MOSQ_ERR_INVAL;
    }
  }

  if (cr.log_dest_set) {
    config.log_dest = cr.log_dest;
  }
  if (db.verbose) {
    config.log_type = UINT_MAX;
  } else if (cr.log_type_set) {
    config.log_type = cr.log_type;
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Logs the error of a bridge keyword met outside a `connection` block.
 * @tsonly the C repeats these two lines in every bridge keyword
 */
function conf__bridge_invalid(): number {
  log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid bridge configuration.');
  return MOSQ_ERR_INVAL;
}

/**
 * Applies the lines of one config file: each keyword with its checks, in mosquitto's order of
 * tests. Stops at the first bad line with its error logged and `lineno` on that line.
 * @adapted gets the file's lines (read whole by config__read_file) instead of a FILE* and a
 *   growing line buffer; `lineno` is a holder for the C out-parameter
 */
function config__read_file_core(config: mosquitto__config, reload: boolean, cr: config_recurse, level: number,
    lineno: { value: number }, lines: string[]): number {
  let rc: number;
  let token: string | null;
  const tmp = { int: 0, bool: false, lim: 0, str: null as string | null };
  let cur_bridge: mosquitto__bridge | null = null;
  let cur_auth_plugin_config: mosquitto__auth_plugin_config | null = null;
  let expiration_mult: number;
  let key: string;
  let cur_listener: mosquitto__listener = config.default_listener;
  const lineno_ext = { value: 0 };
  let prefix_len: number;

  lineno.value = 0;

  for (let buf of lines) {
    lineno.value++;
    if (buf.length && buf[0] !== '#' && buf[0] !== '\n' && buf[0] !== '\r') {
      while (buf.endsWith('\n') || buf.endsWith('\r')) {
        buf = buf.slice(0, -1);
      }
      const saveptr: strtok_state = { s: buf, pos: 0 };
      token = strtok_r(saveptr, ' ');
      if (token) {
        if (token === 'acl_file') {
          cur_security_options = conf__set_cur_security_options(config, cur_listener);
          if (reload) {
            cur_security_options.acl_file = null;
          }
          if (conf__parse_string('acl_file', cur_security_options, 'acl_file', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'address' || token === 'addresses') {
          if (reload) continue;
          if (!cur_bridge || cur_bridge.address_count) {
            return conf__bridge_invalid();
          }
          while ((token = strtok_r(saveptr, ' '))) {
            if (token[0] === '#') {
              break;
            }
            cur_bridge.address_count++;
            cur_bridge.addresses.push({ address: token, port: 0 });
          }
          for (const addr of cur_bridge.addresses) {
            /* "host[:port]"; an IPv6 address needs the port, so the last ':' counts. */
            const colon = addr.address.lastIndexOf(':');
            if (colon >= 0) {
              tmp.int = atoi(addr.address.slice(colon + 1));
              addr.address = addr.address.slice(0, colon);
              if (tmp.int < 1 || tmp.int > UINT16_MAX) {
                log__printf(null, MOSQ_LOG_ERR, `Error: Invalid port value (${tmp.int}).`);
                return MOSQ_ERR_INVAL;
              }
              addr.port = tmp.int;
            } else {
              addr.port = 1883;
            }
            addr.address = utf8(addr.address);
            conf__attempt_resolve(addr.address, 'bridge address', MOSQ_LOG_WARNING, 'Warning');
          }
          if (cur_bridge.address_count === 0) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty address value in configuration.');
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'allow_anonymous') {
          cur_security_options = conf__set_cur_security_options(config, cur_listener);
          if (conf__parse_bool('allow_anonymous', tmp, 'bool', saveptr)) return MOSQ_ERR_INVAL;
          cur_security_options.allow_anonymous = tmp.bool ? 1 : 0;
        } else if (token === 'allow_duplicate_messages') {
          log__printf(null, MOSQ_LOG_NOTICE, "The 'allow_duplicate_messages' option is now deprecated and will be removed in a future version. The behaviour will default to true.");
          if (conf__parse_bool('allow_duplicate_messages', config, 'allow_duplicate_messages', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'allow_zero_length_clientid') {
          cur_security_options = conf__set_cur_security_options(config, cur_listener);
          if (conf__parse_bool('allow_zero_length_clientid', cur_security_options, 'allow_zero_length_clientid', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token.startsWith('auth_opt_') || token.startsWith('plugin_opt_')) {
          if (reload) continue; /* plugins are not reloaded */
          if (!cur_auth_plugin_config) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: An auth_opt_ option exists in the config file without an auth_plugin.');
            return MOSQ_ERR_INVAL;
          }
          if (token.startsWith('auth_opt_')) {
            prefix_len = 'auth_opt_'.length;
          } else {
            prefix_len = 'plugin_opt_'.length;
          }
          if (token.length < prefix_len + 3) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid auth_opt_ config option.');
            return MOSQ_ERR_INVAL;
          }
          key = token.slice(prefix_len);
          if (key.length === 0) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid auth_opt_ config option.');
            return MOSQ_ERR_INVAL;
          }
          /* The value is the rest of the line after the key, blanks skipped. */
          let value = saveptr.s.slice(saveptr.pos);
          while (value[0] === ' ' || value[0] === '\t') {
            value = value.slice(1);
          }
          if (value.length) {
            cur_auth_plugin_config.option_count++;
            cur_auth_plugin_config.options.push({ key: utf8(key), value: utf8(value) });
          } else {
            log__printf(null, MOSQ_LOG_ERR, `Error: Empty ${utf8(key)} value in configuration.`);
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'auth_plugin' || token === 'plugin') {
          if (reload) continue; /* plugins are not reloaded */
          cur_security_options = conf__set_cur_security_options(config, cur_listener);
          cur_auth_plugin_config = {
            path: '',
            options: [],
            option_count: 0,
            deny_special_chars: true,
            plugin: conf__new_auth_plugin(),
          };
          cur_security_options.auth_plugin_configs.push(cur_auth_plugin_config);
          if (conf__parse_string('auth_plugin', cur_auth_plugin_config, 'path', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'auth_plugin_deny_special_chars') {
          if (reload) continue; /* plugins are not reloaded */
          if (!cur_auth_plugin_config) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: An auth_plugin_deny_special_chars option exists in the config file without an auth_plugin.');
            return MOSQ_ERR_INVAL;
          }
          if (conf__parse_bool('auth_plugin_deny_special_chars', cur_auth_plugin_config, 'deny_special_chars', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'auto_id_prefix') {
          cur_security_options = conf__set_cur_security_options(config, cur_listener);
          if (conf__parse_string('auto_id_prefix', cur_security_options, 'auto_id_prefix', saveptr)) return MOSQ_ERR_INVAL;
          if (cur_security_options.auto_id_prefix) {
            cur_security_options.auto_id_prefix_len = Buffer.byteLength(cur_security_options.auto_id_prefix);
          } else {
            cur_security_options.auto_id_prefix_len = 0;
          }
        } else if (token === 'autosave_interval') {
          if (conf__parse_int('autosave_interval', config, 'autosave_interval', saveptr)) return MOSQ_ERR_INVAL;
          if (config.autosave_interval < 0) config.autosave_interval = 0;
        } else if (token === 'autosave_on_changes') {
          if (conf__parse_bool('autosave_on_changes', config, 'autosave_on_changes', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bind_address') {
          log__printf(null, MOSQ_LOG_NOTICE, "The 'bind_address' option is now deprecated and will be removed in a future version. The behaviour will default to true.");
          config.local_only = false;
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('default listener bind_address', config.default_listener, 'host', saveptr)) return MOSQ_ERR_INVAL;
          if (conf__attempt_resolve(config.default_listener.host ?? '', 'bind_address', MOSQ_LOG_ERR, 'Error')) {
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'bind_interface') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('bind_interface', cur_listener, 'bind_interface', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_attempt_unsubscribe') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_bool('bridge_attempt_unsubscribe', cur_bridge, 'attempt_unsubscribe', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_cafile') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (cur_bridge.tls_psk_identity || cur_bridge.tls_psk) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Cannot use both certificate and psk encryption in a single bridge.');
            return MOSQ_ERR_INVAL;
          }
          if (conf__parse_string('bridge_cafile', cur_bridge, 'tls_cafile', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_alpn') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_string('bridge_alpn', cur_bridge, 'tls_alpn', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_bind_address') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_string('bridge_bind_address', cur_bridge, 'bind_address', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_capath') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (cur_bridge.tls_psk_identity || cur_bridge.tls_psk) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Cannot use both certificate and psk encryption in a single bridge.');
            return MOSQ_ERR_INVAL;
          }
          if (conf__parse_string('bridge_capath', cur_bridge, 'tls_capath', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_certfile') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (cur_bridge.tls_psk_identity || cur_bridge.tls_psk) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Cannot use both certificate and psk encryption in a single bridge.');
            return MOSQ_ERR_INVAL;
          }
          if (conf__parse_string('bridge_certfile', cur_bridge, 'tls_certfile', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_identity') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (cur_bridge.tls_cafile || cur_bridge.tls_capath || cur_bridge.tls_certfile || cur_bridge.tls_keyfile) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Cannot use both certificate and identity encryption in a single bridge.');
            return MOSQ_ERR_INVAL;
          }
          if (conf__parse_string('bridge_identity', cur_bridge, 'tls_psk_identity', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_insecure') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_bool('bridge_insecure', cur_bridge, 'tls_insecure', saveptr)) return MOSQ_ERR_INVAL;
          if (cur_bridge.tls_insecure) {
            log__printf(null, MOSQ_LOG_WARNING, `Warning: Bridge ${cur_bridge.name} using insecure mode.`);
          }
        } else if (token === 'bridge_require_ocsp') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_bool('bridge_require_ocsp', cur_bridge, 'tls_ocsp_required', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_max_packet_size') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_int('bridge_max_packet_size', tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int < 0) tmp.int = 0;
          cur_bridge.maximum_packet_size = tmp.int;
        } else if (token === 'bridge_outgoing_retain') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_bool('bridge_outgoing_retain', cur_bridge, 'outgoing_retain', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_keyfile') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (cur_bridge.tls_psk_identity || cur_bridge.tls_psk) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Cannot use both certificate and psk encryption in a single bridge.');
            return MOSQ_ERR_INVAL;
          }
          if (conf__parse_string('bridge_keyfile', cur_bridge, 'tls_keyfile', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_protocol_version') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          token = strtok_r(saveptr, '');
          if (token) {
            if (token === 'mqttv31') {
              cur_bridge.protocol_version = mosq_p_mqtt31;
            } else if (token === 'mqttv311') {
              cur_bridge.protocol_version = mosq_p_mqtt311;
            } else if (token === 'mqttv50') {
              cur_bridge.protocol_version = mosq_p_mqtt5;
            } else {
              log__printf(null, MOSQ_LOG_ERR, `Error: Invalid bridge_protocol_version value (${utf8(token)}).`);
              return MOSQ_ERR_INVAL;
            }
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty bridge_protocol_version value in configuration.');
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'bridge_psk') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (cur_bridge.tls_cafile || cur_bridge.tls_capath || cur_bridge.tls_certfile || cur_bridge.tls_keyfile) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Cannot use both certificate and psk encryption in a single bridge.');
            return MOSQ_ERR_INVAL;
          }
          if (conf__parse_string('bridge_psk', cur_bridge, 'tls_psk', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'bridge_tls_version') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_string('bridge_tls_version', cur_bridge, 'tls_version', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'cafile') {
          if (reload) continue; /* listeners are not reloaded */
          if (cur_listener.psk_hint) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Cannot use both certificate and psk encryption in a single listener.');
            return MOSQ_ERR_INVAL;
          }
          if (conf__parse_string('cafile', cur_listener, 'cafile', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'capath') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('capath', cur_listener, 'capath', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'certfile') {
          if (reload) continue; /* listeners are not reloaded */
          if (cur_listener.psk_hint) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Cannot use both certificate and psk encryption in a single listener.');
            return MOSQ_ERR_INVAL;
          }
          if (conf__parse_string('certfile', cur_listener, 'certfile', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'check_retain_source') {
          cur_security_options = conf__set_cur_security_options(config, cur_listener);
          if (conf__parse_bool('check_retain_source', config, 'check_retain_source', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'ciphers') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('ciphers', cur_listener, 'ciphers', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'ciphers_tls1.3') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('ciphers_tls1.3', cur_listener, 'ciphers_tls13', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'clientid' || token === 'remote_clientid') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_string('bridge remote clientid', cur_bridge, 'remote_clientid', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'cleansession') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_bool('cleansession', cur_bridge, 'clean_start', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'local_cleansession') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_bool('local_cleansession', tmp, 'bool', saveptr)) return MOSQ_ERR_INVAL;
          cur_bridge.clean_start_local = tmp.bool ? 1 : 0;
        } else if (token === 'clientid_prefixes') {
          log__printf(null, MOSQ_LOG_NOTICE, "The 'clientid_prefixes' option is now deprecated and will be removed in a future version.");
          if (reload) {
            config.clientid_prefixes = null;
          }
          if (conf__parse_string('clientid_prefixes', config, 'clientid_prefixes', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'connection') {
          if (reload) continue;
          token = strtok_r(saveptr, ' ');
          if (token) {
            const name = utf8(token);
            for (let i = 0; i < config.bridge_count; i++) {
              if (config.bridges[i].name === name) {
                log__printf(null, MOSQ_LOG_ERR, `Error: Duplicate bridge name "${name}".`);
                return MOSQ_ERR_INVAL;
              }
            }

            config.bridge_count++;
            cur_bridge = conf__new_bridge(name);
            config.bridges.push(cur_bridge);
            cur_bridge.keepalive = 60;
            cur_bridge.notifications = true;
            cur_bridge.notifications_local_only = false;
            cur_bridge.start_type = bst_automatic;
            cur_bridge.idle_timeout = 60;
            cur_bridge.restart_timeout = 0;
            cur_bridge.backoff_base = 5;
            cur_bridge.backoff_cap = 30;
            cur_bridge.threshold = 10;
            cur_bridge.try_private = true;
            cur_bridge.attempt_unsubscribe = true;
            cur_bridge.protocol_version = mosq_p_mqtt311;
            cur_bridge.outgoing_retain = true;
            cur_bridge.clean_start_local = -1;
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty connection value in configuration.');
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'connection_messages') {
          if (conf__parse_bool(token, config, 'connection_messages', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'crlfile') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('crlfile', cur_listener, 'crlfile', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'dhparamfile') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('dhparamfile', cur_listener, 'dhparamfile', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'http_dir') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('http_dir', cur_listener, 'http_dir', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'idle_timeout') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_int('idle_timeout', cur_bridge, 'idle_timeout', saveptr)) return MOSQ_ERR_INVAL;
          if (cur_bridge.idle_timeout < 1) {
            log__printf(null, MOSQ_LOG_NOTICE, 'idle_timeout interval too low, using 1 second.');
            cur_bridge.idle_timeout = 1;
          }
        } else if (token === 'include_dir') {
          if (level === 0) {
            /* include_dir is only honoured in the main config file. */
            token = strtok_r(saveptr, '');
            if (!token) {
              log__printf(null, MOSQ_LOG_ERR, 'Error: Empty include_dir value in configuration.');
              return 1;
            }

            const dir = config__get_dir_files(utf8(token));
            rc = dir.rc;
            if (rc) return rc;

            for (const file of dir.files) {
              log__printf(null, MOSQ_LOG_INFO, `Loading config file ${file}`);

              rc = config__read_file(config, reload, file, cr, level + 1, lineno_ext);
              if (rc) {
                if (lineno_ext.value > 0) {
                  log__printf(null, MOSQ_LOG_ERR, `Error found at ${file}:${lineno_ext.value}.`);
                }
                break;
              }
            }
            if (rc) return rc;
          }
        } else if (token === 'keepalive_interval') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_int('keepalive_interval', tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int > UINT16_MAX) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Bridge keepalive value too high.');
            return MOSQ_ERR_INVAL;
          }
          if (tmp.int < 5) {
            log__printf(null, MOSQ_LOG_NOTICE, 'keepalive interval too low, using 5 seconds.');
            tmp.int = 5;
          }
          cur_bridge.keepalive = tmp.int;
        } else if (token === 'keyfile') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('keyfile', cur_listener, 'keyfile', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'listener') {
          config.local_only = false;
          token = strtok_r(saveptr, ' ');
          if (token) {
            tmp.int = atoi(token);
            if (tmp.int < 0 || tmp.int > UINT16_MAX) {
              log__printf(null, MOSQ_LOG_ERR, `Error: Invalid port value (${tmp.int}).`);
              return MOSQ_ERR_INVAL;
            }

            /* An optional bind address, or the socket path of a port 0 listener. */
            token = strtok_r(saveptr, ' ');
            if (token !== null && token[0] === '#') {
              token = null;
            }

            if (tmp.int === 0 && token === null) {
              log__printf(null, MOSQ_LOG_ERR, 'Error: A listener with port 0 must provide a Unix socket path.');
              return MOSQ_ERR_INVAL;
            }

            if (reload) {
              /* A reload may only change listeners that exist already: match them by port and
               * bind address, or by socket path. */
              let found: mosquitto__listener | null = null;
              if (tmp.int === 0) {
                for (let i = 0; i < config.listener_count; i++) {
                  if (config.listeners[i].unix_socket_path !== null
                      && config.listeners[i].unix_socket_path === utf8(token ?? '')) {
                    found = config.listeners[i];
                    break;
                  }
                }
              } else {
                for (let i = 0; i < config.listener_count; i++) {
                  if (config.listeners[i].port === tmp.int) {
                    if (config.listeners[i].host) {
                      if (token && config.listeners[i].host === utf8(token)) {
                        found = config.listeners[i];
                        break;
                      }
                    } else {
                      if (token === null) {
                        found = config.listeners[i];
                        break;
                      }
                    }
                  }
                }
              }
              if (!found) {
                log__printf(null, MOSQ_LOG_ERR, 'Error: It is not currently possible to add/remove listeners when reloading the config file.');
                return MOSQ_ERR_INVAL;
              }
              cur_listener = found;
            } else {
              config.listener_count++;
              cur_listener = config__new_listener();
              config.listeners.push(cur_listener);
            }

            listener__set_defaults(cur_listener);
            cur_listener.port = tmp.int;

            cur_listener.host = null;
            cur_listener.unix_socket_path = null;

            if (token) {
              if (cur_listener.port === 0) {
                cur_listener.unix_socket_path = utf8(token);
              } else {
                cur_listener.host = utf8(token);
              }
            }
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty listener value in configuration.');
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'local_clientid') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_string('bridge local clientd', cur_bridge, 'local_clientid', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'local_password') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_string('bridge local_password', cur_bridge, 'local_password', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'local_username') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_string('bridge local_username', cur_bridge, 'local_username', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'log_dest') {
          token = strtok_r(saveptr, ' ');
          if (token) {
            cr.log_dest_set = 1;
            if (token === 'none') {
              cr.log_dest = MQTT3_LOG_NONE;
            } else if (token === 'syslog') {
              cr.log_dest |= MQTT3_LOG_SYSLOG;
            } else if (token === 'stdout') {
              cr.log_dest |= MQTT3_LOG_STDOUT;
            } else if (token === 'stderr') {
              cr.log_dest |= MQTT3_LOG_STDERR;
            } else if (token === 'topic') {
              cr.log_dest |= MQTT3_LOG_TOPIC;
            } else if (token === 'dlt') {
              cr.log_dest |= MQTT3_LOG_DLT;
            } else if (token === 'file') {
              cr.log_dest |= MQTT3_LOG_FILE;
              if (config.log_fptr !== null || config.log_file) {
                log__printf(null, MOSQ_LOG_ERR, 'Error: Duplicate "log_dest file" value.');
                return MOSQ_ERR_INVAL;
              }
              /* The path is the rest of the line, leading blanks skipped. */
              let path = saveptr.s.slice(saveptr.pos);
              while (path[0] === ' ' || path[0] === '\t') {
                path = path.slice(1);
              }
              if (path.length) {
                config.log_file = utf8(path);
              } else {
                log__printf(null, MOSQ_LOG_ERR, 'Error: Empty "log_dest file" value in configuration.');
                return MOSQ_ERR_INVAL;
              }
            } else {
              log__printf(null, MOSQ_LOG_ERR, `Error: Invalid log_dest value (${utf8(token)}).`);
              return MOSQ_ERR_INVAL;
            }
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty log_dest value in configuration.');
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'log_facility') {
          if (conf__parse_int('log_facility', tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int >= 0 && tmp.int <= 7) {
            config.log_facility = LOG_LOCAL0 + (tmp.int << 3);
          } else {
            log__printf(null, MOSQ_LOG_ERR, `Error: Invalid log_facility value (${tmp.int}).`);
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'log_timestamp') {
          if (conf__parse_bool(token, config, 'log_timestamp', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'log_timestamp_format') {
          if (conf__parse_string(token, config, 'log_timestamp_format', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'log_type') {
          token = strtok_r(saveptr, ' ');
          if (token) {
            cr.log_type_set = 1;
            if (token === 'none') {
              cr.log_type = MOSQ_LOG_NONE;
            } else if (token === 'information') {
              cr.log_type |= MOSQ_LOG_INFO;
            } else if (token === 'notice') {
              cr.log_type |= MOSQ_LOG_NOTICE;
            } else if (token === 'warning') {
              cr.log_type |= MOSQ_LOG_WARNING;
            } else if (token === 'error') {
              cr.log_type |= MOSQ_LOG_ERR;
            } else if (token === 'debug') {
              cr.log_type |= MOSQ_LOG_DEBUG;
            } else if (token === 'subscribe') {
              cr.log_type |= MOSQ_LOG_SUBSCRIBE;
            } else if (token === 'unsubscribe') {
              cr.log_type |= MOSQ_LOG_UNSUBSCRIBE;
            } else if (token === 'internal') {
              cr.log_type |= MOSQ_LOG_INTERNAL;
            } else if (token === 'websockets') {
              cr.log_type |= MOSQ_LOG_WEBSOCKETS;
            } else if (token === 'all') {
              cr.log_type = MOSQ_LOG_ALL;
            } else {
              log__printf(null, MOSQ_LOG_ERR, `Error: Invalid log_type value (${utf8(token)}).`);
              return MOSQ_ERR_INVAL;
            }
            cr.log_type >>>= 0;
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty log_type value in configuration.');
          }
        } else if (token === 'max_connections') {
          if (reload) continue; /* listeners are not reloaded */
          token = strtok_r(saveptr, ' ');
          if (token) {
            cur_listener.max_connections = atoi(token);
            if (cur_listener.max_connections < 0) cur_listener.max_connections = -1;
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty max_connections value in configuration.');
          }
        } else if (token === 'maximum_qos' || token === 'max_qos') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_int(token, tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int < 0 || tmp.int > 2) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: max_qos must be between 0 and 2 inclusive.');
            return MOSQ_ERR_INVAL;
          }
          cur_listener.max_qos = tmp.int;
        } else if (token === 'max_inflight_bytes') {
          if (conf__parse_int('max_inflight_bytes', tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int < 0) tmp.int = 0;
          config.max_inflight_bytes = tmp.int;
        } else if (token === 'max_inflight_messages') {
          if (conf__parse_int('max_inflight_messages', tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int < 0 || tmp.int === UINT16_MAX) {
            tmp.int = 0;
          } else if (tmp.int > UINT16_MAX) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: max_inflight_messages must be <= 65535.');
            return MOSQ_ERR_INVAL;
          }
          config.max_inflight_messages = tmp.int;
        } else if (token === 'max_keepalive') {
          if (conf__parse_int('max_keepalive', tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int < 10 || tmp.int > UINT16_MAX) {
            log__printf(null, MOSQ_LOG_ERR, `Error: Invalid max_keepalive value (${tmp.int}).`);
            return MOSQ_ERR_INVAL;
          }
          config.max_keepalive = tmp.int;
        } else if (token === 'max_packet_size') {
          if (conf__parse_int('max_packet_size', tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int < 20) {
            log__printf(null, MOSQ_LOG_ERR, `Error: Invalid max_packet_size value (${tmp.int}).`);
            return MOSQ_ERR_INVAL;
          }
          config.max_packet_size = tmp.int;
        } else if (token === 'max_queued_bytes') {
          if (conf__parse_int('max_queued_bytes', tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int < 0) tmp.int = 0;
          config.max_queued_bytes = tmp.int;
        } else if (token === 'max_queued_messages') {
          if (conf__parse_int('max_queued_messages', tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int < 0) tmp.int = 0;
          config.max_queued_messages = tmp.int;
        } else if (token === 'memory_limit') {
          if (conf__parse_ssize_t('memory_limit', tmp, 'lim', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.lim < 0) {
            log__printf(null, MOSQ_LOG_ERR, `Error: Invalid memory_limit value (${tmp.lim}).`);
            return MOSQ_ERR_INVAL;
          }
          memory__set_limit(tmp.lim);
        } else if (token === 'message_size_limit') {
          log__printf(null, MOSQ_LOG_NOTICE, 'Note: It is recommended to replace `message_size_limit` with `max_packet_size`.');
          if (conf__parse_int('message_size_limit', config, 'message_size_limit', saveptr)) return MOSQ_ERR_INVAL;
          /* The C field is unsigned: a negative value wraps round. */
          config.message_size_limit >>>= 0;
          if (config.message_size_limit > MQTT_MAX_PAYLOAD) {
            log__printf(null, MOSQ_LOG_ERR, `Error: Invalid message_size_limit value (${config.message_size_limit}).`);
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'mount_point') {
          if (reload) continue; /* listeners are not reloaded */
          if (config.listener_count === 0) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: You must use create a listener before using the mount_point option in the configuration file.');
            return MOSQ_ERR_INVAL;
          }
          if (conf__parse_string('mount_point', cur_listener, 'mount_point', saveptr)) return MOSQ_ERR_INVAL;
          if (mosquitto_pub_topic_check(cur_listener.mount_point ?? '') !== MOSQ_ERR_SUCCESS) {
            log__printf(null, MOSQ_LOG_ERR,
              `Error: Invalid mount_point '${cur_listener.mount_point}'. Does it contain a wildcard character?`);
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'notifications') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_bool('notifications', cur_bridge, 'notifications', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'notifications_local_only') {
          if (reload) continue;
          if (!cur_bridge) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid bridge configuration');
            return MOSQ_ERR_INVAL;
          }
          if (conf__parse_bool('notifications_local_only', cur_bridge, 'notifications_local_only', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'notification_topic') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_string('notification_topic', cur_bridge, 'notification_topic', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'password' || token === 'remote_password') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_string('bridge remote_password', cur_bridge, 'remote_password', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'password_file') {
          cur_security_options = conf__set_cur_security_options(config, cur_listener);
          if (reload) {
            cur_security_options.password_file = null;
          }
          if (conf__parse_string('password_file', cur_security_options, 'password_file', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'per_listener_settings') {
          if (conf__parse_bool('per_listener_settings', config, 'per_listener_settings', saveptr)) return MOSQ_ERR_INVAL;
          if (cur_security_options && config.per_listener_settings) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: per_listener_settings must be set before any other security settings.');
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'persistence' || token === 'retained_persistence') {
          if (conf__parse_bool(token, config, 'persistence', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'persistence_file') {
          if (conf__parse_string('persistence_file', config, 'persistence_file', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'persistence_location') {
          if (conf__parse_string('persistence_location', config, 'persistence_location', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'persistent_client_expiration') {
          token = strtok_r(saveptr, ' ');
          if (token) {
            switch (token[token.length - 1]) {
              case 'h':
                expiration_mult = 3600;
                break;
              case 'd':
                expiration_mult = 86400;
                break;
              case 'w':
                expiration_mult = 86400 * 7;
                break;
              case 'm':
                expiration_mult = 86400 * 30;
                break;
              case 'y':
                expiration_mult = 86400 * 365;
                break;
              default:
                log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid persistent_client_expiration duration in configuration.');
                return MOSQ_ERR_INVAL;
            }
            config.persistent_client_expiration = atoi(token.slice(0, -1)) * expiration_mult;
            if (config.persistent_client_expiration <= 0) {
              log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid persistent_client_expiration duration in configuration.');
              return MOSQ_ERR_INVAL;
            }
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty persistent_client_expiration value in configuration.');
          }
        } else if (token === 'pid_file') {
          if (reload) continue; /* the pid file stays as it is on reload */
          if (conf__parse_string('pid_file', config, 'pid_file', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'port') {
          log__printf(null, MOSQ_LOG_NOTICE, "The 'port' option is now deprecated and will be removed in a future version. Please use 'listener' instead.");
          config.local_only = false;
          if (reload) continue; /* listeners are not reloaded */
          if (config.default_listener.port) {
            log__printf(null, MOSQ_LOG_WARNING, 'Warning: Default listener port specified multiple times. Only the latest will be used.');
          }
          if (conf__parse_int('port', tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int < 1 || tmp.int > UINT16_MAX) {
            log__printf(null, MOSQ_LOG_ERR, `Error: Invalid port value (${tmp.int}).`);
            return MOSQ_ERR_INVAL;
          }
          config.default_listener.port = tmp.int;
        } else if (token === 'protocol') {
          token = strtok_r(saveptr, ' ');
          if (token) {
            if (token === 'mqtt') {
              cur_listener.protocol = mp_mqtt;
            } else if (token === 'websockets') {
              cur_listener.protocol = mp_websockets;
            } else {
              log__printf(null, MOSQ_LOG_ERR, `Error: Invalid protocol value (${utf8(token)}).`);
              return MOSQ_ERR_INVAL;
            }
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty protocol value in configuration.');
          }
        } else if (token === 'psk_file') {
          cur_security_options = conf__set_cur_security_options(config, cur_listener);
          if (reload) {
            cur_security_options.psk_file = null;
          }
          if (conf__parse_string('psk_file', cur_security_options, 'psk_file', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'psk_hint') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('psk_hint', cur_listener, 'psk_hint', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'queue_qos0_messages') {
          if (conf__parse_bool(token, config, 'queue_qos0_messages', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'require_certificate') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_bool('require_certificate', cur_listener, 'require_certificate', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'restart_timeout') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          token = strtok_r(saveptr, ' ');
          if (!token) {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty restart_timeout value in configuration.');
            return MOSQ_ERR_INVAL;
          }
          cur_bridge.restart_timeout = atoi(token);
          if (cur_bridge.restart_timeout < 1) {
            log__printf(null, MOSQ_LOG_NOTICE, 'restart_timeout interval too low, using 1 second.');
            cur_bridge.restart_timeout = 1;
          }
          token = strtok_r(saveptr, ' ');
          if (token) {
            cur_bridge.backoff_base = cur_bridge.restart_timeout;
            cur_bridge.backoff_cap = atoi(token);
            if (cur_bridge.backoff_cap < cur_bridge.backoff_base) {
              log__printf(null, MOSQ_LOG_ERR, 'Error: backoff cap is lower than the base in restart_timeout.');
              return MOSQ_ERR_INVAL;
            }
          }
        } else if (token === 'retain_available') {
          if (conf__parse_bool(token, config, 'retain_available', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'retry_interval') {
          log__printf(null, MOSQ_LOG_WARNING, 'Warning: The retry_interval option is no longer available.');
        } else if (token === 'round_robin') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_bool('round_robin', cur_bridge, 'round_robin', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'set_tcp_nodelay') {
          if (conf__parse_bool('set_tcp_nodelay', config, 'set_tcp_nodelay', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'start_type') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          token = strtok_r(saveptr, ' ');
          if (token) {
            if (token === 'automatic') {
              cur_bridge.start_type = bst_automatic;
            } else if (token === 'lazy') {
              cur_bridge.start_type = bst_lazy;
            } else if (token === 'manual') {
              log__printf(null, MOSQ_LOG_ERR, 'Error: Manual start_type not supported.');
              return MOSQ_ERR_INVAL;
            } else if (token === 'once') {
              cur_bridge.start_type = bst_once;
            } else {
              log__printf(null, MOSQ_LOG_ERR, `Error: Invalid start_type value in configuration (${utf8(token)}).`);
              return MOSQ_ERR_INVAL;
            }
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty start_type value in configuration.');
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'socket_domain') {
          if (reload) continue; /* listeners are not reloaded */
          token = strtok_r(saveptr, ' ');
          if (token) {
            if (token === 'ipv4') {
              cur_listener.socket_domain = AF_INET;
            } else if (token === 'ipv6') {
              cur_listener.socket_domain = AF_INET6;
            } else {
              log__printf(null, MOSQ_LOG_ERR, `Error: Invalid socket_domain value "${utf8(token)}" in configuration.`);
              return MOSQ_ERR_INVAL;
            }
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty socket_domain value in configuration.');
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'sys_interval') {
          if (conf__parse_int('sys_interval', config, 'sys_interval', saveptr)) return MOSQ_ERR_INVAL;
          if (config.sys_interval < 0 || config.sys_interval > 65535) {
            log__printf(null, MOSQ_LOG_ERR, `Error: Invalid sys_interval value (${config.sys_interval}).`);
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'threshold') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_int('threshold', cur_bridge, 'threshold', saveptr)) return MOSQ_ERR_INVAL;
          if (cur_bridge.threshold < 1) {
            log__printf(null, MOSQ_LOG_NOTICE, 'threshold too low, using 1 message.');
            cur_bridge.threshold = 1;
          }
        } else if (token === 'tls_engine') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('tls_engine', cur_listener, 'tls_engine', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'tls_engine_kpass_sha1') {
          if (reload) continue; /* listeners are not reloaded */
          tmp.str = null;
          if (conf__parse_string('tls_engine_kpass_sha1', tmp, 'str', saveptr)) return MOSQ_ERR_INVAL;
          /* mosquitto__hex2bin_sha1: exactly 20 bytes of hex; kept as hex text here. */
          const sha = Buffer.alloc(20);
          if (mosquitto__hex2bin(tmp.str ?? '', sha, 20) !== 20) {
            return MOSQ_ERR_INVAL;
          }
          cur_listener.tls_engine_kpass_sha1 = sha.toString('hex');
        } else if (token === 'tls_keyform') {
          if (reload) continue; /* listeners are not reloaded */
          tmp.str = null;
          if (conf__parse_string('tls_keyform', tmp, 'str', saveptr)) return MOSQ_ERR_INVAL;
          cur_listener.tls_keyform = mosq_k_pem;
          if (tmp.str === 'engine') cur_listener.tls_keyform = mosq_k_engine;
        } else if (token === 'tls_version') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_string('tls_version', cur_listener, 'tls_version', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'topic') {
          let topic: string;
          let direction = bd_out;
          let qos = 0;
          let local_prefix: string | null = null;
          let remote_prefix: string | null = null;

          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();

          token = strtok_r(saveptr, ' ');
          if (token) {
            topic = token;
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty topic value in configuration.');
            return MOSQ_ERR_INVAL;
          }
          token = strtok_r(saveptr, ' ');
          if (token) {
            if (token.toLowerCase() === 'out') {
              direction = bd_out;
            } else if (token.toLowerCase() === 'in') {
              direction = bd_in;
            } else if (token.toLowerCase() === 'both') {
              direction = bd_both;
            } else {
              log__printf(null, MOSQ_LOG_ERR, `Error: Invalid bridge topic direction '${utf8(token)}'.`);
              return MOSQ_ERR_INVAL;
            }
            token = strtok_r(saveptr, ' ');
            if (token) {
              if (token[0] === '#') {
                strtok_r(saveptr, '');
              }
              /* The C keeps the low 8 bits of atoi() in a uint8_t. */
              qos = atoi(token) & 0xff;
              if (qos > 2) {
                log__printf(null, MOSQ_LOG_ERR, `Error: Invalid bridge QoS level '${utf8(token)}'.`);
                return MOSQ_ERR_INVAL;
              }

              token = strtok_r(saveptr, ' ');
              if (token) {
                if (token === '""' || token[0] === '#') {
                  local_prefix = null;
                  if (token[0] === '#') {
                    strtok_r(saveptr, '');
                  }
                } else {
                  local_prefix = token;
                }

                token = strtok_r(saveptr, ' ');
                if (token) {
                  if (token === '""' || token[0] === '#') {
                    remote_prefix = null;
                  } else {
                    remote_prefix = token;
                  }
                }
              }
            }
          }

          if (bridge__add_topic(cur_bridge, utf8(topic), direction, qos,
            local_prefix === null ? null : utf8(local_prefix),
            remote_prefix === null ? null : utf8(remote_prefix))) {
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'max_topic_alias') {
          if (reload) continue; /* listeners are not reloaded */
          token = strtok_r(saveptr, ' ');
          if (token) {
            tmp.int = atoi(token);
            if (tmp.int < 0 || tmp.int > UINT16_MAX) {
              log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid max_topic_alias value in configuration.');
              return MOSQ_ERR_INVAL;
            }
            cur_listener.max_topic_alias = tmp.int;
          } else {
            log__printf(null, MOSQ_LOG_ERR, 'Error: Empty max_topic_alias value in configuration.');
            return MOSQ_ERR_INVAL;
          }
        } else if (token === 'try_private') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_bool('try_private', cur_bridge, 'try_private', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'upgrade_outgoing_qos') {
          if (conf__parse_bool(token, config, 'upgrade_outgoing_qos', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'use_identity_as_username') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_bool('use_identity_as_username', cur_listener, 'use_identity_as_username', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'use_subject_as_username') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_bool('use_subject_as_username', cur_listener, 'use_subject_as_username', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'user') {
          if (reload) continue; /* the user to run as stays as it is on reload */
          config.user = null;
          if (conf__parse_string('user', config, 'user', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'use_username_as_clientid') {
          if (reload) continue; /* listeners are not reloaded */
          if (conf__parse_bool('use_username_as_clientid', cur_listener, 'use_username_as_clientid', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'username' || token === 'remote_username') {
          if (reload) continue;
          if (!cur_bridge) return conf__bridge_invalid();
          if (conf__parse_string('bridge remote_username', cur_bridge, 'remote_username', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'websockets_log_level') {
          if (conf__parse_int('websockets_log_level', config, 'websockets_log_level', saveptr)) return MOSQ_ERR_INVAL;
        } else if (token === 'websockets_headers_size') {
          if (conf__parse_int('websockets_headers_size', tmp, 'int', saveptr)) return MOSQ_ERR_INVAL;
          if (tmp.int < 0 || tmp.int > UINT16_MAX) {
            log__printf(null, MOSQ_LOG_WARNING, 'Error: Websockets headers size must be between 0 and 65535 inclusive.');
            return MOSQ_ERR_INVAL;
          }
          config.websockets_headers_size = tmp.int;
        } else {
          log__printf(null, MOSQ_LOG_ERR, `Error: Unknown configuration variable "${utf8(token)}".`);
          return MOSQ_ERR_INVAL;
        }
      }
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Reads one config file (the main one or one from include_dir) and applies its lines;
 * refuses a directory and a file that cannot be read.
 * @adapted reads the whole file at once (as bytes, see the module comment) and splits it into
 *   the lines fgets_extending would return
 */
function config__read_file(config: mosquitto__config, reload: boolean, file: string, cr: config_recurse, level: number,
    lineno: { value: number }): number {
  try {
    if (statSync(file).isDirectory()) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Config file ${file} is a directory.`);
      return 1;
    }
  } catch {
    /* Not there: the open below says so. */
  }

  const fptr = mosquitto__fopen(file, 'rt', false);
  if (!fptr) {
    log__printf(null, MOSQ_LOG_ERR, `Error: Unable to open config file ${file}.`);
    return 1;
  }
  let content: Buffer;
  try {
    content = readFileSync(fptr.fd);
  } catch {
    /* A read error ends the file, as fgets() returning NULL does. */
    content = Buffer.alloc(0);
  }
  closeSync(fptr.fd);

  const text = content.toString('latin1');
  let lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  /* A NUL byte hides the end of its line from strlen(), so fgets_extending keeps reading
   * to the end of the file for it: the line counts only when the file ends without a newline,
   * cut at the NUL, and the lines after it are never seen. */
  const nul_line = lines.findIndex((line) => line.includes('\0'));
  if (nul_line >= 0) {
    const cut = lines[nul_line].slice(0, lines[nul_line].indexOf('\0'));
    lines = text.endsWith('\n') ? lines.slice(0, nul_line) : [...lines.slice(0, nul_line), cut];
  }
  return config__read_file_core(config, reload, cr, level, lineno, lines);
}

/**
 * Final checks once everything is read: bridge client ids (defaulting to
 * `<hostname>.<bridge name>` and `local.<remote id>`) must be unique, and every place that
 * takes clients gets the `auto-` client id prefix unless one is set.
 */
function config__check(config: mosquitto__config): number {
  for (let i = 0; i < config.bridge_count; i++) {
    const bridge1 = config.bridges[i];

    if (!bridge1.remote_clientid) {
      bridge1.remote_clientid = `${hostname()}.${bridge1.name}`;
    }

    if (!bridge1.local_clientid) {
      bridge1.local_clientid = `local.${bridge1.remote_clientid}`;
    }
  }

  for (let i = 0; i < config.bridge_count; i++) {
    const bridge1 = config.bridges[i];
    for (let j = i + 1; j < config.bridge_count; j++) {
      const bridge2 = config.bridges[j];
      if (bridge1.local_clientid === bridge2.local_clientid) {
        log__printf(null, MOSQ_LOG_ERR, `Error: Bridge local_clientid '${bridge1.local_clientid}' is not unique. `
          + 'Try changing or setting the local_clientid value for one of the bridges.');
        return MOSQ_ERR_INVAL;
      }
    }
  }

  if (config.per_listener_settings) {
    for (let i = 0; i < config.listener_count; i++) {
      if (!config.listeners[i].security_options.auto_id_prefix) {
        config.listeners[i].security_options.auto_id_prefix = 'auto-';
        config.listeners[i].security_options.auto_id_prefix_len = 'auto-'.length;
      }
    }
  } else {
    if (!config.security_options.auto_id_prefix) {
      config.security_options.auto_id_prefix = 'auto-';
      config.security_options.auto_id_prefix_len = 'auto-'.length;
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Reads a boolean option value: `true`/`1` or `false`/`0`.
 * @adapted writes `obj[key]` where C writes through a `bool *`; the token out-parameter,
 *   unused by every caller, is dropped
 */
function conf__parse_bool<T extends object>(name: string, obj: T, key: field_of<T, boolean>, saveptr: strtok_state): number {
  const token = strtok_r({ ...saveptr }, ' ');
  if (token) {
    if (token === 'false' || token === '0') {
      (obj as Record<string, unknown>)[key as string] = false;
    } else if (token === 'true' || token === '1') {
      (obj as Record<string, unknown>)[key as string] = true;
    } else {
      log__printf(null, MOSQ_LOG_ERR, `Error: Invalid ${name} value (${utf8(token)}).`);
      return MOSQ_ERR_INVAL;
    }
  } else {
    log__printf(null, MOSQ_LOG_ERR, `Error: Empty ${name} value in configuration.`);
    return MOSQ_ERR_INVAL;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Reads an integer option value with atoi (so "12abc" is 12 and "abc" is 0).
 * @adapted writes `obj[key]` where C writes through an `int *`
 */
function conf__parse_int<T extends object>(name: string, obj: T, key: field_of<T, number>, saveptr: strtok_state): number {
  const token = strtok_r({ ...saveptr }, ' ');
  if (token) {
    (obj as Record<string, unknown>)[key as string] = atoi(token);
  } else {
    log__printf(null, MOSQ_LOG_ERR, `Error: Empty ${name} value in configuration.`);
    return MOSQ_ERR_INVAL;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Reads a signed size option value with atol.
 * @adapted writes `obj[key]` where C writes through an `ssize_t *`
 */
function conf__parse_ssize_t<T extends object>(name: string, obj: T, key: field_of<T, number>, saveptr: strtok_state): number {
  const token = strtok_r({ ...saveptr }, ' ');
  if (token) {
    (obj as Record<string, unknown>)[key as string] = atol(token);
  } else {
    log__printf(null, MOSQ_LOG_ERR, `Error: Empty ${name} value in configuration.`);
    return MOSQ_ERR_INVAL;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Reads a string option value: the rest of the line, blanks trimmed at both ends. Refuses a
 * second value for the same field, an empty one, and malformed UTF-8 (control characters too).
 * @adapted writes `obj[key]` where C writes through a `char **`; "already set" is a non-empty
 *   string where C tests for a non-NULL pointer
 */
function conf__parse_string<T extends object>(name: string, obj: T, key: field_of<T, string>, saveptr: strtok_state): number {
  let token = strtok_r({ ...saveptr }, '');
  if (token) {
    if ((obj as Record<string, unknown>)[key as string]) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Duplicate ${name} value in configuration.`);
      return MOSQ_ERR_INVAL;
    }
    /* Blanks may stand around the value. */
    token = misc__trimblanks(token) ?? '';
    if (token.length === 0) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Empty ${name} value in configuration.`);
      return MOSQ_ERR_INVAL;
    }

    const bytes = Buffer.from(token, 'latin1');
    if (bytes.length > UINT16_MAX) {
      return MOSQ_ERR_INVAL;
    }
    if (mosquitto_validate_utf8(bytes, bytes.length)) {
      log__printf(null, MOSQ_LOG_ERR, 'Error: Malformed UTF-8 in configuration.');
      return MOSQ_ERR_INVAL;
    }
    (obj as Record<string, unknown>)[key as string] = bytes.toString('utf8');
  } else {
    log__printf(null, MOSQ_LOG_ERR, `Error: Empty ${name} value in configuration.`);
    return MOSQ_ERR_INVAL;
  }
  return MOSQ_ERR_SUCCESS;
}
