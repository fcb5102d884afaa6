/**
 * The dynamic security plugin's entry points and control channel, from
 * plugins/dynamic-security/plugin.c: loading and saving the JSON config file
 * (`plugin_opt_config_file`), the `$CONTROL/dynamic-security/v1` command dispatcher with its
 * JSON replies on `.../v1/response`, and the default ACL access.
 *
 * The broker loads this module for `plugin .../mosquitto_dynamic_security.so` (see lib_load.ts);
 * it speaks the version 5 plugin interface.
 * @module
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  MOSQ_ERR_INVAL,
  MOSQ_ERR_SUCCESS,
  MOSQ_LOG_ERR,
  MOSQ_LOG_INFO,
  MOSQ_LOG_WARNING,
} from '../../include/mosquitto.js';
import { MOSQ_EVT_ACL_CHECK, MOSQ_EVT_BASIC_AUTH, MOSQ_EVT_CONTROL } from '../../include/mosquitto_broker.js';
import type { mosquitto_evt_control } from '../../include/mosquitto_broker.js';
import type { mosq_out } from '../../include/mosquitto_plugin.js';
import { MQTT_MAX_PAYLOAD } from '../../include/mqtt_protocol.js';
import type { mosquitto } from '../../lib/mosquitto_internal.js';
import { mosquitto_log_printf } from '../../broker/logging.js';
import type { mosquitto_opt, mosquitto_plugin_id_t } from '../../broker/mosquitto_broker_internal.js';
import { mosquitto_callback_register, mosquitto_callback_unregister } from '../../broker/plugin.js';
import { mosquitto_broker_publish, mosquitto_client_id, mosquitto_client_username } from '../../broker/plugin_public.js';
import { dynsec__acl_check_callback } from './acl.js';
import { dynsec_auth__basic_auth_callback } from './auth.js';
import {
  dynsec_clients__cleanup,
  dynsec_clients__config_load,
  dynsec_clients__config_save,
  dynsec_clients__process_add_role,
  dynsec_clients__process_create,
  dynsec_clients__process_delete,
  dynsec_clients__process_disable,
  dynsec_clients__process_enable,
  dynsec_clients__process_get,
  dynsec_clients__process_list,
  dynsec_clients__process_modify,
  dynsec_clients__process_remove_role,
  dynsec_clients__process_set_id,
  dynsec_clients__process_set_password,
} from './clients.js';
import type { dynsec__acl_default_access } from './dynamic_security.js';
import {
  ACL_TYPE_PUB_C_RECV,
  ACL_TYPE_PUB_C_SEND,
  ACL_TYPE_SUB_GENERIC,
  ACL_TYPE_UNSUB_GENERIC,
  pstr,
  strcasecmp,
} from './dynamic_security.js';
import {
  dynsec_groups__cleanup,
  dynsec_groups__config_load,
  dynsec_groups__config_save,
  dynsec_groups__process_add_client,
  dynsec_groups__process_add_role,
  dynsec_groups__process_create,
  dynsec_groups__process_delete,
  dynsec_groups__process_get,
  dynsec_groups__process_get_anonymous_group,
  dynsec_groups__process_list,
  dynsec_groups__process_modify,
  dynsec_groups__process_remove_client,
  dynsec_groups__process_remove_role,
  dynsec_groups__process_set_anonymous_group,
} from './groups.js';
import { cJSON_GetObjectItem, cJSON_IsObject, cJSON_Parse, cJSON_Print, json_get_string } from './json_help.js';
import type { cJSON, cJSON_object } from './json_help.js';
import {
  dynsec_roles__cleanup,
  dynsec_roles__config_load,
  dynsec_roles__config_save,
  dynsec_roles__process_add_acl,
  dynsec_roles__process_create,
  dynsec_roles__process_delete,
  dynsec_roles__process_get,
  dynsec_roles__process_list,
  dynsec_roles__process_modify,
  dynsec_roles__process_remove_acl,
} from './roles.js';

let plg_id: mosquitto_plugin_id_t | null = null;
let config_file: string | null = null;
/** What an unmatched check gets, per access type (all denied until the config says otherwise). */
export const default_access: dynsec__acl_default_access = {
  publish_c_send: false,
  publish_c_recv: false,
  subscribe: false,
  unsubscribe: false,
};

/**
 * Appends a plain reply to the response list: the command name, the error when there is one,
 * and the caller's correlation data when it sent some.
 */
export function dynsec__command_reply(j_responses: cJSON[], _context: mosquitto | null, command: string, error: string | null,
  correlation_data: string | null): void {
  const j_response: cJSON_object = {};

  j_response.command = command;
  if (error !== null) {
    j_response.error = error;
  }
  if (correlation_data !== null) {
    j_response.correlationData = correlation_data;
  }

  j_responses.push(j_response);
}

/**
 * Publishes the responses, unformatted JSON, on `$CONTROL/dynamic-security/v1/response`
 * (dropped if larger than an MQTT payload may be).
 * @adapted cJSON_PrintUnformatted is JSON.stringify
 */
function send_response(tree: cJSON): void {
  const payload = Buffer.from(JSON.stringify(tree), 'utf8');

  if (payload.length > MQTT_MAX_PAYLOAD) {
    return;
  }
  mosquitto_broker_publish(null, '$CONTROL/dynamic-security/v1/response',
    payload.length, payload, 0, false, null);
}

/**
 * MOSQ_EVT_CONTROL for `$CONTROL/dynamic-security/v1`: parses the payload, runs its `commands`
 * array and publishes one response per command. A payload that is not JSON, or has no
 * `commands` array, gets a single error response.
 */
function dynsec_control_callback(_event: number, event_data: unknown, _userdata: unknown): number {
  const ed = event_data as mosquitto_evt_control;

  /* The object the responses go in. */
  const j_responses: cJSON[] = [];
  const j_response_tree: cJSON_object = { responses: j_responses };

  const tree = cJSON_Parse(ed.payload ? ed.payload.toString('utf8', 0, ed.payloadlen) : '');
  if (tree === null) {
    dynsec__command_reply(j_responses, ed.client, 'Unknown command', 'Payload not valid JSON', null);
    send_response(j_response_tree);
    return MOSQ_ERR_SUCCESS;
  }
  const commands = cJSON_GetObjectItem(tree, 'commands');
  if (commands === undefined || !Array.isArray(commands)) {
    dynsec__command_reply(j_responses, ed.client, 'Unknown command', 'Invalid/missing commands', null);
    send_response(j_response_tree);
    return MOSQ_ERR_SUCCESS;
  }

  /* Run the commands. */
  dynsec__handle_control(j_responses, ed.client, commands);

  send_response(j_response_tree);

  return MOSQ_ERR_SUCCESS;
}

/**
 * setDefaultACLAccess: sets the default of each `{"acltype", "allow"}` entry of the `acls`
 * array (unknown types are logged and ignored) and saves the config.
 */
function dynsec__process_set_default_acl_access(j_responses: cJSON[], context: mosquitto, command: cJSON,
  correlation_data: string | null): number {
  const j_actions = cJSON_GetObjectItem(command, 'acls');
  if (j_actions === undefined || !Array.isArray(j_actions)) {
    dynsec__command_reply(j_responses, context, 'setDefaultACLAccess', 'Missing/invalid actions array', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);

  for (const j_action of j_actions) {
    const j_acltype = cJSON_GetObjectItem(j_action, 'acltype');
    const j_allow = cJSON_GetObjectItem(j_action, 'allow');
    if (typeof j_acltype === 'string' && typeof j_allow === 'boolean') {
      const allow = j_allow;

      if (!strcasecmp(j_acltype, ACL_TYPE_PUB_C_SEND)) {
        default_access.publish_c_send = allow;
      } else if (!strcasecmp(j_acltype, ACL_TYPE_PUB_C_RECV)) {
        default_access.publish_c_recv = allow;
      } else if (!strcasecmp(j_acltype, ACL_TYPE_SUB_GENERIC)) {
        default_access.subscribe = allow;
      } else if (!strcasecmp(j_acltype, ACL_TYPE_UNSUB_GENERIC)) {
        default_access.unsubscribe = allow;
      }
      mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | setDefaultACLAccess | acltype=${j_acltype} | allow=${allow ? 'true' : 'false'}`);
    }
  }

  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'setDefaultACLAccess', null, correlation_data);
  return MOSQ_ERR_SUCCESS;
}

/**
 * getDefaultACLAccess: replies with the four default access settings.
 * @adapted the C's "Internal error" replies only follow cJSON allocation failures; building JS
 * objects cannot fail that way
 */
function dynsec__process_get_default_acl_access(j_responses: cJSON[], context: mosquitto, _command: cJSON,
  correlation_data: string | null): number {
  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | getDefaultACLAccess`);

  const j_acls: cJSON[] = [
    { acltype: ACL_TYPE_PUB_C_SEND, allow: default_access.publish_c_send },
    { acltype: ACL_TYPE_PUB_C_RECV, allow: default_access.publish_c_recv },
    { acltype: ACL_TYPE_SUB_GENERIC, allow: default_access.subscribe },
    { acltype: ACL_TYPE_UNSUB_GENERIC, allow: default_access.unsubscribe },
  ];
  const tree: cJSON_object = {
    command: 'getDefaultACLAccess',
    data: { acls: j_acls },
  };

  j_responses.push(tree);

  if (correlation_data !== null) {
    tree.correlationData = correlation_data;
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Version negotiation: this plugin speaks interface version 5 only (-1 if the broker does not
 * offer it).
 */
export function mosquitto_plugin_version(supported_version_count: number, supported_versions: number[]): number {
  for (let i = 0; i < supported_version_count; i++) {
    if (supported_versions[i] === 5) {
      return 5;
    }
  }
  return -1;
}

/**
 * Reads `defaultACLAccess` from the config: each of the four settings is its boolean, or false
 * when missing or not a boolean. Without the object the defaults stay as they are.
 */
function dynsec__general_config_load(tree: cJSON): number {
  const j_default_access = cJSON_GetObjectItem(tree, 'defaultACLAccess');
  if (cJSON_IsObject(j_default_access)) {
    let jtmp = cJSON_GetObjectItem(j_default_access, ACL_TYPE_PUB_C_SEND);
    default_access.publish_c_send = typeof jtmp === 'boolean' ? jtmp : false;

    jtmp = cJSON_GetObjectItem(j_default_access, ACL_TYPE_PUB_C_RECV);
    default_access.publish_c_recv = typeof jtmp === 'boolean' ? jtmp : false;

    jtmp = cJSON_GetObjectItem(j_default_access, ACL_TYPE_SUB_GENERIC);
    default_access.subscribe = typeof jtmp === 'boolean' ? jtmp : false;

    jtmp = cJSON_GetObjectItem(j_default_access, ACL_TYPE_UNSUB_GENERIC);
    default_access.unsubscribe = typeof jtmp === 'boolean' ? jtmp : false;
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * Writes the `defaultACLAccess` object into the config tree.
 */
function dynsec__general_config_save(tree: cJSON_object): number {
  tree.defaultACLAccess = {
    [ACL_TYPE_PUB_C_SEND]: default_access.publish_c_send,
    [ACL_TYPE_PUB_C_RECV]: default_access.publish_c_recv,
    [ACL_TYPE_SUB_GENERIC]: default_access.subscribe,
    [ACL_TYPE_UNSUB_GENERIC]: default_access.unsubscribe,
  };

  return MOSQ_ERR_SUCCESS;
}

/**
 * Loads the config file: default access, roles, clients, then groups (each refers to the ones
 * before it). An empty file is an empty config; an unreadable or invalid one returns 1.
 * @adapted fopen/fread are one readFileSync
 */
function dynsec__config_load(): number {
  let json_str: Buffer;

  try {
    json_str = readFileSync(config_file!);
  } catch {
    mosquitto_log_printf(MOSQ_LOG_ERR, 'Error loading Dynamic security plugin config: File is not readable - check permissions.\n');
    return 1;
  }
  if (json_str.length === 0) {
    return 0;
  }

  const tree = cJSON_Parse(json_str.toString('utf8'));
  if (tree === null) {
    mosquitto_log_printf(MOSQ_LOG_ERR, 'Error loading Dynamic security plugin config: File is not valid JSON.\n');
    return 1;
  }

  if (dynsec__general_config_load(tree)
      || dynsec_roles__config_load(tree)
      || dynsec_clients__config_load(tree)
      || dynsec_groups__config_load(tree)) {
    return 1;
  }

  return 0;
}

/**
 * Writes the whole state to `<config_file>.new` in cJSON's tab-indented layout and renames it
 * over the config file. Failures are logged; the state in memory stays.
 * @adapted fopen/fwrite/rename are writeFileSync and renameSync
 */
export function dynsec__config_save(): void {
  const tree: cJSON_object = {};

  if (dynsec__general_config_save(tree)
      || dynsec_clients__config_save(tree)
      || dynsec_groups__config_save(tree)
      || dynsec_roles__config_save(tree)) {
    return;
  }

  /* The text of the file. */
  const json_str = cJSON_Print(tree);

  /* Written beside the file first. */
  const file_path = `${config_file!}.new`;

  try {
    writeFileSync(file_path, json_str);
  } catch {
    mosquitto_log_printf(MOSQ_LOG_ERR, 'Error saving Dynamic security plugin config: File is not writable - check permissions.\n');
    return;
  }

  /* Then moved over the real one. */
  try {
    renameSync(file_path, config_file!);
  } catch (err) {
    mosquitto_log_printf(MOSQ_LOG_ERR, `Error updating dynsec config file: ${(err as Error).message}`);
  }
}

/**
 * Plugin start: takes `plugin_opt_config_file`, loads it and registers the control, basic-auth
 * and ACL-check callbacks. Without the option the plugin stays inactive (a warning, not an error).
 * @adapted `void **user_data` is the broker's holder; this plugin does not use it
 */
export function mosquitto_plugin_init(identifier: mosquitto_plugin_id_t, _user_data: mosq_out<unknown>, options: mosquitto_opt[],
  option_count: number): number {
  for (let i = 0; i < option_count; i++) {
    if (!strcasecmp(options[i].key, 'config_file')) {
      config_file = options[i].value;
      break;
    }
  }
  if (config_file === null) {
    mosquitto_log_printf(MOSQ_LOG_WARNING, 'Warning: Dynamic security plugin has no plugin_opt_config_file defined. The plugin will not be activated.');
    return MOSQ_ERR_SUCCESS;
  }

  plg_id = identifier;

  dynsec__config_load();
  mosquitto_callback_register(plg_id, MOSQ_EVT_CONTROL, dynsec_control_callback, '$CONTROL/dynamic-security/v1', null);
  mosquitto_callback_register(plg_id, MOSQ_EVT_BASIC_AUTH, dynsec_auth__basic_auth_callback, null, null);
  mosquitto_callback_register(plg_id, MOSQ_EVT_ACL_CHECK, dynsec__acl_check_callback, null, null);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Plugin stop: unregisters the callbacks and forgets every group, client and role.
 */
export function mosquitto_plugin_cleanup(_user_data: unknown, _options: mosquitto_opt[], _option_count: number): number {
  if (plg_id) {
    mosquitto_callback_unregister(plg_id, MOSQ_EVT_CONTROL, dynsec_control_callback, '$CONTROL/dynamic-security/v1');
    mosquitto_callback_unregister(plg_id, MOSQ_EVT_BASIC_AUTH, dynsec_auth__basic_auth_callback, null);
    mosquitto_callback_unregister(plg_id, MOSQ_EVT_ACL_CHECK, dynsec__acl_check_callback, null);
  }
  dynsec_groups__cleanup();
  dynsec_clients__cleanup();
  dynsec_roles__cleanup();

  config_file = null;
  return MOSQ_ERR_SUCCESS;
}

/**
 * Runs each command object of the `commands` array (names compared without case) and adds
 * its response. A correlationData that is not a string stops the run.
 */
export function dynsec__handle_control(j_responses: cJSON[], context: mosquitto, commands: cJSON[]): number {
  let rc = MOSQ_ERR_SUCCESS;
  let correlation_data: string | null = null;

  for (const aiter of commands) {
    if (cJSON_IsObject(aiter)) {
      const { rc: crc, value: command } = json_get_string(aiter, 'command', false);
      if (crc === MOSQ_ERR_SUCCESS && command !== null) {
        const cd = json_get_string(aiter, 'correlationData', true);
        correlation_data = cd.value;
        if (cd.rc !== MOSQ_ERR_SUCCESS) {
          dynsec__command_reply(j_responses, context, command, 'Invalid correlationData data type.', null);
          return MOSQ_ERR_INVAL;
        }

        /* Plugin */
        if (!strcasecmp(command, 'setDefaultACLAccess')) {
          rc = dynsec__process_set_default_acl_access(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'getDefaultACLAccess')) {
          rc = dynsec__process_get_default_acl_access(j_responses, context, aiter, correlation_data);

        /* Clients */
        } else if (!strcasecmp(command, 'createClient')) {
          rc = dynsec_clients__process_create(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'deleteClient')) {
          rc = dynsec_clients__process_delete(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'getClient')) {
          rc = dynsec_clients__process_get(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'listClients')) {
          rc = dynsec_clients__process_list(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'modifyClient')) {
          rc = dynsec_clients__process_modify(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'setClientPassword')) {
          rc = dynsec_clients__process_set_password(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'setClientId')) {
          rc = dynsec_clients__process_set_id(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'addClientRole')) {
          rc = dynsec_clients__process_add_role(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'removeClientRole')) {
          rc = dynsec_clients__process_remove_role(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'enableClient')) {
          rc = dynsec_clients__process_enable(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'disableClient')) {
          rc = dynsec_clients__process_disable(j_responses, context, aiter, correlation_data);

        /* Groups */
        } else if (!strcasecmp(command, 'addGroupClient')) {
          rc = dynsec_groups__process_add_client(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'createGroup')) {
          rc = dynsec_groups__process_create(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'deleteGroup')) {
          rc = dynsec_groups__process_delete(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'getGroup')) {
          rc = dynsec_groups__process_get(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'listGroups')) {
          rc = dynsec_groups__process_list(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'modifyGroup')) {
          rc = dynsec_groups__process_modify(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'removeGroupClient')) {
          rc = dynsec_groups__process_remove_client(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'addGroupRole')) {
          rc = dynsec_groups__process_add_role(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'removeGroupRole')) {
          rc = dynsec_groups__process_remove_role(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'setAnonymousGroup')) {
          rc = dynsec_groups__process_set_anonymous_group(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'getAnonymousGroup')) {
          rc = dynsec_groups__process_get_anonymous_group(j_responses, context, aiter, correlation_data);

        /* Roles */
        } else if (!strcasecmp(command, 'createRole')) {
          rc = dynsec_roles__process_create(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'getRole')) {
          rc = dynsec_roles__process_get(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'listRoles')) {
          rc = dynsec_roles__process_list(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'modifyRole')) {
          rc = dynsec_roles__process_modify(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'deleteRole')) {
          rc = dynsec_roles__process_delete(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'addRoleACL')) {
          rc = dynsec_roles__process_add_acl(j_responses, context, aiter, correlation_data);
        } else if (!strcasecmp(command, 'removeRoleACL')) {
          rc = dynsec_roles__process_remove_acl(j_responses, context, aiter, correlation_data);

        /* Unknown */
        } else {
          dynsec__command_reply(j_responses, context, command, 'Unknown command', correlation_data);
          rc = MOSQ_ERR_INVAL;
        }
      } else {
        dynsec__command_reply(j_responses, context, 'Unknown command', 'Missing command', correlation_data);
        rc = MOSQ_ERR_INVAL;
      }
    } else {
      dynsec__command_reply(j_responses, context, 'Unknown command', 'Command not an object', correlation_data);
      rc = MOSQ_ERR_INVAL;
    }
  }

  return rc;
}
