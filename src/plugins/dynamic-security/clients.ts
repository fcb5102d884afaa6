/**
 * Clients of plugins/dynamic-security/clients.c: the table of client accounts (sorted by
 * username), their part of the config file, and the client commands of
 * `$CONTROL/dynamic-security/v1` (createClient, deleteClient, modifyClient, getClient,
 * listClients, setClientPassword, setClientId, addClientRole, removeClientRole, enableClient,
 * disableClient). A change that affects a connected client kicks it, so it reconnects under the
 * new rules.
 * @module
 */
import {
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
import { mosquitto_pw__new, pw_sha512_pbkdf2 } from '../../broker/password_mosq.js';
import { mosquitto_client_id, mosquitto_client_username, mosquitto_kick_client_by_username } from '../../broker/plugin_public.js';
import { dynsec_auth__base64_decode, dynsec_auth__base64_encode, dynsec_auth__pw_hash } from './auth.js';
import type { dynsec__client, dynsec__rolelist } from './dynamic_security.js';
import { ERR_GROUP_NOT_FOUND, ERR_LIST_NOT_FOUND, HASH_ADD_KEYPTR_INORDER, HASH_SORT, pstr, strcmp } from './dynamic_security.js';
import { dynsec_grouplist__all_to_json } from './grouplist.js';
import { dynsec_groups__add_client, dynsec_groups__remove_client } from './groups.js';
import { cJSON_AddIntToObject, cJSON_GetObjectItem, cJSON_IsObject, cJSON_valueint, json_get_bool, json_get_int, json_get_string } from './json_help.js';
import type { cJSON, cJSON_object } from './json_help.js';
import { dynsec__command_reply, dynsec__config_save } from './plugin.js';
import {
  dynsec_rolelist__all_to_json,
  dynsec_rolelist__cleanup,
  dynsec_rolelist__client_add,
  dynsec_rolelist__client_remove,
  dynsec_rolelist__load_from_json,
} from './rolelist.js';
import { dynsec_roles__find } from './roles.js';

/* Every client, by username, in username order. */
const local_clients = new Map<string, dynsec__client>();

/**
 * Orders clients by username.
 */
function client_cmp(a: dynsec__client, b: dynsec__client): number {
  return strcmp(a.username, b.username);
}

/**
 * The client with this username, or null.
 */
export function dynsec_clients__find(username: string | null): dynsec__client | null {
  let client: dynsec__client | null = null;

  if (username !== null) {
    client = local_clients.get(username) ?? null;
  }
  return client;
}

/**
 * Takes the client out of the table and drops its role list. (Its groups are left alone: the
 * group removal looks the client up by name after it has left the table, as in the C.)
 * @adapted nothing to free; the garbage collector takes the record
 */
function client__free_item(client: dynsec__client | null): void {
  if (client === null) return;

  const client_found = dynsec_clients__find(client.username);
  if (client_found) {
    local_clients.delete(client_found.username);
  }
  dynsec_rolelist__cleanup(client.rolelist);
  dynsec__remove_client_from_all_groups(client.username);
}

/**
 * Forgets every client (plugin cleanup).
 */
export function dynsec_clients__cleanup(): void {
  for (const client of [...local_clients.values()]) {
    client__free_item(client);
  }
}

/**
 * A client record with no password, roles or groups.
 * @tsonly stands in for the C's mosquitto_calloc of a struct dynsec__client
 */
function client__new(username: string): dynsec__client {
  return {
    pw: mosquitto_pw__new(pw_sha512_pbkdf2),
    rolelist: new Map(),
    grouplist: new Map(),
    username,
    clientid: null,
    text_name: null,
    text_description: null,
    disabled: false,
  };
}

/**
 * Loads the config's `clients` array: username, disabled flag, password hash (salt, hash and
 * iterations, all three or none), client id, text name and description, and roles (which must
 * already be loaded). Entries without a username or with a bad hash are skipped. 1 when
 * `clients` is not an array.
 */
export function dynsec_clients__config_load(tree: cJSON): number {
  const j_clients = cJSON_GetObjectItem(tree, 'clients');
  if (j_clients === undefined) {
    return 0;
  }

  if (Array.isArray(j_clients) === false) {
    return 1;
  }

  for (const j_client of j_clients) {
    if (cJSON_IsObject(j_client) === true) {
      /* Username */
      let jtmp = cJSON_GetObjectItem(j_client, 'username');
      if (typeof jtmp !== 'string') {
        continue;
      }
      const client = client__new(jtmp);

      jtmp = cJSON_GetObjectItem(j_client, 'disabled');
      if (typeof jtmp === 'boolean') {
        client.disabled = jtmp;
      }

      /* Salt */
      const j_salt = cJSON_GetObjectItem(j_client, 'salt');
      const j_password = cJSON_GetObjectItem(j_client, 'password');
      const j_iterations = cJSON_GetObjectItem(j_client, 'iterations');

      if (typeof j_salt === 'string'
          && typeof j_password === 'string'
          && typeof j_iterations === 'number') {
        const iterations = cJSON_valueint(j_iterations);
        if (iterations < 1) {
          continue;
        } else {
          client.pw.iterations = iterations;
        }

        let buf = dynsec_auth__base64_decode(j_salt);
        if (buf.rc !== MOSQ_ERR_SUCCESS
            || buf.decoded_len !== client.pw.salt.length) {
          continue;
        }
        buf.decoded!.copy(client.pw.salt);

        buf = dynsec_auth__base64_decode(j_password);
        if (buf.rc !== MOSQ_ERR_SUCCESS
            || buf.decoded_len !== client.pw.password_hash.length) {
          continue;
        }
        buf.decoded!.copy(client.pw.password_hash);
        client.pw.valid = true;
      } else {
        client.pw.valid = false;
      }

      /* Client id */
      jtmp = cJSON_GetObjectItem(j_client, 'clientid');
      if (typeof jtmp === 'string') {
        client.clientid = jtmp;
      }

      /* Text name */
      jtmp = cJSON_GetObjectItem(j_client, 'textname');
      if (typeof jtmp === 'string') {
        client.text_name = jtmp;
      }

      /* Text description */
      jtmp = cJSON_GetObjectItem(j_client, 'textdescription');
      if (typeof jtmp === 'string') {
        client.text_description = jtmp;
      }

      /* Roles */
      const j_roles = cJSON_GetObjectItem(j_client, 'roles');
      if (Array.isArray(j_roles)) {
        for (const j_role of j_roles) {
          if (cJSON_IsObject(j_role)) {
            jtmp = cJSON_GetObjectItem(j_role, 'rolename');
            if (typeof jtmp === 'string') {
              const priority = json_get_int(j_role, 'priority', true, -1).value;
              const role = dynsec_roles__find(jtmp);
              dynsec_rolelist__client_add(client, role, priority);
            }
          }
        }
      }

      local_clients.set(client.username, client);
    }
  }
  HASH_SORT(local_clients, client_cmp);

  return 0;
}

/**
 * Adds one object per client to the config's `clients` array; the password hash, salt and
 * iterations only for a client that has a password.
 */
function dynsec__config_add_clients(j_clients: cJSON[]): number {
  for (const client of local_clients.values()) {
    const j_client: cJSON_object = {};
    j_clients.push(j_client);

    j_client.username = client.username;
    if (client.clientid !== null) j_client.clientid = client.clientid;
    if (client.text_name !== null) j_client.textname = client.text_name;
    if (client.text_description !== null) j_client.textdescription = client.text_description;
    if (client.disabled) j_client.disabled = true;

    j_client.roles = dynsec_rolelist__all_to_json(client.rolelist);

    if (client.pw.valid) {
      let buf = dynsec_auth__base64_encode(client.pw.password_hash, client.pw.password_hash.length);
      if (buf.rc !== MOSQ_ERR_SUCCESS) {
        return 1;
      }
      j_client.password = buf.encoded;

      buf = dynsec_auth__base64_encode(client.pw.salt, client.pw.salt.length);
      if (buf.rc !== MOSQ_ERR_SUCCESS) {
        return 1;
      }
      j_client.salt = buf.encoded;

      cJSON_AddIntToObject(j_client, 'iterations', client.pw.iterations);
    }
  }

  return 0;
}

/**
 * Writes the `clients` array of the config.
 */
export function dynsec_clients__config_save(tree: cJSON_object): number {
  const j_clients: cJSON[] = [];
  tree.clients = j_clients;
  if (dynsec__config_add_clients(j_clients)) {
    return 1;
  }

  return 0;
}

/**
 * createClient: a new client with username and optional password, client id, text name and
 * description, roles and groups (all of which must exist).
 */
export function dynsec_clients__process_create(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'createClient', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(username, Buffer.byteLength(username)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createClient', 'Username not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc: prc, value: password } = json_get_string(command, 'password', true);
  if (prc !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createClient', 'Invalid/missing password', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc: crc, value: clientid } = json_get_string(command, 'clientid', true);
  if (crc !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createClient', 'Invalid/missing client id', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (clientid !== null && mosquitto_validate_utf8(clientid, Buffer.byteLength(clientid)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createClient', 'Client ID not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc: nrc, value: text_name } = json_get_string(command, 'textname', true);
  if (nrc !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createClient', 'Invalid/missing textname', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc: drc, value: text_description } = json_get_string(command, 'textdescription', true);
  if (drc !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'createClient', 'Invalid/missing textdescription', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  if (dynsec_clients__find(username)) {
    dynsec__command_reply(j_responses, context, 'createClient', 'Client already exists', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const client = client__new(username);
  if (text_name !== null) {
    client.text_name = text_name;
  }
  if (text_description !== null) {
    client.text_description = text_description;
  }

  if (password !== null) {
    if (dynsec_auth__pw_hash(client, password, client.pw.password_hash, client.pw.password_hash.length, true)) {
      dynsec__command_reply(j_responses, context, 'createClient', 'Internal error', correlation_data);
      client__free_item(client);
      return MOSQ_ERR_NOMEM;
    }
    client.pw.valid = true;
  }
  if (clientid && clientid.length > 0) {
    client.clientid = clientid;
  }

  let rc = dynsec_rolelist__load_from_json(command, client.rolelist);
  if (rc === MOSQ_ERR_SUCCESS || rc === ERR_LIST_NOT_FOUND) {
    /* Roles given and found, or none given. */
  } else if (rc === MOSQ_ERR_NOT_FOUND) {
    dynsec__command_reply(j_responses, context, 'createClient', 'Role not found', correlation_data);
    client__free_item(client);
    return MOSQ_ERR_INVAL;
  } else {
    if (rc === MOSQ_ERR_INVAL) {
      dynsec__command_reply(j_responses, context, 'createClient', "'roles' not an array or missing/invalid rolename", correlation_data);
    } else {
      dynsec__command_reply(j_responses, context, 'createClient', 'Internal error', correlation_data);
    }
    client__free_item(client);
    return MOSQ_ERR_INVAL;
  }

  /* The client must be in the table before it can join groups. */
  HASH_ADD_KEYPTR_INORDER(local_clients, client.username, client, client_cmp);

  const j_groups = cJSON_GetObjectItem(command, 'groups');
  if (Array.isArray(j_groups)) {
    for (const j_group of j_groups) {
      if (cJSON_IsObject(j_group)) {
        const jtmp = cJSON_GetObjectItem(j_group, 'groupname');
        if (typeof jtmp === 'string') {
          const priority = json_get_int(j_group, 'priority', true, -1).value;
          rc = dynsec_groups__add_client(username, jtmp, priority, false);
          if (rc === ERR_GROUP_NOT_FOUND) {
            dynsec__command_reply(j_responses, context, 'createClient', 'Group not found', correlation_data);
            client__free_item(client);
            return MOSQ_ERR_INVAL;
          } else if (rc !== MOSQ_ERR_SUCCESS) {
            dynsec__command_reply(j_responses, context, 'createClient', 'Internal error', correlation_data);
            client__free_item(client);
            return MOSQ_ERR_INVAL;
          }
        }
      }
    }
  }

  dynsec__config_save();

  dynsec__command_reply(j_responses, context, 'createClient', null, correlation_data);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | createClient | username=${username} | password=${password !== null ? '*****' : 'no password'}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * deleteClient: removes the client from its groups and roles and from the table, and kicks it.
 */
export function dynsec_clients__process_delete(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'deleteClient', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const client = dynsec_clients__find(username);
  if (client) {
    dynsec__remove_client_from_all_groups(username);
    client__remove_all_roles(client);
    client__free_item(client);
    dynsec__config_save();
    dynsec__command_reply(j_responses, context, 'deleteClient', null, correlation_data);

    /* Apply the change to a connected client. */
    mosquitto_kick_client_by_username(username, false);

    const admin_clientid = mosquitto_client_id(context);
    const admin_username = mosquitto_client_username(context);
    mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | deleteClient | username=${username}`);

    return MOSQ_ERR_SUCCESS;
  } else {
    dynsec__command_reply(j_responses, context, 'deleteClient', 'Client not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }
}

/**
 * disableClient: the client may no longer log in; a connected one is kicked.
 */
export function dynsec_clients__process_disable(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'disableClient', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(username, Buffer.byteLength(username)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'disableClient', 'Username not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const client = dynsec_clients__find(username);
  if (client === null) {
    dynsec__command_reply(j_responses, context, 'disableClient', 'Client not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  client.disabled = true;

  mosquitto_kick_client_by_username(username, false);

  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'disableClient', null, correlation_data);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | disableClient | username=${username}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * enableClient: the client may log in again.
 */
export function dynsec_clients__process_enable(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'enableClient', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(username, Buffer.byteLength(username)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'enableClient', 'Username not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const client = dynsec_clients__find(username);
  if (client === null) {
    dynsec__command_reply(j_responses, context, 'enableClient', 'Client not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  client.disabled = false;

  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'enableClient', null, correlation_data);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | enableClient | username=${username}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * setClientId: sets (or, missing or empty, clears) the client id the client must connect with;
 * a connected client is kicked.
 */
export function dynsec_clients__process_set_id(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  let clientid_heap: string | null = null;

  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'setClientId', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(username, Buffer.byteLength(username)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'setClientId', 'Username not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc, value: clientid } = json_get_string(command, 'clientid', true);
  if (rc !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'setClientId', 'Invalid/missing client ID', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (clientid !== null) {
    const slen = Buffer.byteLength(clientid);
    if (mosquitto_validate_utf8(clientid, slen) !== MOSQ_ERR_SUCCESS) {
      dynsec__command_reply(j_responses, context, 'setClientId', 'Client ID not valid UTF-8', correlation_data);
      return MOSQ_ERR_INVAL;
    }
    clientid_heap = slen > 0 ? clientid : null;
  }

  const client = dynsec_clients__find(username);
  if (client === null) {
    dynsec__command_reply(j_responses, context, 'setClientId', 'Client not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  client.clientid = clientid_heap;

  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'setClientId', null, correlation_data);

  /* Apply the change to a connected client. */
  mosquitto_kick_client_by_username(username, false);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | setClientId | username=${username} | clientid=${pstr(client.clientid)}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Gives the client a new salt and the hash of `password`; on failure the client has no valid
 * password.
 */
function client__set_password(client: dynsec__client, password: string): number {
  if (dynsec_auth__pw_hash(client, password, client.pw.password_hash, client.pw.password_hash.length, true) === MOSQ_ERR_SUCCESS) {
    client.pw.valid = true;

    return MOSQ_ERR_SUCCESS;
  } else {
    client.pw.valid = false;
    return MOSQ_ERR_NOMEM;
  }
}

/**
 * setClientPassword: a new, non-empty password; a connected client is kicked.
 */
export function dynsec_clients__process_set_password(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'setClientPassword', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(username, Buffer.byteLength(username)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'setClientPassword', 'Username not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc: prc, value: password } = json_get_string(command, 'password', false);
  if (prc !== MOSQ_ERR_SUCCESS || password === null) {
    dynsec__command_reply(j_responses, context, 'setClientPassword', 'Invalid/missing password', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (password.length === 0) {
    dynsec__command_reply(j_responses, context, 'setClientPassword', 'Empty password is not allowed', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const client = dynsec_clients__find(username);
  if (client === null) {
    dynsec__command_reply(j_responses, context, 'setClientPassword', 'Client not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }
  const rc = client__set_password(client, password);
  if (rc === MOSQ_ERR_SUCCESS) {
    dynsec__config_save();
    dynsec__command_reply(j_responses, context, 'setClientPassword', null, correlation_data);

    /* Apply the change to a connected client. */
    mosquitto_kick_client_by_username(username, false);

    const admin_clientid = mosquitto_client_id(context);
    const admin_username = mosquitto_client_username(context);
    mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | setClientPassword | username=${username} | password=******`);
  } else {
    dynsec__command_reply(j_responses, context, 'setClientPassword', 'Internal error', correlation_data);
  }
  return rc;
}

/**
 * Gives the client every role of `base_rolelist`, with the priorities there.
 */
function client__add_new_roles(client: dynsec__client, base_rolelist: Map<string, dynsec__rolelist>): void {
  for (const rolelist of [...base_rolelist.values()]) {
    dynsec_rolelist__client_add(client, rolelist.role, rolelist.priority);
  }
}

/**
 * Takes every role from the client (and the client from each role).
 */
function client__remove_all_roles(client: dynsec__client): void {
  for (const rolelist of [...client.rolelist.values()]) {
    dynsec_rolelist__client_remove(client, rolelist.role);
  }
}

/**
 * modifyClient: changes whatever the command gives (client id, non-empty password, text name and
 * description, the whole role list, the whole group list) and kicks a connected client.
 */
export function dynsec_clients__process_modify(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const rolelist = new Map<string, dynsec__rolelist>();

  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'modifyClient', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(username, Buffer.byteLength(username)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'modifyClient', 'Username not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const client = dynsec_clients__find(username);
  if (client === null) {
    dynsec__command_reply(j_responses, context, 'modifyClient', 'Client not found', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const clientid = json_get_string(command, 'clientid', false);
  if (clientid.rc === MOSQ_ERR_SUCCESS) {
    client.clientid = clientid.value && clientid.value.length > 0 ? clientid.value : null;
  }

  const password = json_get_string(command, 'password', false);
  if (password.rc === MOSQ_ERR_SUCCESS && password.value !== null) {
    if (password.value.length > 0) {
      /* An empty password is ignored. */
      const rc = client__set_password(client, password.value);
      if (rc !== MOSQ_ERR_SUCCESS) {
        dynsec__command_reply(j_responses, context, 'modifyClient', 'Internal error', correlation_data);
        mosquitto_kick_client_by_username(username, false);
        return MOSQ_ERR_NOMEM;
      }
    }
  }

  const text_name = json_get_string(command, 'textname', false);
  if (text_name.rc === MOSQ_ERR_SUCCESS) {
    client.text_name = text_name.value;
  }

  const text_description = json_get_string(command, 'textdescription', false);
  if (text_description.rc === MOSQ_ERR_SUCCESS) {
    client.text_description = text_description.value;
  }

  const rc = dynsec_rolelist__load_from_json(command, rolelist);
  if (rc === MOSQ_ERR_SUCCESS) {
    client__remove_all_roles(client);
    client__add_new_roles(client, rolelist);
    dynsec_rolelist__cleanup(rolelist);
  } else if (rc === ERR_LIST_NOT_FOUND) {
    /* No roles in the command: they stay as they are. */
  } else if (rc === MOSQ_ERR_NOT_FOUND) {
    dynsec__command_reply(j_responses, context, 'modifyClient', 'Role not found', correlation_data);
    dynsec_rolelist__cleanup(rolelist);
    mosquitto_kick_client_by_username(username, false);
    return MOSQ_ERR_INVAL;
  } else {
    if (rc === MOSQ_ERR_INVAL) {
      dynsec__command_reply(j_responses, context, 'modifyClient', "'roles' not an array or missing/invalid rolename", correlation_data);
    } else {
      dynsec__command_reply(j_responses, context, 'modifyClient', 'Internal error', correlation_data);
    }
    dynsec_rolelist__cleanup(rolelist);
    mosquitto_kick_client_by_username(username, false);
    return MOSQ_ERR_INVAL;
  }

  const j_groups = cJSON_GetObjectItem(command, 'groups');
  if (Array.isArray(j_groups)) {
    dynsec__remove_client_from_all_groups(username);

    for (const j_group of j_groups) {
      if (cJSON_IsObject(j_group)) {
        const jtmp = cJSON_GetObjectItem(j_group, 'groupname');
        if (typeof jtmp === 'string') {
          const priority = json_get_int(j_group, 'priority', true, -1).value;
          dynsec_groups__add_client(username, jtmp, priority, false);
        }
      }
    }
  }

  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'modifyClient', null, correlation_data);

  /* Apply the change to a connected client. */
  mosquitto_kick_client_by_username(username, false);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | modifyClient | username=${username}`);
  return MOSQ_ERR_SUCCESS;
}

/**
 * Takes the client (found by username) out of every group it is in.
 */
function dynsec__remove_client_from_all_groups(username: string): number {
  const client = dynsec_clients__find(username);
  if (client) {
    for (const grouplist of [...client.grouplist.values()]) {
      dynsec_groups__remove_client(username, grouplist.group.groupname, false);
    }
  }

  return MOSQ_ERR_SUCCESS;
}

/**
 * A client as JSON: verbose, an object with its details, roles and groups; otherwise just the
 * username.
 */
function add_client_to_json(client: dynsec__client, verbose: boolean): cJSON {
  if (verbose) {
    const j_client: cJSON_object = {};

    j_client.username = client.username;
    if (client.clientid !== null) j_client.clientid = client.clientid;
    if (client.text_name !== null) j_client.textname = client.text_name;
    if (client.text_description !== null) j_client.textdescription = client.text_description;
    if (client.disabled) j_client.disabled = client.disabled;

    j_client.roles = dynsec_rolelist__all_to_json(client.rolelist);
    j_client.groups = dynsec_grouplist__all_to_json(client.grouplist);
    return j_client;
  } else {
    return client.username;
  }
}

/**
 * getClient: replies with the client's details.
 */
export function dynsec_clients__process_get(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'getClient', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(username, Buffer.byteLength(username)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'getClient', 'Username not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const client = dynsec_clients__find(username);
  if (client === null) {
    dynsec__command_reply(j_responses, context, 'getClient', 'Client not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const j_data: cJSON_object = {};
  const tree: cJSON_object = {
    command: 'getClient',
    data: j_data,
  };
  if (correlation_data !== null) {
    tree.correlationData = correlation_data;
  }

  j_data.client = add_client_to_json(client, true);
  j_responses.push(tree);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | getClient | username=${username}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * listClients: the total and the clients from `offset`, at most `count` of them (all when
 * negative), as usernames or, with `verbose`, full objects.
 * @adapted the C's "Internal error" replies only follow cJSON allocation failures; building JS
 * objects cannot fail that way
 */
export function dynsec_clients__process_list(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const verbose = json_get_bool(command, 'verbose', true, false).value;
  let count = json_get_int(command, 'count', true, -1).value;
  const offset = json_get_int(command, 'offset', true, 0).value;

  const j_clients: cJSON[] = [];
  const j_data: cJSON_object = {};
  const tree: cJSON_object = {
    command: 'listClients',
    data: j_data,
  };
  cJSON_AddIntToObject(j_data, 'totalCount', local_clients.size);
  j_data.clients = j_clients;
  if (correlation_data !== null) {
    tree.correlationData = correlation_data;
  }

  let i = 0;
  for (const client of local_clients.values()) {
    if (i >= offset) {
      j_clients.push(add_client_to_json(client, verbose));

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
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | listClients | verbose=${verbose ? 'true' : 'false'} | count=${count} | offset=${offset}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * addClientRole: gives the client a role with an optional priority; a connected client is
 * kicked.
 */
export function dynsec_clients__process_add_role(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'addClientRole', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(username, Buffer.byteLength(username)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'addClientRole', 'Username not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc: rrc, value: rolename } = json_get_string(command, 'rolename', false);
  if (rrc !== MOSQ_ERR_SUCCESS || rolename === null) {
    dynsec__command_reply(j_responses, context, 'addClientRole', 'Invalid/missing rolename', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(rolename, Buffer.byteLength(rolename)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'addClientRole', 'Role name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  const priority = json_get_int(command, 'priority', true, -1).value;

  const client = dynsec_clients__find(username);
  if (client === null) {
    dynsec__command_reply(j_responses, context, 'addClientRole', 'Client not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const role = dynsec_roles__find(rolename);
  if (role === null) {
    dynsec__command_reply(j_responses, context, 'addClientRole', 'Role not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  if (dynsec_rolelist__client_add(client, role, priority) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'addClientRole', 'Internal error', correlation_data);
    return MOSQ_ERR_UNKNOWN;
  }
  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'addClientRole', null, correlation_data);

  /* Apply the change to a connected client. */
  mosquitto_kick_client_by_username(username, false);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | addClientRole | username=${username} | rolename=${rolename} | priority=${priority}`);

  return MOSQ_ERR_SUCCESS;
}

/**
 * removeClientRole: takes a role from the client; a connected client is kicked.
 */
export function dynsec_clients__process_remove_role(j_responses: cJSON[], context: mosquitto, command: cJSON, correlation_data: string | null): number {
  const { rc: urc, value: username } = json_get_string(command, 'username', false);
  if (urc !== MOSQ_ERR_SUCCESS || username === null) {
    dynsec__command_reply(j_responses, context, 'removeClientRole', 'Invalid/missing username', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(username, Buffer.byteLength(username)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'removeClientRole', 'Username not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const { rc: rrc, value: rolename } = json_get_string(command, 'rolename', false);
  if (rrc !== MOSQ_ERR_SUCCESS || rolename === null) {
    dynsec__command_reply(j_responses, context, 'removeClientRole', 'Invalid/missing rolename', correlation_data);
    return MOSQ_ERR_INVAL;
  }
  if (mosquitto_validate_utf8(rolename, Buffer.byteLength(rolename)) !== MOSQ_ERR_SUCCESS) {
    dynsec__command_reply(j_responses, context, 'removeClientRole', 'Role name not valid UTF-8', correlation_data);
    return MOSQ_ERR_INVAL;
  }

  const client = dynsec_clients__find(username);
  if (client === null) {
    dynsec__command_reply(j_responses, context, 'removeClientRole', 'Client not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  const role = dynsec_roles__find(rolename);
  if (role === null) {
    dynsec__command_reply(j_responses, context, 'removeClientRole', 'Role not found', correlation_data);
    return MOSQ_ERR_SUCCESS;
  }

  dynsec_rolelist__client_remove(client, role);
  dynsec__config_save();
  dynsec__command_reply(j_responses, context, 'removeClientRole', null, correlation_data);

  /* Apply the change to a connected client. */
  mosquitto_kick_client_by_username(username, false);

  const admin_clientid = mosquitto_client_id(context);
  const admin_username = mosquitto_client_username(context);
  mosquitto_log_printf(MOSQ_LOG_INFO, `dynsec: ${pstr(admin_clientid)}/${pstr(admin_username)} | removeClientRole | username=${username} | rolename=${rolename}`);

  return MOSQ_ERR_SUCCESS;
}
