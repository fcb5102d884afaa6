/**
 * sub_acl_check: the cases of sub_matches_sub.c's own self-test (#ifdef TEST), plus a few on
 * level counting at the edges.
 */
import { describe, expect, it } from 'vitest';
import { sub_acl_check } from '../../../../src/plugins/dynamic-security/sub_matches_sub.js';

describe('sub_acl_check', () => {
  it.each([
    ['foo/+/bar', 'foo/#', false],
    ['foo/+/ba℞/#', 'foo/baz/ba℞', true],
    ['foo/+/ba℞/#', 'foo/baz/ba℞/+', true],
    ['foo/+/ba℞/#', 'foo/baz/ba℞/#', true],
    ['foo/+/ba℞/#', 'foo/baz/+/#', false],
    ['/+//#', '/foo///#', true],
    ['#', '#', true],
    ['#', '+', true],
    ['/#', '+', false],
    ['/#', '/+', true],
    ['/+', '#', false],
    ['/+', '+', false],
    ['+/+', 'topic/topic', true],
    ['+/+', 'topic/topic/', false],
    ['+', '#', false],
    ['+', '+', true],
    ['a/b/c/d/e', 'a/b/c/d/e', true],
    ['a/b/ /d/e', 'a/b/c/d/e', false],
  ])('ACL %s covers %s: %s', (acl, sub, expected) => {
    expect(sub_acl_check(acl, sub)).toBe(expected);
  });

  it('counts empty levels', () => {
    expect(sub_acl_check('a/+/c', 'a//c')).toBe(true);
    expect(sub_acl_check('a/+', 'a//c')).toBe(false);
    expect(sub_acl_check('a/#', 'a//c')).toBe(true);
    expect(sub_acl_check('/'.repeat(100), '/'.repeat(100))).toBe(true);
    expect(sub_acl_check('/'.repeat(100), '/'.repeat(99))).toBe(false);
  });
});
