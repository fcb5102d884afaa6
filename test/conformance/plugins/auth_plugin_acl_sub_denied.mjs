/**
 * JS port of mosquitto's test plugin test/broker/c/auth_plugin_acl_sub_denied.c: a version 4
 * plugin for 09-plugin-auth-acl-sub-denied that lets everyone connect, read and write, and
 * refuses every subscription.
 *
 * The broker loads it as c/auth_plugin_acl_sub_denied.so through the .js stub prepare.sh writes
 * beside it.
 */
import { MOSQ_ERR_ACL_DENIED, MOSQ_ERR_AUTH, MOSQ_ERR_SUCCESS } from '../../../dist/include/mosquitto.js';
import { MOSQ_ACL_SUBSCRIBE } from '../../../dist/include/mosquitto_plugin.js';

/** This plugin speaks the version 4 authentication interface. */
export function mosquitto_auth_plugin_version() {
  return 4;
}

/** Nothing to set up. */
export function mosquitto_auth_plugin_init(_user_data, _opts, _opt_count) {
  return MOSQ_ERR_SUCCESS;
}

/** Nothing to release. */
export function mosquitto_auth_plugin_cleanup(_user_data, _opts, _opt_count) {
  return MOSQ_ERR_SUCCESS;
}

/** Nothing to load, at start or on reload. */
export function mosquitto_auth_security_init(_user_data, _opts, _opt_count, _reload) {
  return MOSQ_ERR_SUCCESS;
}

/** Nothing to drop, at exit or before reload. */
export function mosquitto_auth_security_cleanup(_user_data, _opts, _opt_count, _reload) {
  return MOSQ_ERR_SUCCESS;
}

/** Subscribing is denied, any other access allowed. */
export function mosquitto_auth_acl_check(_user_data, access, _client, _msg) {
  if (access === MOSQ_ACL_SUBSCRIBE) {
    return MOSQ_ERR_ACL_DENIED;
  }
  return MOSQ_ERR_SUCCESS;
}

/** Everyone may connect. */
export function mosquitto_auth_unpwd_check(_user_data, _client, _username, _password) {
  return MOSQ_ERR_SUCCESS;
}

/** No TLS-PSK identities are known. */
export function mosquitto_auth_psk_key_get(_user_data, _client, _hint, _identity, _key, _max_key_len) {
  return MOSQ_ERR_AUTH;
}
