/**
 * Evaluates the expression of a C `#if` / `#elif` line against a fixed set of macros, the way
 * the C preprocessor does for the subset mosquitto uses: `defined(X)`, `defined X`, integer
 * literals (with L/U suffixes), `!`, `&&`, `||`, comparisons, `+ - * /`, parentheses, and the
 * function-like macro `__GLIBC_PREREQ(major, minor)`. Unknown identifiers are 0, as in cpp.
 */

/** Macro name -> value (a defined macro without a value is 1). */
export type MacroTable = ReadonlyMap<string, number>;

type Tok = { kind: 'num'; value: number } | { kind: 'id'; name: string } | { kind: 'op'; op: string };

const OPS = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '!', '(', ')', '+', '-', '*', '/', ','];

function tokenize(expr: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const num = /^(0x[0-9a-fA-F]+|\d+)[uUlL]*/.exec(expr.slice(i));
    if (num) {
      toks.push({ kind: 'num', value: Number(num[1]) });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_]\w*/.exec(expr.slice(i));
    if (id) {
      toks.push({ kind: 'id', name: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => expr.startsWith(o, i));
    if (!op) throw new Error(`cannot read #if expression: ${expr}`);
    toks.push({ kind: 'op', op });
    i += op.length;
  }
  return toks;
}

/** Precedence climbing over the tokens; returns the integer value of the expression. */
class CondParser {
  private pos = 0;
  constructor(
    private readonly toks: Tok[],
    private readonly macros: MacroTable,
  ) {}

  parse(): number {
    const v = this.binary(0);
    if (this.pos !== this.toks.length) throw new Error('trailing tokens in #if expression');
    return v;
  }

  private static readonly PREC: Record<string, number> = {
    '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '>': 4, '<=': 4, '>=': 4, '+': 5, '-': 5, '*': 6, '/': 6,
  };

  private peekOp(): string | null {
    const t = this.toks[this.pos];
    return t && t.kind === 'op' ? t.op : null;
  }

  private expectOp(op: string): void {
    if (this.peekOp() !== op) throw new Error(`expected ${op} in #if expression`);
    this.pos++;
  }

  private binary(minPrec: number): number {
    let left = this.unary();
    for (;;) {
      const op = this.peekOp();
      const prec = op ? CondParser.PREC[op] : undefined;
      if (op === null || prec === undefined || prec < minPrec) return left;
      this.pos++;
      const right = this.binary(prec + 1);
      left = apply(op, left, right);
    }
  }

  private unary(): number {
    const op = this.peekOp();
    if (op === '!') {
      this.pos++;
      return this.unary() ? 0 : 1;
    }
    if (op === '-') {
      this.pos++;
      return -this.unary();
    }
    if (op === '(') {
      this.pos++;
      const v = this.binary(0);
      this.expectOp(')');
      return v;
    }
    const t = this.toks[this.pos++];
    if (!t) throw new Error('unexpected end of #if expression');
    if (t.kind === 'num') return t.value;
    if (t.kind === 'op') throw new Error(`unexpected ${t.op} in #if expression`);
    if (t.name === 'defined') return this.defined();
    if (this.peekOp() === '(') return this.call(t.name);
    return this.macros.get(t.name) ?? 0;
  }

  private defined(): number {
    const paren = this.peekOp() === '(';
    if (paren) this.pos++;
    const t = this.toks[this.pos++];
    if (!t || t.kind !== 'id') throw new Error('defined() needs a name');
    if (paren) this.expectOp(')');
    return this.macros.has(t.name) ? 1 : 0;
  }

  /** A function-like macro call: only __GLIBC_PREREQ is known; others are 0. */
  private call(name: string): number {
    this.expectOp('(');
    const args: number[] = [];
    while (this.peekOp() !== ')') {
      args.push(this.binary(0));
      if (this.peekOp() === ',') this.pos++;
    }
    this.expectOp(')');
    if (name === '__GLIBC_PREREQ' && this.macros.has('__GLIBC__')) {
      const major = this.macros.get('__GLIBC__') ?? 0;
      const minor = this.macros.get('__GLIBC_MINOR__') ?? 0;
      return major > args[0] || (major === args[0] && minor >= args[1]) ? 1 : 0;
    }
    return 0;
  }
}

function apply(op: string, a: number, b: number): number {
  switch (op) {
    case '||': return a || b ? 1 : 0;
    case '&&': return a && b ? 1 : 0;
    case '==': return a === b ? 1 : 0;
    case '!=': return a !== b ? 1 : 0;
    case '<': return a < b ? 1 : 0;
    case '>': return a > b ? 1 : 0;
    case '<=': return a <= b ? 1 : 0;
    case '>=': return a >= b ? 1 : 0;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    default: return b === 0 ? 0 : Math.trunc(a / b);
  }
}

/** Value of the expression of an `#if`/`#elif` line (comments already removed). */
export function evalCondition(expr: string, macros: MacroTable): number {
  return new CondParser(tokenize(expr), macros).parse();
}
