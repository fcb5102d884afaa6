/* Pairing rules (tag, mirror, unique elsewhere, @tsonly), C statuses, omissions, fidelity verdicts. */
import { describe, expect, it } from 'vitest';
import { fidelity } from '../../../src/xref/fidelity.js';
import { match, mirroredCFiles } from '../../../src/xref/match.js';
import { parseOmissions } from '../../../src/xref/omissions.js';
import type { CDefine, CFunction, CLogFormat, TsFunction } from '../../../src/xref/types.js';

let line = 1;
function cfn(file: string, name: string, calls: string[] = [], condition: string | null = null): CFunction {
  const l = (line += 10);
  return { file, name, line: l, start: l, end: l + 5, signature: '', comment: null, calls, static: false, condition };
}
function tsfn(file: string, name: string, calls: string[] = [], tags: Partial<TsFunction['tags']> = {}): TsFunction {
  const l = (line += 10);
  return {
    file, name, kind: 'function', owner: null, line: l, start: l, end: l + 3, exported: true, signature: '', summary: null,
    tags: { c: null, adapted: null, tsonly: null, ...tags }, calls,
  };
}

describe('mirroredCFiles', () => {
  it('maps each port folder to its C folder', () => {
    expect(mirroredCFiles('src/broker/subs.ts')).toEqual(['src/subs.c', 'src/subs.h']);
    expect(mirroredCFiles('src/lib/packet_mosq.ts')).toEqual(['lib/packet_mosq.c', 'lib/packet_mosq.h']);
    expect(mirroredCFiles('src/apps/mosquitto_passwd/get_password.ts')[0]).toBe('apps/mosquitto_passwd/get_password.c');
    expect(mirroredCFiles('src/deps/utlist.ts')[1]).toBe('deps/utlist.h');
    expect(mirroredCFiles('src/xref/cli.ts')).toEqual([]);
  });
});

describe('match', () => {
  const c = [
    cfn('src/subs.c', 'sub__add'),
    cfn('src/subs.c', 'sub__remove'),
    cfn('src/conf.c', 'print_usage'),
    cfn('client/pub_client.c', 'print_usage'),
    cfn('lib/mosquitto.c', 'mosquitto_sub_topic_tokenise'),
    cfn('src/net.c', 'net__bind_interface'),
    cfn('src/net.c', 'net__socket_listen'),
    cfn('src/mosquitto.c', 'main'),
    cfn('src/mosquitto.c', 'main', [], '#ifdef WIN32'),
    cfn('lib/util_mosq.c', 'mosquitto__hex2bin'),
  ];
  const macros: CDefine[] = [{ file: 'deps/utlist.h', name: 'DL_APPEND', line: 1, params: ['head', 'add'], value: '' }];
  const ts = [
    tsfn('src/broker/subs.ts', 'sub__add'),
    tsfn('src/lib/util_topic.ts', 'mosquitto_sub_topic_tokenise', [], { c: { path: 'lib/mosquitto.c', name: 'mosquitto_sub_topic_tokenise' } }),
    tsfn('src/deps/utlist.ts', 'DL_APPEND', [], { c: { path: 'deps/utlist.h', name: 'DL_APPEND' } }),
    tsfn('src/broker/x.ts', 'gone', [], { c: { path: 'src/subs.c', name: 'sub__gone' } }),
    tsfn('src/broker/mosquitto.ts', 'main'),
    tsfn('src/broker/conf.ts', 'print_usage'),
    tsfn('src/broker/other.ts', 'print_usage'),
    tsfn('src/broker/misc.ts', 'mosquitto__hex2bin'),
    tsfn('src/broker/conf.ts', 'atoi', [], { tsonly: "libc's atoi" }),
    tsfn('src/broker/conf.ts', 'helper'),
  ];
  const om = parseOmissions(JSON.stringify({
    $comment: 'x',
    'src/net.c': { net__bind_interface: 'no SO_BINDTODEVICE', net__socket_listen: 'stale: it is missing, not ported' },
    'src/subs.c': { sub__add: 'stale: ported', sub__nope: 'no such function' },
  }));
  const m = match(c, macros, ts, om);
  const byName = (n: string, f?: string) => m.ts.find((p) => p.ts.name === n && (!f || p.ts.file === f));

  it('pairs by tag, by mirror, then by a unique name elsewhere', () => {
    expect(byName('sub__add')).toMatchObject({ status: 'paired', via: 'mirror', cFile: 'src/subs.c' });
    expect(byName('mosquitto_sub_topic_tokenise')).toMatchObject({ status: 'paired', via: 'tag', cFile: 'lib/mosquitto.c' });
    expect(byName('mosquitto__hex2bin')).toMatchObject({ status: 'paired', via: 'unique', cFile: 'lib/util_mosq.c' });
    expect(byName('print_usage', 'src/broker/conf.ts')).toMatchObject({ status: 'paired', via: 'mirror', cFile: 'src/conf.c' });
  });

  it('does not guess between several C files of the same name', () => {
    expect(byName('print_usage', 'src/broker/other.ts')).toMatchObject({ status: 'unpaired', cFile: null });
  });

  it('tells tags on macros, broken tags, TS-only and unpaired functions apart', () => {
    expect(byName('DL_APPEND')?.status).toBe('macro');
    expect(byName('gone')).toMatchObject({ status: 'bad-tag', cName: 'sub__gone' });
    expect(byName('atoi')?.status).toBe('tsonly');
    expect(byName('helper')?.status).toBe('unpaired');
  });

  it('gives each C function a status; a port covers every variant of its name', () => {
    const st = (n: string) => m.c.filter((s) => s.fn.name === n).map((s) => s.status);
    expect(st('sub__add')).toEqual(['ported']);
    expect(st('sub__remove')).toEqual(['missing']);
    expect(st('main')).toEqual(['ported', 'ported']);
    expect(st('net__bind_interface')).toEqual(['omitted']);
    expect(m.c.find((s) => s.fn.name === 'net__bind_interface')?.reason).toBe('no SO_BINDTODEVICE');
    expect(st('print_usage')).toEqual(['ported', 'missing']);
  });

  it('reports omissions that name a ported or unknown function', () => {
    expect(m.staleOmissions).toEqual([
      { file: 'src/subs.c', name: 'sub__add', why: 'ported' },
      { file: 'src/subs.c', name: 'sub__nope', why: 'no such function' },
    ]);
  });
});

describe('parseOmissions', () => {
  it('needs a reason for every entry', () => {
    expect(() => parseOmissions('{"src/a.c": {"f": ""}}')).toThrow(/needs a reason/);
  });
});

describe('fidelity', () => {
  const c = [
    cfn('src/a.c', 'f', ['g', 'h', 'mosquitto_property_free_all', 'strlen', 'unported']),
    cfn('src/a.c', 'g'),
    cfn('src/a.c', 'h'),
    cfn('src/a.c', 'k'),
    cfn('src/a.c', 'unported'),
    cfn('lib/p.c', 'mosquitto_property_free_all'),
    cfn('src/a.c', 'oom', ['log__printf', 'g']),
    cfn('src/l.c', 'log__printf'),
    cfn('src/a.c', 'w', ['g', 'h', 'k']),
  ];
  const logs: CLogFormat[] = [{ file: 'src/a.c', line: c[6].start + 1, function: 'oom', level: 'MOSQ_LOG_ERR', format: 'Error: Out of memory.' }];
  const port = (name: string, calls: string[], adapted: string | null = null) => tsfn(`src/broker/${name === 'log__printf' ? 'l' : name === 'mosquitto_property_free_all' ? 'x' : 'a'}.ts`, name, calls, { adapted });
  const run = (ts: TsFunction[]) => {
    const all = [...ts, port('g', []), port('h', []), port('k', []), port('mosquitto_property_free_all', []), port('log__printf', [])];
    const m = match(c, [], all, new Map());
    return fidelity(m, logs);
  };
  const verdictOf = (ts: TsFunction) => run([ts]).find((x) => x.ts === ts);

  it('is same when the mapped calls agree; frees and unported callees do not count', () => {
    const f = verdictOf(port('f', ['g', 'h', 'Map', '.push']));
    expect(f).toMatchObject({ verdict: 'same', shared: ['g', 'h'], onlyC: [], onlyTs: [], unportedCallees: ['unported'], runtime: ['mosquitto_property_free_all'] });
  });

  it('does not count an out-of-memory-only log call', () => {
    expect(verdictOf(port('oom', ['g']))).toMatchObject({ verdict: 'same', runtime: ['log__printf'] });
  });

  it('flags a divergence without @adapted', () => {
    expect(verdictOf(port('f', ['g']))).toMatchObject({ verdict: 'flagged', onlyC: ['h'] });
    expect(verdictOf(port('f', ['g', 'h', '.k']))).toMatchObject({ verdict: 'flagged', onlyTs: ['k'] });
  });

  it('accepts a small divergence, or one the note names, with @adapted', () => {
    expect(verdictOf(port('f', ['g'], 'h is inlined'))?.verdict).toBe('explained');
    expect(verdictOf(port('w', [], 'a Map replaces the hash'))?.verdict).toBe('flagged');
    expect(verdictOf(port('w', [], 'g, h and k are one Map call'))?.verdict).toBe('explained');
    expect(verdictOf(port('w', ['g'], 'a Map replaces the hash'))?.verdict).toBe('explained');
  });
});
