import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  base64__decode,
  mosquitto_pw__new,
  pw__hash,
  pw__memcmp_const,
  pw_sha512,
  pw_sha512_pbkdf2,
} from '../../../src/broker/password_mosq.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const REAL = '/usr/bin/mosquitto_passwd';
const BROKER = '/usr/sbin/mosquitto';
const PUB = '/usr/bin/mosquitto_pub';

let build: string;
let work: string;

/** Compiles the tool's entry point (and only what it imports) so it can run as a real process. */
beforeAll(() => {
  build = mkdtempSync(join(tmpdir(), 'pwbuild-'));
  execFileSync(process.execPath, [
    join(ROOT, 'node_modules/typescript/bin/tsc'),
    '--outDir', build, '--rootDir', join(ROOT, 'src'),
    '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--target', 'ES2022',
    '--strict', '--skipLibCheck', '--types', 'node',
    join(ROOT, 'src/bin/mosquitto_passwd.ts'),
  ]);
}, 120000);

afterAll(() => {
  rmSync(build, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  if(work) rmSync(work, { recursive: true, force: true });
  work = mkdtempSync(join(tmpdir(), 'pwcli-'));
});

interface result { status: number | null; stdout: string; stderr: string }

function run(cmd: string[], args: string[], input?: string): result {
  const r = spawnSync(cmd[0], [...cmd.slice(1), ...args], { cwd: work, input: input ?? '', encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const ours = (args: string[], input?: string): result =>
  run([process.execPath, join(build, 'bin/mosquitto_passwd.js')], args, input);
const real = (args: string[], input?: string): result => run([REAL], args, input);

const file = (name: string): string => readFileSync(join(work, name), 'utf8');
const lines = (name: string): string[] => file(name).split('\n').filter((l) => l.length > 0);

/** Does `password` match the stored entry on `line`? Decoded as the broker's parser does. */
function verifies(line: string, password: string): boolean {
  const stored = line.slice(line.indexOf(':') + 1).split('$').filter((f) => f.length > 0);
  const pw = mosquitto_pw__new(stored[0] === '6' ? pw_sha512 : pw_sha512_pbkdf2);
  pw.iterations = stored[0] === '6' ? 1 : Number(stored.splice(1, 1)[0]);
  base64__decode(stored[1]).decoded!.copy(pw.salt);
  pw__hash(password, pw, false, 0);
  return pw__memcmp_const(pw.password_hash, base64__decode(stored[2]).decoded, 64) === 0;
}

describe('mosquitto_passwd: same messages and exit codes as the real tool', () => {
  const HASHED = 'a:$7$101$a/P7vBL98q2XnKuX$kGOwWTD2Vht7CTQawp4XLICGuGtjtxn5mh8i8uFVdzxiAQB02bHcU/GR+EvbqF53V37TZxKTDE+sUa+/eNhk6A==\n';
  const cases: { name: string; args: string[]; input?: string; files?: Record<string, string>; dirs?: string[] }[] = [
    { name: 'no arguments', args: [] },
    { name: '-H without value', args: ['-H'] },
    { name: 'unknown hash', args: ['-H', 'md5', '-b', 'f', 'u', 'p'] },
    { name: '-I without value', args: ['-I'] },
    { name: '-I 0', args: ['-I', '0', '-b', 'f', 'u', 'p'] },
    { name: '-I not a number', args: ['-I', 'abc', '-b', 'f', 'u', 'p'] },
    { name: '-c with -D', args: ['-c', '-D', 'f', 'u'] },
    { name: '-c with -U', args: ['-c', '-U', 'f'] },
    { name: '-D with -U', args: ['-D', '-U', 'f'] },
    { name: '-b with -D', args: ['-b', '-D', 'f', 'u'] },
    { name: '-c -b missing password', args: ['-c', '-b', 'f', 'u'] },
    { name: '-c missing username', args: ['-c', 'f'] },
    { name: '-D missing username', args: ['-D', 'f'] },
    { name: '-U missing file', args: ['-U'] },
    { name: '-U with extra argument', args: ['-U', 'f', 'x'] },
    { name: '-b missing password', args: ['-b', 'f', 'u'] },
    { name: 'file only', args: ['f'] },
    { name: 'unknown option', args: ['-X'] },
    { name: 'colon in username', args: ['-b', 'f', 'a:b', 'p'] },
    { name: 'control character in username', args: ['-b', 'f', 'a\tb', 'p'] },
    { name: 'username too long', args: ['-b', 'f', 'u'.repeat(65536), 'p'] },
    { name: 'password too long', args: ['-b', 'f', 'u', 'p'.repeat(65536)] },
    { name: 'missing password file', args: ['-b', 'nodir/f', 'u', 'p'] },
    { name: 'create in a missing directory', args: ['-c', '-b', 'nodir/f', 'u', 'p'] },
    { name: 'password file is a directory', args: ['-b', 'd', 'u', 'p'], dirs: ['d'] },
    { name: 'delete unknown user', args: ['-D', 'f', 'ghost'], files: { f: HASHED } },
    { name: 'corrupt line', args: ['-D', 'f', 'a'], files: { f: `${HASHED}broken\n` } },
    { name: 'empty password field', args: ['-D', 'f', 'a'], files: { f: 'b:\n' } },
    { name: 'blank line', args: ['-U', 'f'], files: { f: 'a:b\n\nc:d\n' } },
    { name: 'upgrade an empty file', args: ['-U', 'f'], files: { f: '' } },
    { name: 'typed passwords differ', args: ['-c', 'f', 'u'], input: 'one\ntwo\n' },
    { name: 'no password typed', args: ['-c', 'f', 'u'], input: '' },
    { name: 'second password missing', args: ['f', 'u'], input: 'abc', files: { f: HASHED } },
    { name: 'empty first password', args: ['f', 'u'], input: '\nabc\n', files: { f: HASHED } },
  ];

  for(const c of cases){
    it(c.name, () => {
      const setup = (): void => {
        for(const d of readdirSync(work)) rmSync(join(work, d), { recursive: true, force: true });
        for(const [name, text] of Object.entries(c.files ?? {})) writeFileSync(join(work, name), text);
        for(const d of c.dirs ?? []) mkdirSync(join(work, d));
      };
      setup();
      const expected = real(c.args, c.input);
      const expected_files = readdirSync(work).sort().map((n) => [n, existsSync(join(work, n, '.')) ? 'dir' : file(n)]);
      setup();
      const got = ours(c.args, c.input);
      const got_files = readdirSync(work).sort().map((n) => [n, existsSync(join(work, n, '.')) ? 'dir' : file(n)]);
      expect(got).toEqual(expected);
      expect(expected.status).not.toBe(0);
      expect(got_files).toEqual(expected_files);
    });
  }
});

describe('mosquitto_passwd: editing password files', () => {
  it('-c -b creates (and overwrites) a file with one $7$101$ entry', () => {
    writeFileSync(join(work, 'f'), 'old:entry\n');
    expect(ours(['-c', '-b', 'f', 'alice', 'pw1'])).toEqual({ status: 0, stdout: '', stderr: '' });
    const l = lines('f');
    expect(l).toHaveLength(1);
    expect(l[0]).toMatch(/^alice:\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(file('f').endsWith('==\n')).toBe(true);
    expect(verifies(l[0], 'pw1')).toBe(true);
    expect(verifies(l[0], 'pw2')).toBe(false);
  });

  it('-b appends a new user and updates an existing one in place', () => {
    ours(['-c', '-b', 'f', 'alice', 'a']);
    ours(['-b', 'f', 'bob', 'b']);
    ours(['-b', 'f', 'carol', 'c']);
    const before = lines('f');
    expect(before.map((l) => l.split(':')[0])).toEqual(['alice', 'bob', 'carol']);
    expect(ours(['-b', 'f', 'bob', 'B'])).toEqual({ status: 0, stdout: '', stderr: '' });
    const after = lines('f');
    expect(after.map((l) => l.split(':')[0])).toEqual(['alice', 'bob', 'carol']);
    expect(after[0]).toBe(before[0]);
    expect(after[2]).toBe(before[2]);
    expect(verifies(after[1], 'B')).toBe(true);
    expect(verifies(after[1], 'b')).toBe(false);
    expect(readdirSync(work)).toEqual(['f']);
  });

  it('-D deletes one user and keeps the other lines byte for byte', () => {
    writeFileSync(join(work, 'f'), 'x:1\ny:2\r\nz:3');
    expect(ours(['-D', 'f', 'y'])).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(file('f')).toBe('x:1\nz:3');
    expect(readdirSync(work)).toEqual(['f']);
  });

  it('-U hashes every plain text password (with 101 iterations even when -I is given)', () => {
    writeFileSync(join(work, 'f'), 'p:q\n  r : s t \nlast:word');
    expect(ours(['-I', '5', '-U', 'f'])).toEqual({ status: 0, stdout: '', stderr: '' });
    const l = lines('f');
    expect(l.map((x) => x.split('$').slice(0, 3).join('$'))).toEqual(['p:$7$101', 'r:$7$101', 'last:$7$101']);
    expect(verifies(l[0], 'q')).toBe(true);
    expect(verifies(l[1], 's t')).toBe(true);
    expect(verifies(l[2], 'word')).toBe(true);
  });

  it('-H sha512 writes $6$ entries and -I sets the iterations of $7$ ones', () => {
    ours(['-c', '-H', 'sha512', '-b', 'f', 'six', 'pw6']);
    ours(['-I', '9', '-b', 'f', 'seven', 'pw7']);
    ours(['-H', 'sha512-pbkdf2', '-b', 'f', 'dflt', 'pwd']);
    const l = lines('f');
    expect(l[0]).toMatch(/^six:\$6\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(l[1]).toMatch(/^seven:\$7\$9\$/);
    expect(l[2]).toMatch(/^dflt:\$7\$101\$/);
    expect(verifies(l[0], 'pw6')).toBe(true);
    expect(verifies(l[1], 'pw7')).toBe(true);
    expect(verifies(l[2], 'pwd')).toBe(true);
  });

  it('reads the password twice from stdin when not in batch mode', () => {
    expect(ours(['-c', 'f', 'u'], 'typed pw\ntyped pw\n')).toEqual({
      status: 0, stdout: 'Password: \nReenter password: \n', stderr: '',
    });
    expect(verifies(lines('f')[0], 'typed pw')).toBe(true);
    expect(ours(['f', 'v'], 'other\r\nother\n').status).toBe(0);
    expect(verifies(lines('f')[1], 'other')).toBe(true);
  });

  it('on a corrupt line while adding a user, reports it, drops the rest and still appends (as the C does)', () => {
    const text = 'a:b\nbroken\nc:d\n';
    writeFileSync(join(work, 'f'), text);
    const expected = real(['-b', 'f', 'x', 'y']);
    const real_lines = lines('f');
    writeFileSync(join(work, 'f'), text);
    const got = ours(['-b', 'f', 'x', 'y']);
    expect(got).toEqual(expected);
    expect(got).toEqual({ status: 0, stdout: '', stderr: 'Error: Corrupt password file at line 2.\n' });
    const l = lines('f');
    expect(l.map((x) => x.split(':')[0])).toEqual(real_lines.map((x) => x.split(':')[0]));
    expect(l.map((x) => x.split(':')[0])).toEqual(['a', 'x']);
    expect(verifies(l[1], 'y')).toBe(true);
  });

  it('leaves the file unchanged and removes its backup when the update fails', () => {
    ours(['-c', '-b', 'f', 'u', 'p']);
    const before = file('f');
    expect(ours(['f', 'v'], 'a\nb\n').status).toBe(2);
    expect(ours(['-D', 'f', 'nobody']).status).toBe(1);
    expect(file('f')).toBe(before);
    expect(readdirSync(work)).toEqual(['f']);
  });

  it('works on files of the real tool, and the real tool on ours', () => {
    expect(real(['-c', '-b', 'f', 'r1', 'one']).status).toBe(0);
    expect(ours(['-b', 'f', 'o1', 'two']).status).toBe(0);
    expect(real(['-b', 'f', 'r2', 'three']).status).toBe(0);
    expect(ours(['-D', 'f', 'r1']).status).toBe(0);
    expect(real(['-D', 'f', 'o1']).status).toBe(0);
    const l = lines('f');
    expect(l.map((x) => x.split(':')[0])).toEqual(['r2']);
    expect(verifies(l[0], 'three')).toBe(true);
  });
});

describe('mosquitto_passwd: entries accepted by the real broker', () => {
  let broker: ChildProcess | null = null;

  afterAll(() => {
    broker?.kill('SIGTERM');
  });

  /** Resolves once something accepts TCP connections on the port. */
  async function wait_for_port(port: number): Promise<void> {
    for(let i = 0; i < 100; i++){
      const ok = await new Promise<boolean>((resolve) => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => { s.destroy(); resolve(true); });
        s.once('error', () => resolve(false));
      });
      if(ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`broker did not listen on ${port}`);
  }

  it('lets users in with the right password only', async () => {
    const port = 2100 + Math.floor(Math.random() * 100);
    ours(['-c', '-b', 'pwfile', 'user', 'pass']);
    ours(['-H', 'sha512', '-b', 'pwfile', 'old', 'oldpass']);
    ours(['-I', '3', '-b', 'pwfile', 'few', 'fewpass']);
    writeFileSync(join(work, 'mosquitto.conf'), [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${join(work, 'pwfile')}`,
      'user root',
      '',
    ].join('\n'));
    broker = spawn(BROKER, ['-c', join(work, 'mosquitto.conf')], { stdio: 'ignore' });
    await wait_for_port(port);

    const pub = (u: string, p: string): number | null =>
      spawnSync(PUB, ['-p', String(port), '-u', u, '-P', p, '-t', 't', '-m', 'x'], { timeout: 10000 }).status;
    expect(pub('user', 'pass')).toBe(0);
    expect(pub('old', 'oldpass')).toBe(0);
    expect(pub('few', 'fewpass')).toBe(0);
    expect(pub('user', 'wrong')).not.toBe(0);
    expect(pub('old', 'pass')).not.toBe(0);
    expect(pub('nobody', 'pass')).not.toBe(0);
  }, 30000);
});
