/* The mosquitto-ts-xref commands on the real trees: what each prints and its exit status. */
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/xref/cli.js';

async function run(...argv: string[]): Promise<{ status: number; text: string }> {
  const out: string[] = [];
  const status = await main(argv, (s) => out.push(s));
  return { status, text: out.join('\n') };
}

describe('mosquitto-ts-xref', () => {
  it('summary: one row per covered C file, then totals per folder', async () => {
    const { status, text } = await run('summary');
    expect(status).toBe(0);
    expect(text).toMatch(/^src\/subs\.c\s+src\/broker\/subs\.ts\s+20\s+\d+/m);
    expect(text).toMatch(/^all\s+\d+\/129 files\s+931\s/m);
    expect(text).toContain('files with a TS twin:');
  });

  it('show: C and TS side by side under their file:line', async () => {
    const { text } = await run('show', 'sub__add');
    expect(text).toMatch(/^sub__add: ported, TS src\/broker\/subs\.ts:\d+/);
    expect(text).toMatch(/C {2}src\/subs\.c:\d+\s+│ TS src\/broker\/subs\.ts:\d+/);
    expect(text).toContain('int sub__add(struct mosquitto *context');
    expect(text).toContain('export function sub__add(');
  });

  it('show: an omitted function gives its reason', async () => {
    const { text } = await run('show', 'WinMain');
    expect(text).toContain('WinMain: omitted (Windows entry point)');
    expect(text).toContain('[#ifdef WIN32]');
  });

  it('missing --module takes a C path, a port path or a stem', async () => {
    const a = await run('missing', '--module', 'lib/net_mosq.c');
    const b = await run('missing', '--module', 'src/lib/net_mosq.ts');
    expect(a.text).toBe(b.text);
    expect(a.text.split('\n').slice(0, -1).every((l) => l.startsWith('lib/net_mosq.c:'))).toBe(true);
    expect((await run('missing', '--module', 'no_such_file')).text).toBe('no C file matches no_such_file');
  });

  it('options and sys: every C name with the port side', async () => {
    const o = await run('options');
    expect(o.text).toMatch(/^acl_file\s+src\/conf\.c:\d+\s+accepted\s+tcp\s+conformance 09-acl-access-variants \(\+1\)$/m);
    expect(o.text).toMatch(/^cafile\s+src\/conf\.c:\d+\s+accepted\s+tls\s+-$/m);
    expect(o.text).toMatch(/\d+\/\d+ config options accepted by the port; \d+\/\d+ options of a plain TCP listener with a test/);
    const s = await run('sys');
    expect(s.text).toMatch(/^\$SYS\/broker\/uptime\s+src\/sys_tree\.c:\d+\s+sys_tree__update/m);
    expect(s.text).toMatch(/sys_tree\.c: \d+\/\d+ topics published by the port/);
  });

  it('model: JSON with both sides and the pairing', async () => {
    const { text } = await run('model');
    const m = JSON.parse(text) as { version: number; c: { file: string; functions: { name: string; status: string }[] }[] };
    expect(m.version).toBe(1);
    const subs = m.c.find((f) => f.file === 'src/subs.c');
    expect(subs?.functions.find((f) => f.name === 'sub__add')?.status).toBe('ported');
  });

  it('usage errors exit 2', async () => {
    expect((await run()).status).toBe(2);
    expect((await run('frobnicate')).status).toBe(2);
    expect((await run('show')).status).toBe(2);
  });
});
