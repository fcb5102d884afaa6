/**
 * Splitting a topic or subscription filter into its levels (src/topic_tok.c), the form in which
 * the subscription and retained-message trees are walked.
 *
 * The result always starts with the name of a tree root: `""` for ordinary topics, or the first
 * level itself for topics beginning with `$` (`$SYS`, ...). A `$share/<group>/` prefix is taken
 * off and the group name handed back separately.
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS } from '../include/mosquitto.js';

/**
 * The cursor of strtok_hier: where the next level starts in `str`, or -1 once the last level
 * has been returned (C: a NULL save pointer).
 */
interface strtok_hier_state {
  str: string;
  pos: number;
}

/** What sub__topic_tokenise produces. */
export interface sub__topic_tokens {
  /** MOSQ_ERR_SUCCESS, or the error; `topics` is empty on error */
  rc: number;
  /** the levels, root name first (C: a NULL-terminated array) */
  topics: string[];
  /** the group of a `$share/<group>/...` filter, else null */
  sharename: string | null;
}

/**
 * Returns the next `/`-separated level of a string, empty levels included; pass the string on
 * the first call and null afterwards, as with strtok.
 * @adapted C cuts the string in place with NUL bytes; here a cursor walks an immutable string
 */
function strtok_hier(str: string | null, saveptr: strtok_hier_state): string | null {
  if (str !== null) {
    saveptr.str = str;
    saveptr.pos = 0;
  }
  if (saveptr.pos < 0) {
    return null;
  }
  const c = saveptr.str.indexOf('/', saveptr.pos);
  let token: string;
  if (c >= 0) {
    token = saveptr.str.substring(saveptr.pos, c);
    saveptr.pos = c + 1;
  } else {
    /* The last level: whatever follows the final '/', even if empty. */
    token = saveptr.str.substring(saveptr.pos);
    saveptr.pos = -1;
  }
  return token;
}

/**
 * Breaks a topic or filter into levels, prefixed by the tree root it belongs under, and
 * recognises shared subscriptions (`$share/<group>/<filter>` becomes the levels of `<filter>`
 * under the `""` root, plus the group name). An empty string is MOSQ_ERR_INVAL; `$share` with
 * no group is MOSQ_ERR_PROTOCOL.
 * @adapted the C out-parameters (copied string, level array, share name) become the returned object
 */
export function sub__topic_tokenise(subtopic: string): sub__topic_tokens {
  const saveptr: strtok_hier_state = { str: subtopic, pos: 0 };
  let sharename: string | null = null;

  if (subtopic.length === 0) {
    return { rc: MOSQ_ERR_INVAL, topics: [], sharename: null };
  }

  /* Count the levels, ignoring a '/' in first position, as the C sizing loop does. */
  let count = 0;
  let p = 0;
  while (p >= 0) {
    p = subtopic.indexOf('/', p + 1);
    count++;
  }

  /* Sized exactly (the root, then one entry per level) because this runs for every PUBLISH: an
   * array grown by push reserves room for 17. The C count above skips a leading '/', which still
   * starts an empty level. */
  const root = subtopic[0] !== '$' ? 1 : 0;
  const levels = count + (subtopic[0] === '/' ? 1 : 0);
  const topics = new Array<string>(root + levels);
  let n = 0;
  if (root) {
    topics[n++] = '';
  }

  let token = strtok_hier(subtopic, saveptr);
  while (token !== null) {
    topics[n++] = token;
    token = strtok_hier(null, saveptr);
  }

  if (topics[0] === '$share') {
    if (count < 2) {
      return { rc: MOSQ_ERR_PROTOCOL, topics: [], sharename: null };
    }
    sharename = topics[1];
    for (let i = 1; i < count - 1; i++) {
      topics[i] = topics[i + 1];
    }
    topics[0] = '';
    topics.length = count - 1;
  }
  return { rc: MOSQ_ERR_SUCCESS, topics, sharename };
}
