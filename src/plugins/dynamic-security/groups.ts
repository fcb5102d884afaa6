/**
 * Groups of plugins/dynamic-security/groups.c: the table of groups (sorted by name), the
 * anonymous group (whose roles apply to clients without a username), their part of the config
 * file, and the group commands of `$CONTROL/dynamic-security/v1`. A change kicks the group's
 * connected clients, so they reconnect under the new rules.
 * @module
 */
import {
  MOSQ_ERR_ALREADY_EXISTS,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_NOMEM,
  MOSQ_ERR_NOT_FOUND,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_UNKNOWN,
  MOSQ_LOG_INFO,
} from '../../include/mosquitto.js';
import type { mosquitto } from '../../lib/mosquitto_internal.js';
import { mosquitto_validate_utf8 } from '../../lib/utf8_mosq.js';
import { mosquitto_log_printf } from '../../broker/logging.js';
import { mosquitto_client_id, mosquitto_client_username, mosquitto_kick_client_by_username } from '../../broker/plugin_public.js';
import { dynsec_clientlist__add, dynsec_clientlist__all_to_json, dynsec_clientlist__kick_all, dynsec_clientlist__remove } from './clientlist.js';
import { dynsec_clients__find } from './clients.js';
import type { dynsec__group, dynsec__rolelist } from './dynamic_security.js';
import { ERR_GROUP_NOT_FOUND, ERR_LIST_NOT_FOUND, ERR_USER_NOT_FOUND, HASH_ADD_KEYPTR_INORDER, HASH_SORT, pstr, strcmp } from './dynamic_security.js';
import { dynsec_grouplist__add, dynsec_grouplist__remove } from './grouplist.js';
import { cJSON_AddIntToObject, cJSON_GetObjectItem, cJSON_IsObject, json_get_bool, json_get_int, json_get_string } from './json_help.js';
import type { cJSON, cJSON_object } from './json_help.js';
import { dynsec__command_reply, dynsec__config_save } from './plugin.js';
import {
  dynsec_rolelist__all_to_json,
  dynsec_rolelist__cleanup,
  dynsec_rolelist__group_add,
  dynsec_rolelist__group_remove,
  dynsec_rolelist__load_from_json,
} from './rolelist.js';
import { dynsec_roles__find } from './roles.js';

/** The group whose roles apply to clients that connect without a username (none: null). */
export let dynsec_anonymous_group: dynsec__group | null = null;

/* Every group, by name, in name order. */
const local_groups = new Map<string, dynsec__group>();

/**
 * Kicks every connected member of the group; for the anonymous group, every client without a
 * username too.
 */
function group__kick_all(group: dynsec__group): void {
  if (group === dynsec_anonymous_group) {
    mosquitto_kick_client_by_username(null, false);
  }
  dynsec_clientlist__kick_all(group.clientlist);
}

/**
 * Orders groups by name.
 */
function group_cmp(a: dynsec__group, b: dynsec__group): number {
  return strcmp(a.groupname, b.groupname);
}

/**
 * The group with this name, or null.
 */
export function dynsec_groups__find(groupname: string | null): dynsec__group | null {
  let group: dynsec__group | null = null;

  if (groupname !== null) {
    group = local_groups.get(groupname) ?? null;
  }
  return group;
}

/**
 * Takes the group out of the table, its clients out of it, and drops its role list.
 * @adapted nothing to free; the garbage collector takes the record
 */
function group__free_item(group: dynsec__group | null): void {
  if (group === null) return;

  const found_group = dynsec_groups__find(group.groupname);
  if (found_group) {
    local_groups.delete(found_group.groupname);
  }
  dynsec__remove_all_clients_from_group(group);
  dynsec_rolelist__cleanup(group.rolelist);
}

/**
 * addGroupRole: gives the group a role with an optional priority and kicks its members.
 */
export function dynsec_groups__process_add_role(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: grc, value: groupname } = json_get_string(command, 'groupname', false);
  if (grc !== MOSQ_ERR_SUCCESS || groupname === null) {
    dynsec__command_reply(j_responses, context, 'addGroupRole', 'Invalid/missing groupname', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(groupname, Buffer.byteLength(groupname)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'addGroupRole', 'Group name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc: rrc, value: rolename } = json_get_string(command, 'rolename', false);
  if (rrc !== MOSQ_ERR_SUCCESS || rolename === null) {
    dynsec__command_reply(j_responses, context, 'addGroupRole', 'Invalid/missing rolename', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(rolename, Buffer.byteLength(rolename)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'addGroupRole', 'Role name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  const priority = json_get_int(command, 'priority', true, -1).value;

  const group = dynsec_groups__find(groupname);
  if (group === null) {
    dynsec__command_reply(j_responses, context, 'addGroupRole', 'Group not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const role = dynsec_roles__find(rolename);
  if (role === null) {
    dynsec__command_reply(j_responses, context, 'addGroupRole', 'Role not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);

  const rc = dynsec_rolelist__group_add(group, role, priority);
  if (rc === MOSQ_ERR_SUCCESS) {
    /* Carry on. */
  } else if (rc === MOSQ_ERR_ALREADY_EXISTS) {
    dynsec__command_reply(j_responses, context, 'addGroupRole', 'Group is already in this role', correlation_data);
    return MOSQ_ERR_ALREADY_EXISTS;
  } else {
    dynsec__command_reply(j_responses, context, 'addGroupRole', 'Internal error', correlation_data);
    return MOSQ_ERR_UNKNOWN;
  }

  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | addGroupRole | groupname=${groupname} | rolename=${rolename} | priority=${priority}`);

  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'addGroupRole', null, correlation_data);

  /* Apply the change to connected members. */
  group__kick_all(group);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Forgets every group (plugin cleanup).
 */
export function dynsec_groups__cleanup(): void {
  for (const group of [...local_groups.values()]) {
    group__free_item(group);
  }
}

/**
 * Loads the config's `groups` array (name, text name and description, roles, then clients, which
 * must already be loaded) and `anonymousGroup`. Entries without a name are skipped; 1 when
 * `groups` is not an array.
 */
export function dynsec_groups__config_load(tree: cJSON): number {
  const j_groups = cJSON_GetObjectItem(tree, 'groups');
  if (j_groups === undefined) {
    return 0;
  }

  if (Array.isArray(j_groups) === false) {
    return 1;
  }

  for (const j_group of j_groups) {
    if (cJSON_IsObject(j_group) === true) {
      /* Group name */
      const groupname = json_get_string(j_group, 'groupname', false);
      if (groupname.rc !== MOSQ_ERR_SUCCESS || groupname.value === null) {
        continue;
      }
      const group: dynsec__group = {
        rolelist: new Map(),
        clientlist: new Map(),
        groupname: groupname.value,
        text_name: null,
        text_description: null,
      };

      /* Text name */
      const text_name = json_get_string(j_group, 'textname', false);
      if (text_name.rc === MOSQ_ERR_SUCCESS && text_name.value !== null) {
        group.text_name = text_name.value;
      }

      /* Text description */
      const text_description = json_get_string(j_group, 'textdescription', false);
      if (text_description.rc === MOSQ_ERR_SUCCESS && text_description.value !== null) {
        group.text_description = text_description.value;
      }

      /* Roles */
      const j_roles = cJSON_GetObjectItem(j_group, 'roles');
      if (Array.isArray(j_roles)) {
        for (const j_role of j_roles) {
          if (cJSON_IsObject(j_role)) {
            const j_rolename = cJSON_GetObjectItem(j_role, 'rolename');
            if (typeof j_rolename === 'string') {
              const priority = json_get_int(j_role, 'priority', true, -1).value;
              const role = dynsec_roles__find(j_rolename);
              dynsec_rolelist__group_add(group, role, priority);
            }
          }
        }
      }

      /* In the table before its clients are added, which look the group up. */
      local_groups.set(group.groupname, group);

      /* Clients */
      const j_clientlist = cJSON_GetObjectItem(j_group, 'clients');
      if (Array.isArray(j_clientlist)) {
        for (const j_client of j_clientlist) {
          if (cJSON_IsObject(j_client)) {
            const j_username = cJSON_GetObjectItem(j_client, 'username');
            if (typeof j_username === 'string') {
              const priority = json_get_int(j_client, 'priority', true, -1).value;
              dynsec_groups__add_client(j_username, group.groupname, priority, false);
            }
          }
        }
      }
    }
  }
  HASH_SORT(local_groups, group_cmp);

  const j_group = cJSON_GetObjectItem(tree, 'anonymousGroup');
  if (typeof j_group === 'string') {
    dynsec_anonymous_group = dynsec_groups__find(j_group);
  }

  return 0;
}

/**
 * Adds one object per group (name, texts, roles, clients) to the config's `groups` array.
 */
function dynsec__config_add_groups(j_groups: cJSON[]): number {
  for (const group of local_groups.values()) {
    const j_group: cJSON_object = {};
    j_groups.push(j_group);

    j_group.groupname = group.groupname;
    if (group.text_name !== null) j_group.textname = group.text_name;
    if (group.text_description !== null) j_group.textdescription = group.text_description;

    j_group.roles = dynsec_rolelist__all_to_json(group.rolelist);
    j_group.clients = dynsec_clientlist__all_to_json(group.clientlist);
  }

  return 0;
}

/**
 * Writes the `groups` array and, when there is one, `anonymousGroup` into the config tree.
 */
export function dynsec_groups__config_save(tree: cJSON_object): number {
  const j_groups: cJSON[] = [];
  tree.groups = j_groups;
  if (dynsec__config_add_groups(j_groups)) {
    return 1;
  }

  if (dynsec_anonymous_group) {
    tree.anonymousGroup = dynsec_anonymous_group.groupname;
  }

  return 0;
}

/**
 * createGroup: a new group with optional text name, description and roles (which must exist).
 */
export function dynsec_groups__process_create(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: grc, value: groupname } = json_get_string(command, 'groupname', false);
  if (grc !== MOSQ_ERR_SUCCESS || groupname === null) {
    dynsec__command_reply(j_responses, context, 'createGroup', 'Invalid/missing groupname', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(groupname, Buffer.byteLength(groupname)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createGroup', 'Group name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const text_name = json_get_string(command, 'textname', true);
  if (text_name.rc !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createGroup', 'Invalid/missing textname', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const text_description = json_get_string(command, 'textdescription', true);
  if (text_description.rc !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createGroup', 'Invalid/missing textdescription', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  if (dynsec_groups__find(groupname)) {
    dynsec__command_reply(j_responses, context, 'createGroup', 'Group already exists', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const group: dynsec__group = {
    rolelist: new Map(),
    clientlist: new Map(),
    groupname,
    text_name: text_name.value,
    text_description: text_description.value,
  };

  const rc = dynsec_rolelist__load_from_json(command, group.rolelist);
  if (rc === MOSQ_ERR_SUCCESS || rc === ERR_LIST_NOT_FOUND) {
    /* Roles given and found, or none given. */
  } else if (rc === MOSQ_ERR_NOT_FOUND) {
    dynsec__command_reply(j_responses, context, 'createGroup', 'Role not found', correlation_data);
    group__free_item(group);
    return MOSQ_ERR_INVAL;
  } else {
    dynsec__command_reply(j_responses, context, 'createGroup', 'Internal error', correlation_data);
    group__free_item(group);
    return MOSQ_ERR_INVAL;
  }

  HASH_ADD_KEYPTR_INORDER(local_groups, group.groupname, group, group_cmp);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | createGroup | groupname=${groupname}`);

  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'createGroup', null, correlation_data);
  return MOSQ_ERR_SUCCESS;
}

/**
 * deleteGroup: kicks the group's members, then removes its roles, clients and the group.
 */
export function dynsec_groups__process_delete(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: grc, value: groupname } = json_get_string(command, 'groupname', false);
  if (grc !== MOSQ_ERR_SUCCESS || groupname === null) {
    dynsec__command_reply(j_responses, context, 'deleteGroup', 'Invalid/missing groupname', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(groupname, Buffer.byteLength(groupname)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'deleteGroup', 'Group name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const group = dynsec_groups__find(groupname);
  if (group) {
    /* Apply the change to connected members. */
    group__kick_all(group);

    dynsec__remove_all_roles_from_group(group);
    group__free_item(group);
    dynsec__config_save();
    dynsec__command_reply(j_responses, context, 'deleteGroup', null, correlation_data);

    const admin_clientid = mosquitto_client_id(context);
    const admin_username = mosquitto_client_username(context);
    mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | deleteGroup | groupname=${groupname}`);

    return MOSQ_ERR_SUCCESS;
  } else {
    dynsec__command_reply(j_responses, context, 'deleteGroup', 'Group not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }
}

/**
 * Puts a client in a group with `priority` (both looked up by name): ERR_USER_NOT_FOUND,
 * ERR_GROUP_NOT_FOUND, or MOSQ_ERR_ALREADY_EXISTS when it is already a member. Saves the config
 * when `update_config` is set.
 */
export function dynsec_groups__add_client(username: string, groupname: string, priority: number, update_config: boolean): number {
  const client = dynsec_clients__find(username);
  if (client === null) {
    return ERR_USER_NOT_FOUND;
  }

  const group = dynsec_groups__find(groupname);
  if (group === null) {
    return ERR_GROUP_NOT_FOUND;
  }

  if (group.clientlist.get(username) !== undefined) {
    /* Already a member. */
    return MOSQ_ERR_ALREADY_EXISTS;
  }

  let rc = dynsec_clientlist__add(group.clientlist, client, priority);
  if (rc) {
    return rc;
  }
  rc = dynsec_grouplist__add(client.grouplist, group, priority);
  if (rc) {
    dynsec_clientlist__remove(group.clientlist, client);
    return rc;
  }

  if (update_config) {
    dynsec__config_save();
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * addGroupClient: puts a client in a group with an optional priority; the client is kicked
 * whatever the outcome.
 */
export function dynsec_groups__process_add_client(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'addGroupClient', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(username, Buffer.byteLength(username)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'addGroupClient', 'Username not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc: grc, value: groupname } = json_get_string(command, 'groupname', false);
  if (grc !== MOSQ_ERR_SUCCESS || groupname === null) {
    dynsec__command_reply(j_responses, context, 'addGroupClient', 'Invalid/missing groupname', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(groupname, Buffer.byteLength(groupname)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'addGroupClient', 'Group name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const priority = json_get_int(command, 'priority', true, -1).value;

  const rc = dynsec_groups__add_client(username, groupname, priority, true);
  if (rc === MOSQ_ERR_SUCCESS) {
    const admin_clientid = mosquitto_client_id(context);
    const admin_username = mosquitto_client_username(context);
    mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | addGroupClient | groupname=${groupname} | username=${username} | priority=${priority}`);

    dynsec__command_reply(j_responses, context, 'addGroupClient', null, correlation_data);
  } else if (rc === ERR_USER_NOT_FOUND) {
    dynsec__command_reply(j_responses, context, 'addGroupClient', 'Client not found', correlation_data);
  } else if (rc === ERR_GROUP_NOT_FOUND) {
    dynsec__command_reply(j_responses, context, 'addGroupClient', 'Group not found', correlation_data);
  } else if (rc === MOSQ_ERR_ALREADY_EXISTS) {
    dynsec__command_reply(j_responses, context, 'addGroupClient', 'Client is already in this group', correlation_data);
  } else {
    dynsec__command_reply(j_responses, context, 'addGroupClient', 'Internal error', correlation_data);
  }

  /* Apply the change to a connected client. */
  mosquitto_kick_client_by_username(username, false);

  return rc;
}

/**
 * Empties the group's client list, and takes the group from each of those clients.
 */
function dynsec__remove_all_clients_from_group(group: dynsec__group): number {
  for (const clientlist of [...group.clientlist.values()]) {
    /* The client's side of the link. */
    dynsec_grouplist__remove(clientlist.client.grouplist, group);

    group.clientlist.delete(clientlist.client.username);
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Takes every role from the group (and the group from each role).
 */
function dynsec__remove_all_roles_from_group(group: dynsec__group): number {
  for (const rolelist of [...group.rolelist.values()]) {
    dynsec_rolelist__group_remove(group, rolelist.role);
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * Takes a client out of a group (both by name): ERR_USER_NOT_FOUND or ERR_GROUP_NOT_FOUND when
 * either is unknown. Saves the config when `update_config` is set.
 */
export function dynsec_groups__remove_client(username: string, groupname: string, update_config: boolean): number {
  const client = dynsec_clients__find(username);
  if (client === null) {
    return ERR_USER_NOT_FOUND;
  }

  const group = dynsec_groups__find(groupname);
  if (group === null) {
    return ERR_GROUP_NOT_FOUND;
  }

  dynsec_clientlist__remove(group.clientlist, client);
  dynsec_grouplist__remove(client.grouplist, group);

  if (update_config) {
    dynsec__config_save();
  }
  return MOSQ_ERR_SUCCESS;
}

/**
 * removeGroupClient: takes a client out of a group; the client is kicked whatever the outcome.
 */
export function dynsec_groups__process_remove_client(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'removeGroupClient', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(username, Buffer.byteLength(username)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'removeGroupClient', 'Username not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc: grc, value: groupname } = json_get_string(command, 'groupname', false);
  if (grc !== MOSQ_ERR_SUCCESS || groupname === null) {
    dynsec__command_reply(j_responses, context, 'removeGroupClient', 'Invalid/missing groupname', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(groupname, Buffer.byteLength(groupname)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'removeGroupClient', 'Group name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const rc = dynsec_groups__remove_client(username, groupname, true);
  if (rc === MOSQ_ERR_SUCCESS) {
    const admin_clientid = mosquitto_client_id(context);
    const admin_username = mosquitto_client_username(context);
    mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | removeGroupClient | groupname=${groupname} | username=${username}`);

    dynsec__command_reply(j_responses, context, 'removeGroupClient', null, correlation_data);
  } else if (rc === ERR_USER_NOT_FOUND) {
    dynsec__command_reply(j_responses, context, 'removeGroupClient', 'Client not found', correlation_data);
  } else if (rc === ERR_GROUP_NOT_FOUND) {
    dynsec__command_reply(j_responses, context, 'removeGroupClient', 'Group not found', correlation_data);
  } else {
    dynsec__command_reply(j_responses, context, 'removeGroupClient', 'Internal error', correlation_data);
  }

  /* Apply the change to a connected client. */
  mosquitto_kick_client_by_username(username, false);

  return rc;
}

/**
 * A group as JSON: name, texts, clients (usernames only) and roles.
 */
function add_group_to_json(group: dynsec__group): cJSON_object {
  const j_clientlist: cJSON[] = [];
  const j_group: cJSON_object = {};

  j_group.groupname = group.groupname;
  if (group.text_name !== null) j_group.textname = group.text_name;
  if (group.text_description !== null) j_group.textdescription = group.text_description;
  j_group.clients = j_clientlist;

  for (const clientlist of group.clientlist.values()) {
    j_clientlist.push({ username: clientlist.client.username });
  }

  j_group.roles = dynsec_rolelist__all_to_json(group.rolelist);

  return j_group;
}

/**
 * listGroups: the total and the groups from `offset`, at most `count` of them (all when
 * negative), as names or, with `verbose`, full objects.
 * @adapted the C's "Internal error" replies only follow cJSON allocation failures; building JS
 * objects cannot fail that way
 */
export function dynsec_groups__process_list(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const verbose = json_get_bool(command, 'verbose', true, false).value;
  let count = json_get_int(command, 'count', true, -1).value;
  const offset = json_get_int(command, 'offset', true, 0).value;

  const j_groups: cJSON[] = [];
  const j_data: cJSON_object = {};
  const tree: cJSON_object = {
    command: 'listGroups',
    data: j_data,
  };
  cJSON_AddIntToObject(j_data, 'totalCount', local_groups.size);
  j_data.groups = j_groups;
  if (correlation_data !== null) {
    tree.correlationData = correlation_data;
  }

  let i = 0;
  for (const group of local_groups.values()) {
    if (i >= offset) {
      if (verbose) {
        j_groups.push(add_group_to_json(group));
      } else {
        j_groups.push(group.groupname);
      }

      if (count >= 0) {
        count--;
        if (count <= 0) {
          break;
        }
      }
    }
    i++;
  }

  j_responses.push(tree);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | listGroups | verbose=${verbose ? 'true' : 'false'} | count=${count} | offset=${offset}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * getGroup: replies with the group's details.
 */
export function dynsec_groups__process_get(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: grc, value: groupname } = json_get_string(command, 'groupname', false);
  if (grc !== MOSQ_ERR_SUCCESS || groupname === null) {
    dynsec__command_reply(j_responses, context, 'getGroup', 'Invalid/missing groupname', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(groupname, Buffer.byteLength(groupname)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'getGroup', 'Group name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const j_data: cJSON_object = {};
  const tree: cJSON_object = {
    command: 'getGroup',
    data: j_data,
  };
  if (correlation_data !== null) {
    tree.correlationData = correlation_data;
  }

  const group = dynsec_groups__find(groupname);
  if (group) {
    j_data.group = add_group_to_json(group);
  } else {
    dynsec__command_reply(j_responses, context, 'getGroup', 'Group not found', correlation_data);
    return MOSQ_ERR_NOMEM;
  }

  j_responses.push(tree);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | getGroup | groupname=${groupname}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * removeGroupRole: takes a role from the group and kicks its members.
 */
export function dynsec_groups__process_remove_role(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: grc, value: groupname } = json_get_string(command, 'groupname', false);
  if (grc !== MOSQ_ERR_SUCCESS || groupname === null) {
    dynsec__command_reply(j_responses, context, 'removeGroupRole', 'Invalid/missing groupname', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(groupname, Buffer.byteLength(groupname)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'removeGroupRole', 'Group name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc: rrc, value: rolename } = json_get_string(command, 'rolename', false);
  if (rrc !== MOSQ_ERR_SUCCESS || rolename === null) {
    dynsec__command_reply(j_responses, context, 'removeGroupRole', 'Invalid/missing rolename', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(rolename, Buffer.byteLength(rolename)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'removeGroupRole', 'Role name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const group = dynsec_groups__find(groupname);
  if (group === null) {
    dynsec__command_reply(j_responses, context, 'removeGroupRole', 'Group not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const role = dynsec_roles__find(rolename);
  if (role === null) {
    dynsec__command_reply(j_responses, context, 'removeGroupRole', 'Role not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  dynsec_rolelist__group_remove(group, role);
  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'removeGroupRole', null, correlation_data);

  /* Apply the change to connected members. */
  group__kick_all(group);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | removeGroupRole | groupname=${groupname} | rolename=${rolename}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * modifyGroup: changes whatever the command gives (text name and description, the whole role
 * list, the whole client list) and kicks the group's members.
 */
export function dynsec_groups__process_modify(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const rolelist = new Map<string, dynsec__rolelist>();

  const { rc: grc, value: groupname } = json_get_string(command, 'groupname', false);
  if (grc !== MOSQ_ERR_SUCCESS || groupname === null) {
    dynsec__command_reply(j_responses, context, 'modifyGroup', 'Invalid/missing groupname', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(groupname, Buffer.byteLength(groupname)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'modifyGroup', 'Group name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const group = dynsec_groups__find(groupname);
  if (group === null) {
    dynsec__command_reply(j_responses, context, 'modifyGroup', 'Group not found', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const text_name = json_get_string(command, 'textname', false);
  if (text_name.rc === MOSQ_ERR_SUCCESS) {
    group.text_name = text_name.value;
  }

  const text_description = json_get_string(command, 'textdescription', false);
  if (text_description.rc === MOSQ_ERR_SUCCESS) {
    group.text_description = text_description.value;
  }

  const rc = dynsec_rolelist__load_from_json(command, rolelist);
  if (rc === MOSQ_ERR_SUCCESS) {
    /* The new list replaces the old; as in the C, the roles' group lists are not updated. */
    dynsec_rolelist__cleanup(group.rolelist);
    group.rolelist = rolelist;
  } else if (rc === ERR_LIST_NOT_FOUND) {
    /* No roles in the command: they stay as they are. */
  } else if (rc === MOSQ_ERR_NOT_FOUND) {
    dynsec__command_reply(j_responses, context, 'modifyGroup', 'Role not found', correlation_data);
    dynsec_rolelist__cleanup(rolelist);
    group__kick_all(group);
    return MOSQ_ERR_INVAL;
  } else {
    if (rc === MOSQ_ERR_INVAL) {
      dynsec__command_reply(j_responses, context, 'modifyGroup', "'roles' not an array or missing/invalid rolename", correlation_data);
    } else {
      dynsec__command_reply(j_responses, context, 'modifyGroup', 'Internal error', correlation_data);
    }
    dynsec_rolelist__cleanup(rolelist);
    group__kick_all(group);
    return MOSQ_ERR_INVAL;
  }

  const j_clients = cJSON_GetObjectItem(command, 'clients');
  if (Array.isArray(j_clients)) {
    dynsec__remove_all_clients_from_group(group);

    for (const j_client of j_clients) {
      if (cJSON_IsObject(j_client)) {
        const jtmp = cJSON_GetObjectItem(j_client, 'username');
        if (typeof jtmp === 'string') {
          const priority = json_get_int(j_client, 'priority', true, -1).value;
          dynsec_groups__add_client(jtmp, groupname, priority, false);
        }
      }
    }
  }

  dynsec__config_save();

  dynsec__command_reply(j_responses, context, 'modifyGroup', null, correlation_data);

  /* Apply the change to connected members. */
  group__kick_all(group);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | modifyGroup | groupname=${groupname}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * setAnonymousGroup: makes the named group the one for clients without a username, and kicks
 * those clients.
 */
export function dynsec_groups__process_set_anonymous_group(j_responses: cJSON[], context: mosquitto, command: cJSON,
  correlation_data: string | null): number {
  const { rc: grc, value: groupname } = json_get_string(command, 'groupname', false);
  if (grc !== MOSQ_ERR_SUCCESS || groupname === null) {
    dynsec__command_reply(j_responses, context, 'setAnonymousGroup', 'Invalid/missing groupname', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(groupname, Buffer.byteLength(groupname)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'setAnonymousGroup', 'Group name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const group = dynsec_groups__find(groupname);
  if (group === null) {
    dynsec__command_reply(j_responses, context, 'setAnonymousGroup', 'Group not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  dynsec_anonymous_group = group;

  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'setAnonymousGroup', null, correlation_data);

  /* Apply the change to clients without a username. */
  mosquitto_kick_client_by_username(null, false);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | setAnonymousGroup | groupname=${groupname}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * getAnonymousGroup: replies with the anonymous group's name ("" when there is none).
 * @adapted the C's "Internal error" replies only follow cJSON allocation failures; building JS
 * objects cannot fail that way
 */
export function dynsec_groups__process_get_anonymous_group(j_responses: cJSON[], context: mosquitto, _command: cJSON,
  correlation_data: string | null): number {
  let groupname: string;

  if (dynsec_anonymous_group) {
    groupname = dynsec_anonymous_group.groupname;
  } else {
    groupname = '';
  }

  const tree: cJSON_object = {
    command: 'getAnonymousGroup',
    data: { group: { groupname } },
  };
  if (correlation_data !== null) {
    tree.correlationData = correlation_data;
  }

  j_responses.push(tree);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | getAnonymousGroup`);

  return MOSQ_ERR_SUCCESS;
}
