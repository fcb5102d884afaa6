/**
 * Keepalive enforcement of src/keepalive.c: a client silent for 1.5 times its keepalive is
 * disconnected.
 * @module
 */
import { MOSQ_ERR_KEEPALIVE, MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { do_disconnect } from './loop.js';
import { db } from './mosquitto_broker_internal.js';

let last_keepalive_check = 0;

/** Registers a client for keepalive checks; the scan in keepalive__check needs no registration. */
export function keepalive__add(_context: mosquitto): number {
  return MOSQ_ERR_SUCCESS;
}

/** At most every five seconds, disconnects clients that exceeded 1.5x their keepalive. */
export function keepalive__check(): void {
  if (last_keepalive_check + 5 < db.now_s) {
    last_keepalive_check = db.now_s;
    for (const context of db.contexts_by_sock) {
      if (context.sock) {
        /* Bridges the broker opened time out through their own pings instead. */
        if (!context.keepalive
            || context.bridge
            || db.now_s - context.last_msg_in <= Math.floor((context.keepalive * 3) / 2)) {
          continue;
        }
        do_disconnect(context, MOSQ_ERR_KEEPALIVE);
      }
    }
  }
}

/** Unregisters a client from keepalive checks; nothing to do with the scan approach. */
export function keepalive__remove(_context: mosquitto): number {
  return MOSQ_ERR_SUCCESS;
}

/** Drops all keepalive registrations; nothing to do with the scan approach. */
export function keepalive__remove_all(): void {
  /* Nothing is registered. */
}

/** Records that the client was just heard from. */
export function keepalive__update(context: mosquitto): number {
  context.last_msg_in = db.now_s;
  return MOSQ_ERR_SUCCESS;
}
