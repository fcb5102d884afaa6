/**
 * Topic helpers of lib/util_topic.c: is a topic name valid for PUBLISH, is a topic filter valid
 * for SUBSCRIBE, and does a topic match a filter. The broker build (WITH_BROKER) also caps the
 * number of `/` separators at TOPIC_HIERARCHY_LIMIT. Also here: splitting a filter into its
 * levels, which mosquitto keeps in lib/mosquitto.c.
 *
 * Topics are JS strings. The wildcard and separator characters are ASCII, so scanning UTF-16
 * code units finds exactly the bytes the C scans; the 65535 limit is on the UTF-8 byte length.
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';
import { TOPIC_HIERARCHY_LIMIT } from '../broker/mosquitto_broker_internal.js';

const PLUS = 0x2b; /* '+' */
const HASH = 0x23; /* '#' */
const SLASH = 0x2f; /* '/' */
const DOLLAR = 0x24; /* '$' */

/** The result of a topic match: `result` is true when the topic matches the filter. */
export interface mosquitto_topic_matches_sub_result {
  rc: number;
  result: boolean;
}

/** The levels of a topic filter; an empty level is null, as in C. */
export interface mosquitto_sub_topic_tokenise_result {
  rc: number;
  topics: (string | null)[];
  count: number;
}

/**
 * Whether a string's UTF-8 form is longer than the 65535 bytes a topic may have.
 * @tsonly the C counts bytes as it scans; a JS string has to be measured, and a string of at most
 *   21845 UTF-16 code units cannot pass 65535 bytes, so most topics skip the measuring
 */
function topic__too_long(str: string): boolean {
  return str.length > 21845 && Buffer.byteLength(str, 'utf8') > 65535;
}

/**
 * The character code at `i`, or 0 past the end, so the matcher can look ahead the way the C
 * looks at a string's terminating NUL.
 * @tsonly stands in for reading a NUL-terminated C string
 */
function topic__char(str: string, i: number): number {
  return i < str.length ? str.charCodeAt(i) : 0;
}

/**
 * Checks a topic name for publishing: no `+` or `#` anywhere, at most 65535 bytes, and at most
 * TOPIC_HIERARCHY_LIMIT separators. MOSQ_ERR_INVAL otherwise.
 */
export function mosquitto_pub_topic_check(str: string | null): number {
  let hier_count = 0;

  if (str === null) {
    return MOSQ_ERR_INVAL;
  }

  const len = str.length;
  for (let i = 0; i < len; i++) {
    const c = str.charCodeAt(i);
    if (c === PLUS || c === HASH) {
      return MOSQ_ERR_INVAL;
    } else if (c === SLASH) {
      hier_count++;
    }
  }
  if (topic__too_long(str)) return MOSQ_ERR_INVAL;
  if (hier_count > TOPIC_HIERARCHY_LIMIT) return MOSQ_ERR_INVAL;

  return MOSQ_ERR_SUCCESS;
}

/**
 * As mosquitto_pub_topic_check, for a topic whose byte length the caller already knows.
 * @adapted `len` is the UTF-8 byte length and is used for the size limit; the whole JS string is
 *   scanned
 */
export function mosquitto_pub_topic_check2(str: string | null, len: number): number {
  let hier_count = 0;

  if (str === null || len > 65535) {
    return MOSQ_ERR_INVAL;
  }

  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c === PLUS || c === HASH) {
      return MOSQ_ERR_INVAL;
    } else if (c === SLASH) {
      hier_count++;
    }
  }
  if (hier_count > TOPIC_HIERARCHY_LIMIT) return MOSQ_ERR_INVAL;

  return MOSQ_ERR_SUCCESS;
}

/**
 * Checks a topic filter for subscribing: `+` must fill a whole level, `#` must be a whole level
 * and the last one; at most 65535 bytes and TOPIC_HIERARCHY_LIMIT separators.
 */
export function mosquitto_sub_topic_check(str: string | null): number {
  let c = 0;
  let hier_count = 0;

  if (str === null) {
    return MOSQ_ERR_INVAL;
  }

  const len = str.length;
  for (let i = 0; i < len; i++) {
    const ch = str.charCodeAt(i);
    if (ch === PLUS) {
      if ((c !== 0 && c !== SLASH) || (i + 1 < len && str.charCodeAt(i + 1) !== SLASH)) {
        return MOSQ_ERR_INVAL;
      }
    } else if (ch === HASH) {
      if ((c !== 0 && c !== SLASH) || i + 1 < len) {
        return MOSQ_ERR_INVAL;
      }
    } else if (ch === SLASH) {
      hier_count++;
    }
    c = ch;
  }
  if (topic__too_long(str)) return MOSQ_ERR_INVAL;
  if (hier_count > TOPIC_HIERARCHY_LIMIT) return MOSQ_ERR_INVAL;

  return MOSQ_ERR_SUCCESS;
}

/**
 * As mosquitto_sub_topic_check, for a filter whose byte length the caller already knows.
 * @adapted `len` is the UTF-8 byte length and is used for the size limit; the whole JS string is
 *   scanned
 */
export function mosquitto_sub_topic_check2(str: string | null, len: number): number {
  let c = 0;
  let hier_count = 0;

  if (str === null || len > 65535) {
    return MOSQ_ERR_INVAL;
  }

  const n = str.length;
  for (let i = 0; i < n; i++) {
    const ch = str.charCodeAt(i);
    if (ch === PLUS) {
      if ((c !== 0 && c !== SLASH) || (i < n - 1 && str.charCodeAt(i + 1) !== SLASH)) {
        return MOSQ_ERR_INVAL;
      }
    } else if (ch === HASH) {
      if ((c !== 0 && c !== SLASH) || i < n - 1) {
        return MOSQ_ERR_INVAL;
      }
    } else if (ch === SLASH) {
      hier_count++;
    }
    c = ch;
  }
  if (hier_count > TOPIC_HIERARCHY_LIMIT) return MOSQ_ERR_INVAL;

  return MOSQ_ERR_SUCCESS;
}

/**
 * Does `topic` match the filter `sub`? See mosquitto_topic_matches_sub2.
 * @adapted the match comes back in the result object instead of through a bool pointer
 */
export function mosquitto_topic_matches_sub(sub: string | null, topic: string | null): mosquitto_topic_matches_sub_result {
  return mosquitto_topic_matches_sub2(sub, 0, topic, 0);
}

/**
 * Walks filter and topic side by side to decide whether the topic matches. Empty or missing
 * input, a wildcard in the topic, or a badly placed wildcard in the filter met on the way is
 * MOSQ_ERR_INVAL. A filter starting with `$` only matches topics starting with `$` and the other
 * way round, so `#` does not match `$SYS/...`. The lengths are ignored, as in C.
 * @adapted the match comes back in the result object; indexes replace the moving pointers
 */
export function mosquitto_topic_matches_sub2(sub: string | null, _sublen: number, topic: string | null,
    _topiclen: number): mosquitto_topic_matches_sub_result {
  let spos = 0;
  let tpos = 0;

  if (sub === null || topic === null || sub.length === 0 || topic.length === 0) {
    return { rc: MOSQ_ERR_INVAL, result: false };
  }

  if ((sub.charCodeAt(0) === DOLLAR && topic.charCodeAt(0) !== DOLLAR)
      || (topic.charCodeAt(0) === DOLLAR && sub.charCodeAt(0) !== DOLLAR)) {
    return { rc: MOSQ_ERR_SUCCESS, result: false };
  }

  while (topic__char(sub, spos) !== 0) {
    const tc = topic__char(topic, tpos);
    const sc = topic__char(sub, spos);
    if (tc === PLUS || tc === HASH) {
      return { rc: MOSQ_ERR_INVAL, result: false };
    }
    if (sc !== tc || tc === 0) {
      /* The characters differ: only a wildcard can carry on. */
      if (sc === PLUS) {
        /* '+' must be a whole level: nothing but '/' before or after it */
        if (spos > 0 && topic__char(sub, spos - 1) !== SLASH) {
          return { rc: MOSQ_ERR_INVAL, result: false };
        }
        if (topic__char(sub, spos + 1) !== 0 && topic__char(sub, spos + 1) !== SLASH) {
          return { rc: MOSQ_ERR_INVAL, result: false };
        }
        spos++;
        while (topic__char(topic, tpos) !== 0 && topic__char(topic, tpos) !== SLASH) {
          const c = topic__char(topic, tpos);
          if (c === PLUS || c === HASH) {
            return { rc: MOSQ_ERR_INVAL, result: false };
          }
          tpos++;
        }
        if (topic__char(topic, tpos) === 0 && topic__char(sub, spos) === 0) {
          return { rc: MOSQ_ERR_SUCCESS, result: true };
        }
      } else if (sc === HASH) {
        /* '#' must be a whole level and the last character */
        if (spos > 0 && topic__char(sub, spos - 1) !== SLASH) {
          return { rc: MOSQ_ERR_INVAL, result: false };
        }
        if (topic__char(sub, spos + 1) !== 0) {
          return { rc: MOSQ_ERR_INVAL, result: false };
        } else {
          while (topic__char(topic, tpos) !== 0) {
            const c = topic__char(topic, tpos);
            if (c === PLUS || c === HASH) {
              return { rc: MOSQ_ERR_INVAL, result: false };
            }
            tpos++;
          }
          return { rc: MOSQ_ERR_SUCCESS, result: true };
        }
      } else {
        /* "a/+/#" also matches "a/b": the topic ended just before "/#" */
        if (tc === 0
            && spos > 0
            && topic__char(sub, spos - 1) === PLUS
            && sc === SLASH
            && topic__char(sub, spos + 1) === HASH) {
          return { rc: MOSQ_ERR_SUCCESS, result: true };
        }

        /* No match; finish scanning the filter to report a misplaced '#'. */
        while (topic__char(sub, spos) !== 0) {
          if (topic__char(sub, spos) === HASH && topic__char(sub, spos + 1) !== 0) {
            return { rc: MOSQ_ERR_INVAL, result: false };
          }
          spos++;
        }

        return { rc: MOSQ_ERR_SUCCESS, result: false };
      }
    } else {
      /* Same character in both. */
      if (topic__char(topic, tpos + 1) === 0) {
        /* "a" matches "a/#" */
        if (topic__char(sub, spos + 1) === SLASH
            && topic__char(sub, spos + 2) === HASH
            && topic__char(sub, spos + 3) === 0) {
          return { rc: MOSQ_ERR_SUCCESS, result: true };
        }
      }
      spos++;
      tpos++;
      if (topic__char(sub, spos) === 0 && topic__char(topic, tpos) === 0) {
        return { rc: MOSQ_ERR_SUCCESS, result: true };
      } else if (topic__char(topic, tpos) === 0 && topic__char(sub, spos) === PLUS && topic__char(sub, spos + 1) === 0) {
        /* "a/" matches "a/+" */
        if (spos > 0 && topic__char(sub, spos - 1) !== SLASH) {
          return { rc: MOSQ_ERR_INVAL, result: false };
        }
        return { rc: MOSQ_ERR_SUCCESS, result: true };
      }
    }
  }

  /* The filter is used up with topic left over: no match, but check the rest for wildcards. */
  while (topic__char(topic, tpos) !== 0) {
    const c = topic__char(topic, tpos);
    if (c === PLUS || c === HASH) {
      return { rc: MOSQ_ERR_INVAL, result: false };
    }
    tpos++;
  }

  return { rc: MOSQ_ERR_SUCCESS, result: false };
}

/**
 * Splits a topic filter at each `/` into its levels; an empty level (leading, trailing or
 * doubled `/`) is null. `count` is the number of levels.
 * @c lib/mosquitto.c mosquitto_sub_topic_tokenise
 * @adapted returns the levels as an array in the result object instead of allocating a
 *   `char **` through an out-parameter
 */
export function mosquitto_sub_topic_tokenise(subtopic: string | null): mosquitto_sub_topic_tokenise_result {
  let hier_count = 1;

  if (subtopic === null) return { rc: MOSQ_ERR_INVAL, topics: [], count: 0 };

  const len = subtopic.length;

  for (let i = 0; i < len; i++) {
    if (subtopic.charCodeAt(i) === SLASH) {
      hier_count++;
    }
  }

  const topics: (string | null)[] = new Array<string | null>(hier_count).fill(null);

  let start = 0;
  let hier = 0;

  for (let i = 0; i < len + 1; i++) {
    if (i === len || subtopic.charCodeAt(i) === SLASH) {
      const stop = i;
      if (start !== stop) {
        topics[hier] = subtopic.slice(start, stop);
      }
      start = i + 1;
      hier++;
    }
  }

  return { rc: MOSQ_ERR_SUCCESS, topics, count: hier_count };
}

/**
 * Releases the levels made by mosquitto_sub_topic_tokenise; MOSQ_ERR_INVAL for no list or a
 * count below one.
 * @c lib/mosquitto.c mosquitto_sub_topic_tokens_free
 * @adapted the garbage collector frees the strings; the array is emptied so a stale use shows
 */
export function mosquitto_sub_topic_tokens_free(topics: (string | null)[] | null, count: number): number {
  if (!topics || count < 1) return MOSQ_ERR_INVAL;

  topics.length = 0;

  return MOSQ_ERR_SUCCESS;
}
