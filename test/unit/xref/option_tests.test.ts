/* The option tests data (src/xref/option_tests.json) against conf.c and the test files. */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../src/xref/model.js';
import { checkOptionTests, loadOptionTests, missingTest, parseOptionTests } from '../../../src/xref/option_tests.js';
import { cRoot, repoRoot } from '../../../src/xref/paths.js';

const root = repoRoot();
const cTree = cRoot(root);

describe('option tests', () => {
  it('every option of conf.c is listed, every option of a plain TCP listener names tests, and every test exists', async () => {
    const m = await buildModel({ progress: false });
    const options = m.options.map((o) => o.name);
    expect(options.length).toBeGreaterThan(100);
    expect(checkOptionTests(root, cTree, options, loadOptionTests(root))).toEqual([]);
  });

  it('finds a missing option, an option without a test, and tests that do not exist', () => {
    const data = parseOptionTests(JSON.stringify({
      max_qos: { scope: 'tcp', tests: ['conformance 01-no-such-script', 'test/unit/broker/limits.test.ts > max_qos > no such title'] },
      port: { scope: 'tcp', tests: [] },
      frobnicate: { scope: 'bridge' },
    }));
    expect(checkOptionTests(root, cTree, ['max_qos', 'port', 'listener'], data)).toEqual([
      'listener: not in src/xref/option_tests.json',
      'max_qos: no script 01-no-such-script in test/broker/test.py',
      'max_qos: test/unit/broker/limits.test.ts has no test titled "no such title"',
      'port: applies to a plain TCP listener but names no test',
      'frobnicate: not an option of conf.c',
    ]);
    expect(() => parseOptionTests('{"x": {"scope": "nowhere"}}')).toThrow(/x needs a scope/);
  });

  it('reads titles with escaped quotes and of it.runIf(...)(...) tests', () => {
    expect(missingTest(root, cTree, "test/unit/broker/options.test.ts > bind_interface > refuses a listener address that is not the interface's, and an unknown interface")).toBeNull();
    expect(missingTest(root, cTree, 'test/unit/broker/options.test.ts > user > started as root, the broker runs as that user with its primary group')).toBeNull();
    expect(missingTest(root, cTree, 'test/no/such.test.ts > x')).toBe('no file test/no/such.test.ts');
    expect(missingTest(root, cTree, 'conformance 01-connect-success')).toBeNull();
  });
});
