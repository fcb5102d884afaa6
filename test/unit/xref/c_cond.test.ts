/* #if expression evaluation against a macro table, as cpp does it for mosquitto's conditions. */
import { describe, expect, it } from 'vitest';
import { evalCondition } from '../../../src/xref/c_cond.js';
import { BROKER_MACROS, LIBRARY_MACROS, macrosFor } from '../../../src/xref/c_config.js';

const m = new Map([['A', 1], ['V', 0x10100000], ['__GLIBC__', 2], ['__GLIBC_MINOR__', 36]]);

describe('evalCondition', () => {
  it('reads defined() with and without parentheses, and unknown names as 0', () => {
    expect(evalCondition('defined(A)', m)).toBe(1);
    expect(evalCondition('defined A', m)).toBe(1);
    expect(evalCondition('defined(B)', m)).toBe(0);
    expect(evalCondition('B', m)).toBe(0);
  });
  it('combines with ! && || and parentheses', () => {
    expect(evalCondition('defined(A) && !defined(B)', m)).toBe(1);
    expect(evalCondition('!(defined(A) || defined(B))', m)).toBe(0);
    expect(evalCondition('defined(B) || defined(A) && 0', m)).toBe(0);
  });
  it('compares version numbers with suffixes', () => {
    expect(evalCondition('V < 0x10100000L', m)).toBe(0);
    expect(evalCondition('V >= 0x10100000L && V < 0x30000000L', m)).toBe(1);
    expect(evalCondition('V == 269484032', m)).toBe(1);
  });
  it('knows __GLIBC_PREREQ', () => {
    expect(evalCondition('__GLIBC_PREREQ(2, 25)', m)).toBe(1);
    expect(evalCondition('__GLIBC_PREREQ(2, 37)', m)).toBe(0);
  });
  it('rejects what it cannot read', () => {
    expect(() => evalCondition('A ? 1 : 0', m)).toThrow(/cannot read/);
  });
});

describe('build configuration', () => {
  it('reads src/ and lib/ as the broker build, the rest without WITH_BROKER', () => {
    expect(macrosFor('src/net.c')).toBe(BROKER_MACROS);
    expect(macrosFor('lib/net_mosq.c')).toBe(BROKER_MACROS);
    expect(macrosFor('client/pub_client.c')).toBe(LIBRARY_MACROS);
    expect(BROKER_MACROS.has('WITH_BROKER')).toBe(true);
    expect(LIBRARY_MACROS.has('WITH_BROKER')).toBe(false);
    expect(BROKER_MACROS.has('WIN32')).toBe(false);
  });
});
