/**
 * JS port of mosquitto's test plugin test/broker/c/auth_plugin_v5.c: the same users and access
 * rules as auth_plugin_v4.mjs, served through the version 5 interface, with callbacks for the
 * basic-auth and ACL-check events registered at init and unregistered at cleanup.
 *
 * The broker loads it as c/auth_plugin_v5.so through the .js stub prepare.sh writes beside it.
 */
import { MOSQ_ERR_ACL_DENIED, MOSQ_ERR_AUTH, MOSQ_ERR_PLUGIN_DEFER, MOSQ_ERR_SUCCESS } from '../../../dist/include/mosquitto.js';
import { MOSQ_EVT_ACL_CHECK, MOSQ_EVT_BASIC_AUTH } from '../../../dist/include/mosquitto_broker.js';
import { MOSQ_ACL_READ, MOSQ_ACL_SUBSCRIBE } from '../../../dist/include/mosquitto_plugin.js';
import { mosquitto_callback_register, mosquitto_callback_unregister } from '../../../dist/broker/plugin.js';
import { mosquitto_client_username } from '../../../dist/broker/plugin_public.js';

/* The identifier the broker gave this plugin at init. */
let plg_id = null;

/** This plugin speaks version 5, whatever the broker offers. */
export function mosquitto_plugin_version(_supported_version_count, _supported_versions) {
  return 5;
}

/** Registers the ACL and basic-auth callbacks. */
export function mosquitto_plugin_init(identifier, _user_data, _opts, _opt_count) {
  plg_id = identifier;

  mosquitto_callback_register(plg_id, MOSQ_EVT_ACL_CHECK, mosquitto_auth_acl_check_v5, null, null);
  mosquitto_callback_register(plg_id, MOSQ_EVT_BASIC_AUTH, mosquitto_auth_unpwd_check_v5, null, null);

  return MOSQ_ERR_SUCCESS;
}

/** Unregisters what init registered. */
export function mosquitto_plugin_cleanup(_user_data, _opts, _opt_count) {
  mosquitto_callback_unregister(plg_id, MOSQ_EVT_ACL_CHECK, mosquitto_auth_acl_check_v5, null);
  mosquitto_callback_unregister(plg_id, MOSQ_EVT_BASIC_AUTH, mosquitto_auth_unpwd_check_v5, null);

  return MOSQ_ERR_SUCCESS;
}

/** The access rules of "readonly" and "readwrite"; others are denied. */
export function mosquitto_auth_acl_check_v5(_event, ed, _user_data) {
  const username = mosquitto_client_username(ed.client);

  if (username === 'readonly' && ed.access === MOSQ_ACL_READ) {
    return MOSQ_ERR_SUCCESS;
  } else if (username === 'readonly' && ed.access === MOSQ_ACL_SUBSCRIBE
      && !ed.topic.includes('#') && !ed.topic.includes('+')) {
    return MOSQ_ERR_SUCCESS;
  } else if (username === 'readwrite') {
    if ((ed.topic === 'readonly' && ed.access === MOSQ_ACL_READ) || ed.topic === 'writeable') {
      return MOSQ_ERR_SUCCESS;
    }
    return MOSQ_ERR_ACL_DENIED;
  }
  return MOSQ_ERR_ACL_DENIED;
}

/** Who may connect: as auth_plugin_v4.mjs. */
export function mosquitto_auth_unpwd_check_v5(_event, ed, _user_data) {
  if (ed.username === 'test-username' && ed.password === 'cnwTICONIURW') {
    return MOSQ_ERR_SUCCESS;
  } else if (ed.username === 'readonly' || ed.username === 'readwrite') {
    return MOSQ_ERR_SUCCESS;
  } else if (ed.username === 'test-username@v2') {
    return MOSQ_ERR_PLUGIN_DEFER;
  }
  return MOSQ_ERR_AUTH;
}
