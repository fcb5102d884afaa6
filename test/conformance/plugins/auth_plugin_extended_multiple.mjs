/**
 * JS port of mosquitto's test plugin test/broker/c/auth_plugin_extended_multiple.c: a version 4
 * plugin with MQTT 5 extended authentication in two steps, for the 09-extended-auth-multistep
 * scripts. Method "mirror" only: the first step answers the client's data reversed and asks
 * to continue; the second succeeds when the data and "supercalifragilisticexpialidocious" agree
 * as far as the shorter goes. Empty data is invalid; other methods are not supported; ACL
 * checks are deferred.
 *
 * The broker loads it as c/auth_plugin_extended_multiple.so through the .js stub prepare.sh writes
 * beside it.
 */
import { Buffer } from 'node:buffer';
import {
  MOSQ_ERR_AUTH,
  MOSQ_ERR_AUTH_CONTINUE,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOT_SUPPORTED,
  MOSQ_ERR_PLUGIN_DEFER,
  MOSQ_ERR_SUCCESS,
} from '../../../dist/include/mosquitto.js';

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

/** First step of "mirror": send the data back reversed and wait for the next step. */
export function mosquitto_auth_start(_user_data, _client, method, _reauth, data, data_len, data_out, data_out_len) {
  if (method === 'mirror') {
    if (data_len > 0) {
      data_out.value = Buffer.from(data.subarray(0, data_len)).reverse();
      data_out_len.value = data_len;
      return MOSQ_ERR_AUTH_CONTINUE;
    }
    return MOSQ_ERR_INVAL;
  }
  return MOSQ_ERR_NOT_SUPPORTED;
}

/** Second step of "mirror": the client must now send the long word. */
export function mosquitto_auth_continue(_user_data, _client, method, data, data_len, _data_out, _data_out_len) {
  if (method === 'mirror') {
    if (data_len > 0) {
      const expected = Buffer.from('supercalifragilisticexpialidocious');
      const len = Math.min(data_len, expected.length);
      if (expected.subarray(0, len).equals(data.subarray(0, len))) {
        return MOSQ_ERR_SUCCESS;
      }
      return MOSQ_ERR_AUTH;
    }
    return MOSQ_ERR_INVAL;
  }
  return MOSQ_ERR_NOT_SUPPORTED;
}
