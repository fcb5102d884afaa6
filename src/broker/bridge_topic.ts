/**
 * Bridge topic patterns of src/bridge_topic.c: the `topic` lines of a bridge with their
 * direction, QoS and local/remote prefixes, and the remapping of incoming topics.
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_ERR_NOMEM, MOSQ_ERR_SUCCESS, MOSQ_LOG_ERR } from '../include/mosquitto.js';
import type { mosquitto } from '../lib/mosquitto_internal.js';
import { mosquitto_pub_topic_check, mosquitto_sub_topic_check, mosquitto_topic_matches_sub } from '../lib/util_topic.js';
import { log__printf } from './logging.js';
import { bd_both, bd_in, bd_out } from './mosquitto_broker_internal.js';
import type { mosquitto__bridge, mosquitto__bridge_topic } from './mosquitto_broker_internal.js';

/**
 * The topic as seen on one side of the bridge: the prefix followed by the pattern, the prefix
 * alone when there is no pattern, the pattern alone when there is no prefix.
 * @adapted returns the topic instead of writing it through a `char **`; no allocation to fail
 */
function bridge__create_remap_topic(prefix: string | null, topic: string | null): string | null {
  if (prefix) {
    if (topic) {
      return `${prefix}${topic}`;
    } else {
      return prefix;
    }
  } else {
    return topic;
  }
}

/**
 * Checks a prefix on its own and joined to the pattern (which must make a valid subscription);
 * returns the prefix to store, or null after logging what is wrong.
 * @adapted returns the prefix (null on error) instead of an error code and a `char **`
 */
function bridge__create_prefix(topic: string | null, prefix: string, direction: string): string | null {
  if (mosquitto_pub_topic_check(prefix) !== MOSQ_ERR_SUCCESS) {
    log__printf(null, MOSQ_LOG_ERR, `Error: Invalid bridge topic local prefix '${prefix}'.`);
    return null;
  }

  const full_prefix = topic ? `${prefix}${topic}` : prefix;
  if (mosquitto_sub_topic_check(full_prefix) !== MOSQ_ERR_SUCCESS) {
    log__printf(null, MOSQ_LOG_ERR,
      `Error: Invalid bridge topic ${direction} prefix and pattern combination '${full_prefix}'.`);
    return null;
  }
  return prefix;
}

/**
 * Adds one `topic <pattern> [direction [qos [local-prefix remote-prefix]]]` line to a bridge,
 * after checking the prefixes and that an empty pattern ("") comes with both prefixes.
 */
export function bridge__add_topic(bridge: mosquitto__bridge | null, topic: string | null, direction: number, qos: number,
    local_prefix: string | null, remote_prefix: string | null): number {
  if (bridge === null) return MOSQ_ERR_INVAL;
  if (direction !== bd_out && direction !== bd_in && direction !== bd_both) {
    return MOSQ_ERR_INVAL;
  }
  if (qos > 2) {
    return MOSQ_ERR_INVAL;
  }
  if (local_prefix && mosquitto_pub_topic_check(local_prefix)) {
    log__printf(null, MOSQ_LOG_ERR, `Error: Invalid bridge topic local prefix '${local_prefix}'.`);
    return MOSQ_ERR_INVAL;
  }
  if (remote_prefix && mosquitto_pub_topic_check(remote_prefix)) {
    log__printf(null, MOSQ_LOG_ERR, `Error: Invalid bridge topic remote prefix '${remote_prefix}'.`);
    return MOSQ_ERR_INVAL;
  }
  if ((topic === null || topic === '""')
      && (local_prefix === null || remote_prefix === null)) {
    log__printf(null, MOSQ_LOG_ERR, 'Error: Invalid bridge remapping.');
    return MOSQ_ERR_INVAL;
  }

  const cur_topic: mosquitto__bridge_topic = {
    topic: null,
    local_prefix: null,
    remote_prefix: null,
    local_topic: null,
    remote_topic: null,
    direction,
    qos,
  };
  bridge.topic_count++;
  bridge.topics.push(cur_topic);

  if (topic === null || topic === '""') {
    cur_topic.topic = null;
  } else {
    cur_topic.topic = topic;
  }

  if (local_prefix || remote_prefix) {
    bridge.topic_remapping = true;
    if (local_prefix) {
      cur_topic.local_prefix = bridge__create_prefix(cur_topic.topic, local_prefix, 'local');
      if (cur_topic.local_prefix === null) {
        log__printf(null, MOSQ_LOG_ERR, 'Error: Out of memory.');
        return MOSQ_ERR_NOMEM;
      }
    }
    if (remote_prefix) {
      /* mosquitto names the direction "local" here too. */
      cur_topic.remote_prefix = bridge__create_prefix(cur_topic.topic, remote_prefix, 'local');
      if (cur_topic.remote_prefix === null) {
        log__printf(null, MOSQ_LOG_ERR, 'Error: Out of memory.');
        return MOSQ_ERR_NOMEM;
      }
    }
  }

  cur_topic.local_topic = bridge__create_remap_topic(cur_topic.local_prefix, cur_topic.topic);
  cur_topic.remote_topic = bridge__create_remap_topic(cur_topic.remote_prefix, cur_topic.topic);

  return MOSQ_ERR_SUCCESS;
}

/**
 * Rewrites the topic of a message that came in over a bridge: for the first `in`/`both`
 * pattern with prefixes that matches, strips the remote prefix and puts the local one in front.
 * @adapted returns `{ rc, topic }` instead of replacing the string through a `char **`
 */
export function bridge__remap_topic_in(context: mosquitto, topic: string): { rc: number; topic: string } {
  const bridge = context.bridge;
  if (bridge && bridge.topics.length && bridge.topic_remapping) {
    for (let i = 0; i < bridge.topic_count; i++) {
      const cur_topic = bridge.topics[i];
      if ((cur_topic.direction === bd_both || cur_topic.direction === bd_in)
          && (cur_topic.remote_prefix || cur_topic.local_prefix)) {
        /* This pattern remaps the topic if the topic matches it. */
        const m = mosquitto_topic_matches_sub(cur_topic.remote_topic, topic);
        if (m.rc) {
          return { rc: m.rc, topic };
        }
        if (m.result) {
          if (cur_topic.remote_prefix) {
            if (topic.startsWith(cur_topic.remote_prefix)) {
              topic = topic.slice(cur_topic.remote_prefix.length);
            }
          }
          if (cur_topic.local_prefix) {
            topic = `${cur_topic.local_prefix}${topic}`;
          }
          break;
        }
      }
    }
  }
  return { rc: MOSQ_ERR_SUCCESS, topic };
}
