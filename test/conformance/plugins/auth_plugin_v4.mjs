/**
 * JS port of mosquitto's test plugin test/broker/c/auth_plugin_v4.c: a version 4 authentication
 * plugin for the 09-plugin-auth-* scripts. It knows three kinds of user: "test-username" with
 * the right password, "readonly" and "readwrite" get in; "test-username@v2" is left to the next
 * plugin; everyone else is refused. "readonly" may read anything and subscribe without wildcards;
 * "readwrite" may read "readonly" and do anything with "writeable"; the rest is denied.
 *
 * The broker loads it as c/auth_plugin_v4.so through the .js stub prepare.sh writes beside it.
 */
import { MOSQ_ERR_ACL_DENIED, MOSQ_ERR_AUTH, MOSQ_ERR_PLUGIN_DEFER, MOSQ_ERR_SUCCESS } from '../../../dist/include/mosquitto.js';
import { MOSQ_ACL_READ, MOSQ_ACL_SUBSCRIBE } from '../../../dist/include/mosquitto_plugin.js';
import { mosquitto_client_username } from '../../../dist/broker/plugin_public.js';

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

/** The access rules of "readonly" and "readwrite" (see the module comment); others are denied. */
export function mosquitto_auth_acl_check(_user_data, access, client, msg) {
  const username = mosquitto_client_username(client);

  if (username === 'readonly' && access === MOSQ_ACL_READ) {
    return MOSQ_ERR_SUCCESS;
  } else if (username === 'readonly' && access === MOSQ_ACL_SUBSCRIBE
      && !msg.topic.includes('#') && !msg.topic.includes('+')) {
    return MOSQ_ERR_SUCCESS;
  } else if (username === 'readwrite') {
    if ((msg.topic === 'readonly' && access === MOSQ_ACL_READ) || msg.topic === 'writeable') {
      return MOSQ_ERR_SUCCESS;
    }
    return MOSQ_ERR_ACL_DENIED;
  }
  return MOSQ_ERR_ACL_DENIED;
}

/** Who may connect (see the module comment). */
export function mosquitto_auth_unpwd_check(_user_data, _client, username, password) {
  if (username === 'test-username' && password === 'cnwTICONIURW') {
    return MOSQ_ERR_SUCCESS;
  } else if (username === 'readonly' || username === 'readwrite') {
    return MOSQ_ERR_SUCCESS;
  } else if (username === 'test-username@v2') {
    return MOSQ_ERR_PLUGIN_DEFER;
  }
  return MOSQ_ERR_AUTH;
}

/** No TLS-PSK identities are known. */
export function mosquitto_auth_psk_key_get(_user_data, _client, _hint, _identity, _key, _max_key_len) {
  return MOSQ_ERR_AUTH;
}
