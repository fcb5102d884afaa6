/**
 * The broker's built-in access control (src/security_default.c): the password file
 * (`password_file`), the ACL file (`acl_file`) and the TLS-PSK key file (`psk_file`), and the
 * checks that use them. The password and ACL checks register themselves as event callbacks, so
 * security.ts asks them in the same way as it asks version 5 plugins.
 *
 * File formats:
 * - password file: `username:$6$salt$hash` or `username:$7$iterations$salt$hash` per line
 *   (base64 salt of 12 bytes and SHA-512 / PBKDF2-SHA512 hash of 64 bytes), `#` comments;
 * - ACL file: `user <name>`, `topic [read|write|readwrite|deny] <filter>`,
 *   `pattern [read|write|readwrite|deny] <filter with %c / %u>`, `#` comments;
 * - PSK file: `identity:hexkey` per line.
 * @module
 */
import { createHash, pbkdf2Sync } from 'node:crypto';
import { closeSync } from 'node:fs';
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_AUTH,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOMEM,
  MOSQ_ERR_PLUGIN_DEFER,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_TLS,
  MOSQ_ERR_UNKNOWN,
  MOSQ_LOG_ERR,
  MOSQ_LOG_NOTICE,
  MOSQ_LOG_WARNING,
} from '../include/mosquitto.js';
import {
  MOSQ_ACL_NONE,
  MOSQ_ACL_READ,
  MOSQ_ACL_SUBSCRIBE,
  MOSQ_ACL_UNSUBSCRIBE,
  MOSQ_ACL_WRITE,
} from '../include/mosquitto_plugin.js';
import type { mosq_out } from '../include/mosquitto_plugin.js';
import { MOSQ_EVT_ACL_CHECK, MOSQ_EVT_BASIC_AUTH } from '../include/mosquitto_broker.js';
import type { mosquitto_evt_acl_check, mosquitto_evt_basic_auth } from '../include/mosquitto_broker.js';
import { fgets_extending, misc__trimblanks, mosquitto__fopen } from '../lib/misc_mosq.js';
import type { FILE } from '../lib/misc_mosq.js';
import { MQTT_RC_ADMINISTRATIVE_ACTION } from '../include/mqtt_protocol.js';
import { X509_NAME_get_first_CN, X509_NAME_print_rfc2253 } from '../deps/openssl.js';
import { mosq_cs_active, mosq_cs_disconnecting, mosq_p_mqtt5 } from '../lib/mosquitto_internal.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { send__disconnect } from '../lib/send_disconnect.js';
import { mosquitto__set_state } from '../lib/util_mosq.js';
import { mosquitto_sub_topic_check, mosquitto_topic_matches_sub } from '../lib/util_topic.js';
import { log__printf } from './logging.js';
import { do_disconnect } from './loop.js';
import { net__tls_load_verify, net__tls_server_ctx } from './net.js';
import { db, pw_sha512, pw_sha512_pbkdf2 } from './mosquitto_broker_internal.js';
import type {
  mosquitto__acl,
  mosquitto__acl_user,
  mosquitto__security_options,
  mosquitto__unpwd,
} from './mosquitto_broker_internal.js';
import { base64__decode } from './password_mosq.js';
import { mosquitto_callback_register, mosquitto_callback_unregister } from './plugin.js';
import { mosquitto_unpwd_check } from './security.js';

/** A password or PSK table: uthash keyed by username (or PSK identity). */
type unpwd_table = Map<string, mosquitto__unpwd>;

/** The characters C's isspace() accepts. */
const SPACE = ' \t\n\v\f\r';

/**
 * The cursor of a strtok_r() walk over one line.
 * @tsonly C keeps this as a `char *saveptr` into the line buffer
 */
interface strtok_state {
  str: string;
  pos: number;
}

/**
 * The next token of `state.str` up to one of the `delim` characters, skipping delimiters before
 * it, or null when nothing is left. An empty `delim` takes the whole remainder.
 * @tsonly stands in for libc strtok_r(); C cuts the buffer with NULs, TS moves an index
 */
function strtok_r(state: strtok_state, delim: string): { token: string; end: number } | null {
  const s = state.str;
  let start = state.pos;
  while (start < s.length && delim.includes(s[start])) start++;
  if (start >= s.length) {
    state.pos = s.length;
    return null;
  }
  let end = start;
  while (end < s.length && !delim.includes(s[end])) end++;
  state.pos = end < s.length ? end + 1 : end;
  return { token: s.slice(start, end), end };
}

/**
 * Loads the password, ACL and PSK files of the global options, or of every listener with
 * `per_listener_settings true`, and registers the built-in password and ACL checks as callbacks.
 * A file that cannot be read or parsed stops start-up (or the reload) with an error.
 */
export function mosquitto_security_init_default(_reload: boolean): number {
  const config = db.config!;
  let rc: number;

  /* Each set of options gets its own identity to register callbacks with. */
  if (config.per_listener_settings) {
    for (const listener of config.listeners) {
      listener.security_options.pid = { listener };
    }
  } else {
    config.security_options.pid = { listener: null };
  }

  /* Password files. */
  if (config.per_listener_settings) {
    for (const listener of config.listeners) {
      const pwf = listener.security_options.password_file;
      if (pwf) {
        const root: mosq_out<unpwd_table | null> = { value: listener.security_options.unpwd };
        rc = unpwd__file_parse(root, pwf);
        listener.security_options.unpwd = root.value;
        if (rc) {
          log__printf(null, MOSQ_LOG_ERR, `Error opening password file "${pwf}".`);
          return rc;
        }
        mosquitto_callback_register(listener.security_options.pid!,
          MOSQ_EVT_BASIC_AUTH, mosquitto_unpwd_check_default, null, null);
      }
    }
  } else {
    if (config.security_options.password_file) {
      const pwf = config.security_options.password_file;
      if (pwf) {
        const root: mosq_out<unpwd_table | null> = { value: config.security_options.unpwd };
        rc = unpwd__file_parse(root, pwf);
        config.security_options.unpwd = root.value;
        if (rc) {
          log__printf(null, MOSQ_LOG_ERR, `Error opening password file "${pwf}".`);
          return rc;
        }
      }
      mosquitto_callback_register(config.security_options.pid!,
        MOSQ_EVT_BASIC_AUTH, mosquitto_unpwd_check_default, null, null);
    }
  }

  /* ACL files. */
  if (config.per_listener_settings) {
    for (const listener of config.listeners) {
      if (listener.security_options.acl_file) {
        rc = aclfile__parse(listener.security_options);
        if (rc) {
          log__printf(null, MOSQ_LOG_ERR, `Error opening acl file "${listener.security_options.acl_file}".`);
          return rc;
        }
        mosquitto_callback_register(listener.security_options.pid!,
          MOSQ_EVT_ACL_CHECK, mosquitto_acl_check_default, null, null);
      }
    }
  } else {
    if (config.security_options.acl_file) {
      rc = aclfile__parse(config.security_options);
      if (rc) {
        log__printf(null, MOSQ_LOG_ERR, `Error opening acl file "${config.security_options.acl_file}".`);
        return rc;
      }
      mosquitto_callback_register(config.security_options.pid!,
        MOSQ_EVT_ACL_CHECK, mosquitto_acl_check_default, null, null);
    }
  }

  /* PSK files. */
  if (config.per_listener_settings) {
    for (const listener of config.listeners) {
      const pskf = listener.security_options.psk_file;
      if (pskf) {
        const root: mosq_out<unpwd_table | null> = { value: listener.security_options.psk_id };
        rc = psk__file_parse(root, pskf);
        listener.security_options.psk_id = root.value;
        if (rc) {
          log__printf(null, MOSQ_LOG_ERR, `Error opening psk file "${pskf}".`);
          return rc;
        }
      }
    }
  } else {
    const pskf = config.security_options.psk_file;
    if (pskf) {
      const root: mosq_out<unpwd_table | null> = { value: config.security_options.psk_id };
      rc = psk__file_parse(root, pskf);
      config.security_options.psk_id = root.value;
      if (rc) {
        log__printf(null, MOSQ_LOG_ERR, `Error opening psk file "${pskf}".`);
        return rc;
      }
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Drops the loaded ACLs, passwords and PSK keys (global and per listener) and unregisters the
 * built-in checks.
 */
export function mosquitto_security_cleanup_default(reload: boolean): number {
  const config = db.config!;
  let rc: number;

  rc = acl__cleanup(reload);
  if (rc !== MOSQ_ERR_SUCCESS) return rc;

  let root: mosq_out<unpwd_table | null> = { value: config.security_options.unpwd };
  rc = unpwd__cleanup(root, reload);
  config.security_options.unpwd = root.value;
  if (rc !== MOSQ_ERR_SUCCESS) return rc;

  for (const listener of config.listeners) {
    if (listener.security_options.unpwd) {
      root = { value: listener.security_options.unpwd };
      rc = unpwd__cleanup(root, reload);
      listener.security_options.unpwd = root.value;
      if (rc !== MOSQ_ERR_SUCCESS) return rc;
    }
  }

  root = { value: config.security_options.psk_id };
  rc = unpwd__cleanup(root, reload);
  config.security_options.psk_id = root.value;
  if (rc !== MOSQ_ERR_SUCCESS) return rc;

  for (const listener of config.listeners) {
    if (listener.security_options.psk_id) {
      root = { value: listener.security_options.psk_id };
      rc = unpwd__cleanup(root, reload);
      listener.security_options.psk_id = root.value;
      if (rc !== MOSQ_ERR_SUCCESS) return rc;
    }
  }

  if (config.per_listener_settings) {
    for (const listener of config.listeners) {
      if (listener.security_options.pid) {
        mosquitto_callback_unregister(listener.security_options.pid,
          MOSQ_EVT_BASIC_AUTH, mosquitto_unpwd_check_default, null);
        mosquitto_callback_unregister(listener.security_options.pid,
          MOSQ_EVT_ACL_CHECK, mosquitto_acl_check_default, null);

        listener.security_options.pid = null;
      }
    }
  } else {
    if (config.security_options.pid) {
      mosquitto_callback_unregister(config.security_options.pid,
        MOSQ_EVT_BASIC_AUTH, mosquitto_unpwd_check_default, null);
      mosquitto_callback_unregister(config.security_options.pid,
        MOSQ_EVT_ACL_CHECK, mosquitto_acl_check_default, null);

      config.security_options.pid = null;
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Adds a `topic` line to the ACL list of `user` (null: the lines before any `user` line, which
 * apply to clients without a username). `deny` lines go first so they are checked first.
 */
function add__acl(security_opts: mosquitto__security_options | null, user: string | null, topic: string | null, access: number): number {
  let acl_user: mosquitto__acl_user | null = null;
  let new_user = false;

  if (!security_opts || !topic) return MOSQ_ERR_INVAL;

  if (security_opts.acl_list) {
    let user_tail: mosquitto__acl_user | null = security_opts.acl_list;
    while (user_tail) {
      if (user === null) {
        if (user_tail.username === null) {
          acl_user = user_tail;
          break;
        }
      } else if (user_tail.username !== null && user_tail.username === user) {
        acl_user = user_tail;
        break;
      }
      user_tail = user_tail.next;
    }
  }
  if (!acl_user) {
    new_user = true;
    acl_user = {
      username: user,
      next: null,
      acl: null,
    };
  }

  const acl: mosquitto__acl = {
    access,
    topic,
    next: null,
    ccount: 0,
    ucount: 0,
  };

  /* Append to the user's list; a deny line goes to the front instead. */
  if (acl_user.acl) {
    let acl_tail = acl_user.acl;
    if (access === MOSQ_ACL_NONE) {
      acl.next = acl_tail;
      acl_user.acl = acl;
    } else {
      while (acl_tail.next) {
        acl_tail = acl_tail.next;
      }
      acl_tail.next = acl;
    }
  } else {
    acl_user.acl = acl;
  }

  if (new_user) {
    /* A user seen for the first time goes at the end of the user list. */
    if (security_opts.acl_list) {
      let user_tail = security_opts.acl_list;
      while (user_tail.next) {
        user_tail = user_tail.next;
      }
      user_tail.next = acl_user;
    } else {
      security_opts.acl_list = acl_user;
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * How many times `needle` occurs in `s`, counting non-overlapping matches from the left.
 * @tsonly the C counts with a strstr() loop inside add__acl_pattern
 */
function count_occurrences(s: string, needle: string): number {
  let count = 0;
  let pos = s.indexOf(needle);
  while (pos >= 0) {
    count++;
    pos = s.indexOf(needle, pos + needle.length);
  }
  return count;
}

/**
 * Adds a `pattern` line, counting its `%c` and `%u` so the check knows what to substitute.
 * A pattern with neither is accepted with a warning. `deny` patterns go first.
 */
function add__acl_pattern(security_opts: mosquitto__security_options | null, topic: string | null, access: number): number {
  if (!security_opts || !topic) return MOSQ_ERR_INVAL;

  const acl: mosquitto__acl = {
    access,
    topic,
    next: null,
    ccount: count_occurrences(topic, '%c'),
    ucount: count_occurrences(topic, '%u'),
  };

  if (acl.ccount === 0 && acl.ucount === 0) {
    log__printf(null, MOSQ_LOG_WARNING,
      `Warning: ACL pattern '${topic}' does not contain '%c' or '%u'.`);
  }

  if (security_opts.acl_patterns) {
    let acl_tail = security_opts.acl_patterns;
    if (access === MOSQ_ACL_NONE) {
      /* Deny patterns are checked first. */
      acl.next = acl_tail;
      security_opts.acl_patterns = acl;
    } else {
      while (acl_tail.next) {
        acl_tail = acl_tail.next;
      }
      acl_tail.next = acl;
    }
  } else {
    security_opts.acl_patterns = acl;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * The ACL-file check (an ACL_CHECK callback). Bridges and (un)subscribes are always allowed.
 * The client's own user lines are tried first, then the patterns with `%c`/`%u` filled in; the
 * first matching line decides: `deny` refuses, a line with the wanted access allows, and if
 * nothing allows, access is refused. A `$` topic only matches lines that start with `$`.
 * Defers when no ACL file is configured.
 */
function mosquitto_acl_check_default(_event: number, event_data: unknown, _userdata: unknown): number {
  const ed = event_data as mosquitto_evt_acl_check;
  let security_opts: mosquitto__security_options;

  if (ed.client.bridge) return MOSQ_ERR_SUCCESS;
  /* Subscriptions are not checked against the ACL file in 2.0.11. */
  if (ed.access === MOSQ_ACL_SUBSCRIBE || ed.access === MOSQ_ACL_UNSUBSCRIBE) return MOSQ_ERR_SUCCESS;

  if (db.config!.per_listener_settings) {
    if (!ed.client.listener) return MOSQ_ERR_ACL_DENIED;
    security_opts = ed.client.listener.security_options;
  } else {
    security_opts = db.config!.security_options;
  }
  if (!security_opts.acl_file && !security_opts.acl_list && !security_opts.acl_patterns) {
    return MOSQ_ERR_PLUGIN_DEFER;
  }

  if (!ed.client.acl_list && !security_opts.acl_patterns) return MOSQ_ERR_ACL_DENIED;

  let acl_root: mosquitto__acl | null = ed.client.acl_list ? ed.client.acl_list.acl : null;

  /* The client's own lines, deny lines first. */
  while (acl_root) {
    /* A $ topic is only matched by a line that also starts with $. */
    if (ed.topic[0] === '$' && acl_root.topic[0] !== '$') {
      acl_root = acl_root.next;
      continue;
    }
    const { result } = mosquitto_topic_matches_sub(acl_root.topic, ed.topic);
    if (result) {
      if (acl_root.access === MOSQ_ACL_NONE) {
        /* Explicitly denied. */
        return MOSQ_ERR_ACL_DENIED;
      }
      if (ed.access & acl_root.access) {
        /* Allowed. */
        return MOSQ_ERR_SUCCESS;
      }
    }
    acl_root = acl_root.next;
  }

  acl_root = security_opts.acl_patterns;

  if (acl_root) {
    /* A + or # in the username or client id would turn into a wildcard once substituted
     * into a pattern, so such clients get no pattern access at all. */
    if (ed.client.username && /[+#]/.test(ed.client.username)) {
      log__printf(null, MOSQ_LOG_NOTICE, `ACL denying access to client with dangerous username "${ed.client.username}"`);
      return MOSQ_ERR_ACL_DENIED;
    }

    if (ed.client.id && /[+#]/.test(ed.client.id)) {
      log__printf(null, MOSQ_LOG_NOTICE, `ACL denying access to client with dangerous client id "${ed.client.id}"`);
      return MOSQ_ERR_ACL_DENIED;
    }
  }

  /* The patterns, deny patterns first. */
  if (!ed.client.id) return MOSQ_ERR_ACL_DENIED;
  const client_id = ed.client.id;

  while (acl_root) {
    const pattern = acl_root.topic;
    const tlen = pattern.length;

    if (acl_root.ucount && !ed.client.username) {
      acl_root = acl_root.next;
      continue;
    }

    let local_acl = '';
    for (let i = 0; i < tlen; i++) {
      if (i < tlen - 1 && pattern[i] === '%') {
        if (pattern[i + 1] === 'c') {
          i++;
          local_acl += client_id;
          continue;
        } else if (ed.client.username && pattern[i + 1] === 'u') {
          i++;
          local_acl += ed.client.username;
          continue;
        }
      }
      local_acl += pattern[i];
    }

    const { result } = mosquitto_topic_matches_sub(local_acl, ed.topic);
    if (result) {
      if (acl_root.access === MOSQ_ACL_NONE) {
        /* Explicitly denied by a pattern. */
        return MOSQ_ERR_ACL_DENIED;
      }
      if (ed.access & acl_root.access) {
        /* Allowed. */
        return MOSQ_ERR_SUCCESS;
      }
    }

    acl_root = acl_root.next;
  }

  return MOSQ_ERR_ACL_DENIED;
}

/**
 * Reads the ACL file of one set of security options. Lines are split on spaces only; trailing
 * white space is dropped, a line starting with `#` is a comment, blank lines are skipped.
 * `topic <filter>` without an access type means readwrite. The first bad line stops parsing
 * with an error naming the file.
 * @adapted fgets_extending over a FILE with a position; strtok_r on an index (see strtok_r)
 */
function aclfile__parse(security_opts: mosquitto__security_options | null): number {
  let user: string | null = null;
  let topic: string;
  let access_s: string | null;
  let access: number;
  let rc = MOSQ_ERR_SUCCESS;
  let topic_pattern: number;

  if (!db.config) return MOSQ_ERR_INVAL;
  if (!security_opts) return MOSQ_ERR_INVAL;
  if (!security_opts.acl_file) return MOSQ_ERR_SUCCESS;

  const aclfptr = mosquitto__fopen(security_opts.acl_file, 'rt', false);
  if (!aclfptr) {
    log__printf(null, MOSQ_LOG_ERR, `Error: Unable to open acl_file "${security_opts.acl_file}".`);
    return MOSQ_ERR_UNKNOWN;
  }

  /* Lines are `user <user>` or `topic|pattern [read|write|readwrite|deny] <topic>`. */

  let buf: string | null;
  while ((buf = fgets_extending(aclfptr)) !== null) {
    let slen = buf.length;
    while (slen > 0 && SPACE.includes(buf[slen - 1])) {
      buf = buf.slice(0, slen - 1);
      slen = buf.length;
    }
    if (buf[0] === '#') {
      continue;
    }
    const saveptr: strtok_state = { str: buf, pos: 0 };
    const first = strtok_r(saveptr, ' ');
    if (first) {
      const token = first.token;
      if (token === 'topic' || token === 'pattern') {
        if (token === 'topic') {
          topic_pattern = 0;
        } else {
          topic_pattern = 1;
        }

        const access_tok = strtok_r(saveptr, ' ');
        if (!access_tok) {
          log__printf(null, MOSQ_LOG_ERR, `Error: Empty topic in acl_file "${security_opts.acl_file}".`);
          rc = MOSQ_ERR_INVAL;
          break;
        }
        access_s = access_tok.token;
        const rest = strtok_r(saveptr, '');
        if (rest) {
          topic = misc__trimblanks(rest.token)!;
        } else {
          topic = access_s;
          access_s = null;
        }
        if (access_s) {
          if (access_s === 'read') {
            access = MOSQ_ACL_READ;
          } else if (access_s === 'write') {
            access = MOSQ_ACL_WRITE;
          } else if (access_s === 'readwrite') {
            access = MOSQ_ACL_READ | MOSQ_ACL_WRITE;
          } else if (access_s === 'deny') {
            access = MOSQ_ACL_NONE;
          } else {
            log__printf(null, MOSQ_LOG_ERR, `Error: Invalid topic access type "${access_s}" in acl_file "${security_opts.acl_file}".`);
            rc = MOSQ_ERR_INVAL;
            break;
          }
        } else {
          access = MOSQ_ACL_READ | MOSQ_ACL_WRITE;
        }
        rc = mosquitto_sub_topic_check(topic);
        if (rc !== MOSQ_ERR_SUCCESS) {
          log__printf(null, MOSQ_LOG_ERR, `Error: Invalid ACL topic "${topic}" in acl_file "${security_opts.acl_file}".`);
          rc = MOSQ_ERR_INVAL;
          break;
        }

        if (topic_pattern === 0) {
          rc = add__acl(security_opts, user, topic, access);
        } else {
          rc = add__acl_pattern(security_opts, topic, access);
        }
        if (rc) {
          break;
        }
      } else if (token === 'user') {
        const rest = strtok_r(saveptr, '');
        if (rest) {
          const name = misc__trimblanks(rest.token)!;
          if (slen === 0) {
            log__printf(null, MOSQ_LOG_ERR, `Error: Missing username in acl_file "${security_opts.acl_file}".`);
            rc = MOSQ_ERR_INVAL;
            break;
          }
          user = name;
        } else {
          log__printf(null, MOSQ_LOG_ERR, `Error: Missing username in acl_file "${security_opts.acl_file}".`);
          rc = MOSQ_ERR_INVAL;
          break;
        }
      } else {
        /* strtok_r has cut the line after its first word, so only that much is printed. */
        log__printf(null, MOSQ_LOG_ERR, `Error: Invalid line in acl_file "${security_opts.acl_file}": ${buf.slice(0, first.end)}.`);
        rc = MOSQ_ERR_INVAL;
        break;
      }
    }
  }

  fclose(aclfptr);

  return rc;
}

/**
 * Closes a file opened with mosquitto__fopen.
 * @tsonly libc fclose() stand-in for the port's FILE
 */
function fclose(stream: FILE): void {
  try {
    closeSync(stream.fd);
  } catch {
    /* nothing to do: the descriptor is gone either way */
  }
}

/**
 * Drops one set of options' user ACL lists and patterns.
 * @adapted no free__acl walk: dropping the list heads lets the garbage collector free them
 */
function acl__cleanup_single(security_opts: mosquitto__security_options): void {
  /* Unlinking the heads is enough: the garbage collector frees the lists (C: free__acl). */
  security_opts.acl_list = null;
  security_opts.acl_patterns = null;
}

/**
 * Drops all ACLs, first unlinking every client from its ACL list: after a reload the ACLs must
 * be applied again (mosquitto_security_apply_default) or those clients are refused everything.
 */
function acl__cleanup(_reload: boolean): number {
  const config = db.config!;

  for (const context of db.contexts_by_id.values()) {
    context.acl_list = null;
  }

  if (config.per_listener_settings) {
    for (const listener of config.listeners) {
      acl__cleanup_single(listener.security_options);
    }
  } else {
    acl__cleanup_single(config.security_options);
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Links a client to the ACL lines of its username (or the anonymous lines when it has none).
 * MOSQ_ERR_INVAL with per-listener settings for a client that has no listener.
 */
export function acl__find_acls(context: mosquitto): number {
  let security_opts: mosquitto__security_options;

  /* Find the client's ACL list, if ACLs are loaded. */
  if (db.config!.per_listener_settings) {
    if (!context.listener) {
      return MOSQ_ERR_INVAL;
    }
    security_opts = context.listener.security_options;
  } else {
    security_opts = db.config!.security_options;
  }

  if (security_opts.acl_list) {
    let acl_tail: mosquitto__acl_user | null = security_opts.acl_list;
    while (acl_tail) {
      if (context.username) {
        if (acl_tail.username && context.username === acl_tail.username) {
          context.acl_list = acl_tail;
          break;
        }
      } else {
        if (acl_tail.username === null) {
          context.acl_list = acl_tail;
          break;
        }
      }
      acl_tail = acl_tail.next;
    }
  } else {
    context.acl_list = null;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Reads a `name:secret` file (password or PSK file) into `root`. Lines without a colon and
 * `#` comments are skipped; a line with a name but nothing after the colon is skipped with a
 * warning; names and secrets are trimmed of blanks. A later line for the same name replaces an
 * earlier one.
 * @adapted the table head pointer is a mosq_out holder; a Map replaces uthash
 */
function pwfile__parse(file: string, root: mosq_out<unpwd_table | null>): number {
  const pwfile = mosquitto__fopen(file, 'rt', false);
  if (!pwfile) {
    log__printf(null, MOSQ_LOG_ERR, `Error: Unable to open pwfile "${file}".`);
    return MOSQ_ERR_UNKNOWN;
  }

  while (!pwfile.eof) {
    const buf = fgets_extending(pwfile);
    if (buf === null) {
      if (!pwfile.eof) break; /* a read error: C's loop would spin on it */
      continue;
    }
    if (buf[0] === '#') continue;
    if (!buf.includes(':')) continue;

    const saveptr: strtok_state = { str: buf, pos: 0 };
    const username_tok = strtok_r(saveptr, ':');
    if (username_tok) {
      const username = misc__trimblanks(username_tok.token)!;
      if (Buffer.byteLength(username) > 65535) {
        log__printf(null, MOSQ_LOG_NOTICE, `Warning: Invalid line in password file '${file}', username too long.`);
        continue;
      }

      const password_tok = strtok_r(saveptr, ':');
      if (password_tok) {
        const password = misc__trimblanks(password_tok.token)!;

        if (Buffer.byteLength(password) > 65535) {
          log__printf(null, MOSQ_LOG_NOTICE, `Warning: Invalid line in password file '${file}', password too long.`);
          continue;
        }

        const unpwd: mosquitto__unpwd = {
          username,
          password: Buffer.from(password, 'utf8'),
          clientid: null,
          salt: null,
          password_len: 0,
          salt_len: 0,
          iterations: 0,
          hashtype: 0,
        };
        if (!root.value) root.value = new Map();
        root.value.set(unpwd.username, unpwd);
      } else {
        /* strtok_r and trimblanks have cut the line after the name, so only that much is printed. */
        log__printf(null, MOSQ_LOG_NOTICE,
          `Warning: Invalid line in password file '${file}': ${buf.slice(0, username_tok.end).replace(/[ \t\n\v\f\r]+$/, '')}`);
      }
    }
  }
  fclose(pwfile);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Removes one entry from a password or PSK table (the table becomes null when emptied, as a
 * uthash head does).
 * @adapted the table head pointer is a mosq_out holder; a Map replaces uthash
 */
export function unpwd__free_item(unpwd: mosq_out<unpwd_table | null>, item: mosquitto__unpwd): void {
  if (!unpwd.value) return;
  unpwd.value.delete(item.username);
  if (unpwd.value.size === 0) unpwd.value = null;
}

/**
 * Turns each password file entry's `$6$salt$hash` or `$7$iterations$salt$hash` text into the
 * hash type, iterations, salt (12 bytes) and hash (64 bytes). Entries that do not decode are
 * logged and removed; the file as a whole is still accepted.
 */
function unpwd__decode_passwords(unpwd: mosq_out<unpwd_table | null>): number {
  if (!unpwd.value) return MOSQ_ERR_SUCCESS;

  for (const u of [...unpwd.value.values()]) {
    /* Split the stored text into hash type, iterations, salt and hash. */
    if (u.password === null) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Missing password hash for user ${u.username}, removing entry.`);
      unpwd__free_item(unpwd, u);
      continue;
    }

    const saveptr: strtok_state = { str: u.password.toString('utf8'), pos: 0 };
    let token = strtok_r(saveptr, '$');
    if (token === null) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Invalid password hash for user ${u.username}, removing entry.`);
      unpwd__free_item(unpwd, u);
      continue;
    }

    let hashtype: number;
    if (token.token === '6') {
      hashtype = pw_sha512;
    } else if (token.token === '7') {
      hashtype = pw_sha512_pbkdf2;
    } else {
      log__printf(null, MOSQ_LOG_ERR, `Error: Invalid password hash type for user ${u.username}, removing entry.`);
      unpwd__free_item(unpwd, u);
      continue;
    }

    if (hashtype === pw_sha512_pbkdf2) {
      token = strtok_r(saveptr, '$');
      if (token === null) {
        log__printf(null, MOSQ_LOG_ERR, `Error: Invalid password hash for user ${u.username}, removing entry.`);
        unpwd__free_item(unpwd, u);
        continue;
      }
      u.iterations = atoi(token.token);
      if (u.iterations < 1) {
        log__printf(null, MOSQ_LOG_ERR, `Error: Invalid hash iterations for user ${u.username}, removing entry.`);
        unpwd__free_item(unpwd, u);
        continue;
      }
    }

    token = strtok_r(saveptr, '$');
    if (token === null) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Invalid password hash for user ${u.username}, removing entry.`);
      unpwd__free_item(unpwd, u);
      continue;
    }
    const salt = base64__decode(token.token);
    if (salt.rc === MOSQ_ERR_SUCCESS && salt.decoded_len === 12) {
      u.salt = salt.decoded;
      u.salt_len = salt.decoded_len;
      token = strtok_r(saveptr, '$');
      if (token) {
        const password = base64__decode(token.token);
        if (password.rc === MOSQ_ERR_SUCCESS && password.decoded_len === 64) {
          u.password = password.decoded;
          u.password_len = password.decoded_len;
          u.hashtype = hashtype;
        } else {
          log__printf(null, MOSQ_LOG_ERR, `Error: Unable to decode password for user ${u.username}, removing entry.`);
          unpwd__free_item(unpwd, u);
        }
      } else {
        log__printf(null, MOSQ_LOG_ERR, `Error: Invalid password hash for user ${u.username}, removing entry.`);
        unpwd__free_item(unpwd, u);
      }
    } else {
      log__printf(null, MOSQ_LOG_ERR, `Error: Unable to decode password salt for user ${u.username}, removing entry.`);
      unpwd__free_item(unpwd, u);
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * The leading decimal integer of `s`, or 0.
 * @tsonly libc atoi() stand-in
 */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? parseInt(m[1], 10) : 0;
}

/**
 * Reads a password file and decodes its hashes.
 * @adapted the table head pointer is a mosq_out holder
 */
function unpwd__file_parse(unpwd: mosq_out<unpwd_table | null> | null, password_file: string | null): number {
  let rc: number;
  if (!unpwd) return MOSQ_ERR_INVAL;

  if (!password_file) return MOSQ_ERR_SUCCESS;

  rc = pwfile__parse(password_file, unpwd);

  if (rc) return rc;
  rc = unpwd__decode_passwords(unpwd);

  return rc;
}

/**
 * Reads a PSK file: every identity needs a key made of hexadecimal digits only, otherwise the
 * whole file is refused.
 * @adapted the table head pointer is a mosq_out holder
 */
function psk__file_parse(psk_id: mosq_out<unpwd_table | null> | null, psk_file: string | null): number {
  if (!db.config || !psk_id) return MOSQ_ERR_INVAL;

  /* No psk file configured. */
  if (!psk_file) return MOSQ_ERR_SUCCESS;

  const rc = pwfile__parse(psk_file, psk_id);
  if (rc) return rc;

  for (const u of psk_id.value?.values() ?? []) {
    /* Keys are hex only. */
    if (!u.password) {
      log__printf(null, MOSQ_LOG_ERR, `Error: Empty psk for identity "${u.username}".`);
      return MOSQ_ERR_INVAL;
    }
    if (!/^[0-9a-fA-F]*$/.test(u.password.toString('utf8'))) {
      log__printf(null, MOSQ_LOG_ERR, `Error: psk for identity "${u.username}" contains non-hexadecimal characters.`);
      return MOSQ_ERR_INVAL;
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Compares `len` bytes of two buffers in constant time: 0 when equal, 1 when not (or either is
 * missing).
 */
function mosquitto__memcmp_const(a: Buffer | null, b: Buffer | null, len: number): number {
  let rc = 0;

  if (!a || !b) return 1;

  for (let i = 0; i < len; i++) {
    if (a[i] !== b[i]) {
      rc = 1;
    }
  }
  return rc;
}

/**
 * The password-file check (a BASIC_AUTH callback). Defers for a client without a username; a
 * username not in the file, a missing password or a wrong one is MOSQ_ERR_AUTH; a file entry
 * without a password hash accepts any password.
 */
function mosquitto_unpwd_check_default(_event: number, event_data: unknown, _userdata: unknown): number {
  const ed = event_data as mosquitto_evt_basic_auth;
  let unpwd_ref: unpwd_table | null;

  if (ed.client.username === null) {
    return MOSQ_ERR_PLUGIN_DEFER;
  }

  if (db.config!.per_listener_settings) {
    if (ed.client.bridge) return MOSQ_ERR_SUCCESS;
    if (!ed.client.listener) return MOSQ_ERR_INVAL;
    unpwd_ref = ed.client.listener.security_options.unpwd;
  } else {
    unpwd_ref = db.config!.security_options.unpwd;
  }

  const u = unpwd_ref?.get(ed.client.username);
  if (u) {
    if (u.password) {
      if (ed.client.password) {
        const digest = pw__digest(ed.client.password, u.salt, u.salt_len, u.hashtype, u.iterations);
        if (digest.rc === MOSQ_ERR_SUCCESS) {
          if (digest.hash_len === u.password_len && !mosquitto__memcmp_const(u.password, digest.hash, digest.hash_len)) {
            return MOSQ_ERR_SUCCESS;
          } else {
            return MOSQ_ERR_AUTH;
          }
        } else {
          return digest.rc;
        }
      } else {
        return MOSQ_ERR_AUTH;
      }
    } else {
      return MOSQ_ERR_SUCCESS;
    }
  }

  return MOSQ_ERR_AUTH;
}

/**
 * Empties a password or PSK table.
 * @adapted the table head pointer is a mosq_out holder; a Map replaces uthash
 */
function unpwd__cleanup(root: mosq_out<unpwd_table | null> | null, _reload: boolean): number {
  if (!root) return MOSQ_ERR_INVAL;

  root.value?.clear();

  root.value = null;

  return MOSQ_ERR_SUCCESS;
}

/**
 * Drops a client whose certificate or PSK identity no longer yields a username: MQTT 5 clients
 * are told with an administrative-action DISCONNECT first.
 */
function security__disconnect_auth(context: mosquitto): void {
  if (context.protocol === mosq_p_mqtt5) {
    send__disconnect(context, MQTT_RC_ADMINISTRATIVE_ACTION, null);
  }
  mosquitto__set_state(context, mosq_cs_disconnecting);
  do_disconnect(context, MOSQ_ERR_AUTH);
}

/**
 * After a reload, re-checks every client (bridges excepted) against the new settings: TLS
 * listeners with a CRL get a fresh context (so a renewed crlfile counts for new connections),
 * anonymous clients are dropped when allow_anonymous is now false, clients of
 * use_identity_as_username/use_subject_as_username listeners get their username again from their
 * certificate, other clients whose credentials no longer pass are dropped, and everyone left is
 * linked to their (new) ACL list.
 */
export function mosquitto_security_apply_default(): number {
  const config = db.config!;
  let allow_anonymous: boolean;
  let security_opts: mosquitto__security_options | null = null;

  for (const listener of config.listeners) {
    if (listener && listener.ssl_ctx && listener.certfile && listener.keyfile && listener.crlfile && listener.require_certificate) {
      if (net__tls_server_ctx(listener)) {
        return MOSQ_ERR_TLS;
      }
      if (net__tls_load_verify(listener)) {
        return MOSQ_ERR_TLS;
      }
    }
  }

  for (const context of [...db.contexts_by_id.values()]) {
    if (context.bridge) {
      continue;
    }

    /* Anonymous clients when allow_anonymous is now false. */
    if (config.per_listener_settings) {
      if (context.listener) {
        allow_anonymous = context.listener.security_options.allow_anonymous !== 0;
      } else {
        /* Not connected now: judged when it connects again. */
        allow_anonymous = true;
      }
    } else {
      allow_anonymous = config.security_options.allow_anonymous !== 0;
    }

    if (!allow_anonymous && !context.username) {
      mosquitto__set_state(context, mosq_cs_disconnecting);
      do_disconnect(context, MOSQ_ERR_AUTH);
      continue;
    }

    /* Clients whose credentials no longer pass. */
    const listener = context.listener;
    if (listener && listener.ssl_ctx && (listener.use_identity_as_username || listener.use_subject_as_username)) {
      /* A valid certificate, or a PSK identity as username, is required. */
      if (!context.ssl) {
        if (context.protocol === mosq_p_mqtt5) {
          send__disconnect(context, MQTT_RC_ADMINISTRATIVE_ACTION, null);
        }
        mosquitto__set_state(context, mosq_cs_disconnecting);
        do_disconnect(context, MOSQ_ERR_AUTH);
        continue;
      }
      if (listener.psk_hint) {
        if (!context.username) {
          security__disconnect_auth(context);
          continue;
        }
      } else {
        /* Drop the old credentials and take them from the certificate again. */
        context.username = null;
        context.password = null;

        const client_cert = context.ssl.getPeerX509Certificate();
        if (!client_cert) {
          security__disconnect_auth(context);
          continue;
        }
        if (listener.use_identity_as_username) {
          const name = X509_NAME_get_first_CN(context.ssl);
          if (name === null) {
            security__disconnect_auth(context);
            continue;
          }
          context.username = name;
          /* A NUL inside the CN would cut the name short in C. */
          if (name.includes('\0')) {
            security__disconnect_auth(context);
            continue;
          }
        } else {
          context.username = X509_NAME_print_rfc2253(client_cert);
        }
        if (!context.username) {
          security__disconnect_auth(context);
          continue;
        }
      }
    } else {
      /* Username/password are only checked when the certificate does not give the username. */
      if (mosquitto_unpwd_check(context) !== MOSQ_ERR_SUCCESS) {
        mosquitto__set_state(context, mosq_cs_disconnecting);
        do_disconnect(context, MOSQ_ERR_AUTH);
        continue;
      }
    }

    /* Link the client to its ACL list again. */
    if (config.per_listener_settings) {
      if (context.listener) {
        security_opts = context.listener.security_options;
      } else {
        if (context.state !== mosq_cs_active) {
          mosquitto__set_state(context, mosq_cs_disconnecting);
          do_disconnect(context, MOSQ_ERR_AUTH);
          continue;
        }
      }
    } else {
      security_opts = config.security_options;
    }

    if (security_opts && security_opts.acl_list) {
      let acl_user_tail: mosquitto__acl_user | null = security_opts.acl_list;
      while (acl_user_tail) {
        if (acl_user_tail.username) {
          if (context.username) {
            if (acl_user_tail.username === context.username) {
              context.acl_list = acl_user_tail;
              break;
            }
          }
        } else {
          if (!context.username) {
            context.acl_list = acl_user_tail;
            break;
          }
        }
        acl_user_tail = acl_user_tail.next;
      }
    }
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Looks the TLS-PSK `identity` up in the psk_file and hands its hex key back in `key.value`
 * (cut to `max_key_len`). Defers when no psk file is loaded, MOSQ_ERR_AUTH for an unknown identity.
 * @adapted the C copies into the caller's char buffer; here an out holder
 */
export function mosquitto_psk_key_get_default(context: mosquitto, hint: string | null, identity: string | null,
  key: mosq_out<string> | null, max_key_len: number): number {
  let psk_id_ref: unpwd_table | null;

  if (!hint || !identity || !key) return MOSQ_ERR_INVAL;

  if (db.config!.per_listener_settings) {
    if (!context.listener) return MOSQ_ERR_INVAL;
    psk_id_ref = context.listener.security_options.psk_id;
  } else {
    psk_id_ref = db.config!.security_options.psk_id;
  }
  if (!psk_id_ref) return MOSQ_ERR_PLUGIN_DEFER;

  for (const u of psk_id_ref.values()) {
    if (u.username === identity) {
      key.value = u.password!.toString('utf8').slice(0, max_key_len);
      return MOSQ_ERR_SUCCESS;
    }
  }

  return MOSQ_ERR_AUTH;
}

/**
 * Hashes a login password the way the stored entry was made: SHA-512 over password then salt
 * ($6$), or PBKDF2-HMAC-SHA512 with the stored iterations and a 64-byte key ($7$). The password
 * is taken up to its first NUL byte, as strlen() sees it.
 * @adapted OpenSSL EVP/PKCS5 calls become node:crypto; the hash and its length are returned
 */
function pw__digest(password: Buffer, salt: Buffer | null, salt_len: number, hashtype: number,
  iterations: number): { rc: number; hash: Buffer; hash_len: number } {
  const nul = password.indexOf(0);
  const pw = nul < 0 ? password : password.subarray(0, nul);
  const salt_bytes = salt ? salt.subarray(0, salt_len) : Buffer.alloc(0);
  let hash: Buffer;

  if (hashtype === pw_sha512) {
    hash = createHash('sha512').update(pw).update(salt_bytes).digest();
  } else {
    try {
      hash = pbkdf2Sync(pw, salt_bytes, iterations, 64, 'sha512');
    } catch {
      return { rc: MOSQ_ERR_NOMEM, hash: Buffer.alloc(0), hash_len: 0 };
    }
  }

  return { rc: MOSQ_ERR_SUCCESS, hash, hash_len: hash.length };
}
