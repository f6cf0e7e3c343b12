// Integer division and remainder in TorchScript code run at load. torch checks an integer divisor only for zero;
// INT64_MIN divided by -1 overflows, and the x86 divide instruction traps: the process dies with SIGFPE. The code of
// `__setstate__` runs on values the archive stores, so a floor division, remainder, fmod or rounding division at load
// whose divisor is not a constant (an int other than 0 and -1, or a non-zero float) lets the stored state kill the
// loader. The operators `//` and `%` (and `//=`, `%=`) count as well as every operator call the derived table
// (torchscript-ops.json `division`, from every allowed operator whose name matches div/mod/rem/quot) classes as
// `divides` (`torch.floor_divide`, `torch.__round_to_zero_floordiv`, `ops.prims.div`, which truncates integers …) or
// as `rounding-mode` with a rounding mode given (`torch.div(..., rounding_mode=...)`), and Python's `divmod` and
// integer-operator methods (`x.__floordiv__(y)`), and `divides-either` operators, which divide by either operand
// (`torch.gcd(a, b)`, TorchScript's `math.gcd`: Euclid's loop computes `a % b`, and gcd(INT64_MIN, -1) traps).
// `float-only` operators (`true_divide`, `addcdiv` …) are proved not
// to trap on integers by the fixture generator; `not-division` ones only share the letters (`mode`, `remove`).
import { archiveCode } from './torchscript-archive-calls.js';
import { signalAt, type CodeSignal } from '../code-signal.js';
import type { CallSite, ExpressionFact, PythonModule, SourceSpan } from '../module-model.js';
import { torchscriptOps } from './torchscript-ops.js';

export type DivisionClass = 'divides' | 'divides-either' | 'rounding-mode' | 'float-only' | 'not-division';
/** Operator (`ns::name`) -> how it divides integers, for every allowed operator named like a division. */
export const DIVISION_CLASSES: ReadonlyMap<string, DivisionClass> = new Map(
  Object.entries((torchscriptOps() as { division: Record<string, DivisionClass> }).division),
);
/**
 * The names DIVISION_CLASSES must cover (the derivation's DIVISION_PATTERN); it also covers every operator with an
 * integer overload (two ints in, an int out), whose kernel may divide whatever its name (`gcd`).
 */
export const DIVISION_NAME = /div|mod|rem|quot/;
/** Python's integer-operator methods, called by name on a value (`x.__floordiv__(y)`); the receiver may be the divisor. */
const OPERATOR_METHODS = new Set([
  '__floordiv__',
  '__ifloordiv__',
  '__mod__',
  '__imod__',
  '__rfloordiv__',
  '__rmod__',
  '__divmod__',
  '__rdivmod__',
]);

/** Whether a divisor is a constant that cannot trap: an int other than 0 and -1, or a non-zero float. */
function safeDivisor(e: ExpressionFact | undefined): boolean {
  if (e === undefined) return false;
  const c = e.constant;
  if (c?.type === 'int') return c.value !== 0 && c.value !== -1;
  if (c?.type === 'float') return c.value !== 0 && Number.isFinite(c.value);
  if (e.nodeType === 'unary_operator' && /^-\s*\d+$/.test(e.text)) return Number(e.text.replace(/[-\s]/g, '')) > 1;
  return false;
}

/** The dividing operator a call names and its divisor, or undefined when the call does not divide integers. */
export function dividingCall(call: CallSite):
  | {
      name: string;
      divisor: ExpressionFact | undefined;
      /** The dividend, when the call spells it (undefined for the value form's receiver). */
      dividend?: ExpressionFact;
      /** Whether either operand may become the divisor (`gcd`: Euclid's loop divides by each in turn). */
      either?: boolean;
    }
  | undefined {
  if (archiveCode(call)) return undefined;
  const callee = call.callee;
  const access = callee.access;
  let op: string | undefined;
  let valueForm = false;
  const q = callee.qualifiedName;
  if (q !== null && (callee.resolution === 'implicit' || callee.resolution === 'import')) {
    const parts = q.split('.');
    if (parts[0] === 'torch' && parts.length === 2) op = 'aten::' + parts[1];
    else if (parts[0] === 'torch' && parts[1] === 'ops' && (parts.length === 4 || parts.length === 5))
      op = `${parts[2]}::${parts[3]}`;
  } else if (access?.root.kind === 'name' && access.steps.length === 0 && access.root.name === 'divmod') {
    if (callee.resolution === 'unbound' || callee.resolution === 'builtin') op = 'aten::divmod';
  } else if (access !== undefined && access.steps.length >= 1) {
    const last = access.steps[access.steps.length - 1]!;
    if (last.kind === 'attr') {
      op = OPERATOR_METHODS.has(last.name) ? '__operator__::' + last.name : 'aten::' + last.name;
      valueForm = true;
    }
  }
  if (op === undefined) return undefined;
  const at = valueForm ? 0 : 1;
  const name = op.slice(op.indexOf('::') + 2);
  const divisor = call.keywords.find((k) => k.name === 'other' || k.name === 'divisor')?.value ?? call.positional[at];
  if (op.startsWith('__operator__::'))
    // `b.__rfloordiv__(a)` divides by the receiver: never a proven constant here.
    return { name, divisor: name.startsWith('__r') ? undefined : divisor };
  const cls = DIVISION_CLASSES.get(op);
  const dividend = valueForm ? undefined : call.positional[0];
  if (cls === 'divides') return dividend === undefined ? { name, divisor } : { name, divisor, dividend };
  if (cls === 'divides-either')
    return dividend === undefined ? { name, divisor, either: true } : { name, divisor, dividend, either: true };
  if (cls === 'rounding-mode') {
    const mode = call.keywords.find((k) => k.name === 'rounding_mode')?.value ?? call.positional[at + 1];
    if (mode === undefined || mode.constant?.type === 'none') return undefined;
    return dividend === undefined ? { name, divisor } : { name, divisor, dividend };
  }
  return undefined;
}

/**
 * HIGH signals for integer divisions run at load (`inLoad` says whether a scope belongs to a method run at load, and
 * gives that method's qualified name) whose divisor is not a constant that cannot trap. `hasStarArgs` calls count as
 * unproven.
 */
export function loadDivisionSignals(
  mod: PythonModule,
  inLoad: (scopeId: number) => string | undefined,
  storedInts: (e: ExpressionFact, scopeId: number) => readonly number[] | undefined = () => undefined,
): CodeSignal[] {
  const found: { span: SourceSpan; text: string; what: string; method: string }[] = [];
  /** The ints an operand may be: a constant's value, or every value the archive stores where it reads them. */
  const values = (e: ExpressionFact | undefined, scopeId: number): readonly number[] | undefined => {
    if (e === undefined) return undefined;
    if (e.constant?.type === 'int') return [e.constant.value];
    if (e.nodeType === 'unary_operator' && /^-\s*\d+$/.test(e.text)) return [-Number(e.text.replace(/[-\s]/g, ''))];
    return storedInts(e, scopeId);
  };
  /** A divisor that cannot trap: a safe constant, or ints the archive stores none of which is 0 or -1. */
  const safe = (e: ExpressionFact | undefined, scopeId: number): boolean =>
    safeDivisor(e) || (values(e, scopeId)?.every((v) => v !== 0 && v !== -1) ?? false);
  for (const d of mod.divisions) {
    const method = inLoad(d.scopeId);
    if (d.operator === '@' || method === undefined || safe(d.right, d.scopeId)) continue;
    found.push({ span: d.span, text: d.text, what: `the operator ${d.operator}`, method });
  }
  for (const c of mod.calls) {
    const method = inLoad(c.scopeId);
    if (method === undefined) continue;
    const dc = dividingCall(c);
    if (dc === undefined) continue;
    // `gcd` divides by either operand: it traps only on INT64_MIN and -1 (in either order), so both operands must be
    // ints the code or the archive fixes, with no such pair (a value form's receiver is never read).
    let ok: boolean;
    if (dc.either === true) {
      const [a, b] = [values(dc.dividend, c.scopeId), values(dc.divisor, c.scopeId)];
      ok =
        a !== undefined &&
        b !== undefined &&
        !a.some((x) => b.some((y) => (x === -(2 ** 63) && y === -1) || (x === -1 && y === -(2 ** 63))));
    } else ok = safe(dc.divisor, c.scopeId);
    if (!c.hasStarArgs && !c.hasStarStarKwargs && ok) continue;
    found.push({ span: c.span, text: c.text, what: `${c.callee.raw}(...)`, method });
  }
  return found.map(({ span, text, what, method }) =>
    signalAt(
      'TORCH-SCRIPT-CUSTOM-OP',
      span,
      text,
      `${what} in ${method}, which runs while the archive loads (torch.jit.load, and torch.load with ` +
        'weights_only=True, which hands a TorchScript archive to it), divides by a value that is not a constant ' +
        'other than 0 and -1: integer division checks only for zero, and the stored state can make it divide ' +
        'INT64_MIN by -1, which kills the process with SIGFPE.',
      'high',
      { kind: 'load-division', method, runsAtLoad: true },
    ),
  );
}
