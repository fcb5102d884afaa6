import { beforeEach, describe, expect, it } from 'vitest';
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import { alias__add, alias__find, alias__free_all } from '../../../src/lib/alias_mosq.js';
import { make_context, reset_db } from '../helpers/context.js';

beforeEach(() => reset_db());

describe('topic aliases', () => {
  it('binds, rebinds, finds and forgets aliases', () => {
    const c = make_context('c');
    expect(alias__add(c, 'a/b', 1)).toBe(MOSQ_ERR_SUCCESS);
    expect(alias__add(c, 'c', 2)).toBe(MOSQ_ERR_SUCCESS);
    expect(alias__add(c, 'd', 1)).toBe(MOSQ_ERR_SUCCESS);
    expect(c.alias_count).toBe(2);
    expect(alias__find(c, 1)).toEqual({ rc: MOSQ_ERR_SUCCESS, topic: 'd' });
    expect(alias__find(c, 2)).toEqual({ rc: MOSQ_ERR_SUCCESS, topic: 'c' });
    expect(alias__find(c, 3)).toEqual({ rc: MOSQ_ERR_INVAL, topic: null });
    alias__free_all(c);
    expect([c.alias_count, c.aliases]).toEqual([0, []]);
    expect(alias__find(c, 1).rc).toBe(MOSQ_ERR_INVAL);
  });
});
