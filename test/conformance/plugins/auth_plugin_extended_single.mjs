/**
 * JS port of mosquitto's test plugin test/broker/c/auth_plugin_extended_single.c: a version 4
 * plugin with MQTT 5 extended authentication that settles in a single step, for the
 * 09-extended-auth-single and -change-username scripts. Methods: "error" fails with
 * MOSQ_ERR_INVAL, "non-matching" is not supported, "single" succeeds when the data and "data"
 * agree as far as the shorter goes, "change" renames the client to "new_username", "mirror"
 * succeeds and answers the data reversed. Any further step is refused; ACL checks are deferred.
 *
 * The broker loads it as c/auth_plugin_extended_single.so through the .js stub prepare.sh writes
 * beside it.
 */
import { Buffer } from 'node:buffer';
import {
  MOSQ_ERR_AUTH,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_PLUGIN_DEFER,
  MOSQ_ERR_SUCCESS,
} from '../../../dist/include/mosquitto.js';
import { mosquitto_set_username } from '../../../dist/broker/plugin_public.js';

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

/** No opinion on access. */
export function mosquitto_auth_acl_check(_user_data, _access, _client, _msg) {
  return MOSQ_ERR_PLUGIN_DEFER;
}

/** The first (and only) step of each method (see the module comment). */
export function mosquitto_auth_start(_user_data, client, method, _reauth, data, data_len, data_out, data_out_len) {
  if (method === 'error') {
    return MOSQ_ERR_INVAL;
  } else if (method === 'non-matching') {
    return MOSQ_ERR_NOT_SUPPORTED;
  } else if (method === 'single') {
    const expected = Buffer.from('data');
    const len = Math.min(data_len, expected.length);
    if (len === 0 || expected.subarray(0, len).equals(data.subarray(0, len))) {
      return MOSQ_ERR_SUCCESS;
    }
    return MOSQ_ERR_AUTH;
  } else if (method === 'change') {
    return mosquitto_set_username(client, 'new_username');
  } else if (method === 'mirror') {
    if (data_len > 0) {
      data_out.value = Buffer.from(data.subarray(0, data_len)).reverse();
      data_out_len.value = data_len;
      return MOSQ_ERR_SUCCESS;
    }
    return MOSQ_ERR_INVAL;
  }
  return MOSQ_ERR_NOT_SUPPORTED;
}

/** No method of this plugin takes a second step. */
export function mosquitto_auth_continue(_user_data, _client, _method, _data, _data_len, _data_out, _data_out_len) {
  return MOSQ_ERR_AUTH;
}
