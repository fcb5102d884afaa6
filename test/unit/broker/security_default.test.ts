/**
 * The built-in password, ACL and PSK files (security_default.ts) through the security front end
 * (security.ts): files parsed as mosquitto parses them, the decisions mosquitto makes, and the
 * errors it logs for bad files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  MOSQ_ERR_ACL_DENIED,
  MOSQ_ERR_AUTH,
  MOSQ_ERR_INVAL,
  MOSQ_ERR_PLUGIN_DEFER,
  MOSQ_ERR_SUCCESS,
  MOSQ_ERR_UNKNOWN,
} from '../../../src/include/mosquitto.js';
import {
  MOSQ_ACL_READ,
  MOSQ_ACL_SUBSCRIBE,
  MOSQ_ACL_UNSUBSCRIBE,
  MOSQ_ACL_WRITE,
} from '../../../src/include/mosquitto_plugin.js';
import { db } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto__security_options } from '../../../src/broker/mosquitto_broker_internal.js';
import type { mosquitto } from '../../../src/lib/mosquitto_internal.js';
import { mosq_cs_disconnecting } from '../../../src/lib/mosquitto_internal.js';
import { make_context, make_listener, reset_db } from '../helpers/context.js';

/* Log lines, kept to compare with mosquitto's messages. */
const logged: string[] = [];
vi.mock('../../../src/broker/logging.js', () => ({
  log__enabled: () => true,
  log__printf: (_mosq: unknown, _priority: number, msg: string) => { logged.push(msg); return 0; },
}));

/* Clients the reload check throws out. */
const disconnected: { id: string | null; reason: number }[] = [];
vi.mock('../../../src/broker/loop.js', () => ({
  do_disconnect: (context: mosquitto, reason: number) => { disconnected.push({ id: context.id, reason }); },
}));

/* util_mosq.ts's other functions reach the socket layer, which these tests never touch. */
vi.mock('../../../src/lib/send_mosq.js', () => ({ send__pingreq: () => 0 }));
vi.mock('../../../src/lib/net_mosq.js', () => ({ net__socket_close: () => 0 }));

const {
  acl__find_acls,
  mosquitto_psk_key_get_default,
  mosquitto_security_apply_default,
} = await import('../../../src/broker/security_default.js');
const {
  mosquitto_acl_check,
  mosquitto_security_cleanup,
  mosquitto_security_init,
  mosquitto_unpwd_check,
} = await import('../../../src/broker/security.js');

const REAL_PASSWD = '/usr/bin/mosquitto_passwd';
const dir = mkdtempSync(join(tmpdir(), 'secdef-'));
let file_no = 0;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` to a fresh file in the test directory and returns its path. */
function write_file(text: string): string {
  const path = join(dir, `f${file_no++}`);
  writeFileSync(path, text);
  return path;
}

/** Empty security options with every callback list empty (as conf.ts makes them). */
function security_options(overrides: Partial<mosquitto__security_options> = {}): mosquitto__security_options {
  return {
    unpwd: null,
    psk_id: null,
    acl_list: null,
    acl_patterns: null,
    password_file: null,
    psk_file: null,
    acl_file: null,
    auth_plugin_configs: [],
    allow_anonymous: -1,
    allow_zero_length_clientid: true,
    auto_id_prefix: null,
    auto_id_prefix_len: 0,
    plugin_callbacks: {
      tick: null, acl_check: null, basic_auth: null, control: null, disconnect: null,
      ext_auth_continue: null, ext_auth_start: null, message: null, psk_key: null, reload: null,
    },
    pid: null,
    ...overrides,
  };
}

/** A broker with global security options; returns the init result. */
function start(opts: Partial<mosquitto__security_options>): number {
  reset_db();
  db.config!.security_options = security_options(opts);
  logged.length = 0;
  disconnected.length = 0;
  return mosquitto_security_init(false);
}

/** A connected client with its ACL list looked up, as CONNECT leaves it (an empty password is
 * kept as none, as handle__connect does). */
function client(id: string, username: string | null = null, password: string | null = null): mosquitto {
  const ctx = make_context(id, { username, password: password ? Buffer.from(password) : null });
  ctx.listener!.security_options = security_options();
  acl__find_acls(ctx);
  return ctx;
}

/** A password file made by the real mosquitto_passwd (`-H sha512` for $6$, else $7$). */
function real_pwfile(users: [string, string][], hash: 'sha512' | 'sha512-pbkdf2'): string {
  const path = join(dir, `pw${file_no++}`);
  writeFileSync(path, '');
  for (const [user, pass] of users) {
    execFileSync(REAL_PASSWD, ['-H', hash, '-b', path, user, pass]);
  }
  return path;
}

/** mosquitto_acl_check for a QoS 0 message without payload. */
function acl(ctx: mosquitto, topic: string, access: number): number {
  return mosquitto_acl_check(ctx, topic, 0, null, 0, false, access);
}

describe('ACL file', () => {
  it('gives anonymous lines (before any user line) to clients without a username', () => {
    const acl_file = write_file('# anonymous\ntopic read anon/#\n\nuser alice\ntopic alice/#\n');
    expect(start({ acl_file })).toBe(MOSQ_ERR_SUCCESS);

    const anon = client('c1');
    expect(acl(anon, 'anon/x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(anon, 'anon/x', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(acl(anon, 'alice/x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);

    const alice = client('c2', 'alice');
    /* `topic <filter>` without an access type is readwrite. */
    expect(acl(alice, 'alice/a/b', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(alice, 'alice/a/b', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(alice, 'anon/x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);

    /* A user not named in the file has no lines at all. */
    expect(acl(client('c3', 'bob'), 'alice/x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
  });

  it('checks read, write and readwrite separately', () => {
    const acl_file = write_file('user u\ntopic read r/#\ntopic write w/#\ntopic readwrite rw/#\n');
    start({ acl_file });
    const u = client('c', 'u');
    expect(acl(u, 'r/1', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(u, 'r/1', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(acl(u, 'w/1', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(acl(u, 'w/1', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(u, 'rw/1', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(u, 'rw/1', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_SUCCESS);
  });

  it('checks deny lines first, wherever they are in the file', () => {
    const acl_file = write_file('user u\ntopic readwrite a/#\ntopic deny a/secret\n');
    start({ acl_file });
    const u = client('c', 'u');
    expect(acl(u, 'a/public', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(u, 'a/secret', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(acl(u, 'a/secret', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
  });

  it('fills %c and %u into patterns, for every client', () => {
    const acl_file = write_file('pattern read in/%c/#\npattern write out/%u/%c\npattern readwrite both/%u\n');
    start({ acl_file });
    expect(logged).toEqual([]);

    const named = client('dev1', 'alice');
    expect(acl(named, 'in/dev1/x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(named, 'in/dev2/x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(acl(named, 'in/dev1/x', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(acl(named, 'out/alice/dev1', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(named, 'out/bob/dev1', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(acl(named, 'both/alice', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);

    /* Without a username the %u patterns are skipped, %c ones still apply. */
    const anon = client('dev3');
    expect(acl(anon, 'in/dev3/y', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(anon, 'both/', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
  });

  it('refuses pattern access to a client whose id or username holds + or #', () => {
    const acl_file = write_file('pattern readwrite p/%c\n');
    start({ acl_file });
    expect(acl(client('a+b'), 'p/a+b', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(logged).toContain('ACL denying access to client with dangerous client id "a+b"');
    expect(acl(client('ok', 'x#'), 'p/ok', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(logged).toContain('ACL denying access to client with dangerous username "x#"');
    expect(acl(client('ok'), 'p/ok', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_SUCCESS);
  });

  it('warns about a pattern without %c or %u, and applies it anyway', () => {
    const acl_file = write_file('pattern read fixed/topic\n');
    start({ acl_file });
    expect(logged).toEqual(["Warning: ACL pattern 'fixed/topic' does not contain '%c' or '%u'."]);
    expect(acl(client('c'), 'fixed/topic', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
  });

  it('applies the $SYS and $share rules before the file, and needs a $ line for a $ topic', () => {
    const acl_file = write_file('topic readwrite #\ntopic read $SYS/broker/#\n');
    start({ acl_file });
    const c = client('c');
    /* # does not reach $ topics; the explicit $SYS line does. */
    expect(acl(c, '$SYS/broker/uptime', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(c, '$SYS/other', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    /* $SYS is never writable, except a bridge's connection state. */
    expect(acl(c, '$SYS/broker/uptime', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(acl(c, '$SYS/broker/connection/b1/state', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
    /* $share topics can be (un)subscribed, never read or written. */
    expect(acl(c, '$share/g/t', MOSQ_ACL_SUBSCRIBE)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(c, '$share/g/t', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
  });

  it('does not check subscribe and unsubscribe against the file', () => {
    const acl_file = write_file('user u\ntopic read only/this\n');
    start({ acl_file });
    const u = client('c', 'u');
    expect(acl(u, 'anything/#', MOSQ_ACL_SUBSCRIBE)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(u, 'anything/#', MOSQ_ACL_UNSUBSCRIBE)).toBe(MOSQ_ERR_SUCCESS);
  });

  it('allows everything when no ACL file or plugin is configured, but not to a client without id', () => {
    start({});
    expect(acl(client('c'), 'x', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(client('c'), '$SYS/x', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_ACL_DENIED);
    const noid = client('c');
    noid.id = null;
    expect(acl(noid, 'x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
  });

  it('denies everything with an empty ACL file', () => {
    start({ acl_file: write_file('') });
    expect(acl(client('c'), 'x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
  });

  it('takes the topic up to the end of the line, spaces included, and trims it', () => {
    const acl_file = write_file('user u\ntopic read  a b/c   \n');
    start({ acl_file });
    expect(acl(client('c', 'u'), 'a b/c', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
  });

  it('reads `topic read` as readwrite access to the topic "read"', () => {
    start({ acl_file: write_file('topic read\n') });
    expect(acl(client('c'), 'read', MOSQ_ACL_WRITE)).toBe(MOSQ_ERR_SUCCESS);
  });

  const bad_files: [string, string, string][] = [
    ['topic\n', 'Error: Empty topic in acl_file "%s".', 'empty topic'],
    ['topic maybe a/b\n', 'Error: Invalid topic access type "maybe" in acl_file "%s".', 'bad access'],
    ['topic read a/#/b\n', 'Error: Invalid ACL topic "a/#/b" in acl_file "%s".', 'bad topic'],
    ['user\n', 'Error: Missing username in acl_file "%s".', 'user without name'],
    ['user   \n', 'Error: Missing username in acl_file "%s".', 'user with blanks only'],
    ['wrong line here\n', 'Error: Invalid line in acl_file "%s": wrong.', 'unknown keyword'],
    ['topic\tread\tx\n', 'Error: Invalid line in acl_file "%s": topic\tread\tx.', 'tabs are not separators'],
    ['  # indented comment\n', 'Error: Invalid line in acl_file "%s":   #.', 'indented comment'],
  ];
  for (const [text, message, what] of bad_files) {
    it(`refuses a bad file: ${what}`, () => {
      const acl_file = write_file(`topic read ok\n${text}`);
      expect(start({ acl_file })).toBe(MOSQ_ERR_INVAL);
      expect(logged).toEqual([message.replace('%s', acl_file), `Error opening acl file "${acl_file}".`]);
    });
  }

  it('refuses a missing file', () => {
    const acl_file = join(dir, 'no-such-acl');
    expect(start({ acl_file })).toBe(MOSQ_ERR_UNKNOWN);
    expect(logged).toEqual([`Error: Unable to open acl_file "${acl_file}".`, `Error opening acl file "${acl_file}".`]);
  });
});

describe('password file', () => {
  for (const hash of ['sha512', 'sha512-pbkdf2'] as const) {
    it(`logs in users of a ${hash} file made by mosquitto_passwd`, () => {
      const password_file = real_pwfile([['alice', 'secret'], ['bob', 'pa:ss word']], hash);
      expect(start({ password_file, allow_anonymous: 0 })).toBe(MOSQ_ERR_SUCCESS);
      expect(logged).toEqual([]);
      expect(mosquitto_unpwd_check(client('c', 'alice', 'secret'))).toBe(MOSQ_ERR_SUCCESS);
      expect(mosquitto_unpwd_check(client('c', 'bob', 'pa:ss word'))).toBe(MOSQ_ERR_SUCCESS);
      expect(mosquitto_unpwd_check(client('c', 'alice', 'wrong'))).toBe(MOSQ_ERR_AUTH);
      expect(mosquitto_unpwd_check(client('c', 'alice'))).toBe(MOSQ_ERR_AUTH);
      expect(mosquitto_unpwd_check(client('c', 'carol', 'secret'))).toBe(MOSQ_ERR_AUTH);
      expect(mosquitto_unpwd_check(client('c'))).toBe(MOSQ_ERR_AUTH);
    });
  }

  it('lets a client without username in only when anonymous access is allowed', () => {
    const password_file = real_pwfile([['alice', 'secret']], 'sha512-pbkdf2');
    start({ password_file, allow_anonymous: 1 });
    expect(mosquitto_unpwd_check(client('c'))).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_unpwd_check(client('c', 'alice', 'bad'))).toBe(MOSQ_ERR_AUTH);
  });

  it('without a password file, allow_anonymous alone decides', () => {
    start({ allow_anonymous: 0 });
    expect(mosquitto_unpwd_check(client('c', 'anyone', 'x'))).toBe(MOSQ_ERR_AUTH);
    start({ allow_anonymous: -1 });
    expect(mosquitto_unpwd_check(client('c', 'anyone', 'x'))).toBe(MOSQ_ERR_SUCCESS);
  });

  /* The lines of mosquitto's test/broker/09-pwfile-parse-invalid.py: a bad line never stops the
   * broker and never lets anyone in; user test/test keeps working. */
  const GOOD = 'test:$6$njERlZMi/7DzNB9E$iiavfuXvUm8iyDZArTy7smTxh07GXXOrOsqxfW6gkOYVXHGk+W+i/8d3xDxrMwEPygEBhoA8A/gjQC0N2M4Lkw==\n'
    + 'empty:$6$o+53eGXtmlfHeYrg$FY7X9DNQ4uU1j0NiPmGOOSU05ZSzhqNmNhXIof/0nLpVb1zDhcRHdaC72E3YryH7dtTiG/r6jH6C8J+30cZBgA==\n';
  const HASH = 'iiavfuXvUm8iyDZArTy7smTxh07GXXOrOsqxfW6gkOYVXHGk+W+i/8d3xDxrMwEPygEBhoA8A/gjQC0N2M4Lkw==';
  const invalid: [string | null, string | null, string[]][] = [
    [null, null, []],
    ['', null, []],
    [null, '', []],
    ['#comment', '#comment', []],
    ['bad:', null, ['Error: Invalid password hash for user bad, removing entry.']],
    ['bad:bad', null, ['Error: Invalid password hash type for user bad, removing entry.']],
    ['bad:$', null, ['Error: Invalid password hash for user bad, removing entry.']],
    ['bad:$6', null, ['Error: Invalid password hash for user bad, removing entry.']],
    ['bad:$6$', null, ['Error: Invalid password hash for user bad, removing entry.']],
    ['bad:$6$njERlZMi/7DzNB9E', null, ['Error: Invalid password hash for user bad, removing entry.']],
    ['bad:$6$njERlZMi/7DzNB9E$', null, ['Error: Invalid password hash for user bad, removing entry.']],
    [`bad:$5$njERlZMi/7DzNB9E$${HASH}`, null, ['Error: Invalid password hash type for user bad, removing entry.']],
    [`:$6$njERlZMi/7DzNB9E$${HASH}`, null,
      [`Warning: Invalid line in password file '%s': :$6$njERlZMi/7DzNB9E$${HASH}`]],
    [`bad:$6$njER{ZMi/7DzNB9E$${HASH}`, null, ['Error: Unable to decode password salt for user bad, removing entry.']],
    ['bad:$6$njERlZMi/7DzNB9E$iiavfuXv{}8iyDZArTy7smTxh07GXXOrOsqxfW6gkOYVXHGk+W+i/8d3xDxrMwEPygEBhoA8A/gjQC0N2M4Lkw==', null,
      ['Error: Unable to decode password for user bad, removing entry.']],
    ['bad:$7$0$njERlZMi/7DzNB9E$x', null, ['Error: Invalid hash iterations for user bad, removing entry.']],
    ['bad:$7$', null, ['Error: Invalid password hash for user bad, removing entry.']],
  ];
  for (const [first, last, messages] of invalid) {
    it(`copes with first line ${JSON.stringify(first)} and last line ${JSON.stringify(last)}`, () => {
      const password_file = write_file((first !== null ? `${first}\n` : '') + GOOD + (last !== null ? `${last}\n` : ''));
      expect(start({ password_file, allow_anonymous: 0 })).toBe(MOSQ_ERR_SUCCESS);
      expect(logged).toEqual(messages.map((m) => m.replace('%s', password_file)));
      expect(mosquitto_unpwd_check(client('c', 'test', 'test'))).toBe(MOSQ_ERR_SUCCESS);
      for (const [u, p] of [['test', 'bad'], ['test', ''], ['test', null], ['empty', 'test'], ['empty', ''],
        ['bad', 'bad'], ['bad', 'test'], ['', 'test'], [null, 'test'], [null, null]]) {
        expect(mosquitto_unpwd_check(client('c', u, p))).toBe(MOSQ_ERR_AUTH);
      }
    });
  }

  it('warns about a last line with a name but no colon-separated password', () => {
    const password_file = write_file(`${GOOD}nopass:`);
    start({ password_file });
    expect(logged).toEqual([`Warning: Invalid line in password file '${password_file}': nopass`]);
  });

  it('removes an entry whose hash does not decode, so it cannot log in', () => {
    const password_file = write_file('nohash:\n');
    start({ password_file, allow_anonymous: 0 });
    expect(logged).toEqual(['Error: Invalid password hash for user nohash, removing entry.']);
    expect(mosquitto_unpwd_check(client('c', 'nohash', ''))).toBe(MOSQ_ERR_AUTH);
  });

  it('refuses a missing file', () => {
    const password_file = join(dir, 'no-such-pwfile');
    expect(start({ password_file })).toBe(MOSQ_ERR_UNKNOWN);
    expect(logged).toEqual([`Error: Unable to open pwfile "${password_file}".`,
      `Error opening password file "${password_file}".`]);
  });
});

describe('per_listener_settings', () => {
  it('uses each listener\'s own files and nothing global', () => {
    reset_db();
    db.config!.per_listener_settings = true;
    const l1 = make_listener({ port: 1 });
    const l2 = make_listener({ port: 2 });
    l1.security_options = security_options({ acl_file: write_file('topic read l1/#\n'), allow_anonymous: 1 });
    l2.security_options = security_options({ allow_anonymous: 0 });
    db.config!.listeners = [l1, l2];
    db.config!.listener_count = 2;
    db.config!.security_options = security_options({ acl_file: write_file('topic read global/#\n') });
    logged.length = 0;
    expect(mosquitto_security_init(false)).toBe(MOSQ_ERR_SUCCESS);

    const c1 = make_context('c1', { listener: l1 });
    acl__find_acls(c1);
    expect(acl(c1, 'l1/x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
    expect(acl(c1, 'global/x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(mosquitto_unpwd_check(c1)).toBe(MOSQ_ERR_SUCCESS);

    const c2 = make_context('c2', { listener: l2 });
    acl__find_acls(c2);
    /* No ACL file on this listener: everything allowed; but no anonymous logins. */
    expect(acl(c2, 'global/x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_unpwd_check(c2)).toBe(MOSQ_ERR_AUTH);

    /* A client with no listener gets nothing. */
    const lost = make_context('c3', { listener: null });
    expect(acl(lost, 'l1/x', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(acl__find_acls(lost)).toBe(MOSQ_ERR_INVAL);
  });
});

describe('reload', () => {
  it('re-applies new ACLs and drops clients that no longer pass', () => {
    const acl_file = write_file('user alice\ntopic read old/#\n');
    const password_file = real_pwfile([['alice', 'secret'], ['bob', 'pw']], 'sha512');
    start({ acl_file, password_file, allow_anonymous: 1 });
    const alice = client('a', 'alice', 'secret');
    const bob = client('b', 'bob', 'pw');
    db.contexts_by_id.set('b', bob);
    const anon = client('n');
    db.contexts_by_id.set('a', alice);
    db.contexts_by_id.set('n', anon);
    expect(acl(alice, 'old/1', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);

    writeFileSync(acl_file, 'user alice\ntopic read new/#\n');
    execFileSync(REAL_PASSWD, ['-D', password_file, 'bob']);
    db.config!.security_options.allow_anonymous = 0;
    expect(mosquitto_security_cleanup(true)).toBe(MOSQ_ERR_SUCCESS);
    expect(alice.acl_list).toBeNull();
    expect(mosquitto_security_init(true)).toBe(MOSQ_ERR_SUCCESS);
    expect(mosquitto_security_apply_default()).toBe(MOSQ_ERR_SUCCESS);

    expect(disconnected).toEqual([{ id: 'b', reason: MOSQ_ERR_AUTH }, { id: 'n', reason: MOSQ_ERR_AUTH }]);
    expect(anon.state).toBe(mosq_cs_disconnecting);
    expect(acl(alice, 'old/1', MOSQ_ACL_READ)).toBe(MOSQ_ERR_ACL_DENIED);
    expect(acl(alice, 'new/1', MOSQ_ACL_READ)).toBe(MOSQ_ERR_SUCCESS);
  });
});

describe('psk file', () => {
  it('finds the key of an identity', () => {
    start({ psk_file: write_file('id1:deadBEEF\n# c\nid2:0123\n') });
    const key = { value: '' };
    expect(mosquitto_psk_key_get_default(client('c'), 'hint', 'id2', key, 64)).toBe(MOSQ_ERR_SUCCESS);
    expect(key.value).toBe('0123');
    expect(mosquitto_psk_key_get_default(client('c'), 'hint', 'id3', key, 64)).toBe(MOSQ_ERR_AUTH);
    expect(mosquitto_psk_key_get_default(client('c'), null, 'id1', key, 64)).toBe(MOSQ_ERR_INVAL);
  });

  it('defers when there is no psk file', () => {
    start({});
    expect(mosquitto_psk_key_get_default(client('c'), 'hint', 'id', { value: '' }, 64)).toBe(MOSQ_ERR_PLUGIN_DEFER);
  });

  it('refuses a key that is not hexadecimal', () => {
    const psk_file = write_file('id1:abcg\n');
    expect(start({ psk_file })).toBe(MOSQ_ERR_INVAL);
    expect(logged).toEqual(['Error: psk for identity "id1" contains non-hexadecimal characters.',
      `Error opening psk file "${psk_file}".`]);
  });
});
