// Operators TorchScript evaluates while it compiles. torch.jit.load (and torch.load with weights_only=True, which hands
// a TorchScript archive to it) compiles every method and function of the archive's code, whether or not anything
// calls it, and compiling runs constant propagation: an operator whose inputs are all constants and whose result is an
// int, float, str, bool or a tuple of them is evaluated then. So in every method, not only those the load runs, an
// operator on constants is work the load does: an integer division by 0 or -1 in native code kills the process with
// SIGFPE (`torch.__round_to_zero_floordiv(7, 0)` in a `forward` nothing calls), and a string built or searched at
// compile time costs what its constant sizes say (`torch.find` of an 800,000-character pattern in an 8,000,000-character
// string runs for minutes). This reads the constants the code spells and what string operators make of them, and
// reports, in any method, a division of constants by 0 or -1, a string of more than MAX_FOLDED_STRING characters built
// from constants, and a search whose constant operands' sizes multiply past MAX_FOLDED_SEARCH.
import { signalAt, type CodeSignal } from '../code-signal.js';
import type { CallSite, ExpressionFact, PythonModule, SourceSpan } from '../module-model.js';
import { dividingCall } from './torchscript-load-division.js';

/** The longest string constant folding may build from constants before it is reported. */
export const MAX_FOLDED_STRING = 4096;
/** The largest product of a search's constant operand lengths (the naive search's comparisons) not reported. */
export const MAX_FOLDED_SEARCH = 1 << 22;
/** Bindings followed from a name to what it is bound to. */
const MAX_DEPTH = 12;

/** What folding knows of a constant expression: an int's value, a str's length, or a constant of another kind. */
type Folded = { kind: 'int'; value: number } | { kind: 'str'; len: number } | { kind: 'other' };

/** String operators that widen their receiver to a width (`torch.ljust(s, width, fill)`, `s.ljust(width)`). */
const WIDTH = new Set(['ljust', 'rjust', 'center', 'zfill']);
/** String searches whose naive cost is the product of the two operands' lengths. */
const SEARCH = new Set([
  'find',
  'rfind',
  'count',
  'index',
  'rindex',
  'replace',
  'split',
  'rsplit',
  'partition',
  'rpartition',
]);

/** The operator name a call names (`torch.find(...)`, `s.find(...)`), and whether it is the method form. */
function operatorOf(c: CallSite): { name: string; method: boolean } | undefined {
  const q = c.callee.qualifiedName;
  if (q !== null && (c.callee.resolution === 'implicit' || c.callee.resolution === 'import')) {
    const parts = q.split('.');
    if (parts[0] === 'torch' && parts.length === 2) return { name: parts[1]!, method: false };
    return undefined;
  }
  const access = c.callee.access;
  if (access !== undefined && access.steps.length >= 1) {
    const last = access.steps[access.steps.length - 1]!;
    if (last.kind === 'attr') return { name: last.name, method: true };
  }
  return undefined;
}

class Folder {
  private readonly memo = new Map<number, Folded | null>();
  constructor(private readonly mod: PythonModule) {}

  /** The expression's folded value, or undefined when it is not a constant of the code. */
  value(e: ExpressionFact | undefined, scopeId: number, depth = 0): Folded | undefined {
    if (e === undefined || depth > MAX_DEPTH) return undefined;
    const c = e.constant;
    if (c !== undefined) {
      if (c.type === 'int') return { kind: 'int', value: c.value };
      if (c.type === 'str') return { kind: 'str', len: c.value.length };
      return { kind: 'other' };
    }
    if (e.nodeType === 'unary_operator' && /^-\s*\d+$/.test(e.text))
      return { kind: 'int', value: -Number(e.text.replace(/[-\s]/g, '')) };
    if (e.nodeType === 'identifier') {
      let found: Folded | undefined;
      const binds = this.mod.assignments.filter(
        (a) => a.scopeId === scopeId && a.targets.some((t) => t.kind === 'name' && t.name === e.text),
      );
      if (binds.length === 0) return undefined;
      for (const a of binds) {
        if (a.kind !== 'assign' || a.targets.length !== 1 || a.value === null) return undefined;
        const v = this.value(a.value, scopeId, depth + 1);
        if (v === undefined) return undefined;
        found = found === undefined ? v : widest(found, v);
      }
      return found;
    }
    const a = e.access;
    if (a?.root.kind === 'call' && a.steps.length === 0) {
      const call = this.mod.calls[a.root.callId];
      return call === undefined ? undefined : this.call(call, depth + 1);
    }
    if (e.nodeType === 'binary_operator' && e.operands?.length === 2) {
      const [l, r] = [this.value(e.operands[0], scopeId, depth + 1), this.value(e.operands[1], scopeId, depth + 1)];
      if (l === undefined || r === undefined) return undefined;
      const op = this.mod.operators.find((o) => o.span.startIndex === e.span.startIndex && o.text === e.text)?.operator;
      return combine(op, l, r);
    }
    return undefined;
  }

  /** The folded result of a call on constants, or undefined when an argument is not a constant. */
  call(c: CallSite, depth = 0): Folded | undefined {
    const known = this.memo.get(c.id);
    if (known !== undefined) return known ?? undefined;
    this.memo.set(c.id, null); // a cycle of bindings folds nothing
    const out = this.callUncached(c, depth);
    this.memo.set(c.id, out ?? null);
    return out;
  }

  private callUncached(c: CallSite, depth: number): Folded | undefined {
    if (c.hasStarArgs || c.hasStarStarKwargs) return undefined;
    const op = operatorOf(c);
    if (op === undefined) return undefined;
    const args: ExpressionFact[] = [...c.positional, ...c.keywords.map((k) => k.value)];
    if (op.method) {
      const access = c.callee.access!;
      if (access.root.kind !== 'name' && access.root.kind !== 'call') return undefined;
    }
    const receiver = op.method ? this.receiver(c, depth) : undefined;
    if (op.method && receiver === undefined) return undefined;
    const vals: Folded[] = [];
    for (const a of args) {
      const v = this.value(a, c.scopeId, depth + 1);
      if (v === undefined) return undefined;
      vals.push(v);
    }
    const all = receiver === undefined ? vals : [receiver, ...vals];
    const str = all[0]?.kind === 'str' ? all[0].len : undefined;
    if (WIDTH.has(op.name) && str !== undefined) {
      const width = all[1];
      return { kind: 'str', len: width?.kind === 'int' ? Math.max(str, width.value) : str };
    }
    if (op.name === 'expandtabs' && str !== undefined) {
      // Each tab widens to at most the tab size (8 when not given).
      const tab = all[1]?.kind === 'int' ? Math.max(1, all[1].value) : 8;
      return { kind: 'str', len: str * tab };
    }
    if ((op.name === 'add' || op.name === '__add__') && all.length === 2) return combine('+', all[0]!, all[1]!);
    if ((op.name === 'mul' || op.name === '__mul__') && all.length === 2) return combine('*', all[0]!, all[1]!);
    if (op.name === 'replace' && str !== undefined && all[1]?.kind === 'str' && all[2]?.kind === 'str') {
      // Each match of the pattern grows by the replacement's extra length (an empty pattern matches len + 1 times).
      const matches = all[1].len === 0 ? str + 1 : Math.floor(str / all[1].len);
      return { kind: 'str', len: str + matches * Math.max(0, all[2].len - all[1].len) };
    }
    if (str !== undefined && ['lower', 'upper', 'strip', 'lstrip', 'rstrip', 'swapcase', 'title'].includes(op.name))
      return { kind: 'str', len: str };
    return { kind: 'other' };
  }

  /** The receiver of a method-form call (`s.find(x)`), folded. */
  receiver(c: CallSite, depth = 0): Folded | undefined {
    const access = c.callee.access!;
    if (access.steps.length !== 1) return undefined;
    if (access.root.kind === 'name') {
      const e = { text: access.root.name, nodeType: 'identifier' } as ExpressionFact;
      return this.value(e, c.scopeId, depth + 1);
    }
    if (access.root.kind === 'call') {
      const inner = this.mod.calls[access.root.callId];
      return inner === undefined ? undefined : this.call(inner, depth + 1);
    }
    return undefined;
  }
}

function widest(a: Folded, b: Folded): Folded {
  if (a.kind === 'str' && b.kind === 'str') return { kind: 'str', len: Math.max(a.len, b.len) };
  if (a.kind === 'int' && b.kind === 'int' && a.value === b.value) return a;
  if (a.kind === 'str') return a;
  if (b.kind === 'str') return b;
  return { kind: 'other' };
}

function combine(op: string | undefined, l: Folded, r: Folded): Folded {
  if (op === '+' && l.kind === 'str' && r.kind === 'str') return { kind: 'str', len: l.len + r.len };
  if (op === '*' && l.kind === 'str' && r.kind === 'int') return { kind: 'str', len: l.len * Math.max(0, r.value) };
  if (op === '*' && l.kind === 'int' && r.kind === 'str') return { kind: 'str', len: r.len * Math.max(0, l.value) };
  if (l.kind === 'int' && r.kind === 'int') {
    if (op === '+') return { kind: 'int', value: l.value + r.value };
    if (op === '-') return { kind: 'int', value: l.value - r.value };
    if (op === '*') return { kind: 'int', value: l.value * r.value };
  }
  return { kind: 'other' };
}

const WHERE =
  'torch.jit.load (and torch.load with weights_only=True, which hands a TorchScript archive to it) compiles every ' +
  'method of the archive and evaluates an operator whose arguments are all constants while compiling, whether or ' +
  'not the method is ever called';

/**
 * HIGH signals for what constant folding runs at load in any method of a TorchScript code file: a division of constants
 * by 0 or -1, a string built from constants past MAX_FOLDED_STRING characters, a search of constants whose sizes
 * multiply past MAX_FOLDED_SEARCH. `methodOf` names the method or function a scope belongs to.
 */
export function foldedSignals(mod: PythonModule, methodOf: (scopeId: number) => string | undefined): CodeSignal[] {
  const folder = new Folder(mod);
  const out: CodeSignal[] = [];
  const report = (span: SourceSpan, text: string, scopeId: number, what: string, kind: string) =>
    out.push(
      signalAt(
        'TORCH-SCRIPT-CUSTOM-OP',
        span,
        text,
        `${what} in ${methodOf(scopeId) ?? 'the module'}: ${WHERE}.`,
        'high',
        { kind, method: methodOf(scopeId) ?? '', runsAtLoad: true },
      ),
    );
  for (const d of mod.divisions) {
    if (d.operator === '@') continue;
    const l = folder.value(d.left, d.scopeId);
    const r = folder.value(d.right, d.scopeId);
    if (l?.kind === 'int' && r?.kind === 'int' && (r.value === 0 || r.value === -1))
      report(
        d.span,
        d.text,
        d.scopeId,
        `the operator ${d.operator} divides the constant ${l.value} by ${r.value}`,
        'fold-division',
      );
  }
  for (const c of mod.calls) {
    const dc = dividingCall(c);
    if (dc !== undefined && !c.hasStarArgs && !c.hasStarStarKwargs) {
      const args = [...c.positional, ...c.keywords.map((k) => k.value)].map((a) => folder.value(a, c.scopeId));
      const r = folder.value(dc.divisor, c.scopeId);
      if (args.every((a) => a !== undefined) && r?.kind === 'int' && (r.value === 0 || r.value === -1)) {
        report(
          c.span,
          c.text,
          c.scopeId,
          `${c.callee.raw}(...) divides constants by ${r.value} (SIGFPE in native integer division)`,
          'fold-division',
        );
        continue;
      }
    }
    const op = operatorOf(c);
    if (op === undefined) continue;
    const v = folder.call(c);
    if (v === undefined) continue;
    if (v.kind === 'str' && v.len > MAX_FOLDED_STRING) {
      report(
        c.span,
        c.text,
        c.scopeId,
        `${c.callee.raw}(...) builds a string of ${v.len} characters from constants`,
        'fold-string',
      );
      continue;
    }
    if (SEARCH.has(op.name)) {
      const parts = (op.method ? [undefined, ...c.positional] : c.positional).slice(0, 2);
      const hay = strLen(op.method ? folder.receiver(c) : folder.value(parts[0], c.scopeId));
      const needle = strLen(folder.value(parts[1], c.scopeId));
      if (hay !== undefined && needle !== undefined && hay * Math.max(1, needle) > MAX_FOLDED_SEARCH)
        report(
          c.span,
          c.text,
          c.scopeId,
          `${c.callee.raw}(...) searches a ${hay}-character constant for a ${needle}-character one`,
          'fold-search',
        );
    }
  }
  for (const o of mod.operators) {
    if (o.operator !== '*' && o.operator !== '+') continue;
    const l = folder.value(o.left, o.scopeId);
    const r = folder.value(o.right, o.scopeId);
    if (l === undefined || r === undefined) continue;
    const v = combine(o.operator, l, r);
    if (v.kind === 'str' && v.len > MAX_FOLDED_STRING)
      report(
        o.span,
        o.text,
        o.scopeId,
        `the operator ${o.operator} builds a string of ${v.len} characters from constants`,
        'fold-string',
      );
  }
  return out;
}

const strLen = (v: Folded | undefined): number | undefined => (v?.kind === 'str' ? v.len : undefined);
