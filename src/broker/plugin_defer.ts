/**
 * src/plugin_defer.c: the smallest useful authentication plugin (interface version 4). It has
 * an opinion on nothing: every check answers MOSQ_ERR_PLUGIN_DEFER, and each ACL check prints
 * the client's username. Load it with `plugin <path to plugin_defer.js>`.
 * @module
 */
import { MOSQ_ERR_PLUGIN_DEFER, MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';
import type { mosq_out, mosquitto_acl_msg } from '../include/mosquitto_plugin.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import type { mosquitto_opt } from './mosquitto_broker_internal.js';
import { mosquitto_client_username } from './plugin_public.js';

/**
 * Says this plugin speaks the version 4 authentication interface.
 */
export function mosquitto_auth_plugin_version(): number {
  return 4;
}

/**
 * Nothing to set up.
 */
export function mosquitto_auth_plugin_init(_user_data: mosq_out<unknown>, _auth_opts: mosquitto_opt[], _auth_opt_count: number): number {
  return MOSQ_ERR_SUCCESS;
}

/**
 * Nothing to release.
 */
export function mosquitto_auth_plugin_cleanup(_user_data: unknown, _auth_opts: mosquitto_opt[], _auth_opt_count: number): number {
  return MOSQ_ERR_SUCCESS;
}

/**
 * Nothing to load when security starts or reloads.
 */
export function mosquitto_auth_security_init(_user_data: unknown, _auth_opts: mosquitto_opt[], _auth_opt_count: number, _reload: boolean): number {
  return MOSQ_ERR_SUCCESS;
}

/**
 * Nothing to drop when security stops or reloads.
 */
export function mosquitto_auth_security_cleanup(_user_data: unknown, _auth_opts: mosquitto_opt[], _auth_opt_count: number, _reload: boolean): number {
  return MOSQ_ERR_SUCCESS;
}

/**
 * Prints who is being checked on stdout and leaves the decision to others.
 * @adapted printf becomes a stdout write; a null username prints as glibc prints NULL for %s
 */
export function mosquitto_auth_acl_check(_user_data: unknown, _access: number, client: mosquitto, _msg: mosquitto_acl_msg): number {
  process.stdout.write(`mosquitto_acl_check(u:${mosquitto_client_username(client) ?? '(null)'})\n`);
  return MOSQ_ERR_PLUGIN_DEFER;
}

/**
 * Leaves the username/password decision to others.
 */
export function mosquitto_auth_unpwd_check(_user_data: unknown, _client: mosquitto, _username: string | null, _password: string | null): number {
  return MOSQ_ERR_PLUGIN_DEFER;
}

/**
 * Knows no TLS-PSK keys.
 */
export function mosquitto_auth_psk_key_get(_user_data: unknown, _client: mosquitto, _hint: string, _identity: string,
  _key: mosq_out<string>, _max_key_len: number): number {
  return MOSQ_ERR_PLUGIN_DEFER;
}
