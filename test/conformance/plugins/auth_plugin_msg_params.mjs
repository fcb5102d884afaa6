/**
 * JS port of mosquitto's test plugin test/broker/c/auth_plugin_msg_params.c: a version 4 plugin
 * for 09-plugin-auth-msg-params that checks the message an ACL check describes. Subscriptions
 * pass; any other check must be about topic "param/topic", payload "payload contents", QoS 1,
 * retained, or the broker is aborted (the script then sees no answer). Passwords are deferred.
 *
 * The broker loads it as c/auth_plugin_msg_params.so through the .js stub prepare.sh writes
 * beside it.
 */
import process from 'node:process';
import { MOSQ_ERR_AUTH, MOSQ_ERR_PLUGIN_DEFER, MOSQ_ERR_SUCCESS } from '../../../dist/include/mosquitto.js';
import { MOSQ_ACL_SUBSCRIBE } from '../../../dist/include/mosquitto_plugin.js';

const expected_payload = 'payload contents';

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

/** Aborts the broker unless the message is the one the script publishes (see the module comment). */
export function mosquitto_auth_acl_check(_user_data, access, _client, msg) {
  if (access === MOSQ_ACL_SUBSCRIBE) {
    return MOSQ_ERR_SUCCESS;
  }

  if (msg.topic !== 'param/topic') {
    process.abort();
  }

  if (!msg.payload || msg.payload.subarray(0, expected_payload.length).toString('latin1') !== expected_payload) {
    process.abort();
  }

  if (msg.payloadlen !== expected_payload.length) {
    process.abort();
  }

  if (msg.qos !== 1) {
    process.abort();
  }

  if (!msg.retain) {
    process.abort();
  }

  return MOSQ_ERR_SUCCESS;
}

/** No opinion on passwords. */
export function mosquitto_auth_unpwd_check(_user_data, _client, _username, _password) {
  return MOSQ_ERR_PLUGIN_DEFER;
}

/** No TLS-PSK identities are known. */
export function mosquitto_auth_psk_key_get(_user_data, _client, _hint, _identity, _key, _max_key_len) {
  return MOSQ_ERR_AUTH;
}
