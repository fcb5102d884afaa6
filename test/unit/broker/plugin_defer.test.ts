/**
 * The skeleton plugin plugin_defer.ts, loaded through the security front end like any version 4
 * plugin: it has no opinion, so the broker's own rules decide, and each ACL check prints the
 * client's username as mosquitto's plugin_defer.so does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MOSQ_ERR_ACL_DENIED, MOSQ_ERR_AUTH, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import { MOSQ_ACL_READ } from '../../../src/include/mosquitto_plugin.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import { make_context, reset_db } from '../helpers/context.js';

vi.mock('../../../src/broker/logging.js', () => ({ log__enabled: () => true, log__printf: () => 0 }));

const {
  mosquitto_acl_check,
  mosquitto_security_module_cleanup,
  mosquitto_security_module_init,
  mosquitto_unpwd_check,
  security__auth_plugin_new,
} = await import('../../../src/broker/security.js');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('plugin_defer', () => {
  it('loads as a version 4 plugin and defers every decision', async () => {
    reset_db();
    const config = { path: 'src/broker/plugin_defer.ts', options: [], option_count: 0, deny_special_chars: true, plugin: security__auth_plugin_new() };
    db.config!.security_options.auth_plugin_configs = [config];
    expect(await mosquitto_security_module_init()).toBe(MOSQ_ERR_SUCCESS);
    expect(config.plugin.version).toBe(4);

    const out: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => { out.push(String(chunk)); return true; });

    /* Every ACL check deferred: refused. */
    expect(mosquitto_acl_check(make_context('c1', { username: 'alice' }), 't', 0, null, 0, false, MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(mosquitto_acl_check(make_context('c2'), 't', 0, null, 0, false, MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(out).toEqual(['mosquitto_acl_check(u:alice)\n', 'mosquitto_acl_check(u:(null))\n']);

    /* Passwords deferred: only an anonymous client, and only with allow_anonymous. */
    expect(mosquitto_unpwd_check(make_context('c3', { username: 'alice', password: Buffer.from('pw') }))).toBe(MOSQ_ERR_AUTH);
    db.config!.security_options.allow_anonymous = 1;
    expect(mosquitto_unpwd_check(make_context('c4'))).toBe(MOSQ_ERR_SUCCESS);

    expect(mosquitto_security_module_cleanup()).toBe(MOSQ_ERR_SUCCESS);
  });
});
