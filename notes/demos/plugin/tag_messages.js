/**
 * Demo plugin for notes/plugins.md, version 5 interface, the port's side (tag_messages.c is the
 * same plugin for Debian's mosquitto). On every PUBLISH the broker accepts it appends
 * " [TAG]" to the payload, TAG being `plugin_opt_tag` (default "tagged"), and it refuses a
 * payload that is exactly "forbidden".
 *
 * A config line `plugin /some/dir/tag_messages.so` makes the port load tag_messages.js from the
 * same directory, so one config file serves both brokers.
 */
import { MOSQ_ERR_ACL_DENIED, MOSQ_ERR_SUCCESS, MOSQ_LOG_INFO } from '../../../dist/include/mosquitto.js';
import { MOSQ_EVT_MESSAGE } from '../../../dist/include/mosquitto_broker.js';
import { mosquitto_callback_register, mosquitto_callback_unregister } from '../../../dist/broker/plugin.js';
import { mosquitto_client_id } from '../../../dist/broker/plugin_public.js';
import { mosquitto_log_printf } from '../../../dist/broker/logging.js';

let plugin_id = null;
let tag = 'tagged';

/** The broker offers versions 5, 4, 3 and 2; this plugin takes 5. */
export function mosquitto_plugin_version(_count, _versions) {
  return 5;
}

/** Reads `plugin_opt_tag` and asks for the message event. */
export function mosquitto_plugin_init(identifier, _user_data, opts, opt_count) {
  plugin_id = identifier;
  for (let i = 0; i < opt_count; i++) {
    if (opts[i].key === 'tag') tag = opts[i].value;
  }
  return mosquitto_callback_register(plugin_id, MOSQ_EVT_MESSAGE, on_message, null, null);
}

export function mosquitto_plugin_cleanup(_user_data, _opts, _opt_count) {
  return mosquitto_callback_unregister(plugin_id, MOSQ_EVT_MESSAGE, on_message, null);
}

/** Refuses "forbidden"; tags everything else. */
function on_message(_event, ed, _userdata) {
  if (ed.payload.equals(Buffer.from('forbidden'))) {
    return MOSQ_ERR_ACL_DENIED;
  }
  ed.payload = Buffer.concat([ed.payload, Buffer.from(` [${tag}]`)]);
  ed.payloadlen = ed.payload.length;
  mosquitto_log_printf(MOSQ_LOG_INFO, `tag_messages: tagged a message on ${ed.topic} from ${mosquitto_client_id(ed.client)}`);
  return MOSQ_ERR_SUCCESS;
}
