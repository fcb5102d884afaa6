import { describe, expect, it } from 'vitest';
import { MOSQ_ERR_INVAL, MOSQ_ERR_PROTOCOL, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import { sub__topic_tokenise } from '../../../src/broker/topic_tok.js';

describe('sub__topic_tokenise', () => {
  it('puts ordinary topics under the "" root', () => {
    expect(sub__topic_tokenise('a/b/c')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: ['', 'a', 'b', 'c'], sharename: null });
    expect(sub__topic_tokenise('#').topics).toEqual(['', '#']);
  });

  it('keeps empty levels, leading and trailing', () => {
    expect(sub__topic_tokenise('/a').topics).toEqual(['', '', 'a']);
    expect(sub__topic_tokenise('a/').topics).toEqual(['', 'a', '']);
    expect(sub__topic_tokenise('a//b').topics).toEqual(['', 'a', '', 'b']);
    expect(sub__topic_tokenise('/').topics).toEqual(['', '', '']);
  });

  it('uses the first level of a $ topic as its root', () => {
    expect(sub__topic_tokenise('$SYS/broker/uptime').topics).toEqual(['$SYS', 'broker', 'uptime']);
    expect(sub__topic_tokenise('$other').topics).toEqual(['$other']);
  });

  it('takes the group off a shared subscription', () => {
    expect(sub__topic_tokenise('$share/grp/a/+/c')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: ['', 'a', '+', 'c'], sharename: 'grp' });
    expect(sub__topic_tokenise('$share/grp/#')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: ['', '#'], sharename: 'grp' });
    /* A shared filter of $SYS topics still lands under the "" root, as in C. */
    expect(sub__topic_tokenise('$share/g/$SYS/x').topics).toEqual(['', '$SYS', 'x']);
    /* No filter after the group: the root itself. */
    expect(sub__topic_tokenise('$share/grp')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: [''], sharename: 'grp' });
    expect(sub__topic_tokenise('$share/g/')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: ['', ''], sharename: 'g' });
    /* Empty group names pass through (the C harness gives the same). */
    expect(sub__topic_tokenise('$share/')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: [''], sharename: '' });
    expect(sub__topic_tokenise('$share//')).toEqual({ rc: MOSQ_ERR_SUCCESS, topics: ['', ''], sharename: '' });
  });

  it('rejects an empty string and a bare $share', () => {
    expect(sub__topic_tokenise('').rc).toBe(MOSQ_ERR_INVAL);
    expect(sub__topic_tokenise('$share').rc).toBe(MOSQ_ERR_PROTOCOL);
  });
});
