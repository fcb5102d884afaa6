/**
 * Topic aliases of lib/alias_mosq.c: the table of alias numbers a client has bound to topics
 * with the MQTT 5 Topic Alias property.
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';
import type { mosquitto } from './mosquitto_internal.js';

/** Binds an alias number to a topic, replacing the topic if the alias is already in use. */
export function alias__add(mosq: mosquitto, topic: string, alias: number): number {
  for (let i = 0; i < mosq.alias_count; i++) {
    if (mosq.aliases[i].alias === alias) {
      mosq.aliases[i].topic = topic;
      return MOSQ_ERR_SUCCESS;
    }
  }

  /* A new alias goes at the end of the table. */
  mosq.aliases.push({ alias, topic });
  mosq.alias_count++;

  return MOSQ_ERR_SUCCESS;
}

/**
 * Looks up the topic bound to an alias.
 * @adapted the topic comes back in the result object instead of through a `char **`
 */
export function alias__find(mosq: mosquitto, alias: number): { rc: number; topic: string | null } {
  for (let i = 0; i < mosq.alias_count; i++) {
    if (mosq.aliases[i].alias === alias) {
      return { rc: MOSQ_ERR_SUCCESS, topic: mosq.aliases[i].topic };
    }
  }
  return { rc: MOSQ_ERR_INVAL, topic: null };
}

/** Forgets every alias of a client. */
export function alias__free_all(mosq: mosquitto): void {
  mosq.aliases = [];
  mosq.alias_count = 0;
}
