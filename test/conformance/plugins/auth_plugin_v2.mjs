/**
 * JS port of mosquitto's test plugin test/broker/c/auth_plugin_v2.c: a version 2 authentication
 * plugin (the interface of mosquitto 1.4, which sees client ids and usernames rather than the
 * client) for the 09-plugin-auth-v2-* and 09-plugin-auth-defer-unpwd-success scripts.
 * "test-username" with the right password, "readonly" and "test-username@v2" may connect;
 * only "readonly" may read, nobody may write.
 *
 * The broker loads it as c/auth_plugin_v2.so through the .js stub prepare.sh writes beside it.
 * The C plugin fixes its own MOSQ_ERR_* and MOSQ_ACL_* values, as they were for version 2; they
 * are the same as today's, so the broker's constants are used.
 */
import { MOSQ_ERR_ACL_DENIED, MOSQ_ERR_AUTH, MOSQ_ERR_SUCCESS } from '../../../dist/include/mosquitto.js';
import { MOSQ_ACL_READ } from '../../../dist/include/mosquitto_plugin.js';

/** This plugin speaks the version 2 authentication interface. */
export function mosquitto_auth_plugin_version() {
  return 2;
}

/** Nothing to set up. */
export function mosquitto_auth_plugin_init(_user_data, _auth_opts, _auth_opt_count) {
  return MOSQ_ERR_SUCCESS;
}

/** Nothing to release. */
export function mosquitto_auth_plugin_cleanup(_user_data, _auth_opts, _auth_opt_count) {
  return MOSQ_ERR_SUCCESS;
}

/** Nothing to load, at start or on reload. */
export function mosquitto_auth_security_init(_user_data, _auth_opts, _auth_opt_count, _reload) {
  return MOSQ_ERR_SUCCESS;
}

/** Nothing to drop, at exit or before reload. */
export function mosquitto_auth_security_cleanup(_user_data, _auth_opts, _auth_opt_count, _reload) {
  return MOSQ_ERR_SUCCESS;
}

/** "readonly" may read; everything else is denied. */
export function mosquitto_auth_acl_check(_user_data, _clientid, username, _topic, access) {
  if (username === 'readonly' && access === MOSQ_ACL_READ) {
    return MOSQ_ERR_SUCCESS;
  }
  return MOSQ_ERR_ACL_DENIED;
}

/** Who may connect (see the module comment). */
export function mosquitto_auth_unpwd_check(_user_data, username, password) {
  if (username === 'test-username' && password === 'cnwTICONIURW') {
    return MOSQ_ERR_SUCCESS;
  } else if (username === 'readonly') {
    return MOSQ_ERR_SUCCESS;
  } else if (username === 'test-username@v2') {
    return MOSQ_ERR_SUCCESS;
  }
  return MOSQ_ERR_AUTH;
}

/** No TLS-PSK identities are known. */
export function mosquitto_auth_psk_key_get(_user_data, _hint, _identity, _key, _max_key_len) {
  return MOSQ_ERR_AUTH;
}
