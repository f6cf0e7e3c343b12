// Integer division and remainder in TorchScript code run at load. torch checks an integer divisor only for zero;
// INT64_MIN divided by -1 overflows, and the x86 divide instruction traps: the process dies with SIGFPE. The code of
// `__setstate__` runs on values the archive stores, so a floor division, remainder, fmod or rounding division at load
// whose divisor is not a constant (an int other than 0 and -1, or a non-zero float) lets the stored state kill the
// loader. The operators `//` and `%` (and `//=`, `%=`) count as well as the printed calls (`torch.floor_divide`,
// `torch.floordiv`, `torch.remainder`, `torch.fmod`, `torch.div(..., rounding_mode=...)`, `divmod`).
import { signalAt, type CodeSignal } from '../code-signal.js';
import type { CallSite, ExpressionFact, PythonModule, SourceSpan } from '../module-model.js';

/** Operators that divide integers with the native divide instruction, whatever their arguments. */
const DIVIDING = new Set([
  'floor_divide',
  'floor_divide_',
  'floordiv',
  'remainder',
  'remainder_',
  'fmod',
  'fmod_',
  'divmod',
  '__floordiv__',
  '__ifloordiv__',
  '__mod__',
  '__imod__',
]);
/** Operators that divide integers natively only with a rounding mode (otherwise they divide as floats). */
const DIVIDING_WITH_ROUNDING = new Set(['div', 'div_', 'divide', 'divide_']);

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
function dividingCall(call: CallSite): { name: string; divisor: ExpressionFact | undefined } | undefined {
  const callee = call.callee;
  const access = callee.access;
  let name: string | undefined;
  let valueForm = false;
  const q = callee.qualifiedName;
  if (q !== null && (callee.resolution === 'implicit' || callee.resolution === 'import')) {
    const parts = q.split('.');
    if (parts[0] === 'torch' && parts.length === 2) name = parts[1];
    else if (parts[0] === 'torch' && parts[1] === 'ops' && (parts.length === 4 || parts.length === 5)) name = parts[3];
  } else if (access?.root.kind === 'name' && access.steps.length === 0 && access.root.name === 'divmod') {
    if (callee.resolution === 'unbound' || callee.resolution === 'builtin') name = 'divmod';
  } else if (access !== undefined && access.steps.length >= 1) {
    const last = access.steps[access.steps.length - 1]!;
    if (last.kind === 'attr') {
      name = last.name;
      valueForm = true;
    }
  }
  if (name === undefined) return undefined;
  const at = valueForm ? 0 : 1;
  const divisor = call.keywords.find((k) => k.name === 'other' || k.name === 'divisor')?.value ?? call.positional[at];
  if (DIVIDING.has(name)) return { name, divisor };
  if (DIVIDING_WITH_ROUNDING.has(name)) {
    const mode = call.keywords.find((k) => k.name === 'rounding_mode')?.value ?? call.positional[at + 1];
    if (mode === undefined || mode.constant?.type === 'none') return undefined;
    return { name, divisor };
  }
  return undefined;
}

/**
 * HIGH signals for integer divisions run at load (`inLoad` says whether a scope belongs to a method run at load, and
 * gives that method's qualified name) whose divisor is not a constant that cannot trap. `hasStarArgs` calls count as
 * unproven.
 */
export function loadDivisionSignals(mod: PythonModule, inLoad: (scopeId: number) => string | undefined): CodeSignal[] {
  const found: { span: SourceSpan; text: string; what: string; method: string }[] = [];
  for (const d of mod.divisions) {
    const method = inLoad(d.scopeId);
    if (method === undefined || safeDivisor(d.right)) continue;
    found.push({ span: d.span, text: d.text, what: `the operator ${d.operator}`, method });
  }
  for (const c of mod.calls) {
    const method = inLoad(c.scopeId);
    if (method === undefined) continue;
    const dc = dividingCall(c);
    if (dc === undefined || (!c.hasStarArgs && !c.hasStarStarKwargs && safeDivisor(dc.divisor))) continue;
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
