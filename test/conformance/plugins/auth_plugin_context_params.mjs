/**
 * JS port of mosquitto's test plugin test/broker/c/auth_plugin_context_params.c: a version 4
 * plugin for 09-plugin-auth-context-params that lets a client connect only when what the broker's
 * plugin API tells about it matches what the script sends: address 127.0.0.1, clean session,
 * id "client-params-test", keepalive 42, plain MQTT (not websockets), no subscriptions yet,
 * username "client-username". A mismatch is written to stderr and refused. ACL checks are
 * deferred.
 *
 * The broker loads it as c/auth_plugin_context_params.so through the .js stub prepare.sh writes
 * beside it.
 */
import process from 'node:process';
import { MOSQ_ERR_AUTH, MOSQ_ERR_PLUGIN_DEFER, MOSQ_ERR_SUCCESS } from '../../../dist/include/mosquitto.js';
import { mp_mqtt } from '../../../dist/broker/mosquitto_broker_internal.js';
import {
  mosquitto_client_address,
  mosquitto_client_certificate,
  mosquitto_client_clean_session,
  mosquitto_client_id,
  mosquitto_client_keepalive,
  mosquitto_client_protocol,
  mosquitto_client_sub_count,
  mosquitto_client_username,
} from '../../../dist/broker/plugin_public.js';

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

/** Checks each fact about the connecting client in turn (see the module comment). */
export function mosquitto_auth_unpwd_check(_user_data, client, _username, _password) {
  let tmp = mosquitto_client_address(client);
  if (tmp !== '127.0.0.1') {
    return MOSQ_ERR_AUTH;
  }

  if (!mosquitto_client_clean_session(client)) {
    process.stderr.write(`mosquitto_auth_unpwd_check clean_session error: ${Number(mosquitto_client_clean_session(client))}\n`);
    return MOSQ_ERR_AUTH;
  }

  tmp = mosquitto_client_id(client);
  if (tmp !== 'client-params-test') {
    process.stderr.write(`mosquitto_auth_unpwd_check client_id error: ${tmp}\n`);
    return MOSQ_ERR_AUTH;
  }

  if (mosquitto_client_keepalive(client) !== 42) {
    process.stderr.write(`mosquitto_auth_unpwd_check keepalive error: ${mosquitto_client_keepalive(client)}\n`);
    return MOSQ_ERR_AUTH;
  }

  /* The C plugin asks for the certificate too but, with a FIXME, does not act on the answer
   * (the script connects without TLS). */
  mosquitto_client_certificate(client);

  if (mosquitto_client_protocol(client) !== mp_mqtt) {
    process.stderr.write(`mosquitto_auth_unpwd_check protocol error: ${mosquitto_client_protocol(client)}\n`);
    return MOSQ_ERR_AUTH;
  }

  if (mosquitto_client_sub_count(client)) {
    process.stderr.write(`mosquitto_auth_unpwd_check sub_count error: ${mosquitto_client_sub_count(client)}\n`);
    return MOSQ_ERR_AUTH;
  }

  tmp = mosquitto_client_username(client);
  if (tmp !== 'client-username') {
    process.stderr.write(`mosquitto_auth_unpwd_check username error: ${tmp}\n`);
    return MOSQ_ERR_AUTH;
  }

  return MOSQ_ERR_SUCCESS;
}

/** No TLS-PSK identities are known. */
export function mosquitto_auth_psk_key_get(_user_data, _client, _hint, _identity, _key, _max_key_len) {
  return MOSQ_ERR_AUTH;
}
