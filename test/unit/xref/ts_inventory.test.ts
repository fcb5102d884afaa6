/* The TS inventory: declarations of every kind, doc summaries and tags, calls, conf options, $SYS. */
import { describe, expect, it } from 'vitest';
import { parsers } from '../../../src/xref/parsers.js';
import { inventoryTsFile, parseDoc } from '../../../src/xref/ts_inventory.js';

const SRC = `/**
 * A module comment.
 * @module
 */
import { x } from './x.js';

/**
 * Adds a subscription.
 * Second line of the summary.
 *
 * More text.
 * @c src/subs.c sub__add
 * @adapted returns an object instead of
 *   writing through an out-parameter
 */
export function sub__add(a: number): number {
  return helper(a) + x.y.packet__read(a) + new Map().size;
}

/** @tsonly Node has no strftime */
function helper(a: number): number { return a; }

export const arrow = (a: string): string => helper2(a);
const notExported = () => 1;

export interface mosquitto__subhier { a: number }
export type T = number;

export class K {
  /** A method. */
  run(): void { this.go(); }
}

function config(token: string) {
  if (token === 'acl_file') return 1;
  else if (token === 'allow_anonymous' || other === 'x') return 2;
  return \`$SYS/broker/connection/\${token}/state\` + '$SYS/broker/uptime';
}
`;

describe('inventoryTsFile', () => {
  it('lists functions, arrows, methods, classes, interfaces and types', async () => {
    const { ts } = await parsers();
    const inv = inventoryTsFile(ts, 'src/broker/conf.ts', SRC);
    expect(inv.parseErrors).toEqual([]);
    expect(inv.functions.map((f) => [f.name, f.kind, f.exported, f.owner, f.line])).toEqual([
      ['sub__add', 'function', true, null, 16],
      ['helper', 'function', false, null, 21],
      ['arrow', 'arrow', true, null, 23],
      ['mosquitto__subhier', 'interface', true, null, 26],
      ['T', 'type', true, null, 27],
      ['K', 'class', true, null, 29],
      ['run', 'method', false, 'K', 31],
      ['config', 'function', false, null, 34],
    ]);
  });

  it('reads the doc summary, tags and calls', async () => {
    const { ts } = await parsers();
    const [add, helper, arrow] = inventoryTsFile(ts, 'src/broker/conf.ts', SRC).functions;
    expect(add.summary).toBe('Adds a subscription. Second line of the summary.');
    expect(add.tags).toEqual({
      c: { path: 'src/subs.c', name: 'sub__add' },
      adapted: 'returns an object instead of writing through an out-parameter',
      tsonly: null,
    });
    expect(add.calls).toEqual(['helper', '.packet__read', 'Map']);
    expect([add.start, add.end]).toEqual([16, 18]);
    expect(add.signature).toBe('function sub__add(a: number): number');
    expect(helper.tags.tsonly).toBe('Node has no strftime');
    expect(helper.summary).toBeNull();
    expect(arrow.calls).toEqual(['helper2']);
  });

  it('collects config option names and $SYS topics', async () => {
    const { ts } = await parsers();
    const inv = inventoryTsFile(ts, 'src/broker/conf.ts', SRC);
    expect(inv.configOptions).toEqual(['acl_file', 'allow_anonymous']);
    expect(inv.sysTopics.map((s) => s.value)).toEqual(['$SYS/broker/connection/%s/state', '$SYS/broker/uptime']);
  });
});

describe('parseDoc', () => {
  it('handles no comment and a comment with only tags', () => {
    expect(parseDoc(null)).toEqual({ summary: null, tags: { c: null, adapted: null, tsonly: null } });
    expect(parseDoc('/** @c lib/x.c y */').tags.c).toEqual({ path: 'lib/x.c', name: 'y' });
  });
});
