/**
 * Client lists of plugins/dynamic-security/clientlist.c: the clients that belong to a group or
 * hold a role, kept sorted by username, with their priority in that list.
 * @module
 */
import { MOSQ_ERR_SUCCESS } from '../../include/mosquitto.js';
import { mosquitto_kick_client_by_username } from '../../broker/plugin_public.js';
import type { dynsec__client, dynsec__clientlist } from './dynamic_security.js';
import { HASH_ADD_KEYPTR_INORDER, strcmp } from './dynamic_security.js';
import { cJSON_AddIntToObject } from './json_help.js';
import type { cJSON_object } from './json_help.js';

/**
 * Orders list entries by their client's username.
 */
function dynsec_clientlist__cmp(a: dynsec__clientlist, b: dynsec__clientlist): number {
  return strcmp(a.client.username, b.client.username);
}

/**
 * Disconnects every connected client logged in with a username in the list, so its new
 * permissions apply from its next connection.
 */
export function dynsec_clientlist__kick_all(base_clientlist: Map<string, dynsec__clientlist>): void {
  for (const clientlist of [...base_clientlist.values()]) {
    mosquitto_kick_client_by_username(clientlist.client.username, false);
  }
}

/**
 * The list as JSON: `[{"username": ..., "priority": ...}]`, the priority only when it is not -1.
 * @adapted returns a JS array (C: a cJSON array, NULL on allocation failure)
 */
export function dynsec_clientlist__all_to_json(base_clientlist: Map<string, dynsec__clientlist>): cJSON_object[] {
  const j_clients: cJSON_object[] = [];

  for (const clientlist of base_clientlist.values()) {
    const j_client: cJSON_object = {};
    j_clients.push(j_client);

    j_client.username = clientlist.client.username;
    if (clientlist.priority !== -1) {
      cJSON_AddIntToObject(j_client, 'priority', clientlist.priority);
    }
  }
  return j_clients;
}

/**
 * Puts `client` in the list with `priority`, in username order; nothing happens if it is
 * already there.
 * @adapted the list head pointer is a Map changed in place
 */
export function dynsec_clientlist__add(base_clientlist: Map<string, dynsec__clientlist>, client: dynsec__client, priority: number): number {
  if (base_clientlist.get(client.username) !== undefined) {
    /* Already a member. */
    return MOSQ_ERR_SUCCESS;
  }

  const clientlist: dynsec__clientlist = {
    client,
    priority,
  };
  HASH_ADD_KEYPTR_INORDER(base_clientlist, client.username, clientlist, dynsec_clientlist__cmp);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Empties the list (the clients themselves stay).
 * @adapted the list head pointer is a Map emptied in place
 */
export function dynsec_clientlist__cleanup(base_clientlist: Map<string, dynsec__clientlist>): void {
  base_clientlist.clear();
}

/**
 * Takes `client` out of the list, if it is in it.
 * @adapted the list head pointer is a Map changed in place
 */
export function dynsec_clientlist__remove(base_clientlist: Map<string, dynsec__clientlist>, client: dynsec__client): void {
  base_clientlist.delete(client.username);
}
