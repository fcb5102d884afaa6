/**
 * JS port of mosquitto's test plugin test/broker/c/auth_plugin_publish.c: a version 4 plugin for
 * 09-plugin-publish that uses a client's PUBLISH (seen as a write ACL check) as the moment to
 * publish from the broker with mosquitto_broker_publish_copy. The first time it sends three
 * retained messages (QoS 0, 1, 2) to client "test-client" alone, mixed with three for
 * "missing-client", which is not connected, so they must be dropped. Each later time it sends the
 * three messages to "test-client" again, each with a payload-format-indicator property. Every
 * access is allowed, every client may connect.
 *
 * The broker loads it as c/auth_plugin_publish.so through the .js stub prepare.sh writes beside it.
 */
import { Buffer } from 'node:buffer';
import { MOSQ_ERR_AUTH, MOSQ_ERR_SUCCESS } from '../../../dist/include/mosquitto.js';
import { MOSQ_ACL_WRITE } from '../../../dist/include/mosquitto_plugin.js';
import { MQTT_PROP_PAYLOAD_FORMAT_INDICATOR } from '../../../dist/include/mqtt_protocol.js';
import { mosquitto_property_add_byte } from '../../../dist/lib/property_mosq.js';
import { mosquitto_broker_publish_copy } from '../../../dist/broker/plugin_public.js';

/* How many write checks have published so far (C: a static counter inside the function). */
let count = 0;

/** Publishes `text` from the broker to one client, retained (C: a direct call, spelled out each time). */
function publish_to(clientid, topic, text, qos, props) {
  const payload = Buffer.from(text);
  mosquitto_broker_publish_copy(clientid, topic, payload.length, payload, qos, true, props);
}

/** A property list holding only payload-format-indicator = 1. */
function utf8_props() {
  return mosquitto_property_add_byte(null, MQTT_PROP_PAYLOAD_FORMAT_INDICATOR, 1).proplist;
}

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

/** On each write check, publishes from the broker (see the module comment); allows everything. */
export function mosquitto_auth_acl_check(_user_data, access, _client, _msg) {
  if (access === MOSQ_ACL_WRITE) {
    if (count === 0) {
      /* "missing-client" is not connected: its messages are queued and then thrown away. */
      publish_to('missing-client', 'topic/2', 'test-message-2', 2, null);
      publish_to('test-client', 'topic/0', 'test-message-0', 0, null);
      publish_to('missing-client', 'topic/2', 'test-message-2', 2, null);
      publish_to('test-client', 'topic/1', 'test-message-1', 1, null);
      publish_to('missing-client', 'topic/2', 'test-message-2', 2, null);
      publish_to('test-client', 'topic/2', 'test-message-2', 2, null);
      count = 1;
    } else {
      publish_to('test-client', 'topic/0', 'test-message-0', 0, utf8_props());
      publish_to('test-client', 'topic/1', 'test-message-1', 1, utf8_props());
      publish_to('test-client', 'topic/2', 'test-message-2', 2, utf8_props());
    }
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
