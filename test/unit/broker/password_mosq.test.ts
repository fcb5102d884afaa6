import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MOSQ_ERR_INVAL, MOSQ_ERR_SUCCESS } from '../../../src/include/mosquitto.js';
import {
  SALT_LEN,
  base64__decode,
  base64__encode,
  mosquitto_pw__new,
  pw__hash,
  pw__memcmp_const,
  pw_sha512,
  pw_sha512_pbkdf2,
  type mosquitto_pw,
} from '../../../src/broker/password_mosq.js';

const REAL_PASSWD = '/usr/bin/mosquitto_passwd';
const dir = mkdtempSync(join(tmpdir(), 'pwmosq-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The stored entry of a password file line, decoded the way the broker's file parser does. */
function parse_entry(line: string): { username: string; pw: mosquitto_pw; hash: Buffer } {
  const [username, stored] = line.trim().split(':');
  const fields = stored.split('$').filter((f) => f.length > 0);
  const hashtype = fields[0] === '6' ? pw_sha512 : pw_sha512_pbkdf2;
  const pw = mosquitto_pw__new(hashtype);
  if(hashtype === pw_sha512_pbkdf2){
    pw.iterations = Number(fields.splice(1, 1)[0]);
  }else{
    // pw__hash checks iterations >= 1 even for plain sha512, which does not use them.
    pw.iterations = 1;
  }
  const salt = base64__decode(fields[1]);
  const hash = base64__decode(fields[2]);
  expect(salt.rc).toBe(0);
  expect(salt.decoded_len).toBe(SALT_LEN);
  expect(hash.rc).toBe(0);
  expect(hash.decoded_len).toBe(64);
  salt.decoded!.copy(pw.salt);
  return { username, pw, hash: hash.decoded! };
}

/** Does `password` hash to the stored value with the entry's salt and iterations? */
function verifies(line: string, password: string | Buffer): boolean {
  const { pw, hash } = parse_entry(line);
  expect(pw__hash(password, pw, false, 0)).toBe(MOSQ_ERR_SUCCESS);
  return pw__memcmp_const(pw.password_hash, hash, 64) === 0;
}

/** Runs Debian's mosquitto_passwd in batch mode and returns the line it wrote. */
function real_line(args: string[], user: string, password: string): string {
  const file = join(dir, `real-${Math.random().toString(36).slice(2)}`);
  execFileSync(REAL_PASSWD, [...args, '-c', '-b', file, user, password]);
  return readFileSync(file, 'utf8');
}

describe('pw__hash against Debian mosquitto_passwd', () => {
  it('verifies a default sha512-pbkdf2 ($7$101$) entry and rejects a wrong password', () => {
    const line = real_line([], 'alice', 's3cret pass');
    expect(line).toMatch(/^alice:\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==\n$/);
    expect(verifies(line, 's3cret pass')).toBe(true);
    expect(verifies(line, 's3cret pasS')).toBe(false);
    expect(verifies(line, '')).toBe(false);
  });

  it('verifies an entry made with -I (iterations in the line are honoured)', () => {
    const line = real_line(['-I', '7'], 'bob', 'pw');
    expect(line.startsWith('bob:$7$7$')).toBe(true);
    expect(parse_entry(line).pw.iterations).toBe(7);
    expect(verifies(line, 'pw')).toBe(true);
  });

  it('verifies a -H sha512 ($6$) entry', () => {
    const line = real_line(['-H', 'sha512'], 'carol', 'ünïcode ☃');
    expect(line).toMatch(/^carol:\$6\$[^$]+\$[^$]+\n$/);
    expect(verifies(line, 'ünïcode ☃')).toBe(true);
    expect(verifies(line, Buffer.from('ünïcode ☃'))).toBe(true);
    expect(verifies(line, 'unicode')).toBe(false);
  });

  it('hashes a Buffer only up to its first NUL, as strlen() would', () => {
    const line = real_line([], 'dave', 'abc');
    expect(verifies(line, Buffer.from('abc\0def'))).toBe(true);
  });
});

describe('pw__hash', () => {
  it('draws a new salt and records the iterations for a new password', () => {
    const pw = mosquitto_pw__new(pw_sha512_pbkdf2);
    expect(pw__hash('x', pw, true, 3)).toBe(MOSQ_ERR_SUCCESS);
    expect(pw.iterations).toBe(3);
    expect(pw.salt.equals(Buffer.alloc(SALT_LEN))).toBe(false);
    const first = Buffer.from(pw.password_hash);
    const salt = Buffer.from(pw.salt);
    expect(pw__hash('x', pw, true, 3)).toBe(MOSQ_ERR_SUCCESS);
    expect(pw.salt.equals(salt)).toBe(false);
    expect(pw.password_hash.equals(first)).toBe(false);
  });

  it('is repeatable with the stored salt (new_password false ignores new_iterations)', () => {
    const pw = mosquitto_pw__new(pw_sha512_pbkdf2);
    pw__hash('x', pw, true, 5);
    const first = Buffer.from(pw.password_hash);
    expect(pw__hash('x', pw, false, 999)).toBe(MOSQ_ERR_SUCCESS);
    expect(pw.iterations).toBe(5);
    expect(pw.password_hash.equals(first)).toBe(true);
  });

  it('refuses fewer than one iteration', () => {
    const pw = mosquitto_pw__new(pw_sha512_pbkdf2);
    expect(pw__hash('x', pw, true, 0)).toBe(MOSQ_ERR_INVAL);
    pw.iterations = 0;
    expect(pw__hash('x', pw, false, 10)).toBe(MOSQ_ERR_INVAL);
    const sha = mosquitto_pw__new(pw_sha512);
    expect(pw__hash('x', sha, true, -1)).toBe(MOSQ_ERR_INVAL);
    expect(pw__hash('x', sha, false, 1)).toBe(MOSQ_ERR_INVAL);
  });
});

describe('pw__memcmp_const', () => {
  it('returns 0 only for equal bytes, 1 for any difference or a null side', () => {
    expect(pw__memcmp_const(Buffer.from('abcd'), Buffer.from('abcd'), 4)).toBe(0);
    expect(pw__memcmp_const(Buffer.from('abcd'), Buffer.from('abce'), 4)).toBe(1);
    expect(pw__memcmp_const(Buffer.from('xbcd'), Buffer.from('abcd'), 4)).toBe(1);
    expect(pw__memcmp_const(Buffer.from('abcd'), Buffer.from('abce'), 3)).toBe(0);
    expect(pw__memcmp_const(null, Buffer.from('a'), 1)).toBe(1);
    expect(pw__memcmp_const(Buffer.from('a'), null, 0)).toBe(1);
  });
});

describe('base64__encode / base64__decode', () => {
  it('encodes on one padded line, the first in_len bytes only', () => {
    const bytes = Buffer.alloc(64, 0xfb);
    const r = base64__encode(bytes, 64);
    expect(r.rc).toBe(0);
    expect(r.encoded).toBe(bytes.toString('base64'));
    expect(r.encoded).not.toContain('\n');
    expect(base64__encode(Buffer.from('hello'), 3).encoded).toBe('aGVs');
  });

  it('round-trips', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 10, 13, 0]);
    const d = base64__decode(base64__encode(bytes, bytes.length).encoded!);
    expect(d.rc).toBe(0);
    expect(d.decoded_len).toBe(12);
    expect(d.decoded!.equals(bytes)).toBe(true);
  });

  it('decodes as OpenSSL does for padding, short tails, trailing blanks and bad characters', () => {
    // Expected results checked with `openssl base64 -d -A` (the same BIO, no-newline mode).
    expect(base64__decode('aGVsbG8=').decoded!.toString()).toBe('hello');
    expect(base64__decode('aGVsbG8').decoded!.toString()).toBe('hel');
    expect(base64__decode('aGVsbG8=  ').decoded!.toString()).toBe('hello');
    expect(base64__decode('aGVsbG8=\n').decoded!.toString()).toBe('hello');
    expect(base64__decode('aGVs bG8=').rc).toBe(1);
    expect(base64__decode(' aGVsbG8=').rc).toBe(1);
    expect(base64__decode('aGV$sbG8=').rc).toBe(1);
    expect(base64__decode('aGVs-G8=').rc).toBe(1);
    expect(base64__decode('!!!!')).toEqual({ rc: 1, decoded: null, decoded_len: 0 });
    expect(base64__decode('').rc).toBe(1);
    expect(base64__decode('aG').rc).toBe(1);
  });
});
