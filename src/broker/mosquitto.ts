/**
 * The broker's entry point of src/mosquitto.c: start-up in mosquitto's order (config, privileges,
 * pid file, database, logging, security, listeners, main loop) and the orderly shutdown after it.
 * @module
 */
import { spawn } from 'node:child_process';
import { closeSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { mosquitto__fopen } from '../lib/misc_mosq.js';
import { MOSQ_ERR_NOMEM, MOSQ_ERR_SUCCESS, MOSQ_ERR_UNKNOWN, MOSQ_LOG_ERR, MOSQ_LOG_INFO, MOSQ_LOG_WARNING } from '../include/mosquitto.js';
import { bridge__start_all } from './bridge.js';
import { config__cleanup, config__init, config__new_listener, config__parse_args } from './conf.js';
import { context__cleanup, context__free_disused, context__send_will } from './context.js';
import { db__close, db__open } from './database.js';
import { log__close, log__init, log__printf } from './logging.js';
import { loop__update_time, loop__wakeup, mosquitto_main_loop } from './loop.js';
import { db, mp_mqtt, mp_websockets, VERSION } from './mosquitto_broker_internal.js';
import type { mosquitto__config, mosquitto__listener, mosquitto__listener_sock } from './mosquitto_broker_internal.js';
import { net__broker_cleanup, net__broker_init, net__load_certificates, net__socket_listen } from './net.js';
import { persist__backup } from './persist_write.js';
import { mosquitto_security_init, mosquitto_security_module_cleanup, mosquitto_security_module_init } from './security.js';
import { acl__find_acls } from './security_default.js';
import { session_expiry__remove_all } from './session_expiry.js';
import { flags, handle_sighup, handle_sigint, handle_sigusr1, handle_sigusr2 } from './signals.js';
import { sys_tree__init } from './sys_tree.js';
import { will_delay__send_all } from './will_delay.js';

/** Every listening socket of every listener (C: the file-level `listensock` array). */
let listensock: mosquitto__listener_sock[] = [];

/**
 * Gives up root for the configured `user` (default "mosquitto"), as mosquitto does right after
 * reading its configuration.
 * @adapted process.initgroups/setgid/setuid replace the libc calls
 */
export function drop_privileges(config: mosquitto__config): number {
  if (process.env.SNAP_NAME === 'mosquitto') {
    return MOSQ_ERR_SUCCESS;
  }
  if (process.geteuid && process.geteuid() === 0) {
    if (config.user && config.user !== 'root') {
      let pwd = getpwnam(config.user);
      if (!pwd) {
        if (config.user !== 'mosquitto') {
          log__printf(null, MOSQ_LOG_ERR, `Error: Unable to drop privileges to '${config.user}' because this user does not exist.`);
          return 1;
        }
        log__printf(null, MOSQ_LOG_ERR, `Warning: Unable to drop privileges to '${config.user}' because this user does not exist. Trying 'nobody' instead.`);
        pwd = getpwnam('nobody');
        if (!pwd) {
          log__printf(null, MOSQ_LOG_ERR, "Error: Unable to drop privileges to 'nobody'.");
          return 1;
        }
      }
      try {
        /* Node looks a user name up again, so the fallback to nobody goes by number. */
        (process as NodeJS.Process & { initgroups(user: string | number, group: number): void })
          .initgroups(pwd.name === config.user ? config.user : pwd.uid, pwd.gid);
      } catch (err) {
        log__printf(null, MOSQ_LOG_ERR, `Error setting groups whilst dropping privileges: ${(err as Error).message}.`);
        return 1;
      }
      try {
        process.setgid!(pwd.gid);
      } catch (err) {
        log__printf(null, MOSQ_LOG_ERR, `Error setting gid whilst dropping privileges: ${(err as Error).message}.`);
        return 1;
      }
      try {
        process.setuid!(pwd.uid);
      } catch (err) {
        log__printf(null, MOSQ_LOG_ERR, `Error setting uid whilst dropping privileges: ${(err as Error).message}.`);
        return 1;
      }
    }
    if (process.geteuid() === 0 || process.getegid!() === 0) {
      log__printf(null, MOSQ_LOG_WARNING, 'Warning: Mosquitto should not be run as root/administrator.');
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * The user database entry of a user name: its name, uid and primary gid, or null.
 * @tsonly getpwnam(3) has no Node counterpart; /etc/passwd answers the same question
 */
function getpwnam(name: string): { name: string; uid: number; gid: number } | null {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length >= 4) return { name, uid: Number(f[2]), gid: Number(f[3]) };
    }
  } catch {
    /* no user database: nobody exists */
  }
  return null;
}

/** Set in the environment of the detached copy, so that it does not detach again. */
const DAEMON_ENV = 'MOSQUITTO_TS_DAEMONISED';

/**
 * Detaches from the terminal: the broker carries on in the background and the command returns.
 * Returns true in the process that should exit now.
 * @adapted Node cannot fork(2), so a detached copy of the broker is started with the same command
 *   line (stdio on /dev/null, a new session as setsid gives) and the original process exits
 */
function mosquitto__daemonise(): boolean {
  if (process.env[DAEMON_ENV]) {
    return false;
  }
  try {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [DAEMON_ENV]: '1' },
    });
    child.unref();
  } catch (err) {
    log__printf(null, MOSQ_LOG_ERR, `Error in fork: ${(err as Error).message}`);
    process.exit(1);
  }
  return true;
}

/** Fills a listener with mosquitto's defaults. */
export function listener__set_defaults(listener: mosquitto__listener): void {
  listener.security_options.allow_anonymous = -1;
  listener.security_options.allow_zero_length_clientid = true;
  listener.protocol = mp_mqtt;
  listener.max_connections = -1;
  listener.max_qos = 2;
  listener.max_topic_alias = 10;
}

/**
 * Loads every TLS listener's certificate and key again (SIGHUP), for renewed certificates.
 */
export function listeners__reload_all_certificates(): void {
  for (const listener of db.config!.listeners) {
    if (listener.ssl_ctx && listener.certfile && listener.keyfile) {
      const rc = net__load_certificates(listener);
      if (rc) {
        log__printf(null, MOSQ_LOG_ERR, `Error when reloading certificate '${listener.certfile}' or key '${listener.keyfile}'.`);
      }
    }
  }
}

/**
 * Opens one MQTT listener and adds its sockets to the set the main loop watches.
 * @adapted asynchronous, because opening a socket is in Node
 */
async function listeners__start_single_mqtt(listener: mosquitto__listener): Promise<number> {
  if (await net__socket_listen(listener)) {
    return 1;
  }
  for (const sock of listener.socks) {
    listensock.push({ sock, listener });
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Adds and opens a local-only listener (used when no listener is configured).
 * @adapted asynchronous, like listeners__start_single_mqtt
 */
async function listeners__add_local(host: string, port: number, make_listener: () => mosquitto__listener): Promise<number> {
  const listener = make_listener();
  listener__set_defaults(listener);
  listener.security_options.allow_anonymous = 1;
  listener.port = port;
  listener.host = host;
  if (await listeners__start_single_mqtt(listener)) {
    return MOSQ_ERR_UNKNOWN;
  }
  db.config!.listeners.push(listener);
  db.config!.listener_count++;
  return MOSQ_ERR_SUCCESS;
}

/**
 * With no listener configured, mosquitto 2.0 listens on 127.0.0.1 and ::1 only, port 1883 or
 * the -p ports.
 * @adapted asynchronous, like listeners__start_single_mqtt
 */
async function listeners__start_local_only(make_listener: () => mosquitto__listener): Promise<number> {
  const config = db.config!;
  config.listeners = [];
  config.listener_count = 0;

  log__printf(null, MOSQ_LOG_WARNING, 'Starting in local only mode. Connections will only be possible from clients running on this machine.');
  log__printf(null, MOSQ_LOG_WARNING, 'Create a configuration file which defines a listener to allow remote access.');
  log__printf(null, MOSQ_LOG_WARNING, 'For more details see https://mosquitto.org/documentation/authentication-methods/');
  const ports = config.cmd_port_count === 0 ? [1883] : config.cmd_port.slice(0, config.cmd_port_count);
  for (const port of ports) {
    let rc = await listeners__add_local('127.0.0.1', port, make_listener);
    if (rc === MOSQ_ERR_NOMEM) return MOSQ_ERR_NOMEM;
    rc = await listeners__add_local('::1', port, make_listener);
    if (rc === MOSQ_ERR_NOMEM) return MOSQ_ERR_NOMEM;
  }
  return config.listener_count > 0 ? MOSQ_ERR_SUCCESS : MOSQ_ERR_UNKNOWN;
}

/**
 * Opens every configured listener, or the local-only pair when none is configured.
 * @adapted asynchronous, like listeners__start_single_mqtt
 */
async function listeners__start(make_listener: () => mosquitto__listener): Promise<number> {
  listensock = [];
  const config = db.config!;
  if (config.listener_count === 0) {
    if (await listeners__start_local_only(make_listener)) {
      db__close();
      if (config.pid_file) {
        rmSync(config.pid_file, { force: true });
      }
      return 1;
    }
    return MOSQ_ERR_SUCCESS;
  }
  for (const listener of config.listeners) {
    if (listener.protocol === mp_mqtt) {
      if (await listeners__start_single_mqtt(listener)) {
        db__close();
        if (config.pid_file) {
          rmSync(config.pid_file, { force: true });
        }
        listeners__close_all();
        return 1;
      }
    } else if (listener.protocol === mp_websockets) {
      /* Loaded on demand: the ws package alone costs about 50 ms of start-up. */
      const { mosq_websockets_init } = await import('./websockets.js');
      await mosq_websockets_init(listener, config);
      if (!listener.ws_context) {
        log__printf(null, MOSQ_LOG_ERR, `Error: Unable to create websockets listener on port ${listener.port}.`);
        listeners__close_all();
        return 1;
      }
    }
  }
  if (listensock.length === 0) {
    log__printf(null, MOSQ_LOG_ERR, 'Error: Unable to start any listening sockets, exiting.');
    listeners__close_all();
    return 1;
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Closes the sockets of every listener opened so far, when start-up fails.
 * @tsonly C exits and the kernel closes its sockets; Node would keep running on open servers
 */
function listeners__close_all(): void {
  for (const listener of db.config!.listeners) {
    for (const s of listener.socks) s.close();
  }
}

/**
 * Closes every listening socket: websockets servers with their connections, and unix socket
 * files are removed.
 * @adapted closing the ws server and its HTTP server stands in for lws_context_destroy
 */
function listeners__stop(): void {
  for (const listener of db.config!.listeners) {
    if (listener.ws_context) {
      for (const ws of listener.ws_context.clients) ws.terminate();
      listener.ws_context.close();
      for (const s of listener.socks) s.close();
    }
    if (listener.unix_socket_path !== null) {
      rmSync(listener.unix_socket_path, { force: true });
    }
  }

  for (const ls of listensock) {
    ls.sock.close();
  }
  listensock = [];
}

/**
 * Routes signals to the flag-raising handlers.
 * @adapted process.on replaces signal(2), and each signal also runs a loop pass at once (see
 *   loop__wakeup); SIGPIPE needs no handling in Node
 */
function signal__setup(): void {
  const on = (signal: NodeJS.Signals, handler: () => void): void => {
    process.on(signal, () => {
      handler();
      loop__wakeup();
    });
  };
  on('SIGINT', handle_sigint);
  on('SIGTERM', handle_sigint);
  on('SIGHUP', handle_sighup);
  on('SIGUSR1', handle_sigusr1);
  on('SIGUSR2', handle_sigusr2);
}

/** Writes the broker's pid to `pid_file`, when one is configured. */
function pid__write(): number {
  const pid_file = db.config!.pid_file;
  if (pid_file) {
    const pid = mosquitto__fopen(pid_file, 'wt', false);
    if (pid) {
      writeSync(pid.fd, String(process.pid));
      closeSync(pid.fd);
    } else {
      log__printf(null, MOSQ_LOG_ERR, 'Error: Unable to write pid file.');
      return 1;
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Runs the broker with mosquitto's command line; resolves to the process exit code.
 * @adapted asynchronous, because opening listeners and the main loop are
 */
export async function main(argv: string[]): Promise<number> {
  db.now_s = 0;
  loop__update_time();
  net__broker_init();

  const config = config__init();
  let rc = config__parse_args(config, argv);
  if (rc !== MOSQ_ERR_SUCCESS) return rc;
  db.config = config;

  rc = drop_privileges(config);
  if (rc !== MOSQ_ERR_SUCCESS) return rc;

  if (config.daemon && mosquitto__daemonise()) {
    return MOSQ_ERR_SUCCESS;
  }
  if (pid__write()) return 1;

  rc = db__open(config);
  if (rc !== MOSQ_ERR_SUCCESS) {
    log__printf(null, MOSQ_LOG_ERR, "Error: Couldn't open database.");
    return rc;
  }
  /* Logging starts after the database so that logging to topics works. */
  if (log__init(config)) {
    return 1;
  }
  log__printf(null, MOSQ_LOG_INFO, `mosquitto version ${VERSION} starting`);
  if (db.config_file) {
    log__printf(null, MOSQ_LOG_INFO, `Config loaded from ${db.config_file}.`);
  } else {
    log__printf(null, MOSQ_LOG_INFO, 'Using default config.');
  }

  rc = await mosquitto_security_module_init();
  if (rc) return rc;
  rc = mosquitto_security_init(false);
  if (rc) return rc;

  /* Sessions restored from disk get their ACLs now, so they can queue messages. */
  for (const ctxt of db.contexts_by_id.values()) {
    if (!ctxt.clean_start && ctxt.username) {
      rc = acl__find_acls(ctxt);
      if (rc) {
        log__printf(null, MOSQ_LOG_WARNING, `Failed to associate persisted user ${ctxt.username} with ACLs, `
          + 'likely due to changed ports while using a per_listener_settings configuration.');
      }
    }
  }

  sys_tree__init();

  if (await listeners__start(config__new_listener)) return 1;

  signal__setup();

  bridge__start_all();

  log__printf(null, MOSQ_LOG_INFO, `mosquitto version ${VERSION} running`);

  flags.run = 1;
  rc = await mosquitto_main_loop(listensock);

  log__printf(null, MOSQ_LOG_INFO, `mosquitto version ${VERSION} terminating`);

  /* Wills without a delay go out now; delayed ones too, since the broker is stopping. */
  for (const ctxt of db.contexts_by_id.values()) {
    context__send_will(ctxt);
  }
  will_delay__send_all();

  persist__backup(true);
  session_expiry__remove_all();

  listeners__stop();
  for (const ctxt of [...db.contexts_by_id.values()]) {
    context__cleanup(ctxt, true);
  }
  for (const ctxt of [...db.contexts_by_sock]) {
    context__cleanup(ctxt, true);
  }
  for (let i = 0; i < db.bridge_count; i++) {
    if (db.bridges[i]) {
      context__cleanup(db.bridges[i]!, true);
    }
  }
  db.bridges = [];
  context__free_disused();

  db__close();

  mosquitto_security_module_cleanup();

  if (config.pid_file) {
    rmSync(config.pid_file, { force: true });
  }

  log__close(config);
  config__cleanup(db.config!);
  net__broker_cleanup();

  return rc;
}
