/**
 * The dynamic security plugin as the broker drives it: mosquitto_plugin_init loads a config file,
 * `$CONTROL/dynamic-security/v1` commands get their JSON responses (published by the broker) and
 * are saved back to the file in cJSON's layout, and the basic-auth and ACL callbacks decide with
 * passwords, roles, groups, priorities and the default access.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_AUTH,
  MOSQ_ERR_PLUGIN_DEFER,
  MOSQ_ERR_SUCCESS,
} from '../../../../src/include/mosquitto.js';
import { MOSQ_EVT_ACL_CHECK, MOSQ_EVT_BASIC_AUTH, MOSQ_EVT_CONTROL } from '../../../../src/include/mosquitto_broker.js';
import { MOSQ_ACL_READ, MOSQ_ACL_SUBSCRIBE, MOSQ_ACL_WRITE } from '../../../../src/include/mosquitto_plugin.js';
import { db } from '../../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto_message_v5 } from '../../../../src/broker/mosquitto_broker_internal.js';
import { make_context, reset_db } from '../../helpers/context.js';

vi.mock('../../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: () => 0,
  mosquitto_log_printf: () => undefined,
}));

const { mosquitto_plugin_cleanup, mosquitto_plugin_init, mosquitto_plugin_version } = await import('../../../../src/plugins/dynamic-security/plugin.js');

const dir = mkdtempSync(join(tmpdir(), 'dynsec-'));
const config_file = join(dir, 'dynamic-security.json');
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/* Password "admin" with the salt and iteration count of mosquitto's test/broker/dynamic-security-init.json. */
const ADMIN = {
  username: 'admin',
  password: 'Rko31yHY12ryMoyZTBNIUsCPb5SDa4WmUP3Xe2+V6P+QOSW3Gj6IDmpl6zQsAjutb476zEYdBeTw9tU7WZ1new==',
  salt: 'Ezuo4G1TqYtTQDL/',
  iterations: 101,
  roles: [{ rolename: 'admin' }],
};

function start(config: unknown): void {
  writeFileSync(config_file, JSON.stringify(config));
  reset_db();
  const rc = mosquitto_plugin_init({ listener: null }, { value: null }, [{ key: 'config_file', value: config_file }], 1);
  expect(rc).toBe(MOSQ_ERR_SUCCESS);
}

function callback(event: number): (event: number, event_data: unknown, userdata: unknown) => number {
  const cbs = db.config!.security_options.plugin_callbacks;
  if (event === MOSQ_EVT_CONTROL) return cbs.control!.get('$CONTROL/dynamic-security/v1')!.cb;
  return (event === MOSQ_EVT_BASIC_AUTH ? cbs.basic_auth : cbs.acl_check)!.cb;
}

/* Sends one command payload and returns the response the plugin published. */
function command(commands: unknown[]): unknown {
  db.plugin_msgs = null;
  const admin = make_context('ctrl', { username: 'admin' });
  const payload = Buffer.from(JSON.stringify({ commands }));
  callback(MOSQ_EVT_CONTROL)(MOSQ_EVT_CONTROL, {
    client: admin, topic: '$CONTROL/dynamic-security/v1', payload, payloadlen: payload.length,
    qos: 0, retain: false, properties: null, reason_code: 0, reason_string: null,
  }, null);
  const msg = db.plugin_msgs as mosquitto_message_v5 | null;
  expect(msg!.topic).toBe('$CONTROL/dynamic-security/v1/response');
  return JSON.parse(msg!.payload!.toString());
}

function auth(username: string, password: string, id = 'c1'): number {
  return callback(MOSQ_EVT_BASIC_AUTH)(MOSQ_EVT_BASIC_AUTH, { client: make_context(id, { username }), username, password }, null);
}

function acl(username: string | null, access: number, topic: string): number {
  return callback(MOSQ_EVT_ACL_CHECK)(MOSQ_EVT_ACL_CHECK, {
    client: make_context('c1', { username }), topic, payload: null, properties: null, access, payloadlen: 0, qos: 0, retain: false,
  }, null);
}

beforeEach(() => {
  start({
    clients: [ADMIN],
    roles: [{ rolename: 'admin', acls: [{ acltype: 'publishClientSend', topic: '$CONTROL/dynamic-security/#', allow: true }] }],
    defaultACLAccess: { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true },
  });
});
afterEach(() => {
  mosquitto_plugin_cleanup(null, [], 0);
});

describe('dynamic security plugin', () => {
  it('speaks plugin interface version 5 only', () => {
    expect(mosquitto_plugin_version(4, [5, 4, 3, 2])).toBe(5);
    expect(mosquitto_plugin_version(2, [4, 3])).toBe(-1);
  });

  it('checks passwords against the PBKDF2 hash of the config', () => {
    expect(auth('admin', 'admin')).toBe(MOSQ_ERR_SUCCESS);
    expect(auth('admin', 'wrong')).toBe(MOSQ_ERR_AUTH);
    expect(auth('nobody', 'x')).toBe(MOSQ_ERR_PLUGIN_DEFER);
  });

  it('answers bad payloads and unknown commands as the C does', () => {
    expect(command(['bad'])).toEqual({ responses: [{ command: 'Unknown command', error: 'Command not an object' }] });
    expect(command([{ command: 'nope', correlationData: 'x' }])).toEqual({ responses: [{ command: 'nope', error: 'Unknown command', correlationData: 'x' }] });
    expect(command([{ command: 'createClient', correlationData: 5 }, { command: 'listRoles' }]))
      .toEqual({ responses: [{ command: 'createClient', error: 'Invalid correlationData data type.' }] });
  });

  it('creates a client, saves it in cJSON layout, and finds it again after a restart', () => {
    expect(command([{ command: 'createClient', username: 'u1', password: 'pw', clientid: 'id1', textname: 'U' }]))
      .toEqual({ responses: [{ command: 'createClient' }] });
    const saved = readFileSync(config_file, 'utf8');
    expect(saved.startsWith('{\n\t"defaultACLAccess":\t{\n\t\t"publishClientSend":\tfalse,\n')).toBe(true);
    expect(JSON.parse(saved).clients.map((c: { username: string }) => c.username)).toEqual(['admin', 'u1']);

    mosquitto_plugin_cleanup(null, [], 0);
    reset_db();
    mosquitto_plugin_init({ listener: null }, { value: null }, [{ key: 'config_file', value: config_file }], 1);
    expect(auth('u1', 'pw', 'id1')).toBe(MOSQ_ERR_SUCCESS);
    expect(auth('u1', 'pw', 'other-id')).toBe(MOSQ_ERR_AUTH);
    expect(command([{ command: 'getClient', username: 'u1' }])).toEqual({ responses: [{ command: 'getClient', data: { client: {
      username: 'u1', clientid: 'id1', textname: 'U', roles: [], groups: [] } } }] });
  });

  it('decides ACLs by role priority, then group roles, then the default access', () => {
    command([
      { command: 'createRole', rolename: 'low', acls: [{ acltype: 'publishClientSend', topic: 'a/#', allow: true }] },
      { command: 'createRole', rolename: 'high', acls: [
        { acltype: 'publishClientSend', topic: 'a/secret', allow: false },
        { acltype: 'subscribeLiteral', topic: 'a/+', allow: true },
      ] },
      { command: 'createRole', rolename: 'grp', acls: [{ acltype: 'subscribePattern', topic: 'g/#', allow: true }] },
      { command: 'createClient', username: 'u1', roles: [{ rolename: 'low', priority: 1 }, { rolename: 'high', priority: 5 }] },
      { command: 'createGroup', groupname: 'G', roles: [{ rolename: 'grp' }] },
      { command: 'addGroupClient', groupname: 'G', username: 'u1' },
    ]);
    expect(acl('u1', MOSQ_ACL_WRITE, 'a/secret')).toBe(MOSQ_ERR_ACL_DENIED);
    expect(acl('u1', MOSQ_ACL_WRITE, 'a/open')).toBe(MOSQ_ERR_SUCCESS);
    expect(acl('u1', MOSQ_ACL_WRITE, 'b')).toBe(MOSQ_ERR_PLUGIN_DEFER);
    expect(acl('u1', MOSQ_ACL_SUBSCRIBE, 'a/+')).toBe(MOSQ_ERR_SUCCESS);
    expect(acl('u1', MOSQ_ACL_SUBSCRIBE, 'a/x')).toBe(MOSQ_ERR_PLUGIN_DEFER);
    expect(acl('u1', MOSQ_ACL_SUBSCRIBE, 'g/+/x')).toBe(MOSQ_ERR_SUCCESS);
    expect(acl('u1', MOSQ_ACL_READ, 'anything')).toBe(MOSQ_ERR_SUCCESS);
    expect(acl('u1', MOSQ_ACL_READ, '$CONTROL/x')).toBe(MOSQ_ERR_PLUGIN_DEFER);
    expect(acl('stranger', MOSQ_ACL_READ, 'anything')).toBe(MOSQ_ERR_PLUGIN_DEFER);
  });
});
