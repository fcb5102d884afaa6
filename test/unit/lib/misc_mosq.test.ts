import { closeSync, mkdtempSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fgets_extending, misc__trimblanks, mosquitto__fopen, strerror } from '../../../src/lib/misc_mosq.js';

const dir = mkdtempSync(join(tmpdir(), 'miscmosq-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('mosquitto__fopen', () => {
  it('creates an owner-only file with restrict_read, a umask-governed one without', () => {
    const old = process.umask(0o022);
    try{
      const a = mosquitto__fopen(join(dir, 'private'), 'wb', true);
      const b = mosquitto__fopen(join(dir, 'public'), 'wt', false);
      expect(a).not.toBeNull();
      expect(b).not.toBeNull();
      closeSync(a!.fd);
      closeSync(b!.fd);
      expect(statSync(join(dir, 'private')).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'public')).mode & 0o777).toBe(0o644);
      expect(process.umask()).toBe(0o022);
    }finally{
      process.umask(old);
    }
  });

  it('returns null when the file cannot be opened', () => {
    expect(mosquitto__fopen(join(dir, 'missing'), 'rt', false)).toBeNull();
    expect(mosquitto__fopen(join(dir, 'no', 'such', 'dir'), 'wt', true)).toBeNull();
  });

  it('appends in "at" mode', () => {
    const path = join(dir, 'log');
    writeFileSync(path, 'one\n');
    const f = mosquitto__fopen(path, 'at', true)!;
    writeSync(f.fd, 'two\n');
    closeSync(f.fd);
    const r = mosquitto__fopen(path, 'rt', false)!;
    expect([fgets_extending(r), fgets_extending(r), fgets_extending(r)]).toEqual(['one\n', 'two\n', null]);
    closeSync(r.fd);
  });
});

describe('fgets_extending', () => {
  it('returns lines with their newline, any length, and a last line without one', () => {
    const long = 'x'.repeat(2500);
    const path = join(dir, 'lines');
    writeFileSync(path, `a:b\n\n${long}\nünï:☃\nlast`);
    const f = mosquitto__fopen(path, 'rt', false)!;
    expect(fgets_extending(f)).toBe('a:b\n');
    expect(fgets_extending(f)).toBe('\n');
    expect(fgets_extending(f)).toBe(`${long}\n`);
    expect(fgets_extending(f)).toBe('ünï:☃\n');
    expect(f.eof).toBe(false);
    expect(fgets_extending(f)).toBe('last');
    expect(f.eof).toBe(true);
    expect(fgets_extending(f)).toBeNull();
    closeSync(f.fd);
  });

  it('does not set eof after a final line that ends in a newline, only on the next read', () => {
    const path = join(dir, 'nl');
    writeFileSync(path, 'only\n');
    const f = mosquitto__fopen(path, 'rt', false)!;
    expect(fgets_extending(f)).toBe('only\n');
    expect(f.eof).toBe(false);
    expect(fgets_extending(f)).toBeNull();
    expect(f.eof).toBe(true);
    closeSync(f.fd);
  });

  it('returns null for no stream or a read error', () => {
    expect(fgets_extending(null)).toBeNull();
    const d = mosquitto__fopen(dir, 'r', false)!;
    expect(fgets_extending(d)).toBeNull();
    closeSync(d.fd);
  });
});

describe('misc__trimblanks', () => {
  it('strips isspace() characters at both ends only', () => {
    expect(misc__trimblanks(' \t user name \r\n')).toBe('user name');
    expect(misc__trimblanks('\v\fx\v\f')).toBe('x');
    expect(misc__trimblanks('   ')).toBe('');
    expect(misc__trimblanks('')).toBe('');
    expect(misc__trimblanks(null)).toBeNull();
  });
});

describe('strerror', () => {
  it('gives glibc wording for a Node error code', () => {
    const err = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT' });
    expect(strerror(err)).toBe('No such file or directory');
    const other = Object.assign(new Error("EXDEV: cross-device link not permitted, rename 'a' -> 'b'"), { code: 'EXDEV' });
    expect(strerror(other)).toBe('Cross-device link not permitted');
  });
});
