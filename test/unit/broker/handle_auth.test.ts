/**
 * MQTT 5 extended authentication: AUTH packets in (handle_auth.ts) and out (send_auth.ts), the
 * security front end's auth start/continue, and a version 4 plugin loaded from a JS module by
 * mosquitto_security_module_init. Asserts the bytes the client receives.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_AUTH,
  MOSQ_ERR_AUTH_CONTINUE,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_PROTOCOL,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_UNKNOWN,
} from '../../../src/include/mosquitto.js';
import { MOSQ_ACL_READ, MOSQ_ACL_WRITE } from '../../../src/include/mosquitto_plugin.js';
import { CMD_AUTH } from '../../../src/include/mqtt_protocol.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__auth_plugin_config, mosquitto__security_options } from '../../../src/broker/mosquitto_broker_internal.js';
import {
  mosq_cs_active,
  mosq_cs_authenticating,
  mosq_cs_reauthenticating,
  mosq_p_mqtt311,
  mosq_p_mqtt5,
} from '../../../src/lib/mosquitto_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { make_context, reset_db, set_in_packet, socket_bytes } from '../helpers/context.js';
import type { fake_socket } from '../helpers/context.js';

const logged = vi.hoisted(() => [] as string[]);
/* No importOriginal: the real logging.ts imports modules that import security.ts, which would
 * then bind to the real log__printf before this mock exists. */
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, _priority: number, msg: string) => { logged.push(msg); return 0; },
}));

/* Completing a CONNECT is handle_connect's business; here it is enough to see it asked for. */
const authorised = vi.hoisted(() => [] as { id: string | null; data: Buffer | null }[]);
vi.mock('../../../src/broker/handle_connect.js', () => ({
  connect__on_authorised: (context: mosquitto, data: Buffer | null) => {
    authorised.push({ id: context.id, data });
    return 0;
  },
}));

const { handle__auth } = await import('../../../src/broker/handle_auth.js');
const { send__auth } = await import('../../../src/broker/send_auth.js');
const {
  mosquitto_acl_check,
  mosquitto_security_auth_start,
  mosquitto_security_module_cleanup,
  mosquitto_security_module_init,
  mosquitto_unpwd_check,
  security__auth_plugin_new,
} = await import('../../../src/broker/security.js');

const dir = mkdtempSync(join(tmpdir(), 'auth-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/* A version 4 plugin written as a module, like mosquitto's test plugins: method "single" wants
 * the data "data"; method "multi" asks a question ("step1") and wants "answer" back; it also
 * checks passwords (good/pw) and allows reading "allowed" only. */
const PLUGIN_V4 = join(dir, 'auth_plugin_v4.mjs');
writeFileSync(PLUGIN_V4, `
export function mosquitto_auth_plugin_version() { return 4; }
export function mosquitto_auth_plugin_init(user_data) { user_data.value = { calls: 0 }; return 0; }
export function mosquitto_auth_plugin_cleanup() { return 0; }
export function mosquitto_auth_security_init() { return 0; }
export function mosquitto_auth_security_cleanup() { return 0; }
export function mosquitto_auth_acl_check(user_data, access, client, msg) {
  user_data.calls++;
  return msg.topic === 'allowed' && access === 1 ? 0 : 17;
}
export function mosquitto_auth_unpwd_check(user_data, client, username, password) {
  return username === 'good' && password === 'pw' ? 0 : 11;
}
export function mosquitto_auth_start(user_data, client, method, reauth, data, data_len, data_out, data_out_len) {
  if (method === 'single') return data && data.toString() === 'data' ? 0 : 11;
  if (method === 'multi') { data_out.value = Buffer.from('step1'); data_out_len.value = 5; return -4; }
  return 10;
}
export function mosquitto_auth_continue(user_data, client, method, data, data_len, data_out, data_out_len) {
  return data && data.toString() === 'answer' ? 0 : 11;
}
`);

function security_options(overrides: Partial<mosquitto__security_options> = {}): mosquitto__security_options {
  return {
    unpwd: null, psk_id: null, acl_list: null, acl_patterns: null,
    password_file: null, psk_file: null, acl_file: null,
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
    ...overrides,
  };
}

function plugin_config(path: string): mosquitto__auth_plugin_config {
  return { path, options: [], option_count: 0, deny_special_chars: true, plugin: security__auth_plugin_new() };
}

/** A broker whose global options load the given plugins; returns module init's result. */
async function start(plugins: string[]): Promise<number> {
  reset_db();
  db.config!.security_options = security_options({ auth_plugin_configs: plugins.map(plugin_config) });
  logged.length = 0;
  authorised.length = 0;
  return mosquitto_security_module_init();
}

type client = mosquitto & { fake: fake_socket | null };

/** An MQTT 5 client that connected with `method`, in `state`. */
function client(method: string | null, state = mosq_cs_authenticating): client {
  const c = make_context('auth-client', { protocol: mosq_p_mqtt5, auth_method: method, state });
  c.listener!.security_options = security_options();
  return c;
}

function prop_string(id: number, s: string): Buffer {
  const b = Buffer.from(s);
  return Buffer.concat([Buffer.from([id, b.length >> 8, b.length & 0xff]), b]);
}

/** An AUTH body: reason code, then the property block. */
function auth_body(reason: number, method: string | null, data: string | null = null): Buffer {
  const props = Buffer.concat([
    ...(method !== null ? [prop_string(21, method)] : []),
    ...(data !== null ? [prop_string(22, data)] : []),
  ]);
  return Buffer.concat([Buffer.from([reason, props.length]), props]);
}

/** The AUTH packet the broker should send. */
function auth_packet(reason: number, method: string, data: string | null = null): Buffer {
  const body = auth_body(reason, method, data);
  return Buffer.concat([Buffer.from([0xf0, body.length]), body]);
}

function auth(c: client, body: Buffer): number {
  set_in_packet(c, CMD_AUTH, body);
  return handle__auth(c);
}

describe('with no authentication plugin', () => {
  beforeEach(async () => {
    expect(await start([])).toBe(MOSQ_ERR_SUCCESS);
  });

  it('does not support any method: CONNACK "bad authentication method"', () => {
    expect(mosquitto_security_auth_start(client('basic'), false, null))
      .toEqual({ rc: MOSQ_ERR_NOT_SUPPORTED, auth_data_out: null });

    const c = client('basic');
    expect(auth(c, auth_body(0x18, 'basic', 'x'))).toBe(MOSQ_ERR_PROTOCOL);
    expect(socket_bytes(c.fake!)).toEqual(Buffer.from([0x20, 0x03, 0x00, 0x8c, 0x00]));
    expect(c.id).toBeNull();
  });

  it('refuses AUTH from a client that did not ask for extended authentication', () => {
    expect(auth(client(null), auth_body(0x18, 'x'))).toBe(MOSQ_ERR_PROTOCOL);
    const old = client('basic');
    old.protocol = mosq_p_mqtt311;
    expect(auth(old, auth_body(0x18, 'basic'))).toBe(MOSQ_ERR_PROTOCOL);
    expect(socket_bytes(old.fake!).length).toBe(0);
  });

  it('disconnects with a protocol error for a bad reason code, state or method', () => {
    for (const [state, body] of [
      [mosq_cs_authenticating, auth_body(0x00, 'basic')],
      [mosq_cs_active, auth_body(0x18, 'basic')],
      [mosq_cs_authenticating, auth_body(0x19, 'basic')],
      [mosq_cs_authenticating, auth_body(0x18, 'other')],
    ] as [number, Buffer][]) {
      const c = client('basic', state);
      expect(auth(c, body)).toBe(MOSQ_ERR_PROTOCOL);
      expect(socket_bytes(c.fake!)).toEqual(Buffer.from([0xe0, 0x01, 0x82]));
    }
  });

  it('disconnects with "unspecified error" when the method property is missing', () => {
    const c = client('basic');
    expect(auth(c, auth_body(0x18, null, 'x'))).toBe(MOSQ_ERR_PROTOCOL);
    expect(socket_bytes(c.fake!)).toEqual(Buffer.from([0xe0, 0x01, 0x80]));
  });
});

describe('with a version 4 plugin module', () => {
  beforeEach(async () => {
    expect(await start([PLUGIN_V4])).toBe(MOSQ_ERR_SUCCESS);
  });

  it('logs what the plugin offers', () => {
    expect(logged).toEqual([
      `Loading plugin: ${PLUGIN_V4}`,
      ' ├── Username/password checking enabled.',
      ' ├── TLS-PSK checking not enabled.',
      ' └── Extended authentication enabled.',
    ]);
  });

  it('completes a single-step authentication', () => {
    expect(mosquitto_security_auth_start(client('single'), false, Buffer.from('data')))
      .toEqual({ rc: MOSQ_ERR_SUCCESS, auth_data_out: null });
    expect(mosquitto_security_auth_start(client('single'), false, Buffer.from('nope')).rc).toBe(MOSQ_ERR_AUTH);
    expect(mosquitto_security_auth_start(client('unknown'), false, null).rc).toBe(MOSQ_ERR_NOT_SUPPORTED);
  });

  it('asks the plugin to continue and completes the connection on success', () => {
    const c = client('multi');
    const start_rc = mosquitto_security_auth_start(c, false, null);
    expect(start_rc).toEqual({ rc: MOSQ_ERR_AUTH_CONTINUE, auth_data_out: Buffer.from('step1') });

    expect(auth(c, auth_body(0x18, 'multi', 'answer'))).toBe(MOSQ_ERR_SUCCESS);
    expect(authorised).toEqual([{ id: 'auth-client', data: null }]);
    expect(logged).toContain('Received AUTH from auth-client (rc24, multi)');
  });

  it('refuses a wrong answer with CONNACK "not authorized"', () => {
    const c = client('multi');
    expect(auth(c, auth_body(0x18, 'multi', 'wrong'))).toBe(MOSQ_ERR_PROTOCOL);
    expect(socket_bytes(c.fake!)).toEqual(Buffer.from([0x20, 0x03, 0x00, 0x87, 0x00]));
    expect(c.id).toBeNull();
    expect(authorised).toEqual([]);
  });

  it('re-authenticates an active client with AUTH packets', () => {
    const c = client('multi', mosq_cs_active);
    expect(auth(c, auth_body(0x19, 'multi'))).toBe(MOSQ_ERR_SUCCESS);
    expect(c.state).toBe(mosq_cs_reauthenticating);
    expect(socket_bytes(c.fake!)).toEqual(auth_packet(0x18, 'multi', 'step1'));

    c.fake!.written.length = 0;
    expect(auth(c, auth_body(0x18, 'multi', 'answer'))).toBe(MOSQ_ERR_SUCCESS);
    expect(c.state).toBe(mosq_cs_active);
    expect(socket_bytes(c.fake!)).toEqual(auth_packet(0x00, 'multi'));
    expect(logged).toContain('Sending AUTH to auth-client (rc0, multi)');
    expect(authorised).toEqual([]);
  });

  it('checks passwords and ACLs through the plugin, deferral meaning no', () => {
    const c = client(null, mosq_cs_active);
    c.username = 'good';
    c.password = Buffer.from('pw');
    expect(mosquitto_unpwd_check(c)).toBe(MOSQ_ERR_SUCCESS);
    c.password = Buffer.from('bad');
    expect(mosquitto_unpwd_check(c)).toBe(MOSQ_ERR_AUTH);

    expect(mosquitto_acl_check(c, 'allowed', 0, null, 0, false, MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_acl_check(c, 'allowed', 0, null, 0, false, MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(mosquitto_acl_check(c, 'other', 0, null, 0, false, MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);

    /* deny_special_chars keeps wildcard characters in names away from the plugin. */
    c.username = 'a+b';
    expect(mosquitto_acl_check(c, 'allowed', 0, null, 0, false, MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(logged).toContain('ACL denying access to client with dangerous username "a+b"');
    expect(mosquitto_security_module_cleanup()).toBe(MOSQ_ERR_SUCCESS);
  });
});

describe('plugin loading errors', () => {
  it('reports a module that cannot be loaded', async () => {
    const path = join(dir, 'missing.mjs');
    expect(await start([path])).toBe(MOSQ_ERR_UNKNOWN);
    expect(logged[0]).toBe(`Loading plugin: ${path}`);
    expect(logged[1]).toBe(`Error: Unable to load auth plugin "${path}".`);
    expect(logged[2]).toMatch(/^Load error: /);
  });

  it('reports a module without a version function', async () => {
    const path = join(dir, 'noversion.mjs');
    writeFileSync(path, 'export const x = 1;\n');
    expect(await start([path])).toBe(MOSQ_ERR_UNKNOWN);
    expect(logged[1]).toBe('Error: Unable to load auth plugin function mosquitto_auth_plugin_version() or mosquitto_plugin_version().');
  });

  it('reports a missing required entry point and an unsupported version', async () => {
    const path = join(dir, 'v3-incomplete.mjs');
    writeFileSync(path, 'export function mosquitto_auth_plugin_version() { return 3; }\n'
      + 'export function mosquitto_auth_plugin_init() { return 0; }\n');
    expect(await start([path])).toBe(MOSQ_ERR_UNKNOWN);
    expect(logged[1]).toBe('Error: Unable to load auth plugin function mosquitto_auth_plugin_cleanup().');
    expect(logged[2]).toBe('Load error: undefined symbol: mosquitto_auth_plugin_cleanup');

    const v9 = join(dir, 'v9.mjs');
    writeFileSync(v9, 'export function mosquitto_auth_plugin_version() { return 9; }\n');
    expect(await start([v9])).toBe(MOSQ_ERR_UNKNOWN);
    expect(logged[1]).toBe('Error: Unsupported auth plugin version (got 9, expected 5).');
  });
});

describe('send__auth', () => {
  it('needs an authentication method and MQTT 5', () => {
    reset_db();
    expect(send__auth(client(null), 0x18, null)).toBe(MOSQ_ERR_INVAL);
    const old = client('m');
    old.protocol = mosq_p_mqtt311;
    expect(send__auth(old, 0x18, null)).toBe(MOSQ_ERR_PROTOCOL);
  });

  it('writes the method and, when there is some, the data', () => {
    reset_db();
    const c = client('SCRAM-SHA-1');
    expect(send__auth(c, 0x18, Buffer.from('challenge'))).toBe(MOSQ_ERR_SUCCESS);
    expect(send__auth(c, 0x18, Buffer.alloc(0))).toBe(MOSQ_ERR_SUCCESS);
    expect(socket_bytes(c.fake!)).toEqual(Buffer.concat([
      auth_packet(0x18, 'SCRAM-SHA-1', 'challenge'),
      auth_packet(0x18, 'SCRAM-SHA-1'),
    ]));
  });
});
