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
import { torchscriptOps } from './torchscript-ops.js';

/** The longest string constant folding may build from constants before it is reported. */
export const MAX_FOLDED_STRING = 4096;
/** The largest product of a search's constant operand lengths (the naive search's comparisons) not reported. */
export const MAX_FOLDED_SEARCH = 1 << 22;
/** Bindings followed from a name to what it is bound to. */
const MAX_DEPTH = 12;

/**
 * What folding knows of a constant expression: an int's exact value (TorchScript ints are int64), a str's length
 * (Infinity when the folder cannot compute it), a constant of another kind (float, bool, None), or `unknown`: a
 * value constant propagation computes from constants (an operator or builtin the folder does not model, a method's
 * result) that the folder cannot evaluate exactly. An unknown operand of a trapping or costly operator is reported.
 */
type Folded = { kind: 'int'; value: bigint } | { kind: 'str'; len: number } | { kind: 'other' } | { kind: 'unknown' };

const UNKNOWN: Folded = { kind: 'unknown' };
const INT64_MIN = -(2n ** 63n);
const wrap = (v: bigint): Folded => ({ kind: 'int', value: BigInt.asIntN(64, v) });

/** String operators that widen their receiver to a width (`torch.ljust(s, width, fill)`, `s.ljust(width)`). */
const WIDTH = new Set(['ljust', 'rjust', 'center', 'zfill']);
/**
 * String operators whose work is the product of the two operands' lengths (the load table's `stringSearch`, classified
 * from the runtime's implementations: the searches, and strip, lstrip and rstrip by a `chars` set).
 */
const SEARCH: ReadonlySet<string> = new Set(
  (torchscriptOps() as { stringSearch: string[] }).stringSearch.map((op) => op.slice(op.indexOf('::') + 2)),
);
/**
 * Searches that never end on an empty pattern in TorchScript's runtime (torch 1.13): `count` and `replace` advance by
 * the pattern's length, so `s.count('')` and `s.replace('', '')` loop forever (`s.replace('', 'x')` until memory runs
 * out), and `rsplit('')` loops without end. `find('')`, `split('')` and `partition('')` return or raise at once.
 */
export const EMPTY_PATTERN_LOOPS: ReadonlySet<string> = new Set(['count', 'replace', 'rsplit']);
/** Operators (`ns::name`) every overload of which returns a tensor: never folded to a constant. */
const TENSOR_OUT: ReadonlySet<string> = new Set((torchscriptOps() as { tensorOut: string[] }).tensorOut);
/** Builtins the printer writes bare whose result the folder does not compute (`float`, `round` …) fold to unknown. */
const BUILTINS = new Set([
  'int',
  'len',
  'abs',
  'str',
  'float',
  'bool',
  'min',
  'max',
  'round',
  'ord',
  'chr',
  'hex',
  'oct',
]);

/** The operator name a call names (`torch.find(...)`, `s.find(...)`, `int(...)`), and whether it is the method form. */
function operatorOf(c: CallSite): { name: string; method: boolean; builtin?: boolean } | undefined {
  const q = c.callee.qualifiedName;
  const access = c.callee.access;
  if (
    access?.root.kind === 'name' &&
    access.steps.length === 0 &&
    BUILTINS.has(access.root.name) &&
    (c.callee.resolution === 'builtin' || c.callee.resolution === 'unbound')
  )
    return { name: access.root.name, method: false, builtin: true };
  if (q !== null && (c.callee.resolution === 'implicit' || c.callee.resolution === 'import')) {
    const parts = q.split('.');
    if (parts[0] === 'torch' && parts.length === 2) return { name: parts[1]!, method: false };
    return undefined;
  }
  if (access !== undefined && access.steps.length >= 1) {
    const last = access.steps[access.steps.length - 1]!;
    if (last.kind === 'attr') return { name: last.name, method: true };
  }
  return undefined;
}

/** An int literal's exact value (the parsed number loses precision past 2^53). */
function intLiteral(e: ExpressionFact, fallback: number): bigint {
  try {
    return BigInt(e.text.replace(/_/g, ''));
  } catch {
    return BigInt(Math.trunc(fallback));
  }
}

/** Python's floor division and modulo of ints, or undefined when the divisor is 0 or the pair traps. */
function floorDivMod(a: bigint, b: bigint): [bigint, bigint] | undefined {
  if (b === 0n || (a === INT64_MIN && b === -1n)) return undefined;
  let q = a / b;
  if (a % b !== 0n && a < 0n !== b < 0n) q -= 1n;
  return [q, a - q * b];
}

class Folder {
  private readonly memo = new Map<number, Folded | null>();
  constructor(private readonly mod: PythonModule) {}

  /** The expression's folded value, or undefined when it is not a constant of the code. */
  value(e: ExpressionFact | undefined, scopeId: number, depth = 0): Folded | undefined {
    if (e === undefined || depth > MAX_DEPTH) return undefined;
    const c = e.constant;
    if (c !== undefined) {
      if (c.type === 'int') return { kind: 'int', value: intLiteral(e, c.value) };
      if (c.type === 'str') return { kind: 'str', len: c.value.length };
      return { kind: 'other' };
    }
    if (e.nodeType === 'unary_operator') {
      const inner = e.operands?.[0];
      const v =
        inner !== undefined
          ? this.value(inner, scopeId, depth + 1)
          : /^-\s*\d+$/.test(e.text)
            ? ({ kind: 'int', value: BigInt(e.text.replace(/[-\s]/g, '')) } as Folded)
            : undefined;
      if (inner === undefined) return v === undefined || v.kind !== 'int' ? v : wrap(-v.value);
      if (v === undefined) return undefined;
      const sign = e.text.trimStart()[0];
      if (v.kind === 'int') return sign === '-' ? wrap(-v.value) : sign === '~' ? wrap(-v.value - 1n) : v;
      return v.kind === 'unknown' ? UNKNOWN : { kind: 'other' };
    }
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
      const op =
        this.mod.operators.find((o) => o.span.startIndex === e.span.startIndex && o.text === e.text)?.operator ??
        this.mod.divisions.find((o) => o.span.startIndex === e.span.startIndex && o.text === e.text)?.operator;
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

  /** The folded arguments of a call, or undefined when one is not a constant. */
  private args(c: CallSite, depth: number): Folded[] | undefined {
    const vals: Folded[] = [];
    for (const a of [...c.positional, ...c.keywords.map((k) => k.value)]) {
      const v = this.value(a, c.scopeId, depth + 1);
      if (v === undefined) return undefined;
      vals.push(v);
    }
    return vals;
  }

  private callUncached(c: CallSite, depth: number): Folded | undefined {
    if (c.hasStarArgs || c.hasStarStarKwargs) return undefined;
    const access = c.callee.access;
    // A method of the object or a function of the archive on constants: its result may be a constant the compiler
    // folds into the caller (`self.minus_one()`), which the folder does not compute.
    if (
      (access?.root.kind === 'name' && access.root.name === 'self' && access.steps.length === 1) ||
      (c.callee.qualifiedName?.startsWith('__torch__.') ?? false)
    )
      return this.args(c, depth) === undefined ? undefined : UNKNOWN;
    const op = operatorOf(c);
    if (op === undefined) return undefined;
    if (op.method) {
      if (access!.root.kind !== 'name' && access!.root.kind !== 'call') return undefined;
    }
    const receiver = op.method ? this.receiver(c, depth) : undefined;
    if (op.method && receiver === undefined) return undefined;
    const vals = this.args(c, depth);
    if (vals === undefined) return undefined;
    if (!op.builtin && !op.method && TENSOR_OUT.has(`aten::${op.name}`)) return undefined;
    return evaluate(op.name, receiver === undefined ? vals : [receiver, ...vals], op.builtin === true);
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

/** What an operator or builtin makes of folded operands; unknown when the folder does not model it exactly. */
function evaluate(name: string, all: readonly Folded[], builtin: boolean): Folded {
  const [a, b] = all;
  const strLen = a?.kind === 'str' ? a.len : a?.kind === 'unknown' ? Infinity : undefined;
  if (WIDTH.has(name) && strLen !== undefined) {
    if (b?.kind === 'int') return { kind: 'str', len: Math.max(strLen, Number(b.value)) };
    return { kind: 'str', len: Infinity };
  }
  if (name === 'expandtabs' && strLen !== undefined) {
    // Each tab widens to at most the tab size (8 when not given).
    if (b !== undefined && b.kind !== 'int') return { kind: 'str', len: Infinity };
    const tab = b?.kind === 'int' ? Math.max(1, Number(b.value)) : 8;
    return { kind: 'str', len: strLen * tab };
  }
  if (all.length === 2 && a !== undefined && b !== undefined) {
    const infix: Record<string, string> = {
      add: '+',
      __add__: '+',
      sub: '-',
      __sub__: '-',
      mul: '*',
      __mul__: '*',
      floordiv: '//',
      __floordiv__: '//',
      remainder: '%',
      __mod__: '%',
    };
    const op = infix[name];
    if (op !== undefined) return combine(op, a, b);
    if ((name === 'max' || name === 'min') && a.kind === 'int' && b.kind === 'int')
      return (name === 'max') === a.value > b.value ? a : b;
    if (name === 'gcd' && a.kind === 'int' && b.kind === 'int' && !gcdTraps(a.value, b.value)) {
      let [x, y] = [a.value, b.value];
      while (y !== 0n) [x, y] = [y, x % y];
      return wrap(x < 0n ? -x : x);
    }
  }
  if (all.length === 1 && a !== undefined) {
    if (name === 'neg' && a.kind === 'int') return wrap(-a.value);
    if (name === 'abs' && a.kind === 'int') return wrap(a.value < 0n ? -a.value : a.value);
    if (name === 'int' && builtin && a.kind === 'int') return a;
    if (name === 'int' && builtin && a.kind === 'str') return UNKNOWN; // the folder keeps a string's length only
    if (name === 'len' && a.kind === 'str' && Number.isFinite(a.len)) return { kind: 'int', value: BigInt(a.len) };
    if (name === 'str' && builtin && a.kind === 'int') return { kind: 'str', len: String(a.value).length };
  }
  if (name === 'replace' && strLen !== undefined && b?.kind === 'str' && all[2]?.kind === 'str') {
    // Each match of the pattern grows by the replacement's extra length (an empty pattern never ends: see
    // EMPTY_PATTERN_LOOPS).
    const matches = b.len === 0 ? Infinity : Math.floor(strLen / b.len);
    const grow = Math.max(0, all[2].len - b.len);
    return { kind: 'str', len: grow === 0 ? strLen : strLen + matches * grow };
  }
  if (name === 'replace' && strLen !== undefined) return { kind: 'str', len: Infinity };
  if (strLen !== undefined && ['lower', 'upper', 'strip', 'lstrip', 'rstrip', 'swapcase', 'title'].includes(name))
    return { kind: 'str', len: strLen };
  return UNKNOWN;
}

/** Whether Euclid's loop on these ints reaches INT64_MIN % -1 (only the pair itself, in either order, does). */
const gcdTraps = (a: bigint, b: bigint): boolean => (a === INT64_MIN && b === -1n) || (a === -1n && b === INT64_MIN);

function widest(a: Folded, b: Folded): Folded {
  if (a.kind === 'unknown' || b.kind === 'unknown') return UNKNOWN;
  if (a.kind === 'str' && b.kind === 'str') return { kind: 'str', len: Math.max(a.len, b.len) };
  if (a.kind === 'int' && b.kind === 'int' && a.value === b.value) return a;
  if (a.kind === 'int' && b.kind === 'int') return UNKNOWN; // either value may reach the use
  if (a.kind === 'str') return a;
  if (b.kind === 'str') return b;
  return { kind: 'other' };
}

function combine(op: string | undefined, l: Folded, r: Folded): Folded {
  if (op === '+' && l.kind === 'str' && r.kind === 'str') return { kind: 'str', len: l.len + r.len };
  if (op === '*' && l.kind === 'str' && r.kind === 'int')
    return { kind: 'str', len: l.len * Math.max(0, Number(r.value)) };
  if (op === '*' && l.kind === 'int' && r.kind === 'str')
    return { kind: 'str', len: r.len * Math.max(0, Number(l.value)) };
  if (op === '*' && ((l.kind === 'str' && r.kind === 'unknown') || (l.kind === 'unknown' && r.kind === 'str')))
    return { kind: 'str', len: Infinity };
  if (l.kind === 'int' && r.kind === 'int') {
    if (op === '+') return wrap(l.value + r.value);
    if (op === '-') return wrap(l.value - r.value);
    if (op === '*') return wrap(l.value * r.value);
    if (op === '//' || op === '%') {
      const qr = floorDivMod(l.value, r.value);
      return qr === undefined ? UNKNOWN : wrap(op === '//' ? qr[0] : qr[1]);
    }
  }
  if (l.kind === 'unknown' || r.kind === 'unknown') return UNKNOWN;
  // A float (or bool) with a number stays a number that is not an int: no integer division is made of it.
  if ((l.kind === 'other' || l.kind === 'int') && (r.kind === 'other' || r.kind === 'int')) return { kind: 'other' };
  return UNKNOWN;
}

/** Whether a folded divisor (with its dividend) may trap or is not known: 0, -1, or unknown. */
const trapsOrUnknown = (dividend: Folded, divisor: Folded): boolean =>
  (dividend.kind === 'int' || dividend.kind === 'unknown') &&
  (divisor.kind === 'unknown' || (divisor.kind === 'int' && (divisor.value === 0n || divisor.value === -1n)));

const show = (v: Folded): string => (v.kind === 'int' ? String(v.value) : 'a value the scanner cannot compute');

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
    if (l !== undefined && r !== undefined && trapsOrUnknown(l, r))
      report(
        d.span,
        d.text,
        d.scopeId,
        `the operator ${d.operator} divides the constant ${show(l)} by ${show(r)} (SIGFPE in native integer ` +
          'division on 0, or INT64_MIN by -1)',
        'fold-division',
      );
  }
  for (const c of mod.calls) {
    const dc = dividingCall(c);
    if (dc !== undefined && !c.hasStarArgs && !c.hasStarStarKwargs) {
      const args = [...c.positional, ...c.keywords.map((k) => k.value)].map((a) => folder.value(a, c.scopeId));
      const r = folder.value(dc.divisor, c.scopeId);
      const l = dc.dividend === undefined ? ({ kind: 'unknown' } as Folded) : folder.value(dc.dividend, c.scopeId);
      if (args.every((a) => a !== undefined) && r !== undefined && l !== undefined) {
        const traps =
          dc.either === true
            ? l.kind === 'unknown' ||
              r.kind === 'unknown' ||
              (l.kind === 'int' && r.kind === 'int' && gcdTraps(l.value, r.value))
            : trapsOrUnknown(l, r);
        if (traps) {
          report(
            c.span,
            c.text,
            c.scopeId,
            `${c.callee.raw}(...) divides the constant ${show(l)} by ${show(r)} (SIGFPE in native integer division ` +
              'on 0, or INT64_MIN by -1)',
            'fold-division',
          );
          continue;
        }
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
        `${c.callee.raw}(...) builds a string of ${Number.isFinite(v.len) ? `${v.len} characters` : 'a length the scanner cannot compute'} from constants`,
        'fold-string',
      );
      continue;
    }
    if (SEARCH.has(op.name)) {
      const parts = (op.method ? [undefined, ...c.positional] : c.positional).slice(0, 2);
      const hay = strLen(op.method ? folder.receiver(c) : folder.value(parts[0], c.scopeId));
      const needle = strLen(folder.value(parts[1], c.scopeId));
      if (hay === undefined || needle === undefined) continue;
      if (EMPTY_PATTERN_LOOPS.has(op.name) && (needle === 0 || !Number.isFinite(needle)))
        report(
          c.span,
          c.text,
          c.scopeId,
          `${c.callee.raw}(...) searches constants for ${needle === 0 ? 'an empty pattern' : 'a pattern the scanner cannot compute, which may be empty'}: the runtime's ${op.name} never advances past an empty match and loops forever`,
          'fold-search',
        );
      else if (hay * Math.max(1, needle) > MAX_FOLDED_SEARCH)
        report(
          c.span,
          c.text,
          c.scopeId,
          `${c.callee.raw}(...) searches a ${lenText(hay)} constant for a ${lenText(needle)} one`,
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
        `the operator ${o.operator} builds a string of ${Number.isFinite(v.len) ? `${v.len} characters` : 'a length the scanner cannot compute'} from constants`,
        'fold-string',
      );
  }
  return out;
}

/** A folded string's length: known, or (unknown) any length; unknown values may be strings of any length. */
const strLen = (v: Folded | undefined): number | undefined =>
  v?.kind === 'str' ? v.len : v?.kind === 'unknown' ? Infinity : undefined;
const lenText = (n: number): string => (Number.isFinite(n) ? `${n}-character` : 'computed (length unknown)');
