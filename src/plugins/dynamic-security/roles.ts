/**
 * Roles of plugins/dynamic-security/roles.c: the table of roles (sorted by name) with their ACL
 * lists, their part of the config file, and the role commands of
 * `$CONTROL/dynamic-security/v1` (createRole, deleteRole, modifyRole, getRole, listRoles,
 * addRoleACL, removeRoleACL). A change kicks the connected clients that hold the role directly
 * or through a group.
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_ERR_NOMEM, MOSQ_ERR_SUCCESS, MOSQ_LOG_INFO } from '../../include/mosquitto.js';
import type { mosquitto } from '../../lib/mosquitto_internal.js';
import { mosquitto_validate_utf8 } from '../../lib/utf8_mosq.js';
import { mosquitto_sub_topic_check } from '../../lib/util_topic.js';
import { mosquitto_log_printf } from '../../broker/logging.js';
import { mosquitto_client_id, mosquitto_client_username, mosquitto_kick_client_by_username } from '../../broker/plugin_public.js';
import { dynsec_clientlist__cleanup, dynsec_clientlist__kick_all } from './clientlist.js';
import type { dynsec__acl, dynsec__acls, dynsec__role } from './dynamic_security.js';
import {
  ACL_TYPE_PUB_C_RECV,
  ACL_TYPE_PUB_C_SEND,
  ACL_TYPE_SUB_LITERAL,
  ACL_TYPE_SUB_PATTERN,
  ACL_TYPE_UNSUB_LITERAL,
  ACL_TYPE_UNSUB_PATTERN,
  HASH_ADD_KEYPTR_INORDER,
  HASH_SORT,
  pstr,
  strcasecmp,
  strcmp,
} from './dynamic_security.js';
import { dynsec_grouplist__cleanup } from './grouplist.js';
import { dynsec_anonymous_group } from './groups.js';
import { cJSON_AddIntToObject, cJSON_GetObjectItem, cJSON_IsObject, json_get_bool, json_get_int, json_get_string } from './json_help.js';
import type { cJSON, cJSON_object } from './json_help.js';
import { dynsec__command_reply, dynsec__config_save } from './plugin.js';
import { dynsec_rolelist__client_remove, dynsec_rolelist__group_remove } from './rolelist.js';

/* Every role, by name, in name order. */
const local_roles = new Map<string, dynsec__role>();

/**
 * Orders roles by name.
 */
function role_cmp(a: dynsec__role, b: dynsec__role): number {
  return strcmp(a.rolename, b.rolename);
}

/**
 * Takes one ACL out of its list.
 * @adapted the list head pointer is a Map changed in place; nothing to free
 */
function role__free_acl(acl: Map<string, dynsec__acl>, item: dynsec__acl): void {
  acl.delete(item.topic);
}

/**
 * Empties one ACL list.
 * @adapted the list head pointer is a Map emptied in place
 */
function role__free_all_acls(acl: Map<string, dynsec__acl>): void {
  for (const iter of [...acl.values()]) {
    role__free_acl(acl, iter);
  }
}

/**
 * Drops the role's client and group lists and ACLs, and with `remove_from_hash` takes it out of
 * the table.
 * @adapted nothing to free; the garbage collector takes the record
 */
function role__free_item(role: dynsec__role, remove_from_hash: boolean): void {
  if (remove_from_hash) {
    local_roles.delete(role.rolename);
  }
  dynsec_clientlist__cleanup(role.clientlist);
  dynsec_grouplist__cleanup(role.grouplist);
  role__free_all_acls(role.acls.publish_c_send);
  role__free_all_acls(role.acls.publish_c_recv);
  role__free_all_acls(role.acls.subscribe_literal);
  role__free_all_acls(role.acls.subscribe_pattern);
  role__free_all_acls(role.acls.unsubscribe_literal);
  role__free_all_acls(role.acls.unsubscribe_pattern);
}

/**
 * The role with this name, or null.
 */
export function dynsec_roles__find(rolename: string | null): dynsec__role | null {
  let role: dynsec__role | null = null;

  if (rolename !== null) {
    role = local_roles.get(rolename) ?? null;
  }
  return role;
}

/**
 * Forgets every role (plugin cleanup).
 */
export function dynsec_roles__cleanup(): void {
  for (const role of [...local_roles.values()]) {
    role__free_item(role, true);
  }
}

/**
 * Kicks every connected client that holds the role, directly or through a group (for the
 * anonymous group, every client without a username).
 */
function role__kick_all(role: dynsec__role): void {
  dynsec_clientlist__kick_all(role.clientlist);

  for (const grouplist of [...role.grouplist.values()]) {
    if (grouplist.group === dynsec_anonymous_group) {
      mosquitto_kick_client_by_username(null, false);
    }
    dynsec_clientlist__kick_all(grouplist.group.clientlist);
  }
}

/**
 * Appends one JSON object per ACL of the list (type, topic, priority, allow) to `j_array`.
 */
function add_single_acl_to_json(j_array: cJSON[], acl_type: string, acl: Map<string, dynsec__acl>): number {
  for (const iter of acl.values()) {
    const j_acl: cJSON_object = {};
    j_array.push(j_acl);

    j_acl.acltype = acl_type;
    j_acl.topic = iter.topic;
    cJSON_AddIntToObject(j_acl, 'priority', iter.priority);
    j_acl.allow = iter.allow;
  }

  return 0;
}

/**
 * Adds the role's `acls` array, type by type in a fixed order.
 */
function add_acls_to_json(j_role: cJSON_object, role: dynsec__role): number {
  const j_acls: cJSON[] = [];
  j_role.acls = j_acls;

  if (add_single_acl_to_json(j_acls, ACL_TYPE_PUB_C_SEND, role.acls.publish_c_send) !== MOSQ_ERR_SUCCESS
      || add_single_acl_to_json(j_acls, ACL_TYPE_PUB_C_RECV, role.acls.publish_c_recv) !== MOSQ_ERR_SUCCESS
      || add_single_acl_to_json(j_acls, ACL_TYPE_SUB_LITERAL, role.acls.subscribe_literal) !== MOSQ_ERR_SUCCESS
      || add_single_acl_to_json(j_acls, ACL_TYPE_SUB_PATTERN, role.acls.subscribe_pattern) !== MOSQ_ERR_SUCCESS
      || add_single_acl_to_json(j_acls, ACL_TYPE_UNSUB_LITERAL, role.acls.unsubscribe_literal) !== MOSQ_ERR_SUCCESS
      || add_single_acl_to_json(j_acls, ACL_TYPE_UNSUB_PATTERN, role.acls.unsubscribe_pattern) !== MOSQ_ERR_SUCCESS) {
    return 1;
  }
  return 0;
}

/**
 * Writes the `roles` array of the config.
 */
export function dynsec_roles__config_save(tree: cJSON_object): number {
  const j_roles: cJSON[] = [];
  tree.roles = j_roles;

  for (const role of local_roles.values()) {
    j_roles.push(add_role_to_json(role, true));
  }

  return 0;
}

/**
 * Orders ACLs by priority, highest first.
 */
function insert_acl_cmp(a: dynsec__acl, b: dynsec__acl): number {
  return b.priority - a.priority;
}

/**
 * Adds to `acllist` every entry of `j_acls` whose acltype is `key` (any case): its topic,
 * priority (default 0) and allow flag (default false). Entries without a string topic are skipped.
 * @adapted the list head pointer is a Map filled in place
 */
function dynsec_roles__acl_load(j_acls: cJSON[], key: string, acllist: Map<string, dynsec__acl>): number {
  for (const j_acl of j_acls) {
    const j_type = cJSON_GetObjectItem(j_acl, 'acltype');
    if (typeof j_type !== 'string' || strcasecmp(j_type, key) !== 0) {
      continue;
    }

    const jtmp = cJSON_GetObjectItem(j_acl, 'topic');
    if (typeof jtmp !== 'string') {
      continue;
    }
    const acl: dynsec__acl = {
      topic: jtmp,
      priority: json_get_int(j_acl, 'priority', true, 0).value,
      allow: json_get_bool(j_acl, 'allow', true, false).value,
    };

    HASH_ADD_KEYPTR_INORDER(acllist, acl.topic, acl, insert_acl_cmp);
  }

  return 0;
}

/**
 * Six empty ACL lists.
 * @tsonly stands in for the zeroed `acls` member of a calloc'd struct dynsec__role
 */
function role__acls_new(): dynsec__acls {
  return {
    publish_c_send: new Map(),
    publish_c_recv: new Map(),
    subscribe_literal: new Map(),
    subscribe_pattern: new Map(),
    unsubscribe_literal: new Map(),
    unsubscribe_pattern: new Map(),
  };
}

/**
 * Loads the config's `roles` array: name, text name and description, ACLs. Entries without a
 * string name are skipped; 1 when `roles` is not an array.
 * @adapted a member that is present but not a string is a NULL valuestring in cJSON, whose copy
 * fails; the entry is skipped
 */
export function dynsec_roles__config_load(tree: cJSON): number {
  const j_roles = cJSON_GetObjectItem(tree, 'roles');
  if (j_roles === undefined) {
    return 0;
  }

  if (Array.isArray(j_roles) === false) {
    return 1;
  }

  for (const j_role of j_roles) {
    if (cJSON_IsObject(j_role) === true) {
      /* Role name */
      let jtmp = cJSON_GetObjectItem(j_role, 'rolename');
      if (typeof jtmp !== 'string') {
        continue;
      }
      const role: dynsec__role = {
        acls: role__acls_new(),
        clientlist: new Map(),
        grouplist: new Map(),
        rolename: jtmp,
        text_name: null,
        text_description: null,
      };

      /* Text name */
      jtmp = cJSON_GetObjectItem(j_role, 'textname');
      if (jtmp !== undefined) {
        if (typeof jtmp !== 'string') {
          continue;
        }
        role.text_name = jtmp;
      }

      /* Text description */
      jtmp = cJSON_GetObjectItem(j_role, 'textdescription');
      if (jtmp !== undefined) {
        if (typeof jtmp !== 'string') {
          continue;
        }
        role.text_description = jtmp;
      }

      /* ACLs */
      const j_acls = cJSON_GetObjectItem(j_role, 'acls');
      if (Array.isArray(j_acls)) {
        if (dynsec_roles__acl_load(j_acls, ACL_TYPE_PUB_C_SEND, role.acls.publish_c_send) !== 0
            || dynsec_roles__acl_load(j_acls, ACL_TYPE_PUB_C_RECV, role.acls.publish_c_recv) !== 0
            || dynsec_roles__acl_load(j_acls, ACL_TYPE_SUB_LITERAL, role.acls.subscribe_literal) !== 0
            || dynsec_roles__acl_load(j_acls, ACL_TYPE_SUB_PATTERN, role.acls.subscribe_pattern) !== 0
            || dynsec_roles__acl_load(j_acls, ACL_TYPE_UNSUB_LITERAL, role.acls.unsubscribe_literal) !== 0
            || dynsec_roles__acl_load(j_acls, ACL_TYPE_UNSUB_PATTERN, role.acls.unsubscribe_pattern) !== 0) {
          continue;
        }
      }

      local_roles.set(role.rolename, role);
    }
  }
  HASH_SORT(local_roles, role_cmp);

  return 0;
}

/**
 * createRole: a new role with optional text name, description and ACLs.
 */
export function dynsec_roles__process_create(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: rrc, value: rolename } = json_get_string(command, 'rolename', false);
  if (rrc !== MOSQ_ERR_SUCCESS || rolename === null) {
    dynsec__command_reply(j_responses, context, 'createRole', 'Invalid/missing rolename', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(rolename, Buffer.byteLength(rolename)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createRole', 'Role name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const text_name = json_get_string(command, 'textname', true);
  if (text_name.rc !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createRole', 'Invalid/missing textname', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const text_description = json_get_string(command, 'textdescription', true);
  if (text_description.rc !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createRole', 'Invalid/missing textdescription', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  if (dynsec_roles__find(rolename)) {
    dynsec__command_reply(j_responses, context, 'createRole', 'Role already exists', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const role: dynsec__role = {
    acls: role__acls_new(),
    clientlist: new Map(),
    grouplist: new Map(),
    rolename,
    text_name: text_name.value,
    text_description: text_description.value,
  };

  /* ACLs */
  const j_acls = cJSON_GetObjectItem(command, 'acls');
  if (Array.isArray(j_acls)) {
    if (dynsec_roles__acl_load(j_acls, ACL_TYPE_PUB_C_SEND, role.acls.publish_c_send) !== 0
        || dynsec_roles__acl_load(j_acls, ACL_TYPE_PUB_C_RECV, role.acls.publish_c_recv) !== 0
        || dynsec_roles__acl_load(j_acls, ACL_TYPE_SUB_LITERAL, role.acls.subscribe_literal) !== 0
        || dynsec_roles__acl_load(j_acls, ACL_TYPE_SUB_PATTERN, role.acls.subscribe_pattern) !== 0
        || dynsec_roles__acl_load(j_acls, ACL_TYPE_UNSUB_LITERAL, role.acls.unsubscribe_literal) !== 0
        || dynsec_roles__acl_load(j_acls, ACL_TYPE_UNSUB_PATTERN, role.acls.unsubscribe_pattern) !== 0) {
      dynsec__command_reply(j_responses, context, 'createRole', 'Internal error', correlation_data);
      role__free_item(role, false);
      return MOSQ_ERR_NOMEM;
    }
  }

  HASH_ADD_KEYPTR_INORDER(local_roles, role.rolename, role, role_cmp);

  dynsec__config_save();

  dynsec__command_reply(j_responses, context, 'createRole', null, correlation_data);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | createRole | rolename=${rolename}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Kicks each client that holds the role directly and takes the role from it.
 */
function role__remove_all_clients(role: dynsec__role): void {
  for (const clientlist of [...role.clientlist.values()]) {
    mosquitto_kick_client_by_username(clientlist.client.username, false);

    dynsec_rolelist__client_remove(clientlist.client, role);
  }
}

/**
 * Kicks the members of each group that holds the role and takes the role from the group.
 */
function role__remove_all_groups(role: dynsec__role): void {
  for (const grouplist of [...role.grouplist.values()]) {
    if (grouplist.group === dynsec_anonymous_group) {
      mosquitto_kick_client_by_username(null, false);
    }
    dynsec_clientlist__kick_all(grouplist.group.clientlist);

    dynsec_rolelist__group_remove(grouplist.group, role);
  }
}

/**
 * deleteRole: takes the role from its clients and groups (kicking them) and removes it.
 */
export function dynsec_roles__process_delete(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: rrc, value: rolename } = json_get_string(command, 'rolename', false);
  if (rrc !== MOSQ_ERR_SUCCESS || rolename === null) {
    dynsec__command_reply(j_responses, context, 'deleteRole', 'Invalid/missing rolename', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(rolename, Buffer.byteLength(rolename)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'deleteRole', 'Role name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const role = dynsec_roles__find(rolename);
  if (role) {
    role__remove_all_clients(role);
    role__remove_all_groups(role);
    role__free_item(role, true);
    dynsec__config_save();
    dynsec__command_reply(j_responses, context, 'deleteRole', null, correlation_data);

    const admin_clientid = mosquitto_client_id(context);
    const admin_username = mosquitto_client_username(context);
    mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | deleteRole | rolename=${rolename}`);

    return MOSQ_ERR_SUCCESS;
  } else {
    dynsec__command_reply(j_responses, context, 'deleteRole', 'Role not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }
}

/**
 * A role as JSON: verbose, an object with its name, texts and ACLs; otherwise just the name.
 */
function add_role_to_json(role: dynsec__role, verbose: boolean): cJSON {
  if (verbose) {
    const j_role: cJSON_object = {};

    j_role.rolename = role.rolename;
    if (role.text_name !== null) j_role.textname = role.text_name;
    if (role.text_description !== null) j_role.textdescription = role.text_description;
    add_acls_to_json(j_role, role);
    return j_role;
  } else {
    return role.rolename;
  }
}

/**
 * listRoles: the total and the roles from `offset`, at most `count` of them (all when
 * negative), as names or, with `verbose`, full objects.
 * @adapted the C's "Internal error" replies only follow cJSON allocation failures; building JS
 * objects cannot fail that way
 */
export function dynsec_roles__process_list(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const verbose = json_get_bool(command, 'verbose', true, false).value;
  let count = json_get_int(command, 'count', true, -1).value;
  const offset = json_get_int(command, 'offset', true, 0).value;

  const j_roles: cJSON[] = [];
  const j_data: cJSON_object = {};
  const tree: cJSON_object = {
    command: 'listRoles',
    data: j_data,
  };
  cJSON_AddIntToObject(j_data, 'totalCount', local_roles.size);
  j_data.roles = j_roles;
  if (correlation_data !== null) {
    tree.correlationData = correlation_data;
  }

  let i = 0;
  for (const role of local_roles.values()) {
    if (i >= offset) {
      j_roles.push(add_role_to_json(role, verbose));

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
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | listRoles | verbose=${verbose ? 'true' : 'false'} | count=${count} | offset=${offset}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * The role's ACL list for an acltype name (any case), or null for an unknown type.
 * @tsonly the C repeats this if/else chain in addRoleACL and removeRoleACL
 */
function role__acllist_for_type(role: dynsec__role, acltype: string): Map<string, dynsec__acl> | null {
  if (!strcasecmp(acltype, ACL_TYPE_PUB_C_SEND)) {
    return role.acls.publish_c_send;
  } else if (!strcasecmp(acltype, ACL_TYPE_PUB_C_RECV)) {
    return role.acls.publish_c_recv;
  } else if (!strcasecmp(acltype, ACL_TYPE_SUB_LITERAL)) {
    return role.acls.subscribe_literal;
  } else if (!strcasecmp(acltype, ACL_TYPE_SUB_PATTERN)) {
    return role.acls.subscribe_pattern;
  } else if (!strcasecmp(acltype, ACL_TYPE_UNSUB_LITERAL)) {
    return role.acls.unsubscribe_literal;
  } else if (!strcasecmp(acltype, ACL_TYPE_UNSUB_PATTERN)) {
    return role.acls.unsubscribe_pattern;
  } else {
    return null;
  }
}

/**
 * addRoleACL: adds one ACL (type, valid topic filter, priority, allow) to a role, unless one
 * with that topic is already in the type's list, and kicks the role's clients.
 */
export function dynsec_roles__process_add_acl(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: rrc, value: rolename } = json_get_string(command, 'rolename', false);
  if (rrc !== MOSQ_ERR_SUCCESS || rolename === null) {
    dynsec__command_reply(j_responses, context, 'addRoleACL', 'Invalid/missing rolename', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(rolename, Buffer.byteLength(rolename)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'addRoleACL', 'Role name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const role = dynsec_roles__find(rolename);
  if (role === null) {
    dynsec__command_reply(j_responses, context, 'addRoleACL', 'Role not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const j_acltype = cJSON_GetObjectItem(command, 'acltype');
  if (typeof j_acltype !== 'string') {
    dynsec__command_reply(j_responses, context, 'addRoleACL', 'Invalid/missing acltype', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }
  const acllist = role__acllist_for_type(role, j_acltype);
  if (acllist === null) {
    dynsec__command_reply(j_responses, context, 'addRoleACL', 'Unknown acltype', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const topic = cJSON_GetObjectItem(command, 'topic');
  if (typeof topic === 'string') {
    if (mosquitto_validate_utf8(topic, Buffer.byteLength(topic)) !== MOSQ_ERR_SUCCESS) {
      dynsec__command_reply(j_responses, context, 'addRoleACL', 'Topic not valid UTF-8', correlation_data);
      return MOSQ_ERR_INVAL;
    }
    const rc = mosquitto_sub_topic_check(topic);
    if (rc !== MOSQ_ERR_SUCCESS) {
      dynsec__command_reply(j_responses, context, 'addRoleACL', 'Invalid ACL topic', correlation_data);
      return MOSQ_ERR_INVAL;
    }
  } else {
    dynsec__command_reply(j_responses, context, 'addRoleACL', 'Invalid/missing topic', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  if (acllist.get(topic)) {
    dynsec__command_reply(j_responses, context, 'addRoleACL', 'ACL with this topic already exists', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const acl: dynsec__acl = {
    topic,
    priority: json_get_int(command, 'priority', true, 0).value,
    allow: json_get_bool(command, 'allow', true, false).value,
  };

  HASH_ADD_KEYPTR_INORDER(acllist, acl.topic, acl, insert_acl_cmp);
  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'addRoleACL', null, correlation_data);

  role__kick_all(role);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | addRoleACL | rolename=${rolename} | acltype=${j_acltype} | topic=${topic} | priority=${acl.priority} | allow=${acl.allow ? 'true' : 'false'}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * removeRoleACL: removes the ACL with this type and topic from a role and kicks the role's
 * clients.
 */
export function dynsec_roles__process_remove_acl(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: rrc, value: rolename } = json_get_string(command, 'rolename', false);
  if (rrc !== MOSQ_ERR_SUCCESS || rolename === null) {
    dynsec__command_reply(j_responses, context, 'removeRoleACL', 'Invalid/missing rolename', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(rolename, Buffer.byteLength(rolename)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'removeRoleACL', 'Role name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const role = dynsec_roles__find(rolename);
  if (role === null) {
    dynsec__command_reply(j_responses, context, 'removeRoleACL', 'Role not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const j_acltype = cJSON_GetObjectItem(command, 'acltype');
  if (typeof j_acltype !== 'string') {
    dynsec__command_reply(j_responses, context, 'removeRoleACL', 'Invalid/missing acltype', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }
  const acllist = role__acllist_for_type(role, j_acltype);
  if (acllist === null) {
    dynsec__command_reply(j_responses, context, 'removeRoleACL', 'Unknown acltype', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const { rc: trc, value: topic } = json_get_string(command, 'topic', false);
  if (trc || topic === null) {
    dynsec__command_reply(j_responses, context, 'removeRoleACL', 'Invalid/missing topic', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }
  if (mosquitto_validate_utf8(topic, Buffer.byteLength(topic)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'removeRoleACL', 'Topic not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  const rc = mosquitto_sub_topic_check(topic);
  if (rc !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'removeRoleACL', 'Invalid ACL topic', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const acl = acllist.get(topic);
  if (acl) {
    role__free_acl(acllist, acl);
    dynsec__config_save();
    dynsec__command_reply(j_responses, context, 'removeRoleACL', null, correlation_data);

    role__kick_all(role);

    const admin_clientid = mosquitto_client_id(context);
    const admin_username = mosquitto_client_username(context);
    mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | removeRoleACL | rolename=${rolename} | acltype=${j_acltype} | topic=${topic}`);
  } else {
    dynsec__command_reply(j_responses, context, 'removeRoleACL', 'ACL not found', correlation_data);
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * getRole: replies with the role's details.
 */
export function dynsec_roles__process_get(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: rrc, value: rolename } = json_get_string(command, 'rolename', false);
  if (rrc !== MOSQ_ERR_SUCCESS || rolename === null) {
    dynsec__command_reply(j_responses, context, 'getRole', 'Invalid/missing rolename', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(rolename, Buffer.byteLength(rolename)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'getRole', 'Role name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const role = dynsec_roles__find(rolename);
  if (role === null) {
    dynsec__command_reply(j_responses, context, 'getRole', 'Role not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const j_data: cJSON_object = {};
  const tree: cJSON_object = {
    command: 'getRole',
    data: j_data,
  };
  if (correlation_data !== null) {
    tree.correlationData = correlation_data;
  }

  j_data.role = add_role_to_json(role, true);
  j_responses.push(tree);

  return MOSQ_ERR_SUCCESS;
}

/**
 * modifyRole: changes whatever the command gives (text name and description; an `acls` array
 * replaces all the role's ACLs). The role's clients are not kicked, as in the C.
 */
export function dynsec_roles__process_modify(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: rrc, value: rolename } = json_get_string(command, 'rolename', false);
  if (rrc !== MOSQ_ERR_SUCCESS || rolename === null) {
    dynsec__command_reply(j_responses, context, 'modifyRole', 'Invalid/missing rolename', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(rolename, Buffer.byteLength(rolename)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'modifyRole', 'Role name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const role = dynsec_roles__find(rolename);
  if (role === null) {
    dynsec__command_reply(j_responses, context, 'modifyRole', 'Role does not exist', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const text_name = json_get_string(command, 'textname', false);
  if (text_name.rc === MOSQ_ERR_SUCCESS) {
    role.text_name = text_name.value;
  }

  const text_description = json_get_string(command, 'textdescription', false);
  if (text_description.rc === MOSQ_ERR_SUCCESS) {
    role.text_description = text_description.value;
  }

  const j_acls = cJSON_GetObjectItem(command, 'acls');
  if (Array.isArray(j_acls)) {
    const tmp = role__acls_new();
    if (dynsec_roles__acl_load(j_acls, ACL_TYPE_PUB_C_SEND, tmp.publish_c_send) !== 0
        || dynsec_roles__acl_load(j_acls, ACL_TYPE_PUB_C_RECV, tmp.publish_c_recv) !== 0
        || dynsec_roles__acl_load(j_acls, ACL_TYPE_SUB_LITERAL, tmp.subscribe_literal) !== 0
        || dynsec_roles__acl_load(j_acls, ACL_TYPE_SUB_PATTERN, tmp.subscribe_pattern) !== 0
        || dynsec_roles__acl_load(j_acls, ACL_TYPE_UNSUB_LITERAL, tmp.unsubscribe_literal) !== 0
        || dynsec_roles__acl_load(j_acls, ACL_TYPE_UNSUB_PATTERN, tmp.unsubscribe_pattern) !== 0) {
      dynsec__command_reply(j_responses, context, 'modifyRole', 'Internal error', correlation_data);
      return MOSQ_ERR_NOMEM;
    }

    role__free_all_acls(role.acls.publish_c_send);
    role__free_all_acls(role.acls.publish_c_recv);
    role__free_all_acls(role.acls.subscribe_literal);
    role__free_all_acls(role.acls.subscribe_pattern);
    role__free_all_acls(role.acls.unsubscribe_literal);
    role__free_all_acls(role.acls.unsubscribe_pattern);

    role.acls = tmp;
  }

  dynsec__config_save();

  dynsec__command_reply(j_responses, context, 'modifyRole', null, correlation_data);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | modifyRole | rolename=${rolename}`);

  return MOSQ_ERR_SUCCESS;
}
