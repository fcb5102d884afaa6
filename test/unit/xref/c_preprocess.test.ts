/*
 * Preprocessing for tree-sitter-c: conditional arms resolved with every line kept in place, loop
 * macros turned into for headers of the same length, and the C inventory finding functions that
 * plain tree-sitter-c loses (an if/else split by #ifdef, HASH_ITER blocks, WIN32-only arms).
 */
import { describe, expect, it } from 'vitest';
import { inventoryCFile } from '../../../src/xref/c_inventory.js';
import { configChoice, renderChoice, rewriteLoopMacros, scanConditionals } from '../../../src/xref/c_preprocess.js';
import { parsers } from '../../../src/xref/parsers.js';
import { kids } from '../../../src/xref/syntax.js';

const SPLIT_IF = `#include "x.h"

int first(struct mosquitto *mosq)
{
#ifdef WITH_BROKER
	if(mosq->state == 1){
#else
	if(mosq->state == 2 || mosq->other){
#endif
		do_a(mosq);
	}
	HASH_ITER(hh, db.contexts_by_id, ctxt, ctxt_tmp){
		do_b(ctxt);
	}
	DL_FOREACH_SAFE(head, el, tmp){
		do_c(el);
	}
	return 0;
}

#ifdef WIN32
int WINAPI WinMain(int a)
{
	return a;
}
#else
static int
second(void)
{
	return first(NULL);
}
#endif

#if 0
int never(void){ return 0; }
#endif
`;

describe('scanConditionals / renderChoice', () => {
  const cs = scanConditionals(SPLIT_IF);
  const macros = new Map([['WITH_BROKER', 1]]);
  const text = renderChoice(cs, configChoice(cs, macros));

  it('keeps every line where it was', () => {
    expect(text.split('\n').length).toBe(SPLIT_IF.split('\n').length);
    const lines = text.split('\n');
    expect(lines[5]).toContain('mosq->state == 1');
    expect(lines[7]).toBe('');
    expect(lines[4]).toBe('');
  });

  it('takes the configured arm and drops the others', () => {
    expect(text).not.toContain('mosq->other');
    expect(text).not.toContain('WinMain');
    expect(text).toContain('second(void)');
    expect(text).not.toContain('never');
  });

  it('finds the arms and their lines', () => {
    expect(cs.groups.length).toBe(3);
    expect(cs.groups[1].branches.map((b) => [b.kind, b.expr, b.bodyStart, b.bodyEnd])).toEqual([
      ['ifdef', 'WIN32', 21, 25],
      ['else', '', 26, 31],
    ]);
  });
});

describe('rewriteLoopMacros', () => {
  it('turns a loop macro into a for header of the same length', () => {
    const src = '\tHASH_ITER(hh, a, b, c){\n\tcJSON_ArrayForEach(j, arr){';
    const out = rewriteLoopMacros(src);
    expect(out).toBe('\tfor    (hh, a, b, c;;){\n\tfor             (j, arr;;){');
    expect(out.length).toBe(src.length);
  });
  it('keeps newlines inside the arguments', () => {
    const src = 'DL_FOREACH(a,\n  b)';
    expect(rewriteLoopMacros(src).split('\n').length).toBe(2);
  });
});

describe('inventoryCFile', () => {
  it('finds every function, with the dropped WIN32 arm read on its own', async () => {
    const { c } = await parsers();
    const inv = inventoryCFile(c, 'src/x.c', SPLIT_IF);
    expect(inv.parseErrors).toEqual([]);
    expect(inv.functions.map((f) => [f.name, f.line, f.static, f.condition])).toEqual([
      ['first', 3, false, null],
      ['WinMain', 22, false, '#ifdef WIN32'],
      ['second', 28, true, null],
    ]);
    const first = inv.functions[0];
    expect(first.calls).toEqual(['do_a', 'do_b', 'do_c']);
    expect([first.start, first.end]).toEqual([3, 19]);
    expect(inv.functions[1].signature).toBe('int WINAPI WinMain(int a)');
  });

  it('is needed: plain tree-sitter-c loses the function with the split if', async () => {
    const { c } = await parsers();
    const tree = c.parse(SPLIT_IF);
    if (!tree) throw new Error('no tree');
    const names = kids(tree.rootNode)
      .filter((n) => n.type === 'function_definition')
      .map((n) => n.childForFieldName('declarator')?.text ?? '');
    tree.delete();
    expect(names.some((n) => n.startsWith('first('))).toBe(false);
  });

  it('reads structs, defines, log formats and $SYS topics', async () => {
    const { c } = await parsers();
    const src = [
      '#define SYS_TREE_QOS 2',
      '#define MIN(a, b) ((a) < (b) ? (a) : (b))',
      'struct mosquitto__x {',
      '\tint a, *b;',
      '\tchar name[10];',
      '};',
      'void f(void)',
      '{',
      '\tlog__printf(NULL, MOSQ_LOG_ERR, "Error: %s " PRIu64 " bytes.", s, n);',
      '\tdb__messages_easy_queue(NULL, "$SYS/broker/uptime", 2, 0, NULL, 1, 60, NULL);',
      '}',
    ].join('\n');
    const inv = inventoryCFile(c, 'src/x.c', src);
    expect(inv.defines.map((d) => [d.name, d.params, d.value])).toEqual([
      ['SYS_TREE_QOS', null, '2'],
      ['MIN', ['a', 'b'], '((a) < (b) ? (a) : (b))'],
    ]);
    expect(inv.structs[0].fields.map((f) => f.name)).toEqual(['a', 'b', 'name']);
    expect(inv.logs).toEqual([
      { file: 'src/x.c', line: 9, function: 'f', level: 'MOSQ_LOG_ERR', format: 'Error: %s lu bytes.' },
    ]);
    expect(inv.sysTopics.map((s) => [s.value, s.function])).toEqual([['$SYS/broker/uptime', 'f']]);
  });
});
