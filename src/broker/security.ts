/**
 * Authentication and access control front end (src/security.c): loads the configured plugins,
 * and asks, in order, the registered event callbacks (the built-in password/ACL checks of
 * security_default.ts and version 5 plugins) and the older version 2-4 authentication plugins
 * whether a client may connect, read, write or subscribe.
 *
 * With `per_listener_settings true` each listener has its own options (plugins, password file,
 * ACL file); otherwise the global `db.config.security_options` apply to every client.
 * @module
 */
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_AUTH,
  MOSQ_ERR_AUTH_CONTINUE,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_PLUGIN_DEFER,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_UNKNOWN,
  MOSQ_LOG_ERR,
  MOSQ_LOG_INFO,
  MOSQ_LOG_NOTICE,
} from '../include/mosquitto.js';
import {
  MOSQ_ACL_SUBSCRIBE,
  MOSQ_ACL_UNSUBSCRIBE,
  MOSQ_ACL_WRITE,
  MOSQ_PLUGIN_VERSION,
} from '../include/mosquitto_plugin.js';
import type { mosq_out, mosquitto_acl_msg } from '../include/mosquitto_plugin.js';
import {
  MOSQ_EVT_ACL_CHECK,
  MOSQ_EVT_BASIC_AUTH,
  MOSQ_EVT_EXT_AUTH_CONTINUE,
  MOSQ_EVT_EXT_AUTH_START,
  MOSQ_EVT_PSK_KEY,
  MOSQ_EVT_RELOAD,
} from '../include/mosquitto_broker.js';
import type {
  mosquitto_evt_acl_check,
  mosquitto_evt_basic_auth,
  mosquitto_evt_extended_auth,
  mosquitto_evt_psk_key,
  mosquitto_evt_reload,
} from '../include/mosquitto_broker.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { mosquitto_topic_matches_sub } from '../lib/util_topic.js';
import { dlerror, LIB_CLOSE, LIB_LOAD, LIB_SYM } from './lib_load.js';
import type { mosquitto_lib } from './lib_load.js';
import { log__printf } from './logging.js';
import { db } from './mosquitto_broker_internal.js';
import type {
  FUNC_auth_plugin_init_v2,
  FUNC_auth_plugin_init_v3,
  FUNC_auth_plugin_init_v4,
  mosquitto__auth_plugin,
  mosquitto__auth_plugin_config,
  mosquitto__listener,
  mosquitto__security_options,
  mosquitto_opt,
} from './mosquitto_broker_internal.js';
import { plugin__load_v5 } from './plugin.js';
import { mosquitto_client_username } from './plugin_public.js';
import {
  mosquitto_psk_key_get_default,
  mosquitto_security_apply_default,
  mosquitto_security_cleanup_default,
  mosquitto_security_init_default,
} from './security_default.js';

/**
 * Logs why the last plugin load or symbol look-up failed.
 */
export function LIB_ERROR(): void {
  log__printf(null, MOSQ_LOG_ERR, `Load error: ${dlerror()}`);
}

/**
 * A plugin record with every entry point unset (version 0: not loaded).
 * @tsonly stands in for the C memset() of the embedded struct before and after loading
 */
export function security__auth_plugin_new(): mosquitto__auth_plugin {
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
 * The client's password as the C string a plugin sees: the bytes up to the first NUL, as UTF-8.
 * @tsonly the context keeps the password as bytes; plugin callbacks take `const char *`
 */
export function security__password_string(context: mosquitto): string | null {
  if (!context.password) return null;
  const nul = context.password.indexOf(0);
  return context.password.subarray(0, nul < 0 ? context.password.length : nul).toString('utf8');
}

/* The entry points a version 2 or 3 plugin must export: [field of mosquitto__auth_plugin, symbol]. */
const AUTH_PLUGIN_REQUIRED_SYMBOLS = (v: 2 | 3): [keyof mosquitto__auth_plugin, string][] => [
  [`plugin_init_v${v}`, 'mosquitto_auth_plugin_init'],
  [`plugin_cleanup_v${v}`, 'mosquitto_auth_plugin_cleanup'],
  [`security_init_v${v}`, 'mosquitto_auth_security_init'],
  [`security_cleanup_v${v}`, 'mosquitto_auth_security_cleanup'],
  [`acl_check_v${v}`, 'mosquitto_auth_acl_check'],
  [`unpwd_check_v${v}`, 'mosquitto_auth_unpwd_check'],
  [`psk_key_get_v${v}`, 'mosquitto_auth_psk_key_get'],
];

/**
 * Looks up the required entry points of an old-style plugin, stopping at the first missing one.
 * @tsonly the C spells out one if-block per symbol in each security__load_vN; the messages are the same
 */
function security__load_symbols(plugin: mosquitto__auth_plugin, symbols: [keyof mosquitto__auth_plugin, string][], lib: mosquitto_lib): number {
  for (const [field, sym] of symbols) {
    const fn = LIB_SYM(lib, sym);
    if (!fn) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Unable to load auth plugin function ${sym}().`);
      LIB_ERROR();
      LIB_CLOSE(lib);
      return MOSQ_ERR_UNKNOWN;
    }
    (plugin as unknown as Record<string, unknown>)[field] = fn;
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Binds a version 2 authentication plugin's entry points (all required) and initialises it.
 * @adapted version 2 options (struct mosquitto_auth_opt) have the same shape as mosquitto_opt
 */
function security__load_v2(plugin: mosquitto__auth_plugin, auth_options: mosquitto_opt[], auth_option_count: number, lib: mosquitto_lib): number {
  let rc = security__load_symbols(plugin, AUTH_PLUGIN_REQUIRED_SYMBOLS(2), lib);
  if (rc) return rc;

  plugin.lib = lib;
  plugin.user_data = null;

  if (plugin.plugin_init_v2) {
    rc = plugin_init_with_user_data(plugin, plugin.plugin_init_v2, auth_options, auth_option_count);
    if (rc) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Authentication plugin returned ${rc} when initialising.`);
      return rc;
    }
  }
  return 0;
}

/**
 * Runs a plugin's init function, which hands back its user data through an out-parameter.
 * @tsonly the C passes `&plugin->user_data` directly
 */
function plugin_init_with_user_data(plugin: mosquitto__auth_plugin,
  init: FUNC_auth_plugin_init_v2 | FUNC_auth_plugin_init_v3 | FUNC_auth_plugin_init_v4,
  auth_options: mosquitto_opt[], auth_option_count: number): number {
  const user_data: mosq_out<unknown> = { value: plugin.user_data };
  const rc = init(user_data, auth_options, auth_option_count);
  plugin.user_data = user_data.value;
  return rc;
}

/**
 * Binds a version 3 authentication plugin's entry points (all required) and initialises it.
 * @adapted the symbol lookups, with their error messages and LIB_ERROR, are in
 *   security__load_symbols
 */
function security__load_v3(plugin: mosquitto__auth_plugin, auth_options: mosquitto_opt[], auth_option_count: number, lib: mosquitto_lib): number {
  let rc = security__load_symbols(plugin, AUTH_PLUGIN_REQUIRED_SYMBOLS(3), lib);
  if (rc) return rc;

  plugin.lib = lib;
  plugin.user_data = null;
  if (plugin.plugin_init_v3) {
    rc = plugin_init_with_user_data(plugin, plugin.plugin_init_v3, auth_options, auth_option_count);
    if (rc) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Authentication plugin returned ${rc} when initialising.`);
      return rc;
    }
  }
  return 0;
}

/**
 * Binds a version 4 authentication plugin: init/cleanup/security/ACL entry points are required,
 * password, TLS-PSK and extended authentication are optional (and logged as enabled or not).
 * @adapted the required lookups are in security__load_symbols (see security__load_v3)
 */
function security__load_v4(plugin: mosquitto__auth_plugin, auth_options: mosquitto_opt[], auth_option_count: number, lib: mosquitto_lib): number {
  let rc = security__load_symbols(plugin, [
    ['plugin_init_v4', 'mosquitto_auth_plugin_init'],
    ['plugin_cleanup_v4', 'mosquitto_auth_plugin_cleanup'],
    ['security_init_v4', 'mosquitto_auth_security_init'],
    ['security_cleanup_v4', 'mosquitto_auth_security_cleanup'],
    ['acl_check_v4', 'mosquitto_auth_acl_check'],
  ], lib);
  if (rc) return rc;

  plugin.unpwd_check_v4 = LIB_SYM(lib, 'mosquitto_auth_unpwd_check') as mosquitto__auth_plugin['unpwd_check_v4'];
  if (plugin.unpwd_check_v4) {
    log__printf(null, MOSQ_LOG_INFO, ' ├── Username/password checking enabled.');
  } else {
    log__printf(null, MOSQ_LOG_INFO, ' ├── Username/password checking not enabled.');
  }

  plugin.psk_key_get_v4 = LIB_SYM(lib, 'mosquitto_auth_psk_key_get') as mosquitto__auth_plugin['psk_key_get_v4'];
  if (plugin.psk_key_get_v4) {
    log__printf(null, MOSQ_LOG_INFO, ' ├── TLS-PSK checking enabled.');
  } else {
    log__printf(null, MOSQ_LOG_INFO, ' ├── TLS-PSK checking not enabled.');
  }

  plugin.auth_start_v4 = LIB_SYM(lib, 'mosquitto_auth_start') as mosquitto__auth_plugin['auth_start_v4'];
  plugin.auth_continue_v4 = LIB_SYM(lib, 'mosquitto_auth_continue') as mosquitto__auth_plugin['auth_continue_v4'];

  if (plugin.auth_start_v4) {
    if (plugin.auth_continue_v4) {
      log__printf(null, MOSQ_LOG_INFO, ' └── Extended authentication enabled.');
    } else {
      log__printf(null, MOSQ_LOG_ERR, 'Error: Plugin has missing mosquitto_auth_continue() function.');
      LIB_CLOSE(lib);
      return MOSQ_ERR_UNKNOWN;
    }
  } else {
    log__printf(null, MOSQ_LOG_INFO, ' └── Extended authentication not enabled.');
  }

  plugin.lib = lib;
  plugin.user_data = null;
  if (plugin.plugin_init_v4) {
    rc = plugin_init_with_user_data(plugin, plugin.plugin_init_v4, auth_options, auth_option_count);
    if (rc) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Authentication plugin returned ${rc} when initialising.`);
      return rc;
    }
  }
  return 0;
}

/**
 * Loads every plugin configured in one set of security options, asking each which interface
 * version it speaks (mosquitto_plugin_version, else mosquitto_auth_plugin_version).
 * @adapted dlopen() becomes a dynamic import(), so this is async
 */
async function security__module_init_single(listener: mosquitto__listener | null, opts: mosquitto__security_options): Promise<number> {
  const plugin_versions = [5, 4, 3, 2];
  const plugin_version_count = plugin_versions.length;
  let version: number;
  let rc: number;

  if (opts.auth_plugin_configs.length === 0) {
    return MOSQ_ERR_SUCCESS;
  }

  for (const config of opts.auth_plugin_configs) {
    if (config.path) {
      config.plugin = security__auth_plugin_new();

      log__printf(null, MOSQ_LOG_INFO, `Loading plugin: ${config.path}`);

      const lib = await LIB_LOAD(config.path);
      if (!lib) {
        log__printf(null, MOSQ_LOG_ERR, `Error: Unable to load auth plugin "${config.path}".`);
        LIB_ERROR();
        return MOSQ_ERR_UNKNOWN;
      }

      config.plugin.lib = null;
      const plugin_version = LIB_SYM(lib, 'mosquitto_plugin_version') as ((count: number, versions: number[]) => number) | null;
      const plugin_auth_version = plugin_version ? null : LIB_SYM(lib, 'mosquitto_auth_plugin_version') as (() => number) | null;
      if (plugin_version) {
        version = plugin_version(plugin_version_count, plugin_versions);
      } else if (plugin_auth_version) {
        version = plugin_auth_version();
      } else {
        log__printf(null, MOSQ_LOG_ERR,
          'Error: Unable to load auth plugin function mosquitto_auth_plugin_version() or mosquitto_plugin_version().');
        LIB_ERROR();
        LIB_CLOSE(lib);
        return MOSQ_ERR_UNKNOWN;
      }
      config.plugin.version = version;
      if (version === 5) {
        rc = plugin__load_v5(listener, config.plugin, config.options, config.option_count, lib);
        if (rc) {
          return rc;
        }
      } else if (version === 4) {
        rc = security__load_v4(config.plugin, config.options, config.option_count, lib);
        if (rc) {
          return rc;
        }
      } else if (version === 3) {
        rc = security__load_v3(config.plugin, config.options, config.option_count, lib);
        if (rc) {
          return rc;
        }
      } else if (version === 2) {
        rc = security__load_v2(config.plugin, config.options, config.option_count, lib);
        if (rc) {
          return rc;
        }
      } else {
        log__printf(null, MOSQ_LOG_ERR,
          `Error: Unsupported auth plugin version (got ${version}, expected ${MOSQ_PLUGIN_VERSION}).`);
        LIB_ERROR();

        LIB_CLOSE(lib);
        return MOSQ_ERR_UNKNOWN;
      }
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Loads the configured plugins: each listener's when settings are per listener, else the
 * global ones.
 * @adapted async, because loading a plugin module is
 */
export async function mosquitto_security_module_init(): Promise<number> {
  const config = db.config!;
  let rc = MOSQ_ERR_SUCCESS;

  if (config.per_listener_settings) {
    for (const listener of config.listeners) {
      rc = await security__module_init_single(listener, listener.security_options);
      if (rc) return rc;
    }
  } else {
    rc = await security__module_init_single(null, config.security_options);
  }
  return rc;
}

/**
 * Runs each loaded plugin's cleanup entry point and forgets the plugin.
 */
function security__module_cleanup_single(opts: mosquitto__security_options): void {
  for (const config of opts.auth_plugin_configs) {
    const plugin = config.plugin;
    /* Give the plugin its chance to release what it holds. */
    if (plugin.version === 5) {
      plugin.plugin_cleanup_v5!(plugin.user_data, config.options, config.option_count);
      plugin.identifier = null;
    } else if (plugin.version === 4) {
      plugin.plugin_cleanup_v4!(plugin.user_data, config.options, config.option_count);
    } else if (plugin.version === 3) {
      plugin.plugin_cleanup_v3!(plugin.user_data, config.options, config.option_count);
    } else if (plugin.version === 2) {
      plugin.plugin_cleanup_v2!(plugin.user_data, config.options, config.option_count);
    }

    if (plugin.lib) {
      LIB_CLOSE(plugin.lib);
    }
    config.plugin = security__auth_plugin_new();
  }
}

/**
 * Shuts the security layer down at exit: security cleanup, then every plugin's cleanup, for the
 * global options and for each listener.
 */
export function mosquitto_security_module_cleanup(): number {
  const config = db.config!;

  mosquitto_security_cleanup(false);

  security__module_cleanup_single(config.security_options);

  for (const listener of config.listeners) {
    security__module_cleanup_single(listener.security_options);
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Starts (or, on reload, restarts) security for one set of options: on reload the reload event
 * goes to the registered callbacks, then each old-style plugin's security_init runs.
 */
function security__init_single(opts: mosquitto__security_options, reload: boolean): number {
  let rc: number;

  if (reload) {
    for (let cb_base = opts.plugin_callbacks.reload; cb_base; cb_base = cb_base.next) {
      const event_data: mosquitto_evt_reload = {
        options: null,
        option_count: 0,
      };
      rc = cb_base.cb(MOSQ_EVT_RELOAD, event_data, cb_base.userdata);
      if (rc !== MOSQ_ERR_PLUGIN_DEFER) {
        return rc;
      }
    }
  }

  for (const config of opts.auth_plugin_configs) {
    const plugin = config.plugin;
    if (plugin.version === 5) {
      continue;
    } else if (plugin.version === 4) {
      rc = plugin.security_init_v4!(plugin.user_data, config.options, config.option_count, reload);
    } else if (plugin.version === 3) {
      rc = plugin.security_init_v3!(plugin.user_data, config.options, config.option_count, reload);
    } else if (plugin.version === 2) {
      rc = plugin.security_init_v2!(plugin.user_data, config.options, config.option_count, reload);
    } else {
      rc = MOSQ_ERR_INVAL;
    }
    if (rc !== MOSQ_ERR_SUCCESS) {
      return rc;
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Starts security (plugins' security_init, then the built-in password/ACL/PSK files), at start-up
 * and again on reload.
 */
export function mosquitto_security_init(reload: boolean): number {
  const config = db.config!;
  let rc: number;

  if (config.per_listener_settings) {
    for (const listener of config.listeners) {
      rc = security__init_single(listener.security_options, reload);
      if (rc !== MOSQ_ERR_SUCCESS) return rc;
    }
  } else {
    rc = security__init_single(config.security_options, reload);
    if (rc !== MOSQ_ERR_SUCCESS) return rc;
  }
  return mosquitto_security_init_default(reload);
}

/**
 * Re-checks connected clients after a reload: anonymous clients, passwords and ACLs.
 */
export function mosquitto_security_apply(): number {
  return mosquitto_security_apply_default();
}

/**
 * Runs each old-style plugin's security_cleanup for one set of options.
 */
function security__cleanup_single(opts: mosquitto__security_options, reload: boolean): number {
  let rc: number;

  for (const config of opts.auth_plugin_configs) {
    const plugin = config.plugin;
    if (plugin.version === 5) {
      rc = MOSQ_ERR_SUCCESS;
    } else if (plugin.version === 4) {
      rc = plugin.security_cleanup_v4!(plugin.user_data, config.options, config.option_count, reload);
    } else if (plugin.version === 3) {
      rc = plugin.security_cleanup_v3!(plugin.user_data, config.options, config.option_count, reload);
    } else if (plugin.version === 2) {
      rc = plugin.security_cleanup_v2!(plugin.user_data, config.options, config.option_count, reload);
    } else {
      rc = MOSQ_ERR_INVAL;
    }
    if (rc !== MOSQ_ERR_SUCCESS) {
      return rc;
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Stops security (before a reload or at exit): plugins' security_cleanup for the global options
 * and each listener, then the built-in data is dropped.
 */
export function mosquitto_security_cleanup(reload: boolean): number {
  const config = db.config!;
  let rc: number;

  rc = security__cleanup_single(config.security_options, reload);
  if (rc !== MOSQ_ERR_SUCCESS) return rc;

  for (const listener of config.listeners) {
    rc = security__cleanup_single(listener.security_options, reload);
    if (rc !== MOSQ_ERR_SUCCESS) return rc;
  }
  return mosquitto_security_cleanup_default(reload);
}

/**
 * Asks one old-style (v2-v4) plugin about an access. With deny_special_chars, a username or
 * client id holding `+` or `#` is refused first, so it cannot act as a wildcard in the plugin's
 * patterns. v2-v4 plugins are not asked about unsubscribing, v2 not about subscribing either.
 */
function acl__check_single(auth_plugin: mosquitto__auth_plugin_config, context: mosquitto, msg: mosquitto_acl_msg, access: number): number {
  const topic = msg.topic;

  const username = mosquitto_client_username(context);
  if (auth_plugin.deny_special_chars === true) {
    /* Checked on every message: plugins may build patterns out of these names. */
    if (username && /[+#]/.test(username)) {
      log__printf(null, MOSQ_LOG_NOTICE, `ACL denying access to client with dangerous username "${username}"`);
      return MOSQ_ERR_ACL_DENIED;
    }
    if (context.id && /[+#]/.test(context.id)) {
      log__printf(null, MOSQ_LOG_NOTICE, `ACL denying access to client with dangerous client id "${context.id}"`);
      return MOSQ_ERR_ACL_DENIED;
    }
  }

  const plugin = auth_plugin.plugin;
  if (plugin.version === 4) {
    if (access === MOSQ_ACL_UNSUBSCRIBE) {
      return MOSQ_ERR_SUCCESS;
    }
    return plugin.acl_check_v4!(plugin.user_data, access, context, msg);
  } else if (plugin.version === 3) {
    if (access === MOSQ_ACL_UNSUBSCRIBE) {
      return MOSQ_ERR_SUCCESS;
    }
    return plugin.acl_check_v3!(plugin.user_data, access, context, msg);
  } else if (plugin.version === 2) {
    if (access === MOSQ_ACL_SUBSCRIBE || access === MOSQ_ACL_UNSUBSCRIBE) {
      return MOSQ_ERR_SUCCESS;
    }
    return plugin.acl_check_v2!(plugin.user_data, context.id, username, topic, access);
  } else {
    return MOSQ_ERR_INVAL;
  }
}

/**
 * The fixed rules for `$` topics: `$SYS` may be read by anyone but written only at
 * `$SYS/broker/connection/+/state` (bridge status); `$share` topics may only be subscribed or
 * unsubscribed; other `$` topics are left to the ordinary checks.
 */
function acl__check_dollar(topic: string, access: number): number {
  if (topic[0] !== '$') return MOSQ_ERR_SUCCESS;

  if (topic.startsWith('$SYS')) {
    if (access === MOSQ_ACL_WRITE) {
      /* Bridges may publish their connection state; every other $SYS write is refused. */
      const { rc, result } = mosquitto_topic_matches_sub('$SYS/broker/connection/+/state', topic);
      if (rc === MOSQ_ERR_SUCCESS && result === true) {
        return MOSQ_ERR_SUCCESS;
      } else {
        return MOSQ_ERR_ACL_DENIED;
      }
    } else {
      return MOSQ_ERR_SUCCESS;
    }
  } else if (topic.startsWith('$share')) {
    /* A shared subscription topic is only ever subscribed to or unsubscribed from. */
    if (access === MOSQ_ACL_SUBSCRIBE || access === MOSQ_ACL_UNSUBSCRIBE) {
      return MOSQ_ERR_SUCCESS;
    } else {
      return MOSQ_ERR_ACL_DENIED;
    }
  } else {
    /* Some other $ topic: no fixed rule, the checks below decide. */
    return MOSQ_ERR_SUCCESS;
  }
}

/**
 * May this client read, write, subscribe or unsubscribe `topic`? A client without an id is
 * refused, a bridge always allowed; then the `$` rules, then the ACL-check callbacks and the old
 * plugins, in order, until one does not defer. With nothing configured the answer is yes; when
 * everything deferred it is no.
 */
export function mosquitto_acl_check(context: mosquitto, topic: string, payloadlen: number, payload: Buffer | null,
  qos: number, retain: boolean, access: number): number {
  let rc: number;
  let opts: mosquitto__security_options;

  if (!context.id) {
    return MOSQ_ERR_ACL_DENIED;
  }
  if (context.bridge) {
    return MOSQ_ERR_SUCCESS;
  }

  rc = acl__check_dollar(topic, access);
  if (rc) return rc;

  /* Success unless a plugin or callback says otherwise. */
  rc = MOSQ_ERR_SUCCESS;

  if (db.config!.per_listener_settings) {
    if (context.listener) {
      opts = context.listener.security_options;
    } else {
      return MOSQ_ERR_ACL_DENIED;
    }
  } else {
    opts = db.config!.security_options;
  }

  const msg: mosquitto_acl_msg = {
    topic,
    payloadlen,
    payload,
    qos,
    retain,
  };

  for (let cb_base = opts.plugin_callbacks.acl_check; cb_base; cb_base = cb_base.next) {
    const event_data: mosquitto_evt_acl_check = {
      client: context,
      access,
      topic,
      payloadlen,
      payload,
      qos,
      retain,
      properties: null,
    };
    rc = cb_base.cb(MOSQ_EVT_ACL_CHECK, event_data, cb_base.userdata);
    if (rc !== MOSQ_ERR_PLUGIN_DEFER) {
      return rc;
    }
  }

  for (const config of opts.auth_plugin_configs) {
    if (config.plugin.version < 5) {
      rc = acl__check_single(config, context, msg, access);
      if (rc !== MOSQ_ERR_PLUGIN_DEFER) {
        return rc;
      }
    }
  }

  /* Everyone deferred: refuse. (Still SUCCESS here means nothing was configured.) */
  if (rc === MOSQ_ERR_PLUGIN_DEFER) {
    rc = MOSQ_ERR_ACL_DENIED;
  }
  return rc;
}

/**
 * Checks a connecting client's username and password against the basic-auth callbacks and the
 * old plugins. With no check configured, allow_anonymous decides; when every check deferred,
 * a client without a username may still get in if anonymous access is allowed.
 */
export function mosquitto_unpwd_check(context: mosquitto): number {
  const config = db.config!;
  let rc: number;
  let opts: mosquitto__security_options;
  let plugin_used = false;

  rc = MOSQ_ERR_PLUGIN_DEFER;

  if (config.per_listener_settings) {
    if (context.listener === null) {
      return MOSQ_ERR_AUTH;
    }
    opts = context.listener.security_options;
  } else {
    opts = config.security_options;
  }

  for (let cb_base = opts.plugin_callbacks.basic_auth; cb_base; cb_base = cb_base.next) {
    const event_data: mosquitto_evt_basic_auth = {
      client: context,
      username: context.username,
      password: security__password_string(context),
    };
    rc = cb_base.cb(MOSQ_EVT_BASIC_AUTH, event_data, cb_base.userdata);
    if (rc !== MOSQ_ERR_PLUGIN_DEFER) {
      return rc;
    }
    plugin_used = true;
  }

  for (const plugin_config of opts.auth_plugin_configs) {
    const plugin = plugin_config.plugin;
    if (plugin.version === 4 && plugin.unpwd_check_v4) {
      rc = plugin.unpwd_check_v4(plugin.user_data, context, context.username, security__password_string(context));
      plugin_used = true;
    } else if (plugin.version === 3) {
      rc = plugin.unpwd_check_v3!(plugin.user_data, context, context.username, security__password_string(context));
      plugin_used = true;
    } else if (plugin.version === 2) {
      rc = plugin.unpwd_check_v2!(plugin.user_data, context.username, security__password_string(context));
      plugin_used = true;
    }
  }
  /* Nothing checked: allow_anonymous decides. Everything deferred: only a client without a
   * username may be let in, and only if anonymous access is allowed. */
  const allow_anonymous = (config.per_listener_settings && context.listener!.security_options.allow_anonymous !== 0)
    || (!config.per_listener_settings && config.security_options.allow_anonymous !== 0);
  if (plugin_used === false) {
    if (allow_anonymous) {
      return MOSQ_ERR_SUCCESS;
    } else {
      return MOSQ_ERR_AUTH;
    }
  } else {
    if (rc === MOSQ_ERR_PLUGIN_DEFER) {
      if (context.username === null && allow_anonymous) {
        return MOSQ_ERR_SUCCESS;
      } else {
        return MOSQ_ERR_AUTH;
      }
    }
  }

  return rc;
}

/**
 * Finds the TLS-PSK key (hex) for `identity`: the psk_file first, then the PSK callbacks and the
 * old plugins. The key is handed back in `key.value`.
 * @adapted the C fills a caller's char buffer; here an out holder
 */
export function mosquitto_psk_key_get(context: mosquitto, hint: string, identity: string, key: mosq_out<string>, max_key_len: number): number {
  let rc: number;
  let opts: mosquitto__security_options;

  rc = mosquitto_psk_key_get_default(context, hint, identity, key, max_key_len);
  if (rc !== MOSQ_ERR_PLUGIN_DEFER) {
    return rc;
  }

  /* The psk file did not know the identity (or there is none): ask the plugins. */

  if (db.config!.per_listener_settings) {
    opts = context.listener!.security_options;
  } else {
    opts = db.config!.security_options;
  }

  for (let cb_base = opts.plugin_callbacks.psk_key; cb_base; cb_base = cb_base.next) {
    const event_data: mosquitto_evt_psk_key = {
      client: context,
      hint,
      identity,
      key: key.value,
      max_key_len,
    };
    rc = cb_base.cb(MOSQ_EVT_PSK_KEY, event_data, cb_base.userdata);
    key.value = event_data.key.slice(0, max_key_len);
    if (rc !== MOSQ_ERR_PLUGIN_DEFER) {
      return rc;
    }
  }

  for (const config of opts.auth_plugin_configs) {
    const plugin = config.plugin;
    if (plugin.version === 4 && plugin.psk_key_get_v4) {
      rc = plugin.psk_key_get_v4(plugin.user_data, context, hint, identity, key, max_key_len);
    } else if (plugin.version === 3) {
      rc = plugin.psk_key_get_v3!(plugin.user_data, context, hint, identity, key, max_key_len);
    } else if (plugin.version === 2) {
      rc = plugin.psk_key_get_v2!(plugin.user_data, hint, identity, key, max_key_len);
    } else {
      rc = MOSQ_ERR_INVAL;
    }
    if (rc !== MOSQ_ERR_PLUGIN_DEFER) {
      return rc;
    }
  }

  /* Everyone deferred: refuse. (Still SUCCESS here means nothing was configured.) */
  if (rc === MOSQ_ERR_PLUGIN_DEFER) {
    rc = MOSQ_ERR_AUTH;
  }
  return rc;
}

/** What an extended authentication step answers: the result code and the data to send back. */
export interface mosquitto_security_auth_result {
  rc: number;
  auth_data_out: Buffer | null;
}

/**
 * Starts MQTT 5 extended authentication (or re-authentication) with the client's method: the
 * first extended-auth callback or v4 plugin that handles the method answers. MOSQ_ERR_NOT_SUPPORTED
 * when nobody knows the method.
 * @adapted the `void **data_out, uint16_t *data_out_len` out-parameters are returned with rc; a
 * Buffer carries its own length, so the length arguments are gone
 */
export function mosquitto_security_auth_start(context: mosquitto, reauth: boolean, data_in: Buffer | null): mosquitto_security_auth_result {
  let rc: number;
  let opts: mosquitto__security_options;
  const data_in_len = data_in ? data_in.length : 0;

  if (!context || !context.listener || !context.auth_method) return { rc: MOSQ_ERR_INVAL, auth_data_out: null };

  if (db.config!.per_listener_settings) {
    opts = context.listener.security_options;
  } else {
    opts = db.config!.security_options;
  }

  for (let cb_base = opts.plugin_callbacks.ext_auth_start; cb_base; cb_base = cb_base.next) {
    const event_data: mosquitto_evt_extended_auth = {
      client: context,
      auth_method: context.auth_method,
      data_in,
      data_out: null,
      data_in_len,
      data_out_len: 0,
    };
    rc = cb_base.cb(MOSQ_EVT_EXT_AUTH_START, event_data, cb_base.userdata);
    if (rc !== MOSQ_ERR_PLUGIN_DEFER) {
      return { rc, auth_data_out: security__data_out(event_data.data_out, event_data.data_out_len) };
    }
  }

  for (const config of opts.auth_plugin_configs) {
    const plugin = config.plugin;
    if (plugin.auth_start_v4) {
      const data_out: mosq_out<Buffer | null> = { value: null };
      const data_out_len: mosq_out<number> = { value: 0 };

      rc = plugin.auth_start_v4(plugin.user_data, context, context.auth_method, reauth,
        data_in, data_in_len, data_out, data_out_len);

      if (rc === MOSQ_ERR_SUCCESS) {
        return { rc: MOSQ_ERR_SUCCESS, auth_data_out: security__data_out(data_out.value, data_out_len.value) };
      } else if (rc === MOSQ_ERR_AUTH_CONTINUE) {
        return { rc: MOSQ_ERR_AUTH_CONTINUE, auth_data_out: security__data_out(data_out.value, data_out_len.value) };
      } else if (rc !== MOSQ_ERR_NOT_SUPPORTED) {
        return { rc, auth_data_out: security__data_out(data_out.value, data_out_len.value) };
      }
    }
  }

  return { rc: MOSQ_ERR_NOT_SUPPORTED, auth_data_out: null };
}

/**
 * Passes the next step of an extended authentication exchange to the extended-auth callbacks
 * and v4 plugins. MOSQ_ERR_NOT_SUPPORTED when nobody handles it.
 * @adapted the `void **data_out, uint16_t *data_out_len` out-parameters are returned with rc; a
 * Buffer carries its own length, so the length arguments are gone
 */
export function mosquitto_security_auth_continue(context: mosquitto, data_in: Buffer | null): mosquitto_security_auth_result {
  let rc: number;
  let opts: mosquitto__security_options;
  const data_in_len = data_in ? data_in.length : 0;

  if (!context || !context.listener || !context.auth_method) return { rc: MOSQ_ERR_INVAL, auth_data_out: null };

  if (db.config!.per_listener_settings) {
    opts = context.listener.security_options;
  } else {
    opts = db.config!.security_options;
  }

  for (let cb_base = opts.plugin_callbacks.ext_auth_continue; cb_base; cb_base = cb_base.next) {
    const event_data: mosquitto_evt_extended_auth = {
      client: context,
      auth_method: null,
      data_in,
      data_out: null,
      data_in_len,
      data_out_len: 0,
    };
    rc = cb_base.cb(MOSQ_EVT_EXT_AUTH_CONTINUE, event_data, cb_base.userdata);
    if (rc !== MOSQ_ERR_PLUGIN_DEFER) {
      return { rc, auth_data_out: security__data_out(event_data.data_out, event_data.data_out_len) };
    }
  }

  for (const config of opts.auth_plugin_configs) {
    const plugin = config.plugin;
    if (plugin.auth_continue_v4) {
      const data_out: mosq_out<Buffer | null> = { value: null };
      const data_out_len: mosq_out<number> = { value: 0 };

      rc = plugin.auth_continue_v4(plugin.user_data, context, context.auth_method,
        data_in, data_in_len, data_out, data_out_len);

      if (rc === MOSQ_ERR_SUCCESS) {
        return { rc: MOSQ_ERR_SUCCESS, auth_data_out: security__data_out(data_out.value, data_out_len.value) };
      } else if (rc === MOSQ_ERR_AUTH_CONTINUE) {
        return { rc: MOSQ_ERR_AUTH_CONTINUE, auth_data_out: security__data_out(data_out.value, data_out_len.value) };
      } else if (rc !== MOSQ_ERR_NOT_SUPPORTED) {
        return { rc, auth_data_out: security__data_out(data_out.value, data_out_len.value) };
      }
    }
  }

  return { rc: MOSQ_ERR_NOT_SUPPORTED, auth_data_out: null };
}

/**
 * The first `len` bytes of a plugin's answer, or null when it gave none.
 * @tsonly C keeps the pointer and length apart; the port hands on one Buffer of the right size
 */
function security__data_out(data: Buffer | null, len: number): Buffer | null {
  if (!data || len <= 0) return null;
  return data.subarray(0, len);
}
