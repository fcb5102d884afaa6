/*
 * Topic checks and matching: the intent of mosquitto's test/unit/util_topic_test.c, plus the
 * broker build's limits (65535 bytes, TOPIC_HIERARCHY_LIMIT separators) and the level splitting
 * of mosquitto_sub_topic_tokenise.
 */
import { describe, expect, it } from 'vitest';
import { TOPIC_HIERARCHY_LIMIT } from '../../../src/broker/mosquitto_broker_internal.js';
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import {
  mosquitto_pub_topic_check,
  mosquitto_pub_topic_check2,
  mosquitto_sub_topic_check,
  mosquitto_sub_topic_check2,
  mosquitto_sub_topic_tokenise,
  mosquitto_sub_topic_tokens_free,
  mosquitto_topic_matches_sub,
  mosquitto_topic_matches_sub2,
} from '../../../src/lib/util_topic.js';

function match(sub: string, topic: string): void {
  expect(mosquitto_topic_matches_sub(sub, topic), `${sub} ~ ${topic}`).toEqual({ rc: MOSQ_ERR_SUCCESS, result: true });
}

function no_match(rc_expected: number, sub: string, topic: string): void {
  expect(mosquitto_topic_matches_sub(sub, topic), `${sub} ~ ${topic}`).toEqual({ rc: rc_expected, result: false });
}

describe('mosquitto_topic_matches_sub', () => {
  it('refuses empty or missing input', () => {
    no_match(MOSQ_ERR_INVAL, 'sub', null as unknown as string);
    no_match(MOSQ_ERR_INVAL, null as unknown as string, 'topic');
    no_match(MOSQ_ERR_INVAL, null as unknown as string, null as unknown as string);
    no_match(MOSQ_ERR_INVAL, 'sub', '');
    no_match(MOSQ_ERR_INVAL, '', 'topic');
    no_match(MOSQ_ERR_INVAL, '', '');
    expect(mosquitto_topic_matches_sub2('sub', 3, null, 0)).toEqual({ rc: MOSQ_ERR_INVAL, result: false });
    expect(mosquitto_topic_matches_sub2(null, 0, 'topic', 5)).toEqual({ rc: MOSQ_ERR_INVAL, result: false });
    expect(mosquitto_topic_matches_sub2(null, 0, null, 0)).toEqual({ rc: MOSQ_ERR_INVAL, result: false });
    expect(mosquitto_topic_matches_sub2('sub', 3, '', 0)).toEqual({ rc: MOSQ_ERR_INVAL, result: false });
    expect(mosquitto_topic_matches_sub2('', 0, 'topic', 5)).toEqual({ rc: MOSQ_ERR_INVAL, result: false });
    expect(mosquitto_topic_matches_sub2('', 0, '', 0)).toEqual({ rc: MOSQ_ERR_INVAL, result: false });
  });

  it('matches valid filters', () => {
    match('foo/#', 'foo/');
    match('foo/#', 'foo');
    match('foo//bar', 'foo//bar');
    match('foo//+', 'foo//bar');
    match('foo/+/+/baz', 'foo///baz');
    match('foo/bar/+', 'foo/bar/');
    match('foo/bar', 'foo/bar');
    match('foo/+', 'foo/bar');
    match('foo/+/baz', 'foo/bar/baz');
    match('A/B/+/#', 'A/B/B/C');
    match('foo/+/#', 'foo/bar/baz');
    match('foo/+/#', 'foo/bar');
    match('#', 'foo/bar/baz');
    match('#', '/foo/bar');
    match('/#', '/foo/bar');
    match('+', 'foo');
    match('+/+', '/foo');
    match('$SYS/#', '$SYS/broker/uptime');
    match('$SYS/broker/connection/+/state', '$SYS/broker/connection/bridge1/state');
    match('κόσμε/+', 'κόσμε/x');
  });

  it('does not match valid filters that do not fit', () => {
    no_match(MOSQ_ERR_SUCCESS, 'test/6/#', 'test/3');
    no_match(MOSQ_ERR_SUCCESS, 'foo/bar', 'foo');
    no_match(MOSQ_ERR_SUCCESS, 'foo/+', 'foo/bar/baz');
    no_match(MOSQ_ERR_SUCCESS, 'foo/+/baz', 'foo/bar/bar');
    no_match(MOSQ_ERR_SUCCESS, 'foo/+/#', 'fo2/bar/baz');
    no_match(MOSQ_ERR_SUCCESS, '/#', 'foo/bar');
    no_match(MOSQ_ERR_SUCCESS, 'foo', 'foo/bar');
    no_match(MOSQ_ERR_SUCCESS, '+', '/foo');
  });

  it('keeps $ topics apart from filters that do not start with $', () => {
    no_match(MOSQ_ERR_SUCCESS, '#', '$SYS/bar');
    no_match(MOSQ_ERR_SUCCESS, '+/bar', '$SYS/bar');
    no_match(MOSQ_ERR_SUCCESS, '$SYS/#', 'SYS/bar');
    no_match(MOSQ_ERR_SUCCESS, '$BOB/bar', '$SYS/bar');
  });

  it('refuses filters and topics that only naive matching would accept', () => {
    no_match(MOSQ_ERR_INVAL, '+foo', '+foo');
    no_match(MOSQ_ERR_INVAL, 'fo+o', 'fo+o');
    no_match(MOSQ_ERR_INVAL, 'foo+', 'foo+');
    no_match(MOSQ_ERR_INVAL, '+foo/bar', '+foo/bar');
    no_match(MOSQ_ERR_INVAL, 'foo+/bar', 'foo+/bar');
    no_match(MOSQ_ERR_INVAL, 'foo/+bar', 'foo/+bar');
    no_match(MOSQ_ERR_INVAL, 'foo/bar+', 'foo/bar+');
    no_match(MOSQ_ERR_INVAL, '+foo', 'afoo');
    no_match(MOSQ_ERR_INVAL, 'fo+o', 'foao');
    no_match(MOSQ_ERR_INVAL, 'foo+', 'fooa');
    no_match(MOSQ_ERR_INVAL, '+foo/bar', 'afoo/bar');
    no_match(MOSQ_ERR_INVAL, 'foo+/bar', 'fooa/bar');
    no_match(MOSQ_ERR_INVAL, 'foo/+bar', 'foo/abar');
    no_match(MOSQ_ERR_INVAL, 'foo/bar+', 'foo/bara');
    no_match(MOSQ_ERR_INVAL, '#foo', '#foo');
    no_match(MOSQ_ERR_INVAL, 'fo#o', 'fo#o');
    no_match(MOSQ_ERR_INVAL, 'foo#', 'foo#');
    no_match(MOSQ_ERR_INVAL, '#foo/bar', '#foo/bar');
    no_match(MOSQ_ERR_INVAL, 'foo#/bar', 'foo#/bar');
    no_match(MOSQ_ERR_INVAL, 'foo/#bar', 'foo/#bar');
    no_match(MOSQ_ERR_INVAL, 'foo/bar#', 'foo/bar#');
    no_match(MOSQ_ERR_INVAL, 'foo+', 'fooa');
    no_match(MOSQ_ERR_INVAL, 'foo/+', 'foo/+');
    no_match(MOSQ_ERR_INVAL, 'foo/#', 'foo/+');
    no_match(MOSQ_ERR_INVAL, 'foo/+', 'foo/bar/+');
    no_match(MOSQ_ERR_INVAL, 'foo/#', 'foo/bar/+');
    no_match(MOSQ_ERR_INVAL, 'foo/+', 'foo/#');
    no_match(MOSQ_ERR_INVAL, 'foo/#', 'foo/#');
    no_match(MOSQ_ERR_INVAL, 'foo/+', 'foo/bar/#');
    no_match(MOSQ_ERR_INVAL, 'foo/#', 'foo/bar/#');
  });

  it('refuses invalid filters', () => {
    no_match(MOSQ_ERR_INVAL, 'foo#', 'foo');
    no_match(MOSQ_ERR_INVAL, 'fo#o/', 'foo');
    no_match(MOSQ_ERR_INVAL, 'foo#', 'fooa');
    no_match(MOSQ_ERR_INVAL, 'foo+', 'foo');
    no_match(MOSQ_ERR_INVAL, 'foo/#a', 'foo');
    no_match(MOSQ_ERR_INVAL, '#a', 'foo');
    no_match(MOSQ_ERR_INVAL, 'foo/#abc', 'foo');
    no_match(MOSQ_ERR_INVAL, '#abc', 'foo');
    no_match(MOSQ_ERR_INVAL, '/#a', 'foo/bar');
  });

  it('ignores the lengths given to mosquitto_topic_matches_sub2', () => {
    expect(mosquitto_topic_matches_sub2('foo/+', 1, 'foo/bar', 1)).toEqual({ rc: MOSQ_ERR_SUCCESS, result: true });
  });
});

function pub_topic(topic: string, rc_expected: number): void {
  expect(mosquitto_pub_topic_check(topic), topic).toBe(rc_expected);
  expect(mosquitto_pub_topic_check2(topic, Buffer.byteLength(topic)), topic).toBe(rc_expected);
}

function sub_topic(topic: string, rc_expected: number): void {
  expect(mosquitto_sub_topic_check(topic), topic).toBe(rc_expected);
  expect(mosquitto_sub_topic_check2(topic, Buffer.byteLength(topic)), topic).toBe(rc_expected);
}

describe('mosquitto_pub_topic_check', () => {
  it('accepts topics without wildcards', () => {
    pub_topic('pub/topic', MOSQ_ERR_SUCCESS);
    pub_topic('pub//topic', MOSQ_ERR_SUCCESS);
    pub_topic('pub/ /topic', MOSQ_ERR_SUCCESS);
    pub_topic('/', MOSQ_ERR_SUCCESS);
    pub_topic('$SYS/x', MOSQ_ERR_SUCCESS);
  });

  it('refuses any + or #', () => {
    for (const t of ['+pub/topic', 'pub+/topic', 'pub/+topic', 'pub/topic+', 'pub/topic/+', '#pub/topic',
      'pub#/topic', 'pub/#topic', 'pub/topic#', 'pub/topic/#', '+/pub/topic']) {
      pub_topic(t, MOSQ_ERR_INVAL);
    }
  });

  it('refuses null', () => {
    expect(mosquitto_pub_topic_check(null)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_pub_topic_check2(null, 0)).toBe(MOSQ_ERR_INVAL);
  });

  it('limits the topic to 65535 UTF-8 bytes', () => {
    pub_topic('a'.repeat(65535), MOSQ_ERR_SUCCESS);
    pub_topic('a'.repeat(65536), MOSQ_ERR_INVAL);
    /* 21846 three-byte characters: few code units, 65538 bytes */
    pub_topic('\u20ac'.repeat(21846), MOSQ_ERR_INVAL);
    pub_topic('\u20ac'.repeat(21845), MOSQ_ERR_SUCCESS);
    /* check2 trusts the length it is given */
    expect(mosquitto_pub_topic_check2('a', 65536)).toBe(MOSQ_ERR_INVAL);
  });

  it('limits the number of levels (broker build)', () => {
    pub_topic('a/'.repeat(TOPIC_HIERARCHY_LIMIT), MOSQ_ERR_SUCCESS);
    pub_topic('a/'.repeat(TOPIC_HIERARCHY_LIMIT + 1), MOSQ_ERR_INVAL);
  });
});

describe('mosquitto_sub_topic_check', () => {
  it('accepts wildcards that fill whole levels', () => {
    for (const t of ['sub/topic', 'sub//topic', 'sub/ /topic', 'sub/+/topic', '+/+/+', '+', 'sub/topic/#',
      'sub//topic/#', 'sub/ /topic/#', 'sub/+/topic/#', '+/+/+/#', '#', '/#', '+/', '/+']) {
      sub_topic(t, MOSQ_ERR_SUCCESS);
    }
  });

  it('refuses misplaced wildcards', () => {
    for (const t of ['+sub/topic', 'sub+/topic', 'sub/+topic', 'sub/topic+', '#sub/topic', 'sub#/topic',
      'sub/#topic', 'sub/topic#', '#/sub/topic', '++', '##', '#/', '+#']) {
      sub_topic(t, MOSQ_ERR_INVAL);
    }
  });

  it('refuses null', () => {
    expect(mosquitto_sub_topic_check(null)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_sub_topic_check2(null, 0)).toBe(MOSQ_ERR_INVAL);
  });

  it('limits the filter to 65535 UTF-8 bytes and TOPIC_HIERARCHY_LIMIT separators', () => {
    sub_topic('a'.repeat(65535), MOSQ_ERR_SUCCESS);
    sub_topic('a'.repeat(65536), MOSQ_ERR_INVAL);
    sub_topic('\u20ac'.repeat(21846), MOSQ_ERR_INVAL);
    sub_topic('+/'.repeat(TOPIC_HIERARCHY_LIMIT) + '#', MOSQ_ERR_SUCCESS);
    sub_topic('+/'.repeat(TOPIC_HIERARCHY_LIMIT + 1) + '#', MOSQ_ERR_INVAL);
  });
});

describe('mosquitto_sub_topic_tokenise', () => {
  it('splits a filter into levels, empty levels as null', () => {
    expect(mosquitto_sub_topic_tokenise('$SYS/broker/uptime'))
      .toEqual({ rc: MOSQ_ERR_SUCCESS, topics: ['$SYS', 'broker', 'uptime'], count: 3 });
    expect(mosquitto_sub_topic_tokenise('a//b')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: ['a', null, 'b'], count: 3 });
    expect(mosquitto_sub_topic_tokenise('/a')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: [null, 'a'], count: 2 });
    expect(mosquitto_sub_topic_tokenise('a/')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: ['a', null], count: 2 });
    expect(mosquitto_sub_topic_tokenise('')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: [null], count: 1 });
    expect(mosquitto_sub_topic_tokenise('+/#')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: ['+', '#'], count: 2 });
  });

  it('refuses null', () => {
    expect(mosquitto_sub_topic_tokenise(null).rc).toBe(MOSQ_ERR_INVAL);
  });

  it('mosquitto_sub_topic_tokens_free empties the list and checks its arguments', () => {
    const { topics, count } = mosquitto_sub_topic_tokenise('a/b');
    expect(mosquitto_sub_topic_tokens_free(topics, count)).toBe(MOSQ_ERR_SUCCESS);
    expect(topics).toEqual([]);
    expect(mosquitto_sub_topic_tokens_free(null, 1)).toBe(MOSQ_ERR_INVAL);
    expect(mosquitto_sub_topic_tokens_free(['a'], 0)).toBe(MOSQ_ERR_INVAL);
  });
});
