/**
 * JSON helpers of plugins/dynamic-security/json_help.c: typed look-ups of an object's members
 * with the plugin's "optional / default" rules.
 *
 * The C builds and walks cJSON trees; the port uses plain JS values from JSON.parse. The few cJSON
 * behaviours the plugin's output depends on have small stand-ins here: member look-up ignores
 * ASCII case (cJSON_GetObjectItem), strings end at an escaped NUL (C strings), and the config
 * file is written in cJSON_Print's layout (tabs).
 * @module
 */
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../../include/mosquitto.js';

/** A parsed JSON value (C: a cJSON node). */
export type cJSON = null | boolean | number | string | cJSON[] | cJSON_object;
/** A JSON object (C: a cJSON node of type cJSON_Object). */
export interface cJSON_object {
  [key: string]: cJSON;
}

/**
 * Parses JSON text; null when it is not valid JSON. A string value stops at its first NUL, as
 * the C string cJSON hands out does.
 * @tsonly cJSON_Parse; JSON.parse does the work
 */
export function cJSON_Parse(text: string): cJSON | null {
  try {
    return JSON.parse(text, (_key: string, value: cJSON) => {
      if (typeof value === 'string') {
        const nul = value.indexOf('\0');
        return nul >= 0 ? value.slice(0, nul) : value;
      }
      return value;
    }) as cJSON;
  } catch {
    return null;
  }
}

/**
 * Is `item` a JSON object (not an array, not null)?
 * @tsonly cJSON_IsObject
 */
export function cJSON_IsObject(item: cJSON | undefined): item is cJSON_object {
  return typeof item === 'object' && item !== null && !Array.isArray(item);
}

/**
 * The member `name` of an object, compared without regard to ASCII case; undefined when the
 * object has no such member or `object` is not an object.
 * @tsonly cJSON_GetObjectItem, which is case-insensitive (the first matching member wins)
 */
export function cJSON_GetObjectItem(object: cJSON | undefined, name: string): cJSON | undefined {
  if (!cJSON_IsObject(object)) return undefined;
  if (Object.prototype.hasOwnProperty.call(object, name)) return object[name];
  const lname = name.replace(/[A-Z]/g, (c) => c.toLowerCase());
  for (const key of Object.keys(object)) {
    if (key.replace(/[A-Z]/g, (c) => c.toLowerCase()) === lname) {
      return object[key];
    }
  }
  return undefined;
}

/**
 * Reads the boolean member `name`. Optional: a missing member gives `default_value`; present but
 * not a boolean is MOSQ_ERR_INVAL either way; missing and not optional is MOSQ_ERR_INVAL.
 * @adapted the bool out-parameter is the returned `value` (false when the C leaves it unset)
 */
export function json_get_bool(json: cJSON | undefined, name: string, optional: boolean, default_value: boolean): { rc: number; value: boolean } {
  let value = false;

  if (optional === true) {
    value = default_value;
  }

  const jtmp = cJSON_GetObjectItem(json, name);
  if (jtmp !== undefined) {
    if (typeof jtmp !== 'boolean') {
      return { rc: MOSQ_ERR_INVAL, value };
    }
    value = jtmp;
  } else {
    if (optional === false) {
      return { rc: MOSQ_ERR_INVAL, value };
    }
  }
  return { rc: MOSQ_ERR_SUCCESS, value };
}

/**
 * Reads the number member `name` as an int (cJSON's valueint: truncated, clamped to the int
 * range), with the same optional/default rules as json_get_bool.
 * @adapted the int out-parameter is the returned `value` (0 when the C leaves it unset)
 */
export function json_get_int(json: cJSON | undefined, name: string, optional: boolean, default_value: number): { rc: number; value: number } {
  let value = 0;

  if (optional === true) {
    value = default_value;
  }

  const jtmp = cJSON_GetObjectItem(json, name);
  if (jtmp !== undefined) {
    if (typeof jtmp !== 'number') {
      return { rc: MOSQ_ERR_INVAL, value };
    }
    value = cJSON_valueint(jtmp);
  } else {
    if (optional === false) {
      return { rc: MOSQ_ERR_INVAL, value };
    }
  }
  return { rc: MOSQ_ERR_SUCCESS, value };
}

/**
 * Reads the string member `name`: null when missing (MOSQ_ERR_INVAL unless optional), and
 * MOSQ_ERR_INVAL when present but not a string.
 * @adapted the char** out-parameter is the returned `value`
 */
export function json_get_string(json: cJSON | undefined, name: string, optional: boolean): { rc: number; value: string | null } {
  const jtmp = cJSON_GetObjectItem(json, name);
  if (jtmp !== undefined) {
    if (typeof jtmp !== 'string') {
      return { rc: MOSQ_ERR_INVAL, value: null };
    }
    return { rc: MOSQ_ERR_SUCCESS, value: jtmp };
  } else {
    if (optional === false) {
      return { rc: MOSQ_ERR_INVAL, value: null };
    }
  }
  return { rc: MOSQ_ERR_SUCCESS, value: null };
}

/**
 * Adds the member `name` with an integer value; returns the value added.
 * @adapted the C adds the decimal text as a raw cJSON node; a JS integer prints the same
 */
export function cJSON_AddIntToObject(object: cJSON_object, name: string, number: number): number {
  object[name] = number;
  return number;
}

/**
 * cJSON's `valueint` of a number: truncated toward zero and clamped to the C int range.
 * @tsonly cJSON stores this next to the double when it parses a number
 */
export function cJSON_valueint(n: number): number {
  if (n >= 2147483647) return 2147483647;
  if (n <= -2147483648) return -2147483648;
  return Math.trunc(n);
}

/**
 * Prints a JSON value in cJSON_Print's layout: object members one per line, indented with tabs,
 * a tab after each colon; array elements on one line separated by ", ". No final newline.
 * @tsonly cJSON_Print, the format of the plugin's config file
 */
export function cJSON_Print(item: cJSON, depth = 0): string {
  if (Array.isArray(item)) {
    return '[' + item.map((e) => cJSON_Print(e, depth + 1)).join(', ') + ']';
  } else if (cJSON_IsObject(item)) {
    const inner = '\t'.repeat(depth + 1);
    let out = '{\n';
    const keys = Object.keys(item);
    keys.forEach((key, i) => {
      out += inner + JSON.stringify(key) + ':\t' + cJSON_Print(item[key], depth + 1);
      out += (i < keys.length - 1 ? ',' : '') + '\n';
    });
    return out + '\t'.repeat(depth) + '}';
  } else {
    return JSON.stringify(item);
  }
}
