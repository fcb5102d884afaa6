/**
 * json_help: the typed member look-ups with their optional/default rules, cJSON's
 * case-insensitive member names and NUL-terminated strings, and the config file layout of
 * cJSON_Print.
 */
import { describe, expect, it } from 'vitest';
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../../../../src/include/mosquitto.js';
import {
  cJSON_GetObjectItem,
  cJSON_Parse,
  cJSON_Print,
  json_get_bool,
  json_get_int,
  json_get_string,
} from '../../../../src/plugins/dynamic-security/json_help.js';

describe('json_get_*', () => {
  const obj = cJSON_Parse('{"b": true, "i": 7.9, "big": 1e12, "neg": -3.5, "s": "text", "n": null}');

  it('reads present members of the right type', () => {
    expect(json_get_bool(obj!, 'b', false, false)).toEqual({ rc: MOSQ_ERR_SUCCESS, value: true });
    expect(json_get_int(obj!, 'i', false, 0)).toEqual({ rc: MOSQ_ERR_SUCCESS, value: 7 });
    expect(json_get_int(obj!, 'neg', false, 0)).toEqual({ rc: MOSQ_ERR_SUCCESS, value: -3 });
    expect(json_get_int(obj!, 'big', false, 0)).toEqual({ rc: MOSQ_ERR_SUCCESS, value: 2147483647 });
    expect(json_get_string(obj!, 's', false)).toEqual({ rc: MOSQ_ERR_SUCCESS, value: 'text' });
  });

  it('gives the default for a missing optional member, INVAL for a missing required one', () => {
    expect(json_get_bool(obj!, 'x', true, true)).toEqual({ rc: MOSQ_ERR_SUCCESS, value: true });
    expect(json_get_int(obj!, 'x', true, -1)).toEqual({ rc: MOSQ_ERR_SUCCESS, value: -1 });
    expect(json_get_string(obj!, 'x', true)).toEqual({ rc: MOSQ_ERR_SUCCESS, value: null });
    expect(json_get_bool(obj!, 'x', false, true).rc).toBe(MOSQ_ERR_INVAL);
    expect(json_get_int(obj!, 'x', false, 0).rc).toBe(MOSQ_ERR_INVAL);
    expect(json_get_string(obj!, 'x', false).rc).toBe(MOSQ_ERR_INVAL);
  });

  it('refuses a member of the wrong type, optional or not (null included)', () => {
    expect(json_get_bool(obj!, 's', true, false).rc).toBe(MOSQ_ERR_INVAL);
    expect(json_get_int(obj!, 'b', true, 0).rc).toBe(MOSQ_ERR_INVAL);
    expect(json_get_string(obj!, 'i', true).rc).toBe(MOSQ_ERR_INVAL);
    expect(json_get_string(obj!, 'n', true).rc).toBe(MOSQ_ERR_INVAL);
  });
});

describe('cJSON stand-ins', () => {
  it('finds members whatever their ASCII case', () => {
    const obj = cJSON_Parse('{"Command": "listClients"}');
    expect(cJSON_GetObjectItem(obj!, 'command')).toBe('listClients');
    expect(cJSON_GetObjectItem(['a'], 'command')).toBeUndefined();
    expect(cJSON_GetObjectItem('text', 'command')).toBeUndefined();
  });

  it('ends strings at an escaped NUL and returns null for text that is not JSON', () => {
    expect(cJSON_Parse('{"u": "ab\\u0000cd"}')).toEqual({ u: 'ab' });
    expect(cJSON_Parse('not json')).toBeNull();
    expect(cJSON_Parse('')).toBeNull();
  });

  it('prints in cJSON_Print layout: tabs, a tab after the colon, arrays on one line', () => {
    const tree = { clients: [{ username: 'a', roles: [] }, { username: 'b', roles: [{ rolename: 'r', priority: 2 }] }], empty: {}, d: { x: false } };
    expect(cJSON_Print(tree)).toBe(
      '{\n'
      + '\t"clients":\t[{\n'
      + '\t\t\t"username":\t"a",\n'
      + '\t\t\t"roles":\t[]\n'
      + '\t\t}, {\n'
      + '\t\t\t"username":\t"b",\n'
      + '\t\t\t"roles":\t[{\n'
      + '\t\t\t\t\t"rolename":\t"r",\n'
      + '\t\t\t\t\t"priority":\t2\n'
      + '\t\t\t\t}]\n'
      + '\t\t}],\n'
      + '\t"empty":\t{\n'
      + '\t},\n'
      + '\t"d":\t{\n'
      + '\t\t"x":\tfalse\n'
      + '\t}\n'
      + '}');
  });
});
