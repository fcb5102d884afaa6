/**
 * The version 5 plugin interface (plugin.ts): callback registration with mosquitto's rules, and
 * a plugin module loaded from a file by the security front end's loader, which registers its
 * callbacks from mosquitto_plugin_init and then sees the broker's events (basic auth, ACL
 * checks, messages, $CONTROL, tick, disconnect) through the real callers in security.ts and
 * control.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_ALREADY_EXISTS,
  MOSQ_ERR_AUTH,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOT_FOUND,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_PLUGIN_DEFER,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_UNKNOWN,
} from '../../../src/include/mosquitto.js';
import {
  MOSQ_EVT_ACL_CHECK,
  MOSQ_EVT_BASIC_AUTH,
  MOSQ_EVT_CONTROL,
  MOSQ_EVT_DISCONNECT,
  MOSQ_EVT_EXT_AUTH_CONTINUE,
  MOSQ_EVT_EXT_AUTH_START,
  MOSQ_EVT_MESSAGE,
  MOSQ_EVT_PSK_KEY,
  MOSQ_EVT_RELOAD,
  MOSQ_EVT_TICK,
} from '../../../src/include/mosquitto_broker.js';
import type { MOSQ_FUNC_generic_callback, mosquitto_evt_message } from '../../../src/include/mosquitto_broker.js';
import { MOSQ_ACL_READ, MOSQ_ACL_SUBSCRIBE, MOSQ_ACL_WRITE } from '../../../src/include/mosquitto_plugin.js';
import { db__msg_store_new } from '../../../src/broker/database.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import type {
  mosquitto__auth_plugin_config,
  mosquitto__callback,
  mosquitto__listener,
  mosquitto_msg_store,
  mosquitto_plugin_id_t,
} from '../../../src/broker/mosquitto_broker_internal.js';
import { mosq_p_mqtt5 } from '../../../src/lib/mosquitto_internal.js';
import { make_context, make_listener, reset_db, socket_bytes } from '../helpers/context.js';

const logged = vi.hoisted(() => [] as string[]);
/* No importOriginal: the real logging.ts reaches modules that import security.ts. */
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, _priority: number, msg: string) => { logged.push(msg); return 0; },
}));

const {
  mosquitto_callback_register,
  mosquitto_callback_unregister,
  plugin__handle_disconnect,
  plugin__handle_message,
  plugin__handle_tick,
} = await import('../../../src/broker/plugin.js');
const {
  mosquitto_acl_check,
  mosquitto_security_module_cleanup,
  mosquitto_security_module_init,
  mosquitto_unpwd_check,
  security__auth_plugin_new,
} = await import('../../../src/broker/security.js');
const { control__process } = await import('../../../src/broker/control.js');

const dir = mkdtempSync(join(tmpdir(), 'plugin-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/* The broker modules a plugin module imports, as a C plugin links against the broker. */
const PLUGIN_TS = pathToFileURL(resolve('src/broker/plugin.ts')).href;
const PUBLIC_TS = pathToFileURL(resolve('src/broker/plugin_public.ts')).href;

/* A version 5 plugin: it registers a callback for every event it handles and records each event
 * in `events`. Decisions: user "good" with password "pw" may connect, other known users not,
 * unknown ones are deferred; `public/...` may be used, `secret/...` not, anything else deferred;
 * a message to "rewrite" is changed, one to "refuse" is refused; `$CONTROL/test/v1` answers
 * "bad command" to the payload "fail". An option `fail` makes its init fail. */
const PLUGIN_V5 = join(dir, 'plugin_v5.mjs');
writeFileSync(PLUGIN_V5, `
import { mosquitto_callback_register, mosquitto_callback_unregister } from '${PLUGIN_TS}';
import { mosquitto_client_id } from '${PUBLIC_TS}';

export const events = [];
let pid = null;
let ud = null;

function basic_auth(event, ed, userdata) {
  events.push({ event, id: mosquitto_client_id(ed.client), username: ed.username, password: ed.password, tag: userdata.tag });
  if (ed.username === 'good') return ed.password === 'pw' ? ${MOSQ_ERR_SUCCESS} : ${MOSQ_ERR_AUTH};
  if (ed.username === 'bad') return ${MOSQ_ERR_AUTH};
  return ${MOSQ_ERR_PLUGIN_DEFER};
}
function acl_check(event, ed, userdata) {
  events.push({ event, id: mosquitto_client_id(ed.client), access: ed.access, topic: ed.topic,
    payload: ed.payload ? ed.payload.toString() : null, qos: ed.qos, retain: ed.retain, tag: userdata.tag });
  if (ed.topic.startsWith('public/')) return ${MOSQ_ERR_SUCCESS};
  if (ed.topic.startsWith('secret/')) return ${MOSQ_ERR_ACL_DENIED};
  return ${MOSQ_ERR_PLUGIN_DEFER};
}
function message(event, ed, userdata) {
  events.push({ event, id: mosquitto_client_id(ed.client), topic: ed.topic, payload: ed.payload.toString(), qos: ed.qos, retain: ed.retain });
  if (ed.topic === 'rewrite') {
    ed.topic = 'rewritten';
    ed.payload = Buffer.from('new payload');
    ed.payloadlen = ed.payload.length;
    ed.retain = true;
  }
  if (ed.topic === 'refuse') return ${MOSQ_ERR_ACL_DENIED};
  return ${MOSQ_ERR_SUCCESS};
}
function control(event, ed, userdata) {
  events.push({ event, id: mosquitto_client_id(ed.client), topic: ed.topic, payload: ed.payload.toString(), qos: ed.qos });
  if (ed.payload.toString() === 'fail') {
    ed.reason_string = 'bad command';
    return ${MOSQ_ERR_INVAL};
  }
  return ${MOSQ_ERR_SUCCESS};
}
function tick(event, ed, userdata) { events.push({ event }); return 0; }
function disconnect(event, ed, userdata) { events.push({ event, id: mosquitto_client_id(ed.client), reason: ed.reason }); return 0; }

const callbacks = [
  [${MOSQ_EVT_BASIC_AUTH}, basic_auth, null],
  [${MOSQ_EVT_ACL_CHECK}, acl_check, null],
  [${MOSQ_EVT_MESSAGE}, message, null],
  [${MOSQ_EVT_CONTROL}, control, '$CONTROL/test/v1'],
  [${MOSQ_EVT_TICK}, tick, null],
  [${MOSQ_EVT_DISCONNECT}, disconnect, null],
];

export function mosquitto_plugin_version(count, versions) {
  events.push({ version_query: versions.slice(0, count) });
  return 5;
}
export function mosquitto_plugin_init(identifier, user_data, opts, opt_count) {
  events.push({ init: opts.map((o) => o.key + '=' + o.value), opt_count, port: identifier.listener ? identifier.listener.port : null });
  if (opts.some((o) => o.key === 'fail')) return 7;
  pid = identifier;
  ud = { tag: 'user data' };
  user_data.value = ud;
  for (const [event, cb, data] of callbacks) {
    const rc = mosquitto_callback_register(identifier, event, cb, data, ud);
    if (rc) return rc;
  }
  return 0;
}
export function mosquitto_plugin_cleanup(user_data, opts, opt_count) {
  events.push({ cleanup: user_data === ud ? user_data.tag : 'wrong user data' });
  for (const [event, cb, data] of callbacks) {
    mosquitto_callback_unregister(pid, event, cb, data);
  }
  return 0;
}
`);

/* A module claiming version 5 without the entry points it needs. */
const PLUGIN_NO_INIT = join(dir, 'plugin_no_init.mjs');
writeFileSync(PLUGIN_NO_INIT, `
export function mosquitto_plugin_version() { return 5; }
export function mosquitto_plugin_cleanup() { return 0; }
`);
const PLUGIN_NO_CLEANUP = join(dir, 'plugin_no_cleanup.mjs');
writeFileSync(PLUGIN_NO_CLEANUP, `
export function mosquitto_plugin_version() { return 5; }
export function mosquitto_plugin_init() { return 0; }
`);

type event_record = Record<string, unknown>;

function plugin_config(path: string, options: [string, string][] = []): mosquitto__auth_plugin_config {
  return {
    path,
    options: options.map(([key, value]) => ({ key, value })),
    option_count: options.length,
    deny_special_chars: true,
    plugin: security__auth_plugin_new(),
  };
}

/** The events the loaded test plugin has recorded (its module's `events` export). */
function events_of(config: mosquitto__auth_plugin_config): event_record[] {
  return config.plugin.lib!.events as event_record[];
}

/** The functions of one callback list, head to tail. */
function list(head: mosquitto__callback | null): MOSQ_FUNC_generic_callback[] {
  const out: MOSQ_FUNC_generic_callback[] = [];
  for (let cb = head; cb; cb = cb.next) out.push(cb.cb);
  return out;
}

function stored_message(topic: string, payload: string, qos = 0, retain = false): mosquitto_msg_store {
  const stored = db__msg_store_new();
  stored.topic = topic;
  stored.payload = Buffer.from(payload);
  stored.payloadlen = stored.payload.length;
  stored.qos = qos;
  stored.retain = retain;
  return stored;
}

const cb_a: MOSQ_FUNC_generic_callback = () => MOSQ_ERR_SUCCESS;
const cb_b: MOSQ_FUNC_generic_callback = () => MOSQ_ERR_SUCCESS;

beforeEach(() => {
  reset_db();
  logged.length = 0;
});

describe('mosquitto_callback_register / mosquitto_callback_unregister', () => {
  const global_pid: mosquitto_plugin_id_t = { listener: null };
  const lists: [number, 'reload' | 'acl_check' | 'basic_auth' | 'psk_key' | 'ext_auth_start' | 'ext_auth_continue' | 'message' | 'tick' | 'disconnect'][] = [
    [MOSQ_EVT_RELOAD, 'reload'],
    [MOSQ_EVT_ACL_CHECK, 'acl_check'],
    [MOSQ_EVT_BASIC_AUTH, 'basic_auth'],
    [MOSQ_EVT_PSK_KEY, 'psk_key'],
    [MOSQ_EVT_EXT_AUTH_START, 'ext_auth_start'],
    [MOSQ_EVT_EXT_AUTH_CONTINUE, 'ext_auth_continue'],
    [MOSQ_EVT_MESSAGE, 'message'],
    [MOSQ_EVT_TICK, 'tick'],
    [MOSQ_EVT_DISCONNECT, 'disconnect'],
  ];

  it.each(lists)('event %i goes to the %s list, appended in order, once per function', (event, name) => {
    const callbacks = db.config!.security_options.plugin_callbacks;
    expect(mosquitto_callback_register(global_pid, event, cb_a, null, 'ua')).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_callback_register(global_pid, event, cb_b, null, 'ub')).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_callback_register(global_pid, event, cb_a, null, 'again')).toBe(MOSQ_ERR_ALREADY_EXISTS);
    expect(list(callbacks[name])).toEqual([cb_a, cb_b]);
    expect(callbacks[name]!.userdata).toBe('ua');
    expect(callbacks[name]!.next!.userdata).toBe('ub');
    /* No other list was touched. */
    for (const [, other] of lists) {
      if (other !== name) expect(callbacks[other]).toBe(null);
    }

    expect(mosquitto_callback_unregister(global_pid, event, cb_a, null)).toBe(MOSQ_ERR_SUCCESS);
    expect(list(callbacks[name])).toEqual([cb_b]);
    expect(mosquitto_callback_unregister(global_pid, event, cb_a, null)).toBe(MOSQ_ERR_NOT_FOUND);
    expect(mosquitto_callback_unregister(global_pid, event, cb_b, null)).toBe(MOSQ_ERR_SUCCESS);
    expect(callbacks[name]).toBe(null);
  });

  it('refuses a missing function or identifier and unknown events', () => {
    expect(mosquitto_callback_register(global_pid, MOSQ_EVT_TICK, null, null, null)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_callback_register(global_pid, 0, cb_a, null, null)).toBe(MOSQ_ERR_NOT_SUPPORTED);
    expect(mosquitto_callback_register(global_pid, 11, cb_a, null, null)).toBe(MOSQ_ERR_NOT_SUPPORTED);
    expect(mosquitto_callback_unregister(null, MOSQ_EVT_TICK, cb_a, null)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_callback_unregister(global_pid, MOSQ_EVT_TICK, null, null)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_callback_unregister(global_pid, 11, cb_a, null)).toBe(MOSQ_ERR_NOT_SUPPORTED);
  });

  it('an identifier with a listener registers in that listener\'s options', () => {
    const listener = make_listener({ port: 1950 });
    expect(mosquitto_callback_register({ listener }, MOSQ_EVT_BASIC_AUTH, cb_a, null, null)).toBe(MOSQ_ERR_SUCCESS);
    expect(list(listener.security_options.plugin_callbacks.basic_auth)).toEqual([cb_a]);
    expect(db.config!.security_options.plugin_callbacks.basic_auth).toBe(null);
    /* The global identity does not find it. */
    expect(mosquitto_callback_unregister(global_pid, MOSQ_EVT_BASIC_AUTH, cb_a, null)).toBe(MOSQ_ERR_NOT_FOUND);
    expect(mosquitto_callback_unregister({ listener }, MOSQ_EVT_BASIC_AUTH, cb_a, null)).toBe(MOSQ_ERR_SUCCESS);
  });

  it('MOSQ_EVT_CONTROL registers under the $CONTROL topic given as event data', () => {
    const callbacks = db.config!.security_options.plugin_callbacks;
    expect(mosquitto_callback_register(global_pid, MOSQ_EVT_CONTROL, cb_a, '$CONTROL/x/v1', 'u')).toBe(MOSQ_ERR_SUCCESS);
    expect(callbacks.control!.get('$CONTROL/x/v1')).toMatchObject({ cb: cb_a, userdata: 'u', data: '$CONTROL/x/v1' });
    expect(mosquitto_callback_register(global_pid, MOSQ_EVT_CONTROL, cb_b, '$CONTROL/x/v1', null)).toBe(MOSQ_ERR_ALREADY_EXISTS);
    expect(mosquitto_callback_register(global_pid, MOSQ_EVT_CONTROL, cb_b, null, null)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_callback_register(global_pid, MOSQ_EVT_CONTROL, cb_b, 'x/v1', null)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_callback_unregister(global_pid, MOSQ_EVT_CONTROL, cb_b, '$CONTROL/x/v1')).toBe(MOSQ_ERR_NOT_FOUND);
    expect(mosquitto_callback_unregister(global_pid, MOSQ_EVT_CONTROL, cb_a, '$CONTROL/x/v1')).toBe(MOSQ_ERR_SUCCESS);
    expect(callbacks.control).toBe(null);
  });
});

describe('plugin__handle_message', () => {
  it('passes the message down the chain until a callback does not succeed, and keeps the changes', () => {
    const seen: string[] = [];
    const first: MOSQ_FUNC_generic_callback = (_e, data) => {
      const ed = data as mosquitto_evt_message;
      seen.push(`first ${ed.topic}`);
      ed.topic = 'changed';
      ed.properties = [];
      return MOSQ_ERR_ACL_DENIED;
    };
    const second: MOSQ_FUNC_generic_callback = () => { seen.push('second'); return MOSQ_ERR_SUCCESS; };
    mosquitto_callback_register({ listener: null }, MOSQ_EVT_MESSAGE, first, null, null);
    mosquitto_callback_register({ listener: null }, MOSQ_EVT_MESSAGE, second, null, null);

    const stored = stored_message('t', 'p', 1);
    const payload = stored.payload;
    expect(plugin__handle_message(make_context('c'), stored)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(seen).toEqual(['first t']);
    expect(stored.topic).toBe('changed');
    expect(stored.payload).toBe(payload);
    expect(stored.properties).toEqual([]);
  });

  it('leaves the message alone when no callback is registered', () => {
    const stored = stored_message('t', 'p');
    expect(plugin__handle_message(make_context('c'), stored)).toBe(MOSQ_ERR_SUCCESS);
    expect(stored.topic).toBe('t');
  });

  it('with per_listener_settings, a client without a listener has no callbacks', () => {
    reset_db({ per_listener_settings: true });
    const listener = make_listener();
    let called = 0;
    mosquitto_callback_register({ listener }, MOSQ_EVT_MESSAGE, () => { called++; return MOSQ_ERR_ACL_DENIED; }, null, null);
    expect(plugin__handle_message(make_context('c', { listener: null }), stored_message('t', 'p'))).toBe(MOSQ_ERR_SUCCESS);
    expect(plugin__handle_message(make_context('c', { listener }), stored_message('t', 'p'))).toBe(MOSQ_ERR_ACL_DENIED);
    expect(called).toBe(1);
  });
});

describe('plugin__handle_tick', () => {
  it('ticks the global callbacks only; with per_listener_settings nobody (as mosquitto 2.0.11)', () => {
    let ticks = 0;
    const tick: MOSQ_FUNC_generic_callback = (event) => { expect(event).toBe(MOSQ_EVT_TICK); ticks++; return 0; };
    mosquitto_callback_register({ listener: null }, MOSQ_EVT_TICK, tick, null, null);
    plugin__handle_tick();
    expect(ticks).toBe(1);

    const listener = make_listener();
    db.config!.per_listener_settings = true;
    db.config!.listeners = [listener];
    mosquitto_callback_register({ listener }, MOSQ_EVT_TICK, tick, null, null);
    plugin__handle_tick();
    expect(ticks).toBe(1);
  });
});

describe('a version 5 plugin module loaded by mosquitto_security_module_init', () => {
  let config: mosquitto__auth_plugin_config;

  async function load(options: [string, string][] = [['answer', '42']]): Promise<number> {
    config = plugin_config(PLUGIN_V5, options);
    db.config!.security_options.auth_plugin_configs = [config];
    const rc = await mosquitto_security_module_init();
    return rc;
  }

  it('asks for the version, then runs init with the options and a global identity', async () => {
    expect(await load([['answer', '42'], ['name', 'test']])).toBe(MOSQ_ERR_SUCCESS);
    expect(logged).toEqual([`Loading plugin: ${PLUGIN_V5}`]);
    const events = events_of(config);
    expect(events.slice(-2)).toEqual([
      { version_query: [5, 4, 3, 2] },
      { init: ['answer=42', 'name=test'], opt_count: 2, port: null },
    ]);
    expect(config.plugin.version).toBe(5);
    expect(config.plugin.identifier).toEqual({ listener: null });
    expect(config.plugin.user_data).toEqual({ tag: 'user data' });
  });

  it('gets the BASIC_AUTH event from mosquitto_unpwd_check and decides', async () => {
    await load();
    const events = events_of(config);
    events.length = 0;
    const check = (username: string | null, password: string | null) =>
      mosquitto_unpwd_check(make_context('client-1', { username, password: password === null ? null : Buffer.from(password) }));

    expect(check('good', 'pw')).toBe(MOSQ_ERR_SUCCESS);
    expect(check('good', 'wrong')).toBe(MOSQ_ERR_AUTH);
    expect(check('bad', 'pw')).toBe(MOSQ_ERR_AUTH);
    /* Deferred: only an anonymous client gets in, and only if allow_anonymous is set. */
    expect(check('other', 'pw')).toBe(MOSQ_ERR_AUTH);
    db.config!.security_options.allow_anonymous = 1;
    expect(check(null, null)).toBe(MOSQ_ERR_SUCCESS);
    expect(events[0]).toEqual({ event: MOSQ_EVT_BASIC_AUTH, id: 'client-1', username: 'good', password: 'pw', tag: 'user data' });
    expect(events.map((e) => e.username)).toEqual(['good', 'good', 'bad', 'other', null]);
  });

  it('gets the ACL_CHECK event from mosquitto_acl_check and decides', async () => {
    await load();
    const events = events_of(config);
    events.length = 0;
    const c = make_context('client-2');

    expect(mosquitto_acl_check(c, 'public/a', 3, Buffer.from('abc'), 1, true, MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_acl_check(c, 'secret/a', 0, null, 0, false, MOSQ_ACL_SUBSCRIBE)).toBe(MOSQ_ERR_ACL_DENIED);
    /* Everyone deferred: refused. */
    expect(mosquitto_acl_check(c, 'other', 0, null, 0, false, MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(events).toEqual([
      { event: MOSQ_EVT_ACL_CHECK, id: 'client-2', access: MOSQ_ACL_WRITE, topic: 'public/a', payload: 'abc', qos: 1, retain: true, tag: 'user data' },
      { event: MOSQ_EVT_ACL_CHECK, id: 'client-2', access: MOSQ_ACL_SUBSCRIBE, topic: 'secret/a', payload: null, qos: 0, retain: false, tag: 'user data' },
      { event: MOSQ_EVT_ACL_CHECK, id: 'client-2', access: MOSQ_ACL_READ, topic: 'other', payload: null, qos: 0, retain: false, tag: 'user data' },
    ]);
  });

  it('gets the MESSAGE event and may rewrite or refuse the message', async () => {
    await load();
    const events = events_of(config);
    events.length = 0;
    const c = make_context('client-3');

    const plain = stored_message('plain', 'hello', 1);
    expect(plugin__handle_message(c, plain)).toBe(MOSQ_ERR_SUCCESS);
    expect(plain).toMatchObject({ topic: 'plain', payloadlen: 5, retain: false });
    expect(plain.payload.toString()).toBe('hello');

    const rewrite = stored_message('rewrite', 'old', 2);
    expect(plugin__handle_message(c, rewrite)).toBe(MOSQ_ERR_SUCCESS);
    expect(rewrite).toMatchObject({ topic: 'rewritten', payloadlen: 11, retain: true, qos: 2 });
    expect(rewrite.payload.toString()).toBe('new payload');

    expect(plugin__handle_message(c, stored_message('refuse', 'x'))).toBe(MOSQ_ERR_ACL_DENIED);
    expect(events).toEqual([
      { event: MOSQ_EVT_MESSAGE, id: 'client-3', topic: 'plain', payload: 'hello', qos: 1, retain: false },
      { event: MOSQ_EVT_MESSAGE, id: 'client-3', topic: 'rewrite', payload: 'old', qos: 2, retain: false },
      { event: MOSQ_EVT_MESSAGE, id: 'client-3', topic: 'refuse', payload: 'x', qos: 0, retain: false },
    ]);
  });

  it('gets its $CONTROL topic through control__process; a failure\'s reason string goes back to an MQTT 5 client', async () => {
    await load();
    const events = events_of(config);
    events.length = 0;
    const c = make_context('client-4', { protocol: mosq_p_mqtt5 });

    const ok = stored_message('$CONTROL/test/v1', 'list', 1);
    ok.source_mid = 0x1234;
    expect(control__process(c, ok)).toBe(MOSQ_ERR_SUCCESS);
    /* PUBACK, mid 0x1234, no reason code or properties needed. */
    expect(socket_bytes(c.fake!)).toEqual(Buffer.from([0x40, 0x02, 0x12, 0x34]));

    c.fake!.written.length = 0;
    const fail = stored_message('$CONTROL/test/v1', 'fail', 1);
    fail.source_mid = 7;
    expect(control__process(c, fail)).toBe(MOSQ_ERR_INVAL);
    const reason = Buffer.from('bad command');
    expect(socket_bytes(c.fake!)).toEqual(Buffer.concat([
      Buffer.from([0x40, 4 + 3 + reason.length, 0x00, 0x07, 0x00, 3 + reason.length, 0x1f, 0x00, reason.length]),
      reason,
    ]));
    expect(events).toEqual([
      { event: MOSQ_EVT_CONTROL, id: 'client-4', topic: '$CONTROL/test/v1', payload: 'list', qos: 1 },
      { event: MOSQ_EVT_CONTROL, id: 'client-4', topic: '$CONTROL/test/v1', payload: 'fail', qos: 1 },
    ]);
  });

  it('gets TICK and DISCONNECT events', async () => {
    await load();
    const events = events_of(config);
    events.length = 0;
    plugin__handle_tick();
    plugin__handle_disconnect(make_context('client-5'), -1);
    expect(events).toEqual([
      { event: MOSQ_EVT_TICK },
      { event: MOSQ_EVT_DISCONNECT, id: 'client-5', reason: -1 },
    ]);
  });

  it('cleanup hands back the user data and the plugin unregisters everything', async () => {
    await load();
    const events = events_of(config);
    const callbacks = db.config!.security_options.plugin_callbacks;
    expect(list(callbacks.basic_auth)).toHaveLength(1);
    expect(callbacks.control!.size).toBe(1);

    expect(mosquitto_security_module_cleanup()).toBe(MOSQ_ERR_SUCCESS);
    expect(events.at(-1)).toEqual({ cleanup: 'user data' });
    for (const name of ['acl_check', 'basic_auth', 'message', 'tick', 'disconnect'] as const) {
      expect(callbacks[name]).toBe(null);
    }
    expect(callbacks.control).toBe(null);
    expect(config.plugin.version).toBe(0);
  });

  it('with per_listener_settings, each listener\'s plugin registers in that listener\'s options', async () => {
    reset_db({ per_listener_settings: true });
    const l1: mosquitto__listener = make_listener({ port: 1951 });
    const l2: mosquitto__listener = make_listener({ port: 1952 });
    db.config!.listeners = [l1, l2];
    const config1 = plugin_config(PLUGIN_V5);
    l1.security_options.auth_plugin_configs = [config1];

    expect(await mosquitto_security_module_init()).toBe(MOSQ_ERR_SUCCESS);
    const events = events_of(config1);
    expect(events.at(-1)).toEqual({ init: [], opt_count: 0, port: 1951 });
    expect(config1.plugin.identifier!.listener).toBe(l1);
    expect(list(l1.security_options.plugin_callbacks.acl_check)).toHaveLength(1);
    expect(l2.security_options.plugin_callbacks.acl_check).toBe(null);
    expect(db.config!.security_options.plugin_callbacks.acl_check).toBe(null);

    events.length = 0;
    expect(mosquitto_acl_check(make_context('on-l1', { listener: l1 }), 'secret/x', 0, null, 0, false, MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    /* Nothing configured on l2: allowed, and the plugin is not asked. */
    expect(mosquitto_acl_check(make_context('on-l2', { listener: l2 }), 'secret/x', 0, null, 0, false, MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
    expect(events.map((e) => e.id)).toEqual(['on-l1']);
  });

  it('fails start-up when init fails, with mosquitto\'s message', async () => {
    expect(await load([['fail', 'yes']])).toBe(7);
    expect(logged).toEqual([`Loading plugin: ${PLUGIN_V5}`, 'Error: Plugin returned 7 when initialising.']);
  });

  it.each([
    ['plugin_no_init.mjs', PLUGIN_NO_INIT, 'mosquitto_plugin_init'],
    ['plugin_no_cleanup.mjs', PLUGIN_NO_CLEANUP, 'mosquitto_plugin_cleanup'],
  ])('refuses %s, which lacks %s', async (_name, path, sym) => {
    db.config!.security_options.auth_plugin_configs = [plugin_config(path)];
    expect(await mosquitto_security_module_init()).toBe(MOSQ_ERR_UNKNOWN);
    expect(logged).toEqual([
      `Loading plugin: ${path}`,
      `Error: Unable to load plugin function ${sym}().`,
      `Load error: undefined symbol: ${sym}`,
    ]);
  });
});
