// TORCH-SCRIPT-CUSTOM-OP over what a TorchScript archive runs while it loads. `torch.jit.load` (and
// `torch.load(f, weights_only=True)`, which hands a TorchScript archive to it first in torch 1.13) runs the TorchScript
// `__setstate__` of every object whose class defines one. Those methods, and every method of the same class they
// call, may only call operators of the derived load table (torchscript-ops.json: tensor arithmetic and
// constructors, list/str/dict builtins, interpreter primitives) and a short list of printed builtins. Methods of
// archive classes they call are followed into whichever code file of the archive holds the class (the archive's code
// files are indexed together: indexTorchScriptArchive), and so are the special methods an operator on an object of
// an archive class runs (`b[1]` runs `__getitem__`, `if b:` runs `__bool__`: OperatorUse). Anything else is a
// signal: an operator that opens a file, maps one (`from_file`) or calls another process; a name outside the table;
// a call or operator into archive code that is not followed (so not proven harmless). Operators with a file, remote-call or Python-callback effect are reported wherever they appear, with a message that says
// whether the load or a later call of the model runs them.
import { signalAt, type CodeSignal, type Confidence, type TorchFileKind } from '../code-signal.js';
import type {
  AccessStep,
  CallSite,
  ProtocolUseFact,
  ExpressionFact,
  FunctionFact,
  LoopFact,
  PythonModule,
  SourceSpan,
} from '../module-model.js';
import { CONV_STATE_INDEX, prepacksState } from '../../pickle/prepack-states.js';
import { CONSTANTS_TABLE, STORED_INTS, STORED_TEXT, type StoredStates } from '../../pickle/stored-states.js';
import { isBuiltinOpNamespace } from './torch-namespaces.js';
import { archiveCostSignals, type CostUnit, type SizedCall, type Trips } from './torchscript-load-cost.js';
import {
  BROADCASTING,
  BROADCASTING_INFIX,
  LIST_OPERANDS,
  broadcastVerdict,
  type OperandSize,
} from './torchscript-load-broadcast.js';
import { EMPTY_PATTERN_LOOPS, foldedSignals } from './torchscript-fold.js';
import { loadDivisionSignals } from './torchscript-load-division.js';
import { archiveCode, markArchiveCall } from './torchscript-archive-calls.js';
import { CONCATENATION, loopGrowthSignals } from './torchscript-load-growth.js';
import {
  displayOrRepetition,
  listItems,
  reachingAttribute,
  reachingValues,
  receiverExpression,
  type LoopTrips,
} from './torchscript-load-bindings.js';
import { torchscriptOps } from './torchscript-ops.js';
// The reads per stored element a windowed operator may make: the bound constant-shape work has per stored element.
import { STORED_ELEMENTS_PER_ELEMENT as WINDOW_READS_PER_ELEMENT } from './torchscript-load-cost.js';

/** [position, fewest, most positional arguments] of an overload taking a work argument at a shared position. */
type MixedAt = readonly (readonly [number, number, number])[];

interface OpTable {
  readonly namespaces: readonly string[];
  readonly denied: Readonly<Record<string, string>>;
  readonly allowed: readonly string[];
  /**
   * Operator -> argument name -> [divisor | size | fscale, positions every overload takes it at, [position, fewest,
   * most positional arguments] of an overload taking it where another overload takes a tensor, a number or a string
   * (checked in a call of that arity unless the argument is proven one of those)].
   */
  readonly work: Readonly<Record<string, Readonly<Record<string, readonly [string, readonly number[], MixedAt?]>>>>;
  /** Where the `positions` operators take their position arguments: op -> argument -> positions across overloads. */
  readonly positionArguments: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
  /** String operators that search one string for another (std::string::find: the product of the two lengths). */
  readonly stringSearch: readonly string[];
  /**
   * Every operator on a string that takes a second string operand, by the work of each overload (`product`,
   * `linear`, `sized`, `joined`, `list-scan`), reviewed from the runtime's implementations.
   */
  readonly stringWork?: Readonly<Record<string, readonly string[]>>;
  readonly stateFilledByTorch: readonly string[];
  /** Operators whose work grows faster than their operands (matrix products, convolutions, decompositions). */
  readonly superlinear: readonly string[];
  /** Operators that skip the validation of their checked twins (`_sparse_coo_tensor_unsafe`, `unsafe_split`). */
  readonly unchecked: Readonly<Record<string, string>>;
  /** Operators with a boolean argument that turns validation off: op -> [argument name, positions]. */
  readonly uncheckedFlags: Readonly<Record<string, readonly [string, readonly number[]]>>;
  /** Operators with an overload repeating a list or string operand by an int count (`[0] * n`). */
  readonly repetition: readonly string[];
  /** Operators every overload of which returns one tensor. */
  readonly tensorOut: readonly string[];
  /** How a producer's constant size arguments make its elements: `range` (arange), `square` (eye); else a product. */
  readonly shapeFormulas: Readonly<Record<string, string>>;
  /**
   * Operators whose output size the values of a tensor operand choose (bincount, one_hot without a class count, a
   * sparse constructor without a size): op -> the argument that bounds it when a valid constant, or null.
   */
  readonly valueSized: Readonly<Record<string, string | null>>;
  /** Operators whose run time per element the value of an operand sets (a polynomial's degree): op -> that argument. */
  readonly valueWork: Readonly<Record<string, string>>;
  /**
   * The operators code run at load may call, by reviewed family (construction, views, elementwise math, reductions,
   * comparisons, indexing, metadata, builtins, weight packing): family -> operators.
   */
  readonly loadFamilies: Readonly<Record<string, readonly string[]>>;
  /**
   * Operators whose work is their output times a window (pooling, unfold): op -> [window argument, stride argument
   * or null, "window" when an omitted or empty stride is the window, else null].
   */
  readonly windowed: Readonly<Record<string, readonly [string, string | null, string | null]>>;
  /**
   * Every load-family operator with an overload on numbers, strings, lists or dicts only, by the reviewed class of
   * its work: `constant`, `operand` (linear in a string or container operand), `size` (an int argument sizes the
   * output: a `work` or repetition entry), `value-steps` (a native loop over an int argument's value: `valueSteps`).
   */
  readonly scalarWork: Readonly<Record<string, string>>;
  /**
   * Operators whose native loop runs once per unit of an int argument's value (`math.factorial`): the argument, its
   * position and the most turns one call makes whatever the value.
   */
  readonly valueSteps: Readonly<
    Record<string, { readonly argument: string; readonly position: number; readonly bound: number }>
  >;
  /**
   * Operators whose result holds no tensor: `always` (every overload), or `from-scalars` (every overload whose
   * arguments hold no tensor: `add(int, int) -> int`).
   */
  readonly scalarResult: Readonly<Record<string, string>>;
}
const TABLE = torchscriptOps() as OpTable;
const WORK_ARGUMENTS: ReadonlyMap<
  string,
  Readonly<Record<string, readonly [string, readonly number[], MixedAt?]>>
> = new Map(Object.entries(TABLE.work));
const STRING_SEARCH_OPS: ReadonlySet<string> = new Set(TABLE.stringSearch);
/** A needle of at most this many characters keeps a substring search linear in its haystack (up to this factor). */
const SHORT_NEEDLE = 64;
const STATE_FILLED_BY_TORCH: ReadonlySet<string> = new Set(TABLE.stateFilledByTorch);
const REPETITION_OPS: ReadonlySet<string> = new Set(TABLE.repetition);
const TENSOR_OUT_OPS: ReadonlySet<string> = new Set(TABLE.tensorOut);
const SHAPE_FORMULAS: ReadonlyMap<string, string> = new Map(Object.entries(TABLE.shapeFormulas));
const VALUE_SIZED: ReadonlyMap<string, string | null> = new Map(Object.entries(TABLE.valueSized));
const VALUE_WORK: ReadonlyMap<string, string> = new Map(Object.entries(TABLE.valueWork));
const VALUE_STEPS: ReadonlyMap<
  string,
  { readonly argument: string; readonly position: number; readonly bound: number }
> = new Map(Object.entries(TABLE.valueSteps));
const SCALAR_RESULT: ReadonlyMap<string, string> = new Map(Object.entries(TABLE.scalarResult));
/** The value-sized operators that look rows up by an index tensor (their output has one row per index or bag). */
const INDEX_LOOKUP = /^(?:aten|quantized)::(?:index|index_select|_?embedding\w*)$/;

/** A list, tuple or string display, or a comprehension: the operand list repetition (`[0] * n`) repeats. */
function isSequenceDisplay(e: ExpressionFact): boolean {
  return (
    e.constant?.type === 'str' ||
    ['list', 'tuple', 'string', 'list_comprehension', 'concatenated_string'].includes(e.nodeType)
  );
}

/** Parameter annotations of values that are never a list or a string. */
const SCALAR_ANNOTATIONS = /^(?:Tensor|int|float|bool|number|complex|Optional\[Tensor\])$/;
/** Builtins whose result is a number. */
const NUMBER_BUILTINS: ReadonlySet<string> = new Set(['float', 'int', 'bool', 'len', 'torch.len']);
/** How far a name's bindings are followed when proving what it holds. */
const MAX_BINDING_DEPTH = 4;

/**
 * Whether `e` is proven never to be a list or a string: a number literal, a number builtin's result, a call of an
 * operator that always returns a tensor, a parameter annotated with a scalar or tensor type, or a local name every
 * binding of which is one of these. With `tensorOnly`, proven to be a tensor (so never an int count either).
 */
function provenNotSequence(
  mod: PythonModule,
  e: ExpressionFact,
  scopeId: number,
  tensorOnly: boolean,
  depth = 0,
): boolean {
  if (!tensorOnly) {
    if (e.constant !== undefined)
      return e.constant.type === 'int' || e.constant.type === 'float' || e.constant.type === 'bool';
    if (e.nodeType === 'unary_operator' && /^-\s*[\d.]+$/.test(e.text)) return true;
  }
  const c = callOf(mod, e);
  if (c !== undefined) {
    if (!tensorOnly && NUMBER_BUILTINS.has(c.callee.raw)) return true;
    const called = calledOperator(c);
    return called !== undefined && !called.valueForm && TENSOR_OUT_OPS.has(called.op);
  }
  // A stored item or attribute whose annotation is a tensor or number type (`(state)[0]` of `Tuple[Tensor, int]`).
  if (e.nodeType !== 'identifier') {
    const t = annotatedType(mod, e, scopeId);
    return t !== undefined && SCALAR_ANNOTATIONS.test(t) && (!tensorOnly || /Tensor/.test(t));
  }
  if (depth >= MAX_BINDING_DEPTH) return false;
  const fn = mod.functions[scopeId];
  const param = fn?.parameters.find((p) => p.name === e.text);
  if (param !== undefined) {
    const a = param.annotation?.replace(/\s+/g, '');
    return a !== undefined && SCALAR_ANNOTATIONS.test(a) && (!tensorOnly || /Tensor/.test(a));
  }
  return everyBinding(mod, e.text, scopeId, (v) => provenNotSequence(mod, v, scopeId, tensorOnly, depth + 1));
}

/**
 * The operands that may be the count of a list or string repetition at load (`torch.mul([0], n)`: `n`): unless both
 * operands are proven not to be sequences, an operand is a possible count when the other may be a sequence and it is
 * not proven to be a tensor. A name bound to a list repeats as a display does.
 */
function repetitionCounts(mod: PythonModule, call: CallSite, op: string): ExpressionFact[] {
  if (!REPETITION_OPS.has(op) || call.positional.length !== 2) return [];
  const [a, b] = call.positional as [ExpressionFact, ExpressionFact];
  if (isSequenceDisplay(a)) return [b];
  if (isSequenceDisplay(b)) return [a];
  // A float literal or a tensor is never the int a repetition counts by.
  const notCount = (e: ExpressionFact) => e.constant?.type === 'float' || provenNotSequence(mod, e, call.scopeId, true);
  const out: ExpressionFact[] = [];
  if (!provenNotSequence(mod, a, call.scopeId, false) && !notCount(b)) out.push(b);
  if (!provenNotSequence(mod, b, call.scopeId, false) && !notCount(a)) out.push(a);
  return out;
}
/** A loop at load may run at most this many times when its bound is a constant. */
const MAX_CONSTANT_TRIPS = 65536;
/** A constant size argument at load may be at most this (elements along one dimension, a repeat count). */
const MAX_CONSTANT_SIZE = 1 << 24;
/**
 * The elements one constant shape may make at load: the product of its dimensions (16384 x 16384 is within the
 * per-dimension bound, and is 2^28 elements).
 */
const MAX_CONSTANT_ELEMENTS = 1 << 24;
/**
 * Operators whose work is superlinear in their operands: at load, a call is a finding unless every tensor operand is
 * stored in the archive (the archive pays its bytes) or built here from a constant shape of at most
 * SMALL_OPERAND_ELEMENTS elements (a matrix product of two such operands is at most 2^24 multiply-adds). The work of
 * an operand computed at load is not estimated: it is a finding, not a guess.
 */
const SUPERLINEAR_OPS: ReadonlySet<string> = new Set(TABLE.superlinear);
const UNCHECKED_OPS: ReadonlySet<string> = new Set(Object.keys(TABLE.unchecked));
const UNCHECKED_FLAGS: ReadonlyMap<string, readonly [string, readonly number[]]> = new Map(
  Object.entries(TABLE.uncheckedFlags),
);

/**
 * Whether a call at load names an operator that skips its validation: an `unchecked` operator (one that skips its
 * checked form's validation, or one reading positions from a tensor that is not proved to check them), or one whose
 * validation flag (`unsafe=`) is given and is not the constant False. Its memory safety then depends on the values
 * of its tensor operands (index tensors, lengths), which the archive or the load code chooses.
 */
function uncheckedCall(call: CallSite): string | undefined {
  const called = calledOperator(call);
  if (called === undefined) return undefined;
  if (UNCHECKED_OPS.has(called.op)) {
    // An operator reading positions is unchecked only when a position argument is given (searchsorted's sorter is
    // optional, and the printer writes `sorter=None`): given by keyword, or any argument at a position an overload
    // takes one at, that is not the constant None.
    const at = TABLE.positionArguments[called.op];
    if (TABLE.unchecked[called.op] !== 'positions' || at === undefined || call.hasStarArgs || call.hasStarStarKwargs)
      return called.op;
    const given = Object.entries(at).some(([name, positions]) =>
      [
        ...positions.map((p) => call.positional[called.valueForm ? p - 1 : p]),
        call.keywords.find((k) => k.name === name)?.value,
      ].some((e) => e !== undefined && e.constant?.type !== 'none'),
    );
    return given ? called.op : undefined;
  }
  const flag = UNCHECKED_FLAGS.get(called.op);
  if (flag === undefined) return undefined;
  const [name, positions] = flag;
  const given = [
    ...positions.map((p) => call.positional[called.valueForm ? p - 1 : p]),
    call.keywords.find((k) => k.name === name)?.value,
  ].filter((e): e is ExpressionFact => e !== undefined);
  if (call.hasStarArgs || call.hasStarStarKwargs) return called.op;
  return given.every((e) => e.constant?.type === 'bool' && e.constant.value === false) ? undefined : called.op;
}
/** Operators admitted at load: the load table's reviewed families. */
const LOAD_ADMITTED: ReadonlySet<string> = new Set(Object.values(TABLE.loadFamilies).flat());

/**
 * The operator a call at load names when it is not in a reviewed load family: an internal `_` kernel or helper, a
 * backward kernel, an observer or fake-quantize helper, a sampler or engine, a backend kernel, or any operator a later
 * torch adds. Their native code trusts integers and operand shapes their public wrappers validate (`_cummax_helper`
 * writes one value per input element into output operands of any size), so a call with stored values is not admitted.
 * The value-method form (`t.rrelu_with_noise_(...)`) names an aten or prim operator by its bare name.
 */
function unreviewedAtLoad(call: CallSite): string | undefined {
  if (archiveCode(call)) return undefined;
  const q = call.callee.qualifiedName;
  if (q !== null && (call.callee.resolution === 'implicit' || call.callee.resolution === 'import')) {
    const op = operatorName(q);
    if (op === undefined || !LOAD_NAMESPACES.has(op.ns)) return undefined;
    const full = `${op.ns}::${op.name}`;
    return LOAD_ADMITTED.has(full) ? undefined : full;
  }
  const access = call.callee.access;
  const last = access?.steps[access.steps.length - 1];
  if (access?.root.kind !== 'name' || access.root.resolution === 'implicit' || last?.kind !== 'attr') return undefined;
  if (LOAD_ADMITTED.has('aten::' + last.name) || LOAD_ADMITTED.has('prim::' + last.name)) return undefined;
  return ALLOWED_OPS.has('prim::' + last.name) && !ALLOWED_OPS.has('aten::' + last.name)
    ? 'prim::' + last.name
    : 'aten::' + last.name;
}
const SMALL_OPERAND_ELEMENTS = 1 << 12;
const WINDOWED: ReadonlyMap<string, readonly [string, string | null, string | null]> = new Map(
  Object.entries(TABLE.windowed),
);

/**
 * Why a windowed operator at load (pooling, unfold) may read its input too many times, or undefined: each output
 * element reads a window, so the work is the input's elements times the window's per stride. A stored input is paid
 * for once by the archive, not once per window: a pooling of a stored 2e6-element signal with a constant window of
 * 1e6 and stride 1 reads 1e12 elements from 8 MB. The reads per input element (the product over dimensions of the
 * window over the stride, the window itself when the stride is not a constant) must be constants of at most
 * WINDOW_READS_PER_ELEMENT, whatever the input's origin and size (the bound a load's constant-shape calls have per
 * stored element).
 */
function windowedWork(mod: PythonModule, call: CallSite, bind?: BindArgument): string | undefined {
  const called = calledOperator(call);
  const spec = called === undefined ? undefined : WINDOWED.get(called.op);
  if (called === undefined || spec === undefined) return undefined;
  if (call.hasStarArgs || call.hasStarStarKwargs)
    return `${called.op} with unpacked arguments: its window is not known`;
  const [windowName, strideName, omitted] = spec;
  const argument = (name: string): ExpressionFact | undefined => {
    const kw = call.keywords.find((k) => k.name === name)?.value;
    if (kw !== undefined) return kw;
    const at = TABLE.work[called.op]?.[name]?.[1] ?? [];
    for (const p of at) {
      const e = call.positional[called.valueForm ? p - 1 : p];
      if (e !== undefined) return e;
    }
    return undefined;
  };
  const ints = (e: ExpressionFact, m = mod, scopeId = call.scopeId, depth = 0): number[] | undefined => {
    const c = callOf(m, e);
    // The printer's empty list: `annotate(List[int], [])`.
    if (c?.callee.raw === 'annotate' && c.positional.length === 2) return constantInts(c.positional[1]!);
    const v = constantInts(e);
    if (v !== undefined || e.nodeType !== 'identifier' || depth >= MAX_BIND_DEPTH) return v;
    // A local name every binding of which is the same constant (the printer hoists constant lists: `_0 = [2, 2]`),
    // or a parameter every call of its function passes the same constant (torch.nn.functional's max_pool1d).
    const seen = new Set<string>();
    let found: number[] | undefined;
    const same = (x: number[] | undefined): boolean => {
      if (x === undefined) return false;
      seen.add(JSON.stringify(x));
      found = x;
      return true;
    };
    if (m.functions[scopeId]?.parameters.some((p) => p.name === e.text)) {
      const args = bind?.(m, e, scopeId);
      const all =
        args !== undefined && args.length > 0 && args.every((a) => same(ints(a.e, a.mod, a.scopeId, depth + 1)));
      return all && seen.size === 1 ? found : undefined;
    }
    const all = everyBinding(m, e.text, scopeId, (b) => same(ints(b, m, scopeId, depth + 1)));
    return all && seen.size === 1 ? found : undefined;
  };
  const windowArg = argument(windowName);
  const window = windowArg === undefined ? undefined : ints(windowArg);
  if (window === undefined || window.length === 0 || window.some((k) => !Number.isSafeInteger(k) || k < 1))
    return `${called.op}'s window (${windowName}) is not a constant, so the reads per input element are not bounded`;
  const strideArg = strideName === null ? undefined : argument(strideName);
  let stride = strideArg === undefined ? undefined : ints(strideArg);
  if ((stride === undefined && strideArg === undefined) || stride?.length === 0)
    stride = omitted === 'window' ? window : undefined;
  // A single window or stride is every spatial dimension's (`max_pool2d(x, [1000])` is a 1000 x 1000 window).
  const spatial = Math.max(window.length, Number(/(\d)d(?:_|$)/.exec(called.op)?.[1] ?? 1));
  let perElement = 1;
  for (let i = 0; i < spatial; i++) {
    const k = window[window.length === 1 ? 0 : i] ?? 1;
    const s = stride === undefined ? 1 : (stride[stride.length === 1 ? 0 : i] ?? 1);
    perElement *= Math.ceil(k / Math.max(1, s));
  }
  if (perElement <= WINDOW_READS_PER_ELEMENT) return undefined;
  return (
    `${called.op} reads each input element up to ${perElement} times (window ${window.join(' x ')}` +
    (stride === undefined ? ', stride not a constant' : `, stride ${stride.join(' x ')}`) +
    `), more than ${WINDOW_READS_PER_ELEMENT}: over a stored input of n elements that is ${perElement}·n reads, ` +
    'work quadratic in what the archive stores'
  );
}
/**
 * Operators whose size arguments are factors of their operand's size: `t.repeat(a, b)` and `torch.tile(t, dims)` make
 * `t`'s elements times the product of the counts, `s.expandtabs(n)` up to n characters per character of `s`, and
 * `repeat_interleave(t, k)` k copies of each element. A count valid on its own (at most 2^24) on a stored operand of
 * 65,536 elements makes 2^40.
 */
const OPERAND_SCALED: ReadonlySet<string> = new Set([
  'aten::repeat',
  'aten::tile',
  'aten::expandtabs',
  'aten::repeat_interleave',
]);
const LOAD_NAMESPACES: ReadonlySet<string> = new Set(TABLE.namespaces);
const ALLOWED_OPS: ReadonlySet<string> = new Set(TABLE.allowed);
const DENIED_OPS: ReadonlyMap<string, string> = new Map(Object.entries(TABLE.denied));
/** Method names of TorchScript values (`t.tolist()`, `xs.append(v)`): the aten and prim operators' names. */
const VALUE_METHODS: ReadonlySet<string> = new Set(
  TABLE.allowed
    .filter((q) => q.startsWith('aten::') || q.startsWith('prim::'))
    .map((q) => q.slice(q.indexOf('::') + 2)),
);
/** Denied operators by bare name, for the value-method form (`t.save(...)` is not TorchScript, but is not admitted). */
const DENIED_NAMES: ReadonlyMap<string, string> = new Map(
  [...DENIED_OPS].map(([q, why]) => [q.slice(q.indexOf('::') + 2), q + ': ' + why] as const),
);

/**
 * Names the TorchScript printer writes without a namespace; each compiles to an interpreter primitive or an aten
 * operator with no effect outside the values it is given (`print` writes to standard output).
 */
const PRINTED_BUILTINS: ReadonlySet<string> = new Set([
  'annotate',
  'uninitialized',
  'unchecked_cast',
  'isinstance',
  'int',
  'float',
  'bool',
  'str',
  'complex',
  'len',
  'range',
  'enumerate',
  'zip',
  'min',
  'max',
  'abs',
  'round',
  'divmod',
  'ord',
  'chr',
  'hex',
  'oct',
  'bin',
  'hash',
  'sorted',
  'list',
  'tuple',
  'dict',
  'all',
  'any',
  'sum',
  'print',
  'getattr',
  'hasattr',
]);

/** Methods torch.jit.load runs on each object of data.pkl whose class defines them. */
const LOAD_METHODS: ReadonlySet<string> = new Set(['__setstate__']);
const MAX_SIGNALS = 50;

type Verdict =
  | { kind: 'allowed' }
  | { kind: 'self-method'; name: string }
  | { kind: 'archive-method'; cls: ArchiveClass; type: string; name: string }
  | { kind: 'archive-function'; fn: ArchiveFunction }
  | { kind: 'custom-namespace' }
  | { kind: 'denied'; op: string; why: string }
  | { kind: 'unlisted'; what: string }
  | { kind: 'unfollowed'; what: string; high?: boolean };

/** A class of the archive's code: its TorchScript type (`__torch__.Box`), methods and attribute annotations. */
export interface ArchiveClass {
  /** The index of the code file that defines it. */
  readonly file: number;
  readonly id: number;
  readonly type: string;
  readonly methods: ReadonlyMap<string, FunctionFact>;
  readonly attributes: ReadonlyMap<string, string>;
}

/** A free function of the archive's code (`def helper(x: Tensor)` at the top level of `code/__torch__/a.py`). */
export interface ArchiveFunction {
  /** The index of the code file that defines it. */
  readonly file: number;
  /** Its qualified name as calls print it: `__torch__.a.helper`. */
  readonly type: string;
  readonly fn: FunctionFact;
}

/** What a value-method call's receiver is: an archive class (with its class when the index holds it), or unknown. */
type ReceiverType = { kind: 'archive'; type: string; cls?: ArchiveClass } | { kind: 'other' } | { kind: 'unknown' };

/** A method called on a value of an archive class: followed when the archive's index holds the class, else reported. */
function archiveMethod(receiver: { type: string; cls?: ArchiveClass }, raw: string, name: string): Verdict {
  if (receiver.cls !== undefined) return { kind: 'archive-method', cls: receiver.cls, type: receiver.type, name };
  return {
    kind: 'unfollowed',
    what: `${raw} (a method of the archive class ${receiver.type}, which no code file read with this one defines as torch would find it)`,
    high: true,
  };
}

/** The top-level arguments of a generic annotation (`Tuple[__torch__.Box, bool]` -> the two). */
function typeArguments(t: string, head: string): string[] | undefined {
  const s = t.replace(/\s+/g, '');
  if (!s.startsWith(head + '[') || !s.endsWith(']')) return undefined;
  const out: string[] = [];
  let depth = 0;
  let start = head.length + 1;
  for (let i = start; i < s.length - 1; i++) {
    const ch = s[i];
    if (ch === '[') depth++;
    else if (ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start, s.length - 1));
  return out;
}

/** The annotated type an access path (root and steps) reaches, through tuple/list items and class attributes. */
function typeOfAccess(
  mod: PythonModule,
  root: string,
  steps: readonly AccessStep[],
  method: FunctionFact,
  classes: ReadonlyMap<string, ArchiveClass>,
  depth: number,
): string | undefined {
  if (depth > 6) return undefined;
  let t: string | undefined;
  const param = method.parameters.find((p) => p.name === root);
  if (param !== undefined) t = param.annotation?.replace(/\s+/g, '');
  else {
    const binds = mod.assignments.filter(
      (a) => a.scopeId === method.id && a.targets.some((x) => x.kind === 'name' && x.name === root),
    );
    const types = new Set<string | undefined>();
    for (const a of binds) {
      const v = a.value;
      const r = v?.access?.root;
      // `_0 = __torch__.Box.__new__(__torch__.Box)`: the printer's object construction.
      const made = r?.kind === 'call' && v!.access!.steps.length === 0 ? mod.calls[r.callId] : undefined;
      const madeType = made === undefined ? undefined : constructedType(made);
      if (a.kind === 'assign' && a.targets.length === 1 && madeType !== undefined) {
        types.add(madeType);
        continue;
      }
      if (a.kind !== 'assign' || a.targets.length !== 1 || r?.kind !== 'name') return undefined;
      types.add(typeOfAccess(mod, r.name, v!.access!.steps, method, classes, depth + 1));
    }
    if (types.size !== 1) return undefined;
    t = [...types][0];
  }
  for (const step of steps) {
    if (t === undefined) return undefined;
    if (step.kind === 'index') {
      const items = typeArguments(t, 'Tuple');
      if (items !== undefined) {
        const i = step.key?.type === 'int' ? Number(step.key.value) : NaN;
        t = Number.isInteger(i) ? items[i < 0 ? items.length + i : i] : undefined;
        continue;
      }
      const list = typeArguments(t, 'List');
      if (list?.length === 1) {
        t = list[0];
        continue;
      }
      const dict = typeArguments(t, 'Dict');
      t = dict?.length === 2 ? dict[1] : undefined;
      continue;
    }
    t = classes.get(t)?.attributes.get(step.name);
  }
  return t;
}

/** The archive's classes, by each module indexed with them (for the types of `self` attributes). */
const CLASSES_OF = new WeakMap<PythonModule, ReadonlyMap<string, ArchiveClass>>();

/** What the archive's pickles store for the `__setstate__` of its classes, by each module indexed with them. */
interface StoredContext {
  readonly states: StoredStates;
  readonly classes: ReadonlyMap<string, ArchiveClass>;
  readonly files: readonly TorchScriptFile[];
}
const STORED_OF = new WeakMap<PythonModule, StoredContext>();

/**
 * In-place operators that keep their operand's shape (torch requires the broadcast shape to equal it): any other
 * in-place call in the archive's code (`resize_`, `set_`, `as_strided_`, `t_`, `squeeze_`, `unsqueeze_` …) may
 * change a stored tensor's shape, and so does an `out=` argument (resized to the result).
 */
const SHAPE_KEEPING_IN_PLACE = new RegExp(
  '^(?:' +
    [
      'zero|fill|copy|normal|uniform|bernoulli|random|exponential|geometric|cauchy|log_normal|requires_grad',
      'detach|relu|sigmoid|tanh|exp|log|sqrt|rsqrt|abs|neg|sign|floor|ceil|round|trunc|frac|reciprocal|clamp_min',
      'clamp_max|nan_to_num|masked_fill|index_fill|index_copy|index_add|scatter|scatter_add|put|fill_diagonal',
    ].join('|') +
    ')_$',
);

/** Whether the archive's code may change the shape of a stored tensor in place (see SHAPE_KEEPING_IN_PLACE). */
function mayReshapeInPlace(files: readonly TorchScriptFile[]): boolean {
  for (const { mod } of files)
    for (const c of mod.calls) {
      if (c.keywords.some((k) => k.name === 'out') || c.hasStarStarKwargs) return true;
      const name = /(\w+)\s*$/.exec(c.callee.raw)?.[1] ?? '';
      if (!name.endsWith('_') || name.endsWith('__')) continue;
      const base = name.slice(0, -1);
      if (SHAPE_KEEPING_IN_PLACE.test(name) || BROADCASTING.test(`aten::${base}`)) continue;
      return true;
    }
  return false;
}

/**
 * The shape of a tensor the archive stores, when `e` provably reads one at load: `(state)[i]` in the `__setstate__`
 * of an archive class (its state parameter never rebound, the method never called from code, so it receives only
 * the states data.pkl and constants.pkl give objects of the class: the largest shape they store at item i), or
 * `self.<a>` in a method of such a class when every assignment of an attribute named `a` in the archive's code is
 * `self.<a> = ` one of those in a method of the same class. Local names bound only to one are read by operandSize.
 */
function storedDims(mod: PythonModule, e: ExpressionFact, scopeId: number, depth = 0): readonly number[] | undefined {
  const ctx = STORED_OF.get(mod);
  const a = e.access;
  if (ctx === undefined || a?.root.kind !== 'name' || a.steps.length !== 1 || depth > 4) return undefined;
  // `CONSTANTS.c<i>`: item i of the tensor constants constants.pkl holds (a name no code binds).
  const constant = a.steps[0]!.kind === 'attr' ? /^c(\d+)$/.exec(a.steps[0]!.name) : null;
  if (a.root.name === CONSTANTS_TABLE && constant !== null)
    return a.root.resolution === 'unbound' ? ctx.states.get(CONSTANTS_TABLE)?.[Number(constant[1])] : undefined;
  const fn = owningMethod(mod.functions, scopeId);
  if (fn === undefined || fn.id !== scopeId) return undefined;
  const type = fn.parameters[0]?.annotation?.replace(/\s+/g, '');
  const cls = type === undefined ? undefined : ctx.classes.get(type);
  if (cls === undefined || cls.id !== fn.parentId || ctx.files[cls.file]?.mod !== mod) return undefined;
  const step = a.steps[0]!;
  const rebound = (name: string) =>
    mod.assignments.some((x) => x.scopeId === scopeId && x.targets.some((t) => t.kind === 'name' && t.name === name));
  if (step.kind === 'index') {
    const state = fn.parameters[1];
    if (fn.name !== '__setstate__' || state === undefined || a.root.name !== state.name || rebound(state.name))
      return undefined;
    if (step.key?.type !== 'int') return undefined;
    return ctx.states.get(cls.type)?.[Number(step.key.value)];
  }
  const selfName = fn.parameters[0]?.name;
  if (step.kind !== 'attr' || a.root.name !== selfName || rebound(selfName)) return undefined;
  const attr = step.name;
  let widest: number[] | undefined;
  for (const { mod: m } of ctx.files)
    for (const x of m.assignments)
      for (const t of x.targets) {
        if (t.kind === 'name' || t.kind === 'subscript') continue;
        if (t.kind === 'other') {
          if (t.text.includes(`.${attr}`)) return undefined;
          continue;
        }
        const at = /^\(?\s*(\w+)\s*\)?\s*\.\s*(\w+)$/.exec(t.text);
        if (at === null) {
          if (t.text.includes(`.${attr}`)) return undefined;
          continue;
        }
        if (at[2] !== attr) continue;
        // Only `self.<a> = <stored item>` in a method of this class.
        const owner = owningMethod(m.functions, x.scopeId);
        if (m !== mod || owner === undefined || owner.id !== x.scopeId || owner.parentId !== cls.id) return undefined;
        if (at[1] !== owner.parameters[0]?.name || x.kind !== 'assign' || x.targets.length !== 1 || x.value === null)
          return undefined;
        const d = storedValueDims(m, x.value, x.scopeId, depth + 1);
        if (d === undefined) return undefined;
        widest = widest === undefined ? [...d] : widestShape(widest, d);
      }
  return widest;
}

/**
 * The int values the archive stores where `e` reads them at load: `(state)[i]` in the `__setstate__` of an archive
 * class (its state parameter never rebound, the method never called from code), or a local name every binding of
 * which is one: every int any object of the class stores at item i (undefined when one stores anything else).
 */
function storedInts(
  mod: PythonModule,
  e: ExpressionFact,
  scopeId: number,
  depth = 0,
  attributes = false,
): readonly number[] | undefined {
  const ctx = STORED_OF.get(mod);
  if (ctx === undefined || depth > 4) return undefined;
  if (e.nodeType === 'parenthesized_expression' && e.elements?.length === 1)
    return storedInts(mod, e.elements[0]!, scopeId, depth + 1, attributes);
  if (e.nodeType === 'identifier') {
    const binds = mod.assignments.filter(
      (x) => x.scopeId === scopeId && x.targets.some((t) => t.kind === 'name' && t.name === e.text),
    );
    if (binds.length === 0) return undefined;
    let all: number[] = [];
    for (const x of binds) {
      if (x.kind !== 'assign' || x.targets.length !== 1 || x.value === null) return undefined;
      const v = storedInts(mod, x.value, scopeId, depth + 1, attributes);
      if (v === undefined) return undefined;
      all = [...all, ...v];
    }
    return all;
  }
  const a = e.access;
  if (attributes && a?.root.kind === 'name' && a.steps.length === 1 && a.steps[0]!.kind === 'attr')
    return attributeInts(mod, a.root.name, a.steps[0]!.name, scopeId, depth);
  const item = stateItem(mod, e, scopeId);
  return item === undefined ? undefined : ctx.states.get(STORED_INTS + item.type)?.[item.index];
}

/**
 * The ints `self.<attr>` holds in a method of an archive class when every assignment of an attribute named `attr` in
 * the archive's code is `self.<attr> = ` a value storedInts reads, in a method of the same class (the `__setstate__`
 * that copies a stored item into it): every int any object of the class stores there.
 */
function attributeInts(
  mod: PythonModule,
  root: string,
  attr: string,
  scopeId: number,
  depth: number,
): readonly number[] | undefined {
  const ctx = STORED_OF.get(mod);
  const fn = owningMethod(mod.functions, scopeId);
  if (ctx === undefined || fn === undefined || fn.id !== scopeId) return undefined;
  const type = fn.parameters[0]?.annotation?.replace(/\s+/g, '');
  const cls = type === undefined ? undefined : ctx.classes.get(type);
  if (cls === undefined || cls.id !== fn.parentId || ctx.files[cls.file]?.mod !== mod) return undefined;
  if (root !== fn.parameters[0]?.name) return undefined;
  if (mod.assignments.some((x) => x.scopeId === scopeId && x.targets.some((t) => t.kind === 'name' && t.name === root)))
    return undefined;
  let all: number[] | undefined;
  for (const { mod: m } of ctx.files)
    for (const x of m.assignments)
      for (const t of x.targets) {
        if (t.kind === 'name' || t.kind === 'subscript') continue;
        const at = t.kind === 'other' ? null : /^\(?\s*(\w+)\s*\)?\s*\.\s*(\w+)$/.exec(t.text);
        if (at === null) {
          if (t.text.includes(`.${attr}`)) return undefined;
          continue;
        }
        if (at[2] !== attr) continue;
        const owner = owningMethod(m.functions, x.scopeId);
        if (m !== mod || owner === undefined || owner.id !== x.scopeId || owner.parentId !== cls.id) return undefined;
        if (at[1] !== owner.parameters[0]?.name || x.kind !== 'assign' || x.targets.length !== 1 || x.value === null)
          return undefined;
        // Only the stored item itself: a value read from another attribute could read this one again.
        const v = storedInts(m, x.value, x.scopeId, depth + 1);
        if (v === undefined) return undefined;
        all = [...(all ?? []), ...v];
      }
  return all;
}

/** `(state)[i]` in a `__setstate__` whose stored states are read (the method's class and i), else undefined. */
function stateItem(mod: PythonModule, e: ExpressionFact, scopeId: number): { type: string; index: number } | undefined {
  const ctx = STORED_OF.get(mod);
  const a = e.access;
  if (ctx === undefined || a?.root.kind !== 'name' || a.steps.length !== 1 || a.steps[0]!.kind !== 'index')
    return undefined;
  const fn = owningMethod(mod.functions, scopeId);
  if (fn === undefined || fn.id !== scopeId || fn.name !== '__setstate__') return undefined;
  const type = fn.parameters[0]?.annotation?.replace(/\s+/g, '');
  const cls = type === undefined ? undefined : ctx.classes.get(type);
  if (cls === undefined || cls.id !== fn.parentId || ctx.files[cls.file]?.mod !== mod) return undefined;
  const state = fn.parameters[1];
  const step = a.steps[0]!;
  if (state === undefined || a.root.name !== state.name || step.key?.type !== 'int') return undefined;
  const rebound = mod.assignments.some(
    (x) => x.scopeId === scopeId && x.targets.some((t) => t.kind === 'name' && t.name === state.name),
  );
  if (rebound) return undefined;
  return { type: cls.type, index: Number(step.key.value) };
}

/**
 * The strings a value at load holds, read from the stored state: `count` strings (or list items), `chars` characters
 * in all (every reference to a string memo-shared in the pickle counted at its whole length) and `longest`; `list`:
 * the value is an item of a stored list, whose text this is. A str constant is itself.
 */
interface StoredText {
  readonly count: number;
  readonly chars: number;
  readonly longest: number;
  readonly list?: StoredText;
}

function storedTextOf(mod: PythonModule, e: ExpressionFact, scopeId: number, depth = 0): StoredText | undefined {
  if (depth > MAX_BINDING_DEPTH) return undefined;
  if (e.nodeType === 'parenthesized_expression' && e.elements?.length === 1)
    return storedTextOf(mod, e.elements[0]!, scopeId, depth);
  if (e.constant?.type === 'str') {
    const n = e.constant.value.length;
    return { count: 1, chars: n, longest: n };
  }
  if (e.nodeType === 'identifier') return namedText(mod, e.text, scopeId, depth);
  const item = stateItem(mod, e, scopeId);
  if (item !== undefined) {
    const t = STORED_OF.get(mod)?.states.get(STORED_TEXT + item.type)?.[item.index];
    return t === undefined ? undefined : { count: t[0]!, chars: t[1]!, longest: t[2]! };
  }
  // An item of a stored list (`_0[_1]`, as the printer writes a loop over a list).
  const a = e.access;
  if (a?.root.kind === 'name' && a.steps.length === 1 && a.steps[0]!.kind === 'attr')
    return attributeText(mod, a.root.name, a.steps[0]!.name, scopeId, depth);
  if (a?.root.kind === 'name' && a.steps.length === 1 && a.steps[0]!.kind === 'index') {
    const list = namedText(mod, a.root.name, scopeId, depth);
    return list === undefined ? undefined : itemText(list);
  }
  return undefined;
}

/**
 * storedTextOf `self.<attr>` in a method of an archive class: the largest over every assignment of an attribute of
 * that name in the archive's code, each of which must be `self.<attr> = <value of known text>` in a method of the
 * same class (as the printer writes `self.a = (state)[0]` in `__setstate__`); anything else is unknown.
 */
function attributeText(
  mod: PythonModule,
  root: string,
  attr: string,
  scopeId: number,
  depth: number,
): StoredText | undefined {
  const ctx = STORED_OF.get(mod);
  const fn = owningMethod(mod.functions, scopeId);
  if (ctx === undefined || fn === undefined || fn.id !== scopeId) return undefined;
  const type = fn.parameters[0]?.annotation?.replace(/\s+/g, '');
  const cls = type === undefined ? undefined : ctx.classes.get(type);
  if (cls === undefined || cls.id !== fn.parentId || ctx.files[cls.file]?.mod !== mod) return undefined;
  if (root !== fn.parameters[0]?.name) return undefined;
  if (mod.assignments.some((x) => x.scopeId === scopeId && x.targets.some((t) => t.kind === 'name' && t.name === root)))
    return undefined;
  let most: StoredText | undefined;
  for (const { mod: m } of ctx.files)
    for (const x of m.assignments)
      for (const t of x.targets) {
        if (t.kind === 'name' || t.kind === 'subscript') continue;
        const at = t.kind === 'other' ? null : /^\(?\s*(\w+)\s*\)?\s*\.\s*(\w+)$/.exec(t.text);
        if (at === null) {
          if (t.text.includes(`.${attr}`)) return undefined;
          continue;
        }
        if (at[2] !== attr) continue;
        const owner = owningMethod(m.functions, x.scopeId);
        if (m !== mod || owner === undefined || owner.id !== x.scopeId || owner.parentId !== cls.id) return undefined;
        if (at[1] !== owner.parameters[0]?.name || x.kind !== 'assign' || x.targets.length !== 1 || x.value === null)
          return undefined;
        const v = storedTextOf(m, x.value, x.scopeId, depth + 1);
        if (v === undefined) return undefined;
        most = most === undefined ? v : largerText(most, v);
      }
  return most;
}

/** The larger of each figure of two texts (the list whose items hold more characters). */
function largerText(a: StoredText, b: StoredText): StoredText {
  const list = a.list === undefined || (b.list !== undefined && b.list.chars > a.list.chars) ? b.list : a.list;
  return {
    count: Math.max(a.count, b.count),
    chars: Math.max(a.chars, b.chars),
    longest: Math.max(a.longest, b.longest),
    ...(list === undefined ? {} : { list }),
  };
}

/** Whether a value is a string: a str constant or a value annotated `str` (a state item, a parameter, an attribute). */
function provenString(mod: PythonModule, e: ExpressionFact, scopeId: number): boolean {
  if (e.constant !== undefined) return e.constant.type === 'str';
  return annotatedType(mod, e, scopeId) === 'str';
}

/** One item of a list of strings: a string of at most its longest. */
function itemText(list: StoredText): StoredText {
  return { count: 1, chars: list.longest, longest: list.longest, list: list.list ?? list };
}

/** storedTextOf a local name: the largest over every binding of it (a `for` target is an item of its iterable). */
function namedText(mod: PythonModule, name: string, scopeId: number, depth: number): StoredText | undefined {
  const binds = mod.assignments.filter(
    (x) => x.scopeId === scopeId && x.targets.some((t) => t.kind === 'name' && t.name === name),
  );
  if (binds.length === 0) return undefined;
  let most: StoredText | undefined;
  for (const x of binds) {
    if ((x.kind !== 'assign' && x.kind !== 'for') || x.targets.length !== 1 || x.value === null) return undefined;
    const v = storedTextOf(mod, x.value, scopeId, depth + 1);
    if (v === undefined) return undefined;
    const t = x.kind === 'for' ? itemText(v) : v;
    most = most === undefined ? t : largerText(most, t);
  }
  return most;
}

/** storedDims of an expression or of a local name bound once to one. */
function storedValueDims(
  mod: PythonModule,
  e: ExpressionFact,
  scopeId: number,
  depth: number,
): readonly number[] | undefined {
  if (e.nodeType === 'parenthesized_expression' && e.elements?.length === 1)
    return storedValueDims(mod, e.elements[0]!, scopeId, depth);
  if (e.nodeType !== 'identifier') return storedDims(mod, e, scopeId, depth);
  const binds = mod.assignments.filter(
    (x) => x.scopeId === scopeId && x.targets.some((t) => t.kind === 'name' && t.name === e.text),
  );
  const only = binds[0];
  if (binds.length !== 1 || only!.kind !== 'assign' || only!.targets.length !== 1 || only!.value === null)
    return undefined;
  return storedDims(mod, only!.value, scopeId, depth);
}

/** Right-aligned, the larger of each dimension. */
function widestShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = rank; i >= 1; i--)
    out.push(Math.max(a.length - i >= 0 ? a[a.length - i]! : 1, b.length - i >= 0 ? b[b.length - i]! : 1));
  return out;
}

/** Annotated types of values that are never a tensor (numbers, strings, containers of them). */
const FLAT_TYPE = /^(?:int|float|bool|number|complex|str|NoneType|Optional\[(?:int|float|bool|str)\])$/;

/** Whether an annotated type holds no tensor at all (`int`, `List[int]`, `Tuple[str, bool]`), so nothing broadcasts. */
function flatType(t: string): boolean {
  if (FLAT_TYPE.test(t)) return true;
  for (const head of ['List', 'Tuple', 'Dict', 'Optional']) {
    const items = typeArguments(t, head);
    if (items !== undefined) return items.length > 0 && items.every(flatType);
  }
  return false;
}

/** The annotated type of an expression written as an access path (`(state)[1]`, `self.w`, a parameter). */
function annotatedType(mod: PythonModule, e: ExpressionFact, scopeId: number): string | undefined {
  const a = e.access;
  const method = owningMethod(mod.functions, scopeId) ?? mod.functions[scopeId];
  if (a?.root.kind !== 'name' || method === undefined || method.kind !== 'function') return undefined;
  return typeOfAccess(mod, a.root.name, a.steps, method, CLASSES_OF.get(mod) ?? new Map(), 0);
}

/**
 * Whether a name is only a loop target over `range(...)` (an int) or over a value annotated as a list of values
 * that hold no tensor (`for v in xs` with `xs: List[int]`).
 */
function rangeTarget(mod: PythonModule, name: string, scopeId: number): boolean {
  const binds = mod.assignments.filter(
    (a) => a.scopeId === scopeId && a.targets.some((t) => t.kind === 'name' && t.name === name),
  );
  return (
    binds.length > 0 &&
    binds.every((a) => {
      if (a.kind !== 'for' || a.targets.length !== 1 || a.value === null) return false;
      if (callOf(mod, a.value)?.callee.raw === 'range') return true;
      const t = annotatedType(mod, a.value, scopeId);
      const items = t === undefined ? undefined : typeArguments(t, 'List');
      return items?.length === 1 && flatType(items[0]!);
    })
  );
}

/**
 * What the code proves of the size of a broadcasting operator's operand: not a tensor (a number, string or list
 * literal, a number builtin's result, a value annotated with a type that holds no tensor, a `range` loop's index),
 * a constant-shape construction (its dimensions when it has one size list), or a size the archive or the load
 * chooses, keyed by its text (the same value read twice broadcasts with itself).
 */
/** How deep an operand's expressions and bindings are read, and how many steps one operator's operands may take. */
const MAX_OPERAND_DEPTH = 24;
const OPERAND_STEPS = 2048;
/**
 * The steps left to one operator's operands, the steps readings of reaching bindings may still spend and give back
 * when they fail (see operandSize), and how many readings the depth or the steps cut short.
 */
const operandBudget = { steps: OPERAND_STEPS, reach: OPERAND_STEPS, cut: 0 };
function resetOperandBudget(): void {
  operandBudget.steps = OPERAND_STEPS;
  operandBudget.reach = OPERAND_STEPS;
}

function operandSize(
  mod: PythonModule,
  e: ExpressionFact,
  scopeId: number,
  depth = 0,
  visiting: ReadonlySet<string> = new Set(),
): OperandSize {
  // The same access path read twice in one call is one value; anything that calls is keyed by its place.
  const pure = e.callIds.length === 0 && (e.access === undefined || e.access.root.kind === 'name');
  const unknown: OperandSize = {
    kind: 'unknown',
    key: pure ? e.text.replace(/\s+/g, '') : `${e.text}@${e.span.startIndex}`,
  };
  if (depth > MAX_OPERAND_DEPTH || --operandBudget.steps < 0) {
    operandBudget.cut++;
    return unknown;
  }
  if (e.constant !== undefined) return { kind: 'flat' };
  if (e.nodeType === 'unary_operator' && /^-\s*[\d.]+$/.test(e.text)) return { kind: 'flat' };
  if (isSequenceDisplay(e)) return { kind: 'flat' };
  if (e.nodeType === 'parenthesized_expression' && e.elements?.length === 1)
    return operandSize(mod, e.elements[0]!, scopeId, depth + 1, visiting);
  const c = callOf(mod, e);
  if (c !== undefined) return callSize(mod, c, depth, visiting) ?? unknown;
  const stored = storedValueDims(mod, e, scopeId, 0);
  if (stored !== undefined) return { kind: 'dims', dims: stored };
  // A failed reading gives the steps it spent back to the readings below, as long as failed readings together have
  // spent fewer than OPERAND_STEPS (each place is read once; see reachedSizeOnce).
  if (operandBudget.reach > 0) {
    const budget = operandBudget.steps;
    const reached = reachedSizeOnce(mod, e, scopeId, depth, visiting);
    if (reached !== undefined) return reached;
    operandBudget.reach -= budget - operandBudget.steps;
    operandBudget.steps = budget;
  }
  const t = annotatedType(mod, e, scopeId);
  if (t !== undefined) return flatType(t) ? { kind: 'flat' } : unknown;
  if (e.nodeType !== 'identifier') return unknown;
  if (rangeTarget(mod, e.text, scopeId)) return { kind: 'flat' };
  // A name met again while its own bindings are read (`acc = acc0` … `acc0 = f(acc, v)` in a loop) adds no value
  // its other bindings do not already give.
  if (visiting.has(e.text)) return { kind: 'flat' };
  const inner = new Set(visiting).add(e.text);
  const sizes: OperandSize[] = [];
  const all = everyBinding(mod, e.text, scopeId, (v) => {
    sizes.push(operandSize(mod, v, scopeId, depth + 1, inner));
    return true;
  });
  if (!all || sizes.length === 0) return unknown;
  if (sizes.every((s) => s.kind === 'flat')) return { kind: 'flat' };
  if (sizes.length !== 1) return unknown;
  const only = sizes[0]!;
  // A name bound once to a value read from a parameter that is never rebound (`a = (state)[0]`) is that value.
  return only.kind !== 'unknown' || stableKey(mod, only.key, scopeId) ? only : unknown;
}

/**
 * The size of a value read where another binding than the only one gives it: a local name rebound in straight-line
 * code (`t = torch.cat([t, t])` …), an attribute of `self` set earlier in the method (`self.t = …` then `self.t`),
 * an item of a local list (`l[0]`: that item, or the largest one when the index is not a constant). Read from the
 * binding that reaches the read (see torchscript-load-bindings.ts); undefined when none provably does or its size is
 * not known.
 */
function reachedSizeOnce(
  mod: PythonModule,
  e: ExpressionFact,
  scopeId: number,
  depth: number,
  visiting: ReadonlySet<string>,
): OperandSize | undefined {
  // Read once a place: a read whose reading meets itself again (a loop-carried value) is unknown from wherever it is
  // reached, so neither outcome depends on the reading that asks.
  let byPlace = REACHED.get(mod);
  if (byPlace === undefined) REACHED.set(mod, (byPlace = new Map()));
  const key = `${e.span.startIndex}:${e.span.endIndex}:${e.text}`;
  if (byPlace.has(key)) return byPlace.get(key) ?? undefined;
  const cut = operandBudget.cut;
  const got = reachedSize(mod, e, scopeId, depth, visiting);
  // A reading the depth or the operand budget cut short is not kept: read from nearer, it may succeed.
  if (operandBudget.cut === cut) byPlace.set(key, got ?? null);
  return got;
}
const REACHED = new WeakMap<PythonModule, Map<string, OperandSize | null>>();

function reachedSize(
  mod: PythonModule,
  e: ExpressionFact,
  scopeId: number,
  depth: number,
  visiting: ReadonlySet<string>,
): OperandSize | undefined {
  const a = e.access;
  if (a?.root.kind !== 'name' || a.root.resolution === 'implicit' || a.steps.length > 1) return undefined;
  const name = a.root.name;
  const at = e.span;
  const step = a.steps[0];
  if (step === undefined) {
    if (e.nodeType !== 'identifier') return undefined;
    const binds = mod.assignments.filter(
      (x) => x.scopeId === scopeId && x.targets.some((t) => t.kind === 'name' && t.name === name),
    );
    if (binds.length < 2) return undefined;
    return largestOf(mod, reachingValues(mod, name, scopeId, at), `${name}`, scopeId, depth, visiting);
  }
  if (step.kind === 'attr') {
    const method = owningMethod(mod.functions, scopeId);
    const selfName = method?.id === scopeId ? method.parameters[0]?.name : undefined;
    if (selfName !== name) return undefined;
    const values = reachingAttribute(mod, name, step.name, scopeId, at, (c) => mayRunArchiveCode(mod, c, name));
    return largestOf(mod, values, `${name}.${step.name}`, scopeId, depth, visiting);
  }
  if (step.slice) return undefined;
  const items = listItems(mod, name, scopeId, at, tripsBetween(mod, scopeId));
  if (items === undefined || items.length === 0) return undefined;
  const key = `${name}[]@${at.startIndex}`;
  if (visiting.has(key)) {
    operandBudget.cut++;
    return undefined;
  }
  const inner = new Set(visiting).add(key);
  const index = step.key?.type === 'int' ? Number(step.key.value) : undefined;
  // A constant index into a list no append changed is that item; otherwise the largest item.
  const fixed = items.every((i) => i.times === 1) && index !== undefined ? items.at(index) : undefined;
  let most: number | undefined;
  for (const { item } of fixed !== undefined ? [fixed] : items) {
    const n = knownElements(operandSize(mod, item, scopeId, depth + 1, inner));
    if (n === undefined) return undefined;
    most = Math.max(most ?? 0, n);
  }
  return most === undefined ? undefined : { kind: 'elements', elements: most };
}

/**
 * Whether a call in a method whose object is `selfName` may run code of the archive: anything but a method of
 * another value (`self.g.add(1)`, `t.clone()`) whose name no class of the archive defines, called without `self`
 * among its arguments. Every call is, when the archive's classes are not known.
 */
function mayRunArchiveCode(mod: PythonModule, c: CallSite, selfName: string): boolean {
  const classes = CLASSES_OF.get(mod);
  const a = c.callee.access;
  const last = a?.steps.at(-1);
  if (
    classes === undefined ||
    a === undefined ||
    last?.kind !== 'attr' ||
    (a.steps.length < 2 && a.root.kind === 'name' && a.root.name === selfName)
  )
    return true;
  if (a.root.kind === 'name' && (a.root.resolution === 'implicit' || a.root.name.startsWith('__torch__'))) return true;
  if ([...c.positional, ...c.keywords.map((k) => k.value)].some((e) => e.names.includes(selfName))) return true;
  for (const cls of classes.values()) if (cls.methods.has(last.name)) return true;
  return false;
}

/**
 * The largest of the sizes of values one place may hold (see reachedSize), each read once (`key@binding`); undefined
 * when one is not known.
 */
function largestOf(
  mod: PythonModule,
  values: readonly ExpressionFact[] | undefined,
  key: string,
  scopeId: number,
  depth: number,
  visiting: ReadonlySet<string>,
): OperandSize | undefined {
  if (values === undefined || values.length === 0) return undefined;
  let best: OperandSize | undefined;
  let most = -1;
  let flat = 0;
  for (const v of values) {
    const k = `${key}@${v.span.startIndex}`;
    // Met again while it is read: unknown here, but not from a reading that starts elsewhere (not kept).
    if (visiting.has(k)) {
      operandBudget.cut++;
      return undefined;
    }
    const o = operandSize(mod, v, scopeId, depth + 1, new Set(visiting).add(k));
    // Values that are not tensors (numbers, strings) hold no elements.
    if (o.kind === 'flat') {
      flat++;
      continue;
    }
    const n = knownElements(o);
    if (n === undefined) return undefined;
    if (n > most) [best, most] = [o, n];
  }
  if (flat === values.length) return { kind: 'flat' };
  return values.length === 1 ? best : { kind: 'elements', elements: most };
}

/**
 * Whether a value key names the same value wherever it is read in its scope: a parameter never rebound there, or
 * a constant index path into one annotated as a tuple (`(state)[0]`), or a local name bound once.
 */
function stableKey(mod: PythonModule, key: string, scopeId: number): boolean {
  const m = /^\(?([A-Za-z_]\w*)\)?((?:\[-?\d+\])*)$/.exec(key);
  if (m === null) return false;
  const name = m[1]!;
  const binds = mod.assignments.filter(
    (a) => a.scopeId === scopeId && a.targets.some((t) => t.kind === 'name' && t.name === name),
  ).length;
  const param = mod.functions[scopeId]?.parameters.find((p) => p.name === name);
  if (param !== undefined)
    return binds === 0 && (m[2] === '' || param.annotation?.replace(/\s+/g, '').startsWith('Tuple[') === true);
  return binds === 1 && m[2] === '';
}

/** Operators that reduce a whole tensor to one element when given it alone (`torch.sum(t)`). */
const FULL_REDUCTION = /^aten::(?:sum|mean|prod|max|min|amax|amin|norm|all|any|std|var|median|nansum|nanmean)$/;

/** What a call at load makes, as an operand of a broadcasting operator (see operandSize); undefined if unknown. */
function callSize(
  mod: PythonModule,
  c: CallSite,
  depth: number,
  visiting: ReadonlySet<string>,
): OperandSize | undefined {
  if (NUMBER_BUILTINS.has(c.callee.raw) || FLAT_RESULTS.has(c)) return { kind: 'flat' };
  const n = constantShapeElements(mod, c);
  if (n !== undefined) {
    const dims = constantShapeDims(c);
    return dims !== undefined ? { kind: 'dims', dims } : { kind: 'elements', elements: n };
  }
  const call = operatorCall(mod, c);
  if (call === undefined) return undefined;
  const { op, self } = call;
  // The operands in one order: the receiver of the value form first (`a.add(b)` is `torch.add(a, b)`).
  const operandsOf = [self, ...call.args];
  // An operator whose result holds no tensor, by its schemas: always (`math.factorial` returns an int), or when its
  // operands hold none (`add(int, int) -> int`).
  const result = SCALAR_RESULT.get(op);
  if (result === 'always') return { kind: 'flat' };
  if (
    result === 'from-scalars' &&
    !BROADCASTING.test(op) &&
    [...operandsOf, ...c.keywords.map((k) => k.value)].every(
      (e) => operandSize(mod, e, c.scopeId, depth + 1, visiting).kind === 'flat',
    )
  )
    return { kind: 'flat' };
  if (op === 'aten::expand_as' && operandsOf.length === 2 && c.keywords.length === 0)
    return operandSize(mod, operandsOf[1]!, c.scopeId, depth + 1, visiting);
  if (FULL_REDUCTION.test(op) && operandsOf.length === 1 && c.keywords.length === 0) return { kind: 'dims', dims: [] };
  // A copy, conversion or element-wise function of one tensor keeps its operand's shape.
  if (SAME_SHAPE.test(op) && c.keywords.every((k) => k.name !== 'out')) {
    const o = operandSize(mod, self, c.scopeId, depth + 1, visiting);
    if (o.kind === 'dims') return o;
  }
  const grown = grownElements(mod, c, depth, visiting);
  if (grown !== undefined) return { kind: 'elements', elements: grown };
  // The product of two matrices of known shapes ([n, k] and [k, m]) is [n, m].
  if ((op === 'aten::mm' || op === 'aten::matmul') && operandsOf.length === 2 && c.keywords.length === 0) {
    const [x, y] = operandsOf.map((e) => operandSize(mod, e, c.scopeId, depth + 1, visiting));
    if (x?.kind === 'dims' && y?.kind === 'dims' && x.dims.length === 2 && y.dims.length === 2)
      return { kind: 'dims', dims: [x.dims[0]!, y.dims[1]!] };
    return undefined;
  }
  if (!BROADCASTING.test(op) || LIST_OPERANDS.test(op)) return undefined;
  // An element-wise operator's output: its one tensor operand's size when the others are numbers, the broadcast
  // shape of constant shapes, or a number when every operand is one.
  const operands = [...operandsOf, ...c.keywords.filter((k) => k.name !== 'out').map((k) => k.value)].map((e) =>
    operandSize(mod, e, c.scopeId, depth + 1, visiting),
  );
  const tensors = operands.filter((o) => o.kind !== 'flat');
  if (tensors.length === 0) return { kind: 'flat' };
  if (tensors.length === 1) return tensors[0];
  if (tensors.every((o) => o.kind === 'dims')) {
    const v = broadcastVerdict(tensors, SMALL_OPERAND_ELEMENTS);
    return v.kind === 'bounded' && v.elements !== undefined ? { kind: 'elements', elements: v.elements } : undefined;
  }
  const keys = new Set(tensors.map((o) => (o.kind === 'unknown' ? o.key : '')));
  return keys.size === 1 && !keys.has('') ? tensors[0] : undefined;
}

/** Elements of an operand whose size the code fixes (see operandSize), or undefined. */
function knownElements(o: OperandSize | undefined): number | undefined {
  if (o?.kind === 'dims') return o.dims.reduce((p, d) => p * Math.max(d, 1), 1);
  return o?.kind === 'elements' ? o.elements : undefined;
}

/**
 * The elements a size-growing operator makes from operands whose size the code fixes, read along the def-use chain
 * (`t1 = torch.cat([t0, t0])` after `t0 = torch.cat([t, t])` of a constant-shape `t`, as the printer writes
 * straight-line doublings in fresh names): a concatenation makes the sum of its operands, `repeat` and `tile` by a
 * constant list their operand times the product of the list. Undefined when an operand's size is not fixed.
 */
function grownElements(
  mod: PythonModule,
  c: CallSite,
  depth: number,
  visiting: ReadonlySet<string>,
): number | undefined {
  // Read once a call: a chain reads each link twice (`torch.cat([t0, t0])`), and the calls of a method are charged
  // in source order, so each link finds the one before it read.
  const known = GROWN.get(c);
  if (known !== undefined) return known;
  const n = grownElementsOnce(mod, c, depth, visiting);
  if (n !== undefined) GROWN.set(c, n);
  return n;
}
const GROWN = new WeakMap<CallSite, number>();

function grownElementsOnce(
  mod: PythonModule,
  c: CallSite,
  depth: number,
  visiting: ReadonlySet<string>,
): number | undefined {
  const size = (e: ExpressionFact) => knownElements(operandSize(mod, e, c.scopeId, depth + 1, visiting));
  const call = operatorCall(mod, c);
  if (call === undefined) return undefined;
  const { op, self, args } = call;
  if (CONCATENATION.test(op)) {
    // The list is the first operand (or `tensors=`): a display, or a local list built from one and by appends.
    if (args.length > 1 || c.keywords.some((k) => k.name !== 'dim' && k.name !== 'tensors')) return undefined;
    return joinedElements(mod, self, c.scopeId, size);
  }
  // Keywords that set the output's type or placement, never its size (`dtype=`, `device=` …), are read past.
  if (c.keywords.some((k) => !PLACEMENT_KEYWORDS.has(k.name))) return undefined;
  // A constant padding of an operand of known dimensions: each padded dimension grows by its two pads.
  if ((op === 'aten::constant_pad_nd' || op === 'aten::pad') && args[0] !== undefined) {
    const o = operandSize(mod, self, c.scopeId, depth + 1, visiting);
    const pads = constantInts(args[0]);
    if (o.kind !== 'dims' || pads === undefined || pads.length % 2 !== 0 || pads.length / 2 > o.dims.length)
      return undefined;
    const dims = [...o.dims];
    for (let i = 0; i < pads.length / 2; i++) {
      const at = dims.length - 1 - i;
      dims[at] = Math.max(0, dims[at]! + pads[2 * i]! + pads[2 * i + 1]!);
    }
    return dims.reduce((p, d) => p * d, 1);
  }
  return sizedByOperand(op, self, args, size);
}

/** The elements of the items of a concatenation's list operand (see listOperand), or undefined. */
function joinedElements(
  mod: PythonModule,
  list: ExpressionFact,
  scopeId: number,
  size: (e: ExpressionFact) => number | undefined,
): number | undefined {
  const items = listOperand(mod, list, scopeId);
  if (items === undefined) return undefined;
  let sum = 0;
  for (const { item, times } of items) {
    const n = size(item);
    if (n === undefined) return undefined;
    sum += n * times;
  }
  return sum;
}

/** What an operator sized by its operand and counts or dimensions makes (see grownElementsOnce), or undefined. */
function sizedByOperand(
  op: string,
  self: ExpressionFact,
  args: readonly ExpressionFact[],
  size: (e: ExpressionFact) => number | undefined,
): number | undefined {
  const n = size(self);
  if (n === undefined) return undefined;
  if (op === 'aten::repeat' || op === 'aten::tile') {
    // A list of counts (`t.repeat([2, 2])`), one count (`t.repeat(2)`, `torch.tile(t, 2)`) or the counts as
    // arguments of the value form (`t.repeat(2, 2)`).
    const times = countList(args);
    return times === undefined ? undefined : times.reduce((p, k) => p * Math.max(k, 1), n);
  }
  // repeat_interleave(self, int repeats[, dim]): each element `repeats` times.
  if (op === 'aten::repeat_interleave') {
    const k = args[0] === undefined ? undefined : constantInts(args[0]);
    return k?.length === 1 && args.length <= 2 ? n * Math.max(k[0]!, 0) : undefined;
  }
  // A view of a larger shape (its consumers read that many elements): expand(self, size), broadcast_to.
  if (op === 'aten::expand' || op === 'aten::broadcast_to') {
    // The value form takes the sizes as arguments (`t.expand(3, 2)`); `implicit` may follow the list.
    const dims = countList(args[args.length - 1]?.constant?.type === 'bool' ? args.slice(0, -1) : args);
    // A dimension of -1 keeps the operand's: at most its elements.
    return dims === undefined ? undefined : dims.reduce((p, d) => p * (d < 0 ? n : Math.max(d, 1)), 1);
  }
  // A new tensor of a given shape, whatever the operand's (new_zeros(self, size) …).
  if (NEW_OF_SIZE.test(op)) {
    const dims = countList(op === 'aten::new_full' ? args.slice(0, 1) : args);
    return dims === undefined ? undefined : dims.reduce((p, d) => p * Math.max(d, 1), 1);
  }
  // The operand's elements, in its shape or another: a copy, a conversion, an element-wise function, a view.
  if (SAME_SHAPE.test(op) || RESHAPED.test(op)) return n;
  return undefined;
}

/** The names torch's schemas give an operator's first operand. */
const SELF_KEYWORDS: ReadonlySet<string> = new Set(['self', 'input', 'tensors']);

/** Keyword arguments that choose an output's type, layout or placement, not its size. */
const PLACEMENT_KEYWORDS: ReadonlySet<string> = new Set([
  'dtype',
  'layout',
  'device',
  'pin_memory',
  'memory_format',
  'requires_grad',
  'non_blocking',
  'copy',
  'implicit',
]);

/** Operators that make a tensor of the shape their size argument gives, whatever their operand's. */
const NEW_OF_SIZE = /^aten::new_(?:zeros|ones|empty|full)$/;
/**
 * Operators whose output has their (first) operand's shape: copies and conversions (`clone`, `contiguous`, `to`,
 * `float` …), `*_like` constructors and element-wise functions of one tensor.
 */
const SAME_SHAPE = new RegExp(
  '^aten::(?:' +
    [
      'clone|contiguous|detach|to|type_as|float|double|half|bfloat16|int|long|short|char|byte|bool|cpu|coalesce',
      'flip|fliplr|flipud|roll|\\w+_like',
      'abs|neg|exp|exp2|expm1|log|log2|log10|log1p|sqrt|rsqrt|relu|relu6|sigmoid|tanh|sin|cos|tan|sign|floor|ceil',
      'round|trunc|frac|reciprocal|square|erf|erfc|gelu|silu|softplus|elu|leaky_relu|hardtanh|nan_to_num',
      'softmax|log_softmax|cumsum|cumprod|dropout',
    ].join('|') +
    ')$',
);
/**
 * Operators whose work does not depend on their operand's size: views (`select`, `narrow`, `view`, `expand` …),
 * which their consumers pay for reading, and reads of a tensor's metadata (`size`, `dim`, `numel`). Charged nothing
 * by their operands.
 */
const CONSTANT_WORK = new RegExp(
  '^aten::(?:' +
    [
      'select|slice|narrow|view|view_as|reshape|reshape_as|t|transpose|swapaxes|swapdims|permute|movedim|squeeze',
      'unsqueeze|expand|expand_as|broadcast_to|as_strided|unbind|split|chunk|detach|alias|__getitem__',
      'size|dim|numel|stride|is_contiguous|storage_offset|element_size|item|is_floating_point|is_complex',
    ].join('|') +
    ')$',
);

/** Views and reshapes: their operand's elements in another shape. */
const RESHAPED =
  /^aten::(?:view|view_as|reshape|reshape_as|flatten|ravel|t|transpose|swapaxes|swapdims|permute|movedim|squeeze|unsqueeze|rot90)$/;

/**
 * A call's operator with its operands in one order, whichever spelling the code uses: the receiver of the value
 * form (`t.repeat([2])`) or the first argument of the `torch.<op>` form (`torch.repeat(t, [2])`) is `self`, the other
 * positional arguments follow. Undefined for a call that is not an operator, or has `*` / `**` arguments.
 */
function operatorCall(
  mod: PythonModule,
  c: CallSite,
): { op: string; self: ExpressionFact; args: ExpressionFact[] } | undefined {
  if (c.hasStarArgs || c.hasStarStarKwargs) return undefined;
  let op = namedOperator(c);
  // A method of an operator's result (`t.expand([4]).contiguous()`): the result is a tensor, so an aten operator.
  const a = c.callee.access;
  const last = a?.steps[a.steps.length - 1];
  if (op === undefined && a?.root.kind === 'call' && a.steps.length === 1 && last?.kind === 'attr') {
    const inner = mod.calls[a.root.callId];
    if (inner !== undefined && namedOperator(inner) !== undefined && !archiveCode(c)) op = 'aten::' + last.name;
  }
  if (op === undefined) return undefined;
  if (isValueForm(c)) {
    const self = receiverExpression(c);
    return self === undefined ? undefined : { op, self, args: c.positional };
  }
  // The first operand may be given by keyword (`torch.cat(tensors=[a, b])`, `torch.add(input=a, other=b)`).
  const self = c.positional[0] ?? c.keywords.find((k) => SELF_KEYWORDS.has(k.name))?.value;
  return self === undefined ? undefined : { op, self, args: c.positional.slice(1) };
}

/** Counts or dimensions given as one constant list, one constant int, or several constant ints. */
function countList(args: readonly ExpressionFact[]): number[] | undefined {
  if (args.length === 1) return constantInts(args[0]!);
  const out: number[] = [];
  for (const a of args) {
    const v = a.constant?.type === 'int' ? [Number(a.constant.value)] : constantInts(a);
    if (v === undefined || v.length !== 1 || !Number.isFinite(v[0])) return undefined;
    out.push(v[0]!);
  }
  return out.length > 0 ? out : undefined;
}

/** The constant turns of the loops of a scope around `at` and not around `outer`; undefined if one is not constant. */
function tripsBetween(mod: PythonModule, scopeId: number): LoopTrips {
  return (at, outer) => {
    let product = 1;
    for (const l of mod.loops) {
      if (l.scopeId !== scopeId || l.kind === 'comprehension') continue;
      const around = (x: { startIndex: number; endIndex: number }) =>
        l.span.startIndex <= x.startIndex && x.endIndex <= l.span.endIndex;
      if (!around(at) || around(outer)) continue;
      const b = loopBound(mod, l);
      if (b.kind !== 'constant') return undefined;
      product *= b.trips;
    }
    return product;
  };
}

/**
 * The items of a list operand (`torch.cat([a, b])`, `torch.cat(xs)`) each with how many times it is held: a display
 * (all of its items, also past the first 16 the model keeps when they are names), or a local list built from one and
 * by appends (see listItems).
 */
function listOperand(
  mod: PythonModule,
  e: ExpressionFact,
  scopeId: number,
): { item: ExpressionFact; times: number }[] | undefined {
  const items = displayOrRepetition(mod, e, (l) => listItems(mod, l.text, scopeId, l.span, tripsBetween(mod, scopeId)));
  if (items !== undefined) return items;
  if (e.nodeType !== 'identifier') return undefined;
  return listItems(mod, e.text, scopeId, e.span, tripsBetween(mod, scopeId));
}

/**
 * The elements a tensor operator at load makes (a growing one) or reads from its largest operand when the code fixes
 * their size (a value grown from a constant shape along a def-use chain): each call of it, in a loop, is charged that
 * many per turn.
 */
function operandElementsOf(mod: PythonModule, call: CallSite): number | undefined {
  const normal = operatorCall(mod, call);
  if (normal === undefined || CONSTANT_WORK.test(normal.op)) return undefined;
  resetOperandBudget();
  // A growing operator is charged what it makes.
  let most = grownElements(mod, call, 0, new Set());
  // Its operands read by name, as an attribute of `self` or an item of a list (the receiver of the value form too).
  for (const e of [normal.self, ...normal.args, ...call.keywords.map((k) => k.value)]) {
    const a = e.access;
    if (e.nodeType !== 'identifier' && !(a?.root.kind === 'name' && a.steps.length === 1)) continue;
    const n = knownElements(operandSize(mod, e, call.scopeId));
    if (n !== undefined && (most === undefined || n > most)) most = n;
  }
  return most;
}

/**
 * The comparisons a sort of a list makes at most, when the code fixes its count n (a display, a list appended to in
 * constant ranges): n·⌈log2 n⌉ (a merge sort's bound; one for a list of at most two items). A list whose count the
 * archive or the load chooses is charged as a loop over a stored container is: once per stored element.
 */
function sortComparisons(mod: PythonModule, list: ExpressionFact, scopeId: number): Trips {
  resetOperandBudget();
  const n = listOperand(mod, list, scopeId)?.reduce((p, i) => p + i.times, 0);
  if (n === undefined) return 'stored';
  return n <= 2 ? 1 : n * Math.ceil(Math.log2(n));
}

/**
 * The items a sort at load orders (`l.sort()`, `torch.sort(l)`, `sorted(l)`) when the code fixes their count (a
 * list repeated by a constant, a display, a list appended to in constant ranges): each call, in a loop, is charged
 * that many per turn.
 */
function sortElementsOf(mod: PythonModule, call: CallSite): number | undefined {
  const list = sortedList(call);
  if (list === undefined) return undefined;
  resetOperandBudget();
  const n = knownElements(operandSize(mod, list, call.scopeId));
  if (n !== undefined) return n;
  const items = listOperand(mod, list, call.scopeId);
  return items?.reduce((p, i) => p + i.times, 0);
}

/** The dimensions a constant-shape construction makes when its one size argument is a constant list. */
function constantShapeDims(call: CallSite): number[] | undefined {
  const called = calledOperator(call);
  const spec = called === undefined ? undefined : WORK_ARGUMENTS.get(called.op);
  if (called === undefined || spec === undefined || SHAPE_FORMULAS.has(called.op)) return undefined;
  const sizes = Object.entries(spec).filter(([, [kind]]) => kind === 'size');
  if (sizes.length !== 1) return undefined;
  const [name, [, positions]] = sizes[0]!;
  const args = [...positions.map((p) => call.positional[p]), call.keywords.find((k) => k.name === name)?.value];
  const given = args.filter((a) => a !== undefined);
  if (given.length !== 1) return undefined;
  return constantInts(given[0]!);
}

/**
 * The operands of a broadcasting operator call at load (the receiver of the value form first; the list of
 * `broadcast_tensors` / `meshgrid`), or undefined when the call is not one or its operands cannot be read.
 */
function broadcastOperands(mod: PythonModule, call: CallSite): OperandSize[] | undefined {
  const op = namedOperator(call);
  if (op === undefined || !BROADCASTING.test(op)) return undefined;
  resetOperandBudget();
  const scope = call.scopeId;
  const out: OperandSize[] = [];
  const valueForm = isValueForm(call);
  if (valueForm) {
    const access = call.callee.access!;
    const steps = access.steps.slice(0, -1);
    const recv = access.root.kind === 'name' ? access.root.name : undefined;
    const method = owningMethod(mod.functions, scope) ?? mod.functions[scope];
    const key =
      access.root.kind === 'name'
        ? call.callee.raw.replace(/\s+/g, '').replace(/\.\w+$/, '')
        : `${call.callee.raw}@${call.span.startIndex}`;
    let t: string | undefined;
    if (recv !== undefined && method !== undefined)
      t = typeOfAccess(mod, recv, steps, method, CLASSES_OF.get(mod) ?? new Map(), 0);
    if (t !== undefined && flatType(t)) out.push({ kind: 'flat' });
    else if (recv !== undefined && steps.length === 0 && rangeTarget(mod, recv, scope)) out.push({ kind: 'flat' });
    else out.push({ kind: 'unknown', key });
  }
  // `out=` is resized to the result; it is not broadcast with the operands.
  const args = [...call.positional, ...call.keywords.filter((k) => k.name !== 'out').map((k) => k.value)];
  if (LIST_OPERANDS.test(op) && args.length === 1 && args[0]!.elements !== undefined && args[0]!.nodeType === 'list')
    for (const el of args[0]!.elements) out.push(operandSize(mod, el, scope));
  else for (const e of args) out.push(operandSize(mod, e, scope));
  // meshgrid's outputs are the product of its operands' sizes, whatever their dimensions: not their broadcast.
  if (op === 'aten::meshgrid')
    return out.map((o) =>
      o.kind === 'dims' ? { kind: 'elements', elements: o.dims.reduce((p, d) => p * Math.max(d, 1), 1) } : o,
    );
  if (call.hasStarArgs || call.hasStarStarKwargs) out.push({ kind: 'unknown', key: call.text });
  // Read from the call itself (no binding being followed): every operand holds no tensor, so neither does its result
  // (`torch.add(r, torch.factorial(n))` of an int `r` is an int), which a later link of a chain reads without
  // following the chain back again (`r0 = torch.add(r, ...)`, `r1 = torch.add(r0, ...)` …).
  if (out.every((o) => o.kind === 'flat') && !LIST_OPERANDS.test(op)) FLAT_RESULTS.add(call);
  return out;
}

/** Broadcasting calls whose operands were each proven to hold no tensor (see broadcastOperands). */
const FLAT_RESULTS = new WeakSet<CallSite>();

/** The elements a broadcasting call at load makes from constant shapes (charged with its loops), or undefined. */
function broadcastElementsOf(mod: PythonModule, call: CallSite): number | undefined {
  const operands = broadcastOperands(mod, call);
  if (operands === undefined) return undefined;
  const v = broadcastVerdict(operands, SMALL_OPERAND_ELEMENTS);
  return v.kind === 'bounded' ? v.elements : undefined;
}

/** The characters of a string the code fixes: a literal, or a local name bound only to literals (the longest). */
function constantStringLength(mod: PythonModule, e: ExpressionFact | undefined, scopeId: number): number | undefined {
  if (e === undefined) return undefined;
  if (e.constant !== undefined) return e.constant.type === 'str' ? String(e.constant.value).length : undefined;
  return e.nodeType === 'identifier' ? namedStringLength(mod, e.text, scopeId) : undefined;
}

/** The longest literal a local name is bound to, when every binding of it is a string literal. */
function namedStringLength(mod: PythonModule, name: string, scopeId: number): number | undefined {
  let most = 0;
  const all = everyBinding(mod, name, scopeId, (v) => {
    const n = v.constant?.type === 'str' ? String(v.constant.value).length : undefined;
    if (n !== undefined) most = Math.max(most, n);
    return n !== undefined;
  });
  return all ? most : undefined;
}

/**
 * For a string operator whose output is the product of two lengths the archive or the load chooses, why a call at
 * load is unbounded: `str.replace` inserts its replacement at every match (`t.replace('', t)` or `t.replace(' ', t)`
 * on a string of n blanks makes n^2 characters), `str.join` puts its separator between every two items. Bounded
 * when one of the two is a constant string of at most SMALL_OPERAND_ELEMENTS characters (for `join`, or the items a
 * list display of at most that many): the output is then at most that many times the other.
 */
function stringProduct(mod: PythonModule, call: CallSite): string | undefined {
  const op = namedOperator(call);
  if (op !== 'aten::replace' && op !== 'aten::join') return undefined;
  if (call.hasStarArgs || call.hasStarStarKwargs) return `${op} with arguments that cannot be read`;
  const valueForm = isValueForm(call);
  const scope = call.scopeId;
  const small = (n: number | undefined) => n !== undefined && n <= SMALL_OPERAND_ELEMENTS;
  // The receiver of the value form: a string literal (`' '.join(xs)`) or a local name.
  let receiver: number | undefined;
  if (valueForm) {
    const lit = /^(['"])(.*)\1\s*\.\s*\w+$/s.exec(call.callee.raw);
    const a = call.callee.access;
    receiver =
      lit !== null
        ? lit[2]!.length
        : a?.root.kind === 'name' && a.steps.length === 1
          ? namedStringLength(mod, a.root.name, scope)
          : undefined;
  }
  const arg = (i: number, name: string) =>
    call.keywords.find((k) => k.name === name)?.value ?? call.positional[valueForm ? i - 1 : i];
  const self = valueForm ? receiver : constantStringLength(mod, arg(0, 'self'), scope);
  if (op === 'aten::replace') {
    const replacement = constantStringLength(mod, arg(2, 'new'), scope);
    if (small(self) || small(replacement)) return undefined;
    return (
      'aten::replace inserts its replacement at every match of the pattern, so its output is the length of the ' +
      'string times the length of the replacement; neither is a constant string, so the archive or the load chooses ' +
      "both (a 65536-character string of blanks with ' ' replaced by itself makes 2^32 characters)"
    );
  }
  const items = arg(1, 'values');
  const count = items?.nodeType === 'list' && items.elements !== undefined ? items.elements.length : undefined;
  if (small(self) || small(count)) return undefined;
  return (
    "aten::join puts its separator between every two items, so its output is the separator's length times the " +
    'count of items; neither is a constant, so the archive or the load chooses both'
  );
}

/** The finding for a broadcasting operator at load whose output the code does not bound. */
function broadcastSignal(
  span: SourceSpan,
  text: string,
  what: string,
  op: string,
  where: string,
  method: FunctionFact,
  why: string,
): CodeSignal {
  return signalAt(
    'TORCH-SCRIPT-CUSTOM-OP',
    span,
    text,
    `${what} ${where}: ${op} is element-wise and broadcasts its operands, so its output is as large as the product ` +
      `of their sizes (operands shaped [65536, 1] and [1, 65536], 512 KiB stored, make 2^32 elements, 16 GiB); ${why}.`,
    'high',
    { kind: 'load-work-broadcast', method: method.qualifiedName, operator: op, runsAtLoad: true },
  );
}

/** Why a broadcasting call's operands do not bound its output, or undefined when they do. */
function unboundedBroadcast(operands: readonly OperandSize[]): string | undefined {
  const v = broadcastVerdict(operands, SMALL_OPERAND_ELEMENTS);
  if (v.kind === 'bounded')
    return v.elements !== undefined && v.elements > MAX_CONSTANT_ELEMENTS
      ? `its constant shapes broadcast to ${v.elements.toExponential(2)} elements, more than ${MAX_CONSTANT_ELEMENTS}`
      : undefined;
  return v.unknown >= 2
    ? `${v.unknown} of its tensor operands have sizes the archive stores or the load computes, and nothing in the code proves their shapes equal`
    : `one tensor operand has a size the archive stores or the load computes, and the others make ${v.fixed} elements, more than the ${SMALL_OPERAND_ELEMENTS} a load may make per stored element`;
}

/** The operator a printed callee names: `torch.add` → aten::add, `ops.prim.X` / `torch.ops.ns.X[.overload]` → ns::X. */
function operatorName(q: string): { ns: string; name: string } | undefined {
  const parts = q.split('.');
  if (parts[0] !== 'torch') return undefined;
  if (parts.length === 2) return { ns: 'aten', name: parts[1]! };
  // `torch.ops.ns.op` and an overload of it (`torch.ops.aten.from_file.default`).
  if (parts[1] === 'ops' && (parts.length === 4 || parts.length === 5)) return { ns: parts[2]!, name: parts[3]! };
  return undefined;
}

function classify(
  call: CallSite,
  selfName: string | undefined,
  receiverOf?: (call: CallSite) => ReceiverType,
  archiveMethodNames?: ReadonlySet<string>,
): Verdict {
  const callee = call.callee;
  const access = callee.access;
  // `(self).m(...)`: a method of the class this method belongs to.
  if (
    access?.root.kind === 'name' &&
    selfName !== undefined &&
    access.root.name === selfName &&
    access.root.resolution === 'parameter'
  ) {
    if (access.steps.length === 1 && access.steps[0]!.kind === 'attr')
      return { kind: 'self-method', name: access.steps[0]!.name };
    const last = access.steps[access.steps.length - 1];
    const receiver = receiverOf?.(call);
    if (receiver?.kind === 'archive' && last?.kind === 'attr') return archiveMethod(receiver, callee.raw, last.name);
    return { kind: 'unfollowed', what: `${callee.raw} (a method of another object of the archive)` };
  }
  const q = callee.qualifiedName;
  if (q !== null && (callee.resolution === 'implicit' || callee.resolution === 'import')) {
    const op = operatorName(q);
    if (op !== undefined) {
      const full = `${op.ns}::${op.name}`;
      const why = DENIED_OPS.get(full);
      if (why !== undefined) return { kind: 'denied', op: full, why };
      if (!LOAD_NAMESPACES.has(op.ns) && !isBuiltinOpNamespace(op.ns)) return { kind: 'custom-namespace' };
      if (ALLOWED_OPS.has(full)) return { kind: 'allowed' };
      return { kind: 'unlisted', what: `operator ${full}` };
    }
    const last = q.slice(q.lastIndexOf('.') + 1);
    const named = DENIED_NAMES.get(last);
    if (named !== undefined) return { kind: 'denied', op: q, why: named };
    return { kind: 'unlisted', what: q };
  }
  if (access?.root.kind === 'name' && access.steps.length === 0 && PRINTED_BUILTINS.has(access.root.name)) {
    if (callee.resolution === 'unbound' || callee.resolution === 'builtin') return { kind: 'allowed' };
  }
  if (access?.root.kind === 'name' && access.root.name.startsWith('__torch__')) {
    // A free function or class of the archive that the index does not hold where torch looks for it (the index
    // follows the ones it holds before this). torch's native classes (`__torch__.torch.classes.*`) are not archive code.
    const native = callee.raw.replace(/\s+/g, '').startsWith('__torch__.torch.classes.');
    return {
      kind: 'unfollowed',
      what: native
        ? `${callee.raw} (archive code outside this method's class)`
        : `${callee.raw} (archive code that no code file read with this one defines as torch would find it)`,
      high: !native,
    };
  }
  // `value.method(...)` on a local value: the method names an aten/prim operator, or it is not admitted.
  if (access !== undefined && access.steps.length >= 1) {
    const last = access.steps[access.steps.length - 1]!;
    if (last.kind === 'attr') {
      const named = DENIED_NAMES.get(last.name);
      if (named !== undefined) return { kind: 'denied', op: callee.raw, why: named };
      if (access.root.kind === 'name' && access.root.resolution !== 'implicit') {
        // A value of an archive class runs that class's method, whatever its name (`x.clone()`, and the printer's
        // `x.__getitem__(i)` / `x.__contains__(k)` for `x[i]` / `k in x`).
        const receiver = receiverOf?.(call) ?? { kind: 'unknown' };
        if (receiver.kind === 'archive') return archiveMethod(receiver, callee.raw, last.name);
        // The printer writes a dunder method call only for a class value; a name an archive class defines is not
        // admitted by its operator spelling unless the receiver is known not to be an archive class.
        if (receiver.kind === 'unknown' && (/^__\w+__$/.test(last.name) || archiveMethodNames?.has(last.name) === true))
          return {
            kind: 'unfollowed',
            what: `${callee.raw} (a method whose receiver's type is not known, named like a method of an archive class)`,
            high: true,
          };
        if (VALUE_METHODS.has(last.name)) return { kind: 'allowed' };
        return { kind: 'unfollowed', what: `${callee.raw} (a method of another object of the archive)` };
      }
      // A method of an operator's result (`torch.expand(t, [4]).contiguous()`, `t.expand(4).contiguous()`): a
      // value torch makes, never an object of an archive class.
      if (access.root.kind === 'call' && access.steps.length === 1 && VALUE_METHODS.has(last.name))
        if (receiverOf?.(call).kind === 'other') return { kind: 'allowed' };
    }
  }
  return { kind: 'unlisted', what: callee.raw };
}

/**
 * The special method torch's compiler (1.13) calls for an infix operator whose left operand is an object of a class:
 * no reflected forms (`1 + b` does not compile), and `//` and `@` are not dispatched (they do not compile either).
 */
const INFIX_METHODS: ReadonlyMap<string, string> = new Map([
  ['+', '__add__'],
  ['-', '__sub__'],
  ['*', '__mul__'],
  ['/', '__truediv__'],
  ['%', '__mod__'],
  ['**', '__pow__'],
  ['&', '__and__'],
  ['|', '__or__'],
  ['^', '__xor__'],
  ['<<', '__lshift__'],
  ['>>', '__rshift__'],
  ['<', '__lt__'],
  ['<=', '__le__'],
  ['>', '__gt__'],
  ['>=', '__ge__'],
  ['==', '__eq__'],
  ['!=', '__ne__'],
]);
/** Augmented assignments the compiler dispatches: the in-place method when the class defines it, else the infix one. */
const AUGMENTED_METHODS: ReadonlyMap<string, string> = new Map([
  ['+', '__iadd__'],
  ['-', '__isub__'],
  ['*', '__imul__'],
  ['/', '__itruediv__'],
  ['%', '__imod__'],
]);
/** The special methods an operand used through a protocol runs (`if b:` runs `__bool__`, `with b:` both of its). */
const PROTOCOL_METHODS: Readonly<Record<ProtocolUseFact['kind'], readonly string[]>> = {
  'item-get': ['__getitem__'],
  'item-set': ['__setitem__'],
  'item-delete': ['__delitem__'],
  contains: ['__contains__'],
  negate: ['__neg__'],
  invert: ['__invert__'],
  plus: [],
  truth: ['__bool__'],
  context: ['__enter__', '__exit__'],
};
/** Builtins the compiler turns into a call of their argument's special method when it is an object of a class. */
const BUILTIN_METHODS: ReadonlyMap<string, string> = new Map([
  ['len', '__len__'],
  ['bool', '__bool__'],
  ['int', '__int__'],
  ['float', '__float__'],
  ['str', '__str__'],
  ['complex', '__complex__'],
  ['round', '__round__'],
  ['hex', '__hex__'],
  ['oct', '__oct__'],
]);

/**
 * An operator on an operand that may be an object of an archive class, which torch's compiler turns into a call of
 * the class's special method: `b[1]` (`__getitem__`), `b[1] = v`, `del b[1]`, `k in b`, `b + 1` and the other infix
 * operators and comparisons, `b += 1` (`__iadd__`, else `__add__`), `-b`, `~b`, a truth test (`__bool__`), `with b:`
 * and `len(b)`, `int(b)`, `str(b)` and the other builtins of BUILTIN_METHODS. Each group of `methods` is one method
 * run: the first of its names the class defines.
 */
interface OperatorUse {
  readonly operand: ExpressionFact;
  readonly methods: readonly (readonly string[])[];
  readonly span: SourceSpan;
  readonly text: string;
  readonly scopeId: number;
  /** The methods run on the operand's elements, not on the operand: a sort compares a list's items. */
  readonly elements?: boolean;
}

/**
 * The list a call sorts, when it is one: `l.sort()`, `l.sort(reverse=True)`, `torch.sort(l)`, `torch.sort(l, True)`
 * (the printer's spelling of the method) and `sorted(l)`. torch 1.13 sorts a list of objects of a class with the
 * class's `__lt__`; no other list method or builtin compiles on such a list (`max`, `min`, `index`, `count`,
 * `remove`, `in`, `==` of lists, `sorted(l, reverse=True)` do not), and `str`, `print` and `format` of an object do
 * not run its `__str__`.
 */
function sortedList(c: CallSite): ExpressionFact | undefined {
  const a = c.callee.access;
  if (a === undefined) return undefined;
  const name = a.root.kind === 'name' ? a.root.name : undefined;
  if (name === 'sorted' && a.steps.length === 0)
    return c.callee.resolution === 'builtin' || c.callee.resolution === 'unbound' ? c.positional[0] : undefined;
  const last = a.steps[a.steps.length - 1];
  if (last?.kind !== 'attr' || last.name !== 'sort') return undefined;
  if (name === 'torch' && a.steps.length === 1) return c.positional[0];
  // `l.sort()`: the receiver, as the chain before `.sort`.
  const text = c.callee.raw.replace(/\s*\.\s*sort$/, '');
  const steps = a.steps.slice(0, -1);
  const root = a.root;
  const nodeType = root.kind === 'name' && steps.length === 0 ? 'identifier' : 'attribute';
  const span = { ...c.span, endIndex: c.span.startIndex + text.length };
  const names = root.kind === 'name' ? [root.name] : [];
  const callIds = root.kind === 'call' ? [root.callId] : [];
  return { text, nodeType, span, values: [], names, callIds, access: { root, steps } };
}

const OPERATOR_USES = new WeakMap<PythonModule, OperatorUse[]>();

/** The operator uses of a module (see OperatorUse), read once. */
function operatorUses(mod: PythonModule): OperatorUse[] {
  const done = OPERATOR_USES.get(mod);
  if (done !== undefined) return done;
  const out: OperatorUse[] = [];
  for (const o of [...mod.operators, ...mod.divisions.map((d) => ({ ...d, augmented: false }))]) {
    const infix = INFIX_METHODS.get(o.operator);
    if (infix === undefined) continue;
    const inPlace = o.augmented ? AUGMENTED_METHODS.get(o.operator) : undefined;
    if (o.augmented && inPlace === undefined) continue;
    const methods = inPlace === undefined ? [[infix]] : [[inPlace, infix]];
    out.push({ operand: o.left, methods, span: o.span, text: o.text, scopeId: o.scopeId });
  }
  for (const u of mod.protocolUses ?? []) {
    const names = PROTOCOL_METHODS[u.kind];
    if (names.length > 0)
      out.push({ operand: u.operand, methods: names.map((n) => [n]), span: u.span, text: u.text, scopeId: u.scopeId });
  }
  for (const c of mod.calls) {
    const a = c.callee.access;
    const m = a?.root.kind === 'name' && a.steps.length === 0 ? BUILTIN_METHODS.get(a.root.name) : undefined;
    if (m === undefined || (c.callee.resolution !== 'builtin' && c.callee.resolution !== 'unbound')) continue;
    const operand = c.positional[0];
    if (operand !== undefined) out.push({ operand, methods: [[m]], span: c.span, text: c.text, scopeId: c.scopeId });
  }
  // A sort compares the list's items with their class's `__lt__`.
  for (const c of mod.calls) {
    const operand = sortedList(c);
    if (operand !== undefined)
      out.push({ operand, methods: [['__lt__']], span: c.span, text: c.text, scopeId: c.scopeId, elements: true });
  }
  OPERATOR_USES.set(mod, out);
  return out;
}

/** An annotated type as a ReceiverType. */
function typeKind(archive: TorchScriptArchive, t: string): ReceiverType {
  // An Optional object is refined to the object before an operator on it compiles.
  const type = typeArguments(t, 'Optional')?.[0] ?? t;
  // `Any` (or a union) may hold an object of a class.
  if (type === 'Any' || /^Union\[/.test(type)) return { kind: 'unknown' };
  if (!type.startsWith('__torch__.')) return { kind: 'other' };
  const cls = archive.classes.get(type);
  return cls === undefined ? { kind: 'archive', type } : { kind: 'archive', type, cls };
}

/** Expressions whose value an operator computes: the operator's result when its operand is an object of a class. */
const OPERATOR_RESULTS: ReadonlySet<string> = new Set(['binary_operator', 'comparison_operator', 'unary_operator']);

const USES_AT = new WeakMap<PythonModule, Map<number, OperatorUse[]>>();

/** The operator uses of a module by where they start. */
function usesAt(mod: PythonModule): Map<number, OperatorUse[]> {
  let m = USES_AT.get(mod);
  if (m !== undefined) return m;
  m = new Map();
  for (const u of operatorUses(mod)) {
    const list = m.get(u.span.startIndex);
    if (list === undefined) m.set(u.span.startIndex, [u]);
    else list.push(u);
  }
  USES_AT.set(mod, m);
  return m;
}

/** What an operator use's operand is: an object of an archive class, a value of another type, or unknown. */
function operandType(archive: TorchScriptArchive, file: number, use: OperatorUse, depth = 0): ReceiverType {
  if (use.elements === true) return elementType(archive, file, use.operand, use.scopeId, depth);
  return valueType(archive, file, use.operand, use.scopeId, depth);
}

/** One type for values that may be of several: an archive class only when every one is that class. */
function joinTypes(types: readonly ReceiverType[]): ReceiverType {
  if (types.every((t) => t.kind === 'other')) return { kind: 'other' };
  const first = types[0]!;
  if (first.kind === 'archive' && types.every((t) => t.kind === 'archive' && t.type === first.type)) return first;
  return { kind: 'unknown' };
}

/** What a list of the type `t` holds (anything that is not a list holds no objects a sort compares). */
function listElementType(archive: TorchScriptArchive, t: string): ReceiverType {
  const type = typeArguments(t, 'Optional')?.[0] ?? t;
  const items = typeArguments(type, 'List');
  if (items?.length === 1) return typeKind(archive, items[0]!);
  return typeKind(archive, type).kind === 'unknown' ? { kind: 'unknown' } : { kind: 'other' };
}

/**
 * What the elements of a list are: the item type of its annotation (a parameter, an attribute, `annotate(List[T],
 * [])`), or of a display (TorchScript's lists hold one type, the type of the display's items; `[]` holds tensors),
 * read through local bindings and sorts; a tensor (`torch.sort` of a tensor) holds no objects.
 */
function elementType(
  archive: TorchScriptArchive,
  file: number,
  e0: ExpressionFact,
  scopeId: number,
  depth: number,
): ReceiverType {
  const mod = archive.files[file]!.mod;
  let e = e0;
  while (e.nodeType === 'parenthesized_expression' && e.elements?.length === 1) e = e.elements[0]!;
  if (e.nodeType === 'list') {
    const items = e.elements ?? [];
    if (items.length === 0) return { kind: 'other' };
    return joinTypes(items.map((x) => valueType(archive, file, x, scopeId, depth + 1)));
  }
  if (e.constant !== undefined || ['tuple', 'string', 'dictionary', 'set'].includes(e.nodeType))
    return { kind: 'other' };
  const a = e.access;
  if (a?.root.kind === 'name' && ['unbound', 'builtin', 'implicit'].includes(a.root.resolution))
    return { kind: 'other' };
  const method = owningMethod(mod.functions, scopeId) ?? mod.functions[scopeId];
  if (a?.root.kind === 'name' && method !== undefined && method.kind === 'function') {
    const t = typeOfAccess(mod, a.root.name, a.steps, method, archive.classes, 0);
    if (t !== undefined) return listElementType(archive, t);
  }
  const c = callOf(mod, e);
  if (c !== undefined) {
    const typed = c.callee.raw === 'annotate' || c.callee.raw === 'unchecked_cast' ? c.positional[0] : undefined;
    if (typed !== undefined && c.positional.length === 2) return listElementType(archive, typed.text);
    // `sorted(l)` holds the items of `l`.
    const sorted = sortedList(c);
    if (sorted !== undefined && depth < MAX_BINDING_DEPTH)
      return elementType(archive, file, sorted, c.scopeId, depth + 1);
    // A list repeated by a constant count (`[a] * 4`, printed `torch.mul([a], 4)`) holds the list's items.
    const [x, y] = c.positional;
    if (c.callee.raw === 'torch.mul' && x !== undefined && y !== undefined && c.positional.length === 2) {
      const list = y.constant?.type === 'int' ? x : x.constant?.type === 'int' ? y : undefined;
      if (list !== undefined && c.keywords.length === 0 && depth < MAX_BINDING_DEPTH)
        return elementType(archive, file, list, c.scopeId, depth + 1);
    }
  }
  if (provenNotSequence(mod, e, scopeId, true)) return { kind: 'other' };
  if (e.nodeType === 'identifier' && depth < MAX_BINDING_DEPTH) {
    const binds = mod.assignments.filter(
      (x) => x.scopeId === scopeId && x.targets.some((t) => t.kind === 'name' && t.name === e.text),
    );
    if (binds.length > 0 && binds.every((x) => x.kind === 'assign' && x.targets.length === 1 && x.value !== null))
      return joinTypes(binds.map((x) => elementType(archive, file, x.value!, scopeId, depth + 1)));
  }
  return { kind: 'unknown' };
}

/** What a value is (see operandType): read through operators, the printer's typed values and local bindings. */
function valueType(
  archive: TorchScriptArchive,
  file: number,
  e0: ExpressionFact,
  scopeId: number,
  depth: number,
): ReceiverType {
  const mod = archive.files[file]!.mod;
  let e = e0;
  while (e.nodeType === 'parenthesized_expression' && e.elements?.length === 1) e = e.elements[0]!;
  if (e.constant !== undefined || isSequenceDisplay(e) || ['dictionary', 'set'].includes(e.nodeType))
    return { kind: 'other' };
  // The parentheses around an operator's value (`int((b < 1))`, as the printer writes it).
  let [start, end] = [e.span.startIndex, e.span.endIndex];
  if (e.nodeType === 'parenthesized_expression' && e.access === undefined) {
    const m = /^([(\s]*)[\s\S]*?([)\s]*)$/.exec(e.text)!;
    [start, end] = [start + m[1]!.length, end - m[2]!.length];
  }
  // The operators whose value `e` is (a truth test or context use is placed at its operand, which it does not make).
  const inner = (usesAt(mod).get(start) ?? []).filter(
    (u) =>
      u.elements !== true &&
      u.span.endIndex === end &&
      (u.operand.span.startIndex !== start || u.operand.span.endIndex !== end),
  );
  // `not x`, `x and y`, `x or y` are bools whatever their operands are.
  if (e.nodeType === 'not_operator' || e.nodeType === 'boolean_operator') return { kind: 'other' };
  if ((OPERATOR_RESULTS.has(e.nodeType) || inner.length > 0) && depth < MAX_BINDING_DEPTH) {
    // The value of another operator: an operator of the value types makes a value type; the special method of an
    // archive class makes what its return annotation says.
    if (inner.length === 0) return { kind: 'unknown' };
    const results = inner.map((u): ReceiverType => {
      const t = valueType(archive, file, u.operand, u.scopeId, depth + 1);
      if (t.kind !== 'archive') return t;
      const fn = t.cls === undefined ? undefined : u.methods[0]!.map((n) => t.cls!.methods.get(n)).find((f) => f);
      const ret = fn?.returnAnnotation?.replace(/\s+/g, '');
      return ret === undefined ? { kind: 'unknown' } : typeKind(archive, ret);
    });
    return results.every((r) => r.kind === 'other') ? { kind: 'other' } : { kind: 'unknown' };
  }
  const method = owningMethod(mod.functions, scopeId) ?? mod.functions[scopeId];
  const a = e.access;
  // A name bound nowhere in the file is a global of the code: a type (`List[int]`), `torch`, `ops`, or archive code
  // (`__torch__.a`); an object of a class is always a local, a parameter or an attribute.
  if (a?.root.kind === 'name' && ['unbound', 'builtin', 'implicit'].includes(a.root.resolution))
    return { kind: 'other' };
  if (a?.root.kind === 'name' && method !== undefined && method.kind === 'function') {
    const t = typeOfAccess(mod, a.root.name, a.steps, method, archive.classes, 0);
    if (t !== undefined) return typeKind(archive, t);
  }
  if (provenNotSequence(mod, e, scopeId, false)) return { kind: 'other' };
  // The printer's typed values: `annotate(List[int], [])`, `unchecked_cast(__torch__.Box, x)`.
  const c = callOf(mod, e);
  const typed = c?.callee.raw === 'annotate' || c?.callee.raw === 'unchecked_cast' ? c.positional[0] : undefined;
  if (typed !== undefined && c!.positional.length === 2) return typeKind(archive, typed.text.replace(/\s+/g, ''));
  // A local name every binding of which is a value of another type.
  if (e.nodeType === 'identifier' && depth < MAX_BINDING_DEPTH) {
    const other = everyBinding(
      mod,
      e.text,
      scopeId,
      (v) => valueType(archive, file, v, scopeId, depth + 1).kind === 'other',
    );
    if (other) return { kind: 'other' };
  }
  return { kind: 'unknown' };
}

/**
 * The methods an operator use at load runs, and what is not followed: on an object of a class the index holds, the
 * special method of each group the class defines (a group it defines none of does not compile, and is reported);
 * on an object of an archive class the index does not hold, or on an operand of unknown type when a class of the
 * archive defines one of the methods, the use is not followed.
 */
function followUse(
  archive: TorchScriptArchive,
  file: number,
  use: OperatorUse,
): { runs: { cls: ArchiveClass; fn: FunctionFact }[]; unfollowed?: string } {
  const t = operandType(archive, file, use);
  const names = use.methods.map((g) => g.join(' or ')).join(' and ');
  if (t.kind === 'other') return { runs: [] };
  if (t.kind === 'unknown') {
    if (!use.methods.some((g) => g.some((n) => archive.methodNames.has(n)))) return { runs: [] };
    if (use.elements === true)
      return {
        runs: [],
        unfollowed: `a sort of a list whose item type is not known, where a class of the archive defines ${names}, which torch's compiler calls to compare objects of that class`,
      };
    return {
      runs: [],
      unfollowed: `an operand whose type is not known, where a class of the archive defines ${names}, which torch's compiler calls for this operator on an object of that class`,
    };
  }
  const cls = t.cls;
  if (cls === undefined)
    return {
      runs: [],
      unfollowed: `an object of the archive class ${t.type}, which no code file read with this one defines as torch would find it (the operator runs its ${names})`,
    };
  const runs: { cls: ArchiveClass; fn: FunctionFact }[] = [];
  for (const g of use.methods) {
    const fn = g.map((n) => cls.methods.get(n)).find((f) => f !== undefined);
    if (fn === undefined)
      return { runs, unfollowed: `an object of the archive class ${t.type}, which defines no ${g.join(' or ')}` };
    runs.push({ cls, fn });
  }
  return { runs };
}

/**
 * The method (a function whose parent is a class) or free function (a function of the module's top level) a
 * function belongs to, walking out of nested definitions.
 */
/**
 * The unit of code a scope belongs to for the load rules: its method or function, or, for an expression outside every
 * function body (a parameter default, a class constant, a decorator), the class or module whose body holds it. torch's
 * importer evaluates those expressions while it compiles the class or module at load.
 */
function loadUnitOf(fns: readonly FunctionFact[], id: number): FunctionFact | undefined {
  const m = owningMethod(fns, id);
  if (m !== undefined) return m;
  let f = fns[id];
  for (let guard = 0; f !== undefined && guard < fns.length; guard++) {
    if (f.kind === 'class' || f.kind === 'module') return f;
    f = f.parentId === null ? undefined : fns[f.parentId];
  }
  return undefined;
}

/**
 * How a finding names a unit of code: a method or function by its qualified name; the expressions outside function
 * bodies by the class or code file that holds them.
 */
function unitName(fn: FunctionFact): string {
  if (fn.kind === 'class')
    return `the class body of ${fn.qualifiedName} (its constants and its methods' parameter defaults, which the importer evaluates)`;
  if (fn.kind === 'module')
    return "the code file's top level (its functions' parameter defaults, which the importer evaluates)";
  return fn.qualifiedName;
}

/**
 * Where the load starts running the archive's code, in order: the `__setstate__` of every class, and the expressions
 * torch's importer evaluates outside function bodies while it compiles each class and module (every parameter
 * default of its methods and functions, its class constants such as `k : Final[int] = ...`, decorators), as the unit
 * of the class or module that holds them. The importer compiles every class and function of a code file whether or
 * not anything calls it, so these run on every load (`forward` is compiled, and its defaults evaluated, though the
 * load never calls it).
 */
function loadRoots(
  archive: Pick<TorchScriptArchive, 'files' | 'methodsByClass' | 'callsByMethod' | 'usesByMethod'>,
): [number, FunctionFact][] {
  const out: [number, FunctionFact][] = [];
  archive.files.forEach(({ mod }, file) => {
    for (const methods of archive.methodsByClass[file]!.values())
      for (const name of LOAD_METHODS) {
        const m = methods.get(name);
        if (m !== undefined) out.push([file, m]);
      }
    const units = new Set([...archive.callsByMethod[file]!.keys(), ...archive.usesByMethod[file]!.keys()]);
    for (const id of units) {
      const f = mod.functions[id];
      if (f !== undefined && (f.kind === 'class' || f.kind === 'module')) out.push([file, f]);
    }
  });
  return out;
}

function owningMethod(fns: readonly FunctionFact[], id: number): FunctionFact | undefined {
  let f = fns[id];
  for (let guard = 0; f !== undefined && guard < fns.length; guard++) {
    const parent = f.parentId === null ? undefined : fns[f.parentId];
    if (parent === undefined || parent.kind === 'module') return f.kind === 'function' ? f : undefined;
    if (parent.kind === 'class' && f.kind === 'function') return f;
    f = parent;
  }
  return undefined;
}

/** Whether a function is a method of a class (its first parameter is the object), not a free function. */
function isMethod(fns: readonly FunctionFact[], fn: FunctionFact): boolean {
  return fn.parentId !== null && fns[fn.parentId]?.kind === 'class';
}

/**
 * The numbers a constant argument holds (a literal, a negated literal, or a list/tuple of them); undefined when not
 * constant. Integers only unless `floats`.
 */
function constantNumbers(e: ExpressionFact, floats = false): number[] | undefined {
  if (e.constant !== undefined)
    return e.constant.type === 'int' || (floats && e.constant.type === 'float')
      ? [Number(e.constant.value)]
      : undefined;
  if (e.nodeType === 'unary_operator' && (floats ? /^-\s*[\d.]+(?:e[-+]?\d+)?$/i : /^-\s*\d+$/).test(e.text))
    return [-Number(e.text.replace(/^-\s*/, ''))];
  if (e.elements === undefined || (e.nodeType !== 'list' && e.nodeType !== 'tuple')) return undefined;
  const out: number[] = [];
  for (const el of e.elements) {
    const v = constantNumbers(el, floats);
    if (v === undefined || v.length !== 1) return undefined;
    out.push(v[0]!);
  }
  return out;
}

/** The integers a constant argument holds (a literal int or a list/tuple of them); undefined when not constant. */
function constantInts(e: ExpressionFact): number[] | undefined {
  return constantNumbers(e);
}

/** The call an expression is (`f(...)` with no steps after it). */
function callOf(mod: PythonModule, e: ExpressionFact): CallSite | undefined {
  const a = e.access;
  if (a?.root.kind !== 'call' || a.steps.length > 0) return undefined;
  return mod.calls[a.root.callId];
}

/**
 * Whether `name` is bound in scope `scopeId` and every binding is a plain `name = value` whose value satisfies `ok`
 * (a name bound otherwise — a loop target, an augmented or tuple assignment — proves nothing).
 */
function everyBinding(
  mod: PythonModule,
  name: string,
  scopeId: number,
  ok: (value: ExpressionFact) => boolean,
): boolean {
  const binds = mod.assignments.filter(
    (a) => a.scopeId === scopeId && a.targets.some((t) => t.kind === 'name' && t.name === name),
  );
  return (
    binds.length > 0 &&
    binds.every((a) => a.kind === 'assign' && a.targets.length === 1 && a.value !== null && ok(a.value))
  );
}

/**
 * `len(x)` / `torch.len(x)`, a name every assignment of its scope binds to one, or a list of those: a count bounded
 * by a container the archive stores, never more than its size.
 */
function isStoredLength(mod: PythonModule, e: ExpressionFact, scopeId: number, depth = 0): boolean {
  const c = callOf(mod, e);
  if (c !== undefined) return c.callee.raw === 'len' || c.callee.raw === 'torch.len';
  if ((e.nodeType === 'list' || e.nodeType === 'tuple') && e.elements !== undefined && depth < 2)
    return e.elements.length > 0 && e.elements.every((el) => isStoredLength(mod, el, scopeId, depth + 1));
  if (e.nodeType !== 'identifier' || depth >= 2) return false;
  return everyBinding(mod, e.text, scopeId, (v) => isStoredLength(mod, v, scopeId, depth + 1));
}

type LoopBound = { kind: 'constant'; trips: number } | { kind: 'stored' } | { kind: 'unbounded'; why: string };

function loopBound(mod: PythonModule, loop: LoopFact): LoopBound {
  if (loop.kind === 'while')
    return { kind: 'unbounded', why: 'a while loop, whose number of turns the code does not bound' };
  const head = loop.head;
  if (head === null) return { kind: 'unbounded', why: 'a loop over an iterable that cannot be read' };
  const c = callOf(mod, head);
  if (c === undefined || c.callee.raw !== 'range') return { kind: 'stored' }; // a stored container's elements
  const args = c.positional;
  if (c.hasStarArgs || c.keywords.length > 0 || args.length === 0 || args.length > 3)
    return { kind: 'unbounded', why: `a range whose arguments cannot be read (${c.text})` };
  const ints = args.map(constantInts);
  if (ints.every((v) => v !== undefined && v.length === 1)) {
    const [a, b, step] = args.length === 1 ? [0, ints[0]![0]!, 1] : [ints[0]![0]!, ints[1]![0]!, ints[2]?.[0] ?? 1];
    const trips = step === 0 ? 0 : Math.ceil(Math.max(0, (b - a) / step));
    if (trips <= MAX_CONSTANT_TRIPS) return { kind: 'constant', trips };
    return { kind: 'unbounded', why: `a constant range of more than ${MAX_CONSTANT_TRIPS} turns (${c.text})` };
  }
  if (args.length === 1 && isStoredLength(mod, args[0]!, loop.scopeId)) return { kind: 'stored' };
  return {
    kind: 'unbounded',
    why: `a range whose bound (${c.text}) is a value of the stored state or computed at load, not a constant or the length of a stored container`,
  };
}

/**
 * Whether a constant work argument is valid: divisors at least 1, sizes from 0 to MAX_CONSTANT_SIZE, and a shape
 * (a list of sizes) whose product is at most MAX_CONSTANT_ELEMENTS.
 */
function validConstant(kind: string, values: readonly number[]): boolean {
  if (kind === 'size' && values.reduce((p, v) => p * Math.max(v, 1), 1) > MAX_CONSTANT_ELEMENTS) return false;
  // Float scale factors of an output's size: their product multiplies the input's elements.
  if (kind === 'fscale')
    return (
      values.every((v) => Number.isFinite(v) && v >= 0) &&
      values.reduce((p, v) => p * Math.max(v, 1), 1) <= SMALL_OPERAND_ELEMENTS
    );
  // A factor of an operand's size: the product of the counts multiplies what the archive stores.
  if (kind === 'scale')
    return values.every((v) => v >= 0) && values.reduce((p, v) => p * Math.max(v, 1), 1) <= SMALL_OPERAND_ELEMENTS;
  return values.every((v) =>
    kind === 'divisor' ? v >= 1 && v <= MAX_CONSTANT_SIZE : v >= 0 && v <= MAX_CONSTANT_SIZE,
  );
}

/**
 * The elements a constructor call makes when all of its size arguments are constants (`torch.ones([64, 64])`), or
 * undefined when it takes a tensor or a size that is not constant.
 */
function constantShapeElements(mod: PythonModule, call: CallSite): number | undefined {
  const called = calledOperator(call);
  const spec = called === undefined ? undefined : WORK_ARGUMENTS.get(called.op);
  if (called === undefined || called.valueForm || spec === undefined || call.hasStarArgs) return undefined;
  let elements: number | undefined;
  const sized = new Set<ExpressionFact>();
  for (const [name, [kind, positions]] of Object.entries(spec)) {
    if (kind !== 'size') continue;
    const args = [...positions.map((p) => call.positional[p]), call.keywords.find((k) => k.name === name)?.value];
    for (const e of args) {
      if (e === undefined) continue;
      const v = constantInts(e);
      if (v === undefined) return undefined;
      sized.add(e);
      elements = (elements ?? 1) * v.reduce((p, x) => p * Math.max(x, 1), 1);
    }
  }
  // Every other argument must be a constant (a dtype, a fill value): no operand tensor.
  for (const e of [...call.positional, ...call.keywords.map((k) => k.value)])
    if (!sized.has(e) && e.constant === undefined && constantInts(e) === undefined && e.nodeType !== 'attribute')
      return undefined;
  const formula = SHAPE_FORMULAS.get(called.op);
  if (formula !== undefined && elements !== undefined && call.keywords.length === 0) {
    const v = call.positional.map((e) => constantInts(e)?.[0]);
    if (v.some((x) => x === undefined)) return elements;
    const n = v as number[];
    if (formula === 'square') return n[0]! * (n[1] ?? n[0]!);
    if (formula === 'range') {
      const [lo, hi, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
      return step === 0 ? 0 : Math.max(0, Math.ceil((hi - lo) / step));
    }
  }
  const counts = repetitionCounts(mod, call, called.op);
  if (counts.length > 0) {
    if (counts.length !== 1) return undefined;
    const v = constantInts(counts[0]!);
    return v?.length === 1 ? Math.max(v[0]!, 0) : undefined;
  }
  return elements === undefined || mod === undefined ? undefined : elements;
}

/**
 * Whether a tensor operand of a superlinear operator at load is stored in the archive or small: `(state)[i]` of
 * `__setstate__`, `self.x` when every assignment of it in the class is such a value, a constant, a constant-shape
 * construction of at most SMALL_OPERAND_ELEMENTS, or a local name every assignment of which is one of those.
 */
function boundedOperand(
  mod: PythonModule,
  e: ExpressionFact,
  method: FunctionFact,
  classMethods: ReadonlyMap<string, FunctionFact>,
  depth = 0,
): boolean {
  if (depth > 6) return false;
  if (e.constant !== undefined || constantInts(e) !== undefined) return true;
  if ((e.nodeType === 'list' || e.nodeType === 'tuple') && e.elements !== undefined)
    return e.elements.every((el) => boundedOperand(mod, el, method, classMethods, depth + 1));
  if (e.nodeType === 'parenthesized_expression' && e.elements?.length === 1)
    return boundedOperand(mod, e.elements[0]!, method, classMethods, depth + 1);
  const c = callOf(mod, e);
  if (c !== undefined) {
    const n = constantShapeElements(mod, c);
    return n !== undefined && n <= SMALL_OPERAND_ELEMENTS;
  }
  const access = e.access;
  const setstate = classMethods.get('__setstate__');
  const stateName = setstate?.parameters[1]?.name;
  const selfName = method.parameters[0]?.name;
  if (access?.root.kind === 'name') {
    const [step, ...more] = access.steps;
    if (
      method === setstate &&
      access.root.name === stateName &&
      access.root.resolution === 'parameter' &&
      step?.kind === 'index' &&
      more.length === 0
    )
      return true;
    if (access.root.name === selfName && step?.kind === 'attr' && more.length === 0) {
      const ids = new Set([...classMethods.values()].map((m) => m.id));
      const sets = mod.assignments.filter((a) => {
        const m = owningMethod(mod.functions, a.scopeId) ?? mod.functions[a.scopeId];
        return (
          m !== undefined &&
          ids.has(m.id) &&
          a.targets.some(
            (t) => t.kind === 'attribute' && t.text.replace(/\s+/g, '') === `${m.parameters[0]?.name}.${step.name}`,
          )
        );
      });
      return (
        sets.length > 0 &&
        sets.every((a) => {
          const m = owningMethod(mod.functions, a.scopeId) ?? mod.functions[a.scopeId]!;
          return a.kind === 'assign' && a.value !== null && boundedOperand(mod, a.value, m, classMethods, depth + 1);
        })
      );
    }
  }
  return e.nodeType === 'identifier' && boundedName(mod, e.text, method, classMethods, depth);
}

/** Whether every assignment of a local name in `method` is a bounded operand (see boundedOperand). */
function boundedName(
  mod: PythonModule,
  name: string,
  method: FunctionFact,
  classMethods: ReadonlyMap<string, FunctionFact>,
  depth: number,
): boolean {
  const binds = mod.assignments.filter(
    (a) => a.scopeId === method.id && a.targets.some((t) => t.kind === 'name' && t.name === name),
  );
  return (
    binds.length > 0 &&
    binds.every(
      (a) =>
        a.kind === 'assign' &&
        a.targets.length === 1 &&
        a.value !== null &&
        boundedOperand(mod, a.value, method, classMethods, depth + 1),
    )
  );
}

/** Work arguments of an operator call that are not valid constants: [argument name, kind, source text]. */
type Unproven = [name: string, kind: string, text: string, expr?: ExpressionFact];

/**
 * The arguments every call at load passes for a parameter of a method or function (the caller's module and scope
 * with each; the parameter's default where a call leaves it out), or undefined when one cannot be read or the
 * parameter is rebound in its body.
 */
type BindArgument = (
  mod: PythonModule,
  e: ExpressionFact,
  scopeId: number,
) => { mod: PythonModule; e: ExpressionFact; scopeId: number }[] | undefined;

/** How many callers deep a parameter is followed to the arguments its calls pass. */
const MAX_BIND_DEPTH = 4;

/** Whether a work argument is proven valid: a valid constant, None, a stored length, or a parameter bound to those. */
function validWorkArgument(
  mod: PythonModule,
  e: ExpressionFact,
  scopeId: number,
  kind: string,
  bind: BindArgument | undefined,
  depth = 0,
): boolean {
  if (e.constant?.type === 'none') return true;
  const v = constantNumbers(e, kind === 'fscale');
  if (v !== undefined && validConstant(kind, v)) return true;
  if (kind === 'size' && isStoredLength(mod, e, scopeId)) return true;
  // A local name every binding of which is a valid constant (the printer hoists constant lists: `_0 = [2, 2]`).
  if (
    e.nodeType === 'identifier' &&
    depth < MAX_BIND_DEPTH &&
    !mod.functions[scopeId]?.parameters.some((p) => p.name === e.text) &&
    everyBinding(mod, e.text, scopeId, (b) => validWorkArgument(mod, b, scopeId, kind, undefined, depth + 1))
  )
    return true;
  if (bind === undefined || depth >= MAX_BIND_DEPTH || e.nodeType !== 'identifier') return false;
  const args = bind(mod, e, scopeId);
  return (
    args !== undefined &&
    args.length > 0 &&
    args.every((a) => validWorkArgument(a.mod, a.e, a.scopeId, kind, bind, depth + 1))
  );
}

function unprovenWorkArguments(
  mod: PythonModule,
  call: CallSite,
  op: string,
  valueForm: boolean,
  bind?: BindArgument,
): Unproven[] {
  const spec = WORK_ARGUMENTS.get(op);
  if (spec === undefined) return [];
  const out: Unproven[] = [];
  const counts = valueForm ? [] : repetitionCounts(mod, call, op);
  const check = (name: string, declared: string, e: ExpressionFact) => {
    // The counts of an operator that repeats its operand multiply the operand's size, which the archive stores
    // (its bytes bound it, not the product): together they may be at most SMALL_OPERAND_ELEMENTS.
    const kind = declared === 'size' && OPERAND_SCALED.has(op) ? 'scale' : declared;
    if (validWorkArgument(mod, e, call.scopeId, kind, bind)) return;
    out.push([name, kind, e.text, e]);
  };
  for (const [name, [kind, positions, mixed]] of Object.entries(spec)) {
    for (const p of positions) {
      const i = valueForm ? p - 1 : p;
      const e = i >= 0 ? call.positional[i] : undefined;
      if (e !== undefined) check(name, kind, e);
    }
    // A position another overload takes a tensor, a number or a string at (`histogram(x, bins)`: a tensor of edges
    // or an int count): the argument is checked unless it is proven to be a tensor, a float or a string. The list
    // repetition operators have their own reading (repetitionCounts).
    if (mixed !== undefined && !REPETITION_OPS.has(op))
      for (const [p, fewest, most] of mixed) {
        const n = call.positional.length + (valueForm ? 1 : 0);
        if (!call.hasStarArgs && (n < fewest || n > most)) continue;
        const i = valueForm ? p - 1 : p;
        const e = i >= 0 ? call.positional[i] : undefined;
        if (
          e === undefined ||
          e.constant?.type === 'str' ||
          e.constant?.type === 'float' ||
          provenNotSequence(mod, e, call.scopeId, true)
        )
          continue;
        check(name, kind, e);
      }
    const kw = call.keywords.find((k) => k.name === name);
    if (kw !== undefined) check(name, kind, kw.value);
  }
  for (const count of counts) check('count', 'size', count);
  if (call.hasStarArgs || call.hasStarStarKwargs) out.push(['*args', 'unknown', call.text]);
  return out;
}

/** The operator a call at load names, and whether it is the value-method form (`t.repeat(...)`). */
function calledOperator(call: CallSite): { op: string; valueForm: boolean } | undefined {
  if (archiveCode(call)) return undefined;
  const q = call.callee.qualifiedName;
  if (q !== null && (call.callee.resolution === 'implicit' || call.callee.resolution === 'import')) {
    const op = operatorName(q);
    return op === undefined ? undefined : { op: `${op.ns}::${op.name}`, valueForm: false };
  }
  const access = call.callee.access;
  if (access?.root.kind === 'name' && access.root.resolution !== 'implicit' && access.steps.length >= 1) {
    const last = access.steps[access.steps.length - 1]!;
    const op = last.kind === 'attr' ? 'aten::' + last.name : undefined;
    if (
      op !== undefined &&
      (WORK_ARGUMENTS.has(op) || UNCHECKED_OPS.has(op) || UNCHECKED_FLAGS.has(op) || STRING_SEARCH_OPS.has(op))
    )
      return { op, valueForm: true };
  }
  return undefined;
}

/**
 * Whether a call is the value-method form (`t.repeat([2])`, whose receiver is the operand) rather than the
 * `torch.<op>(...)` / `ops.<ns>.<op>(...)` form: the callee is not a name of torch's namespaces (a local name bound
 * to a torch call, `t0 = torch.ones(...)`, resolves to a qualified name starting with `torch` too).
 */
function isValueForm(call: CallSite): boolean {
  const r = call.callee.resolution;
  return call.callee.qualifiedName === null || (r !== 'implicit' && r !== 'import');
}

/** The aten or namespaced operator a call names, in the `torch.<op>` or the value-method form. */
function namedOperator(call: CallSite): string | undefined {
  if (archiveCode(call)) return undefined;
  const q = call.callee.qualifiedName;
  if (q !== null && (call.callee.resolution === 'implicit' || call.callee.resolution === 'import')) {
    const op = operatorName(q);
    return op === undefined ? undefined : `${op.ns}::${op.name}`;
  }
  const access = call.callee.access;
  const last = access?.steps[access.steps.length - 1];
  if (access?.root.kind === 'name' && access.root.resolution !== 'implicit' && last?.kind === 'attr')
    return 'aten::' + last.name;
  return undefined;
}

/**
 * Whether an operator can make its output larger than an operand, for loop-carried growth: one with a size argument
 * in the load table, a list or string repetition, a concatenation, a superlinear or a value-sized operator.
 */
function growingOperator(call: CallSite): string | undefined {
  const op = namedOperator(call);
  if (op === undefined) return undefined;
  const spec = WORK_ARGUMENTS.get(op);
  if (
    (spec !== undefined && Object.values(spec).some(([kind]) => kind === 'size')) ||
    REPETITION_OPS.has(op) ||
    CONCATENATION.test(op) ||
    SUPERLINEAR_OPS.has(op) ||
    VALUE_SIZED.has(op) ||
    op === 'aten::replace' ||
    op === 'aten::join'
  )
    return op;
  return undefined;
}

/**
 * For an operator whose output size the values of a tensor operand choose: the reason a call at load is unbounded, or
 * undefined when its bounding argument is given (a valid constant is then required by the work check).
 */
function valueSizedCall(mod: PythonModule, call: CallSite): string | undefined {
  const op = namedOperator(call);
  if (op === undefined || !VALUE_SIZED.has(op)) return undefined;
  if (op === 'aten::repeat_interleave') {
    // repeat_interleave(self, int repeats): a constant count, charged as a work argument with the operand it scales.
    const valueForm = isValueForm(call);
    const e = call.keywords.find((k) => k.name === 'repeats')?.value ?? call.positional[valueForm ? 0 : 1];
    if (e !== undefined && e.constant?.type === 'int') return undefined;
  }
  // `s.index(t)` of strings (printed `torch.index(s, t)`) is the string search, whose work the search rule charges.
  if (op === 'aten::index' && !call.hasStarArgs) {
    const needle = call.positional[isValueForm(call) ? 0 : 1];
    if (needle !== undefined && provenString(mod, needle, call.scopeId)) return undefined;
  }
  const bound = VALUE_SIZED.get(op)!;
  if (bound === null && INDEX_LOOKUP.test(op)) {
    // The rows it selects come from its first operand (the receiver in the value form); the indices, offsets and
    // flags after it size the output, which is bounded when each is a constant or a small constant-shape tensor.
    const valueForm = isValueForm(call);
    const rest = [...call.positional.slice(valueForm ? 0 : 1), ...call.keywords.map((k) => k.value)];
    if (!call.hasStarArgs && !call.hasStarStarKwargs && rest.every((e) => smallIndex(mod, e, 0))) return undefined;
  }
  if (bound === null)
    return INDEX_LOOKUP.test(op)
      ? `${op} makes one row per index, so its output is the count of its index tensor times the width of the rows it selects; both are sizes the archive stores or the load computes, multiplied (a stored index of 10**6 elements selecting rows of 10**4 values makes 10**10)`
      : `${op} sizes its output by the largest value of its operand, which the archive stores or the load computes; a stored value of 10**9 makes gigabytes`;
  const valueForm = isValueForm(call);
  const positions = WORK_ARGUMENTS.get(op)?.[bound]?.[1] ?? [];
  const given =
    call.keywords.some((k) => k.name === bound) ||
    positions.some((p) => call.positional[valueForm ? p - 1 : p] !== undefined);
  return given || call.hasStarArgs || call.hasStarStarKwargs
    ? undefined
    : `${op} without ${bound} sizes its output by the values of its operand, which the archive stores or the load computes; a stored value of 10**9 makes gigabytes`;
}

/**
 * For an operator whose run time per element the value of an operand sets (VALUE_WORK: the orthogonal polynomials'
 * degree): why a call at load is unbounded, or undefined when that operand is a constant integer of at most
 * MAX_CONSTANT_TRIPS.
 */
function valueWorkCall(call: CallSite): string | undefined {
  const op = namedOperator(call);
  const name = op === undefined ? undefined : VALUE_WORK.get(op);
  if (op === undefined || name === undefined) return undefined;
  // torch.special.f(x, n); the value form x.f(n) is not TorchScript for these, but is read the same way.
  const valueForm = isValueForm(call);
  const e = call.keywords.find((k) => k.name === name)?.value ?? call.positional[valueForm ? 0 : 1];
  const v = e === undefined ? undefined : constantInts(e);
  if (
    !call.hasStarArgs &&
    !call.hasStarStarKwargs &&
    v !== undefined &&
    v.every((x) => x >= 0 && x <= MAX_CONSTANT_TRIPS)
  )
    return undefined;
  return `${op} runs its recurrence once per unit of its ${name} for every element, and ${name} here is ${e === undefined ? 'not given as a constant' : `${e.text}, a value the archive stores or the load computes`}: a stored ${name} of 10**12 runs for hours`;
}

/** A constant, or a tensor built from a constant shape of at most SMALL_OPERAND_ELEMENTS (lists of those too). */
function smallIndex(mod: PythonModule, e: ExpressionFact, depth: number): boolean {
  if (e.constant !== undefined || constantInts(e) !== undefined) return true;
  if ((e.nodeType === 'list' || e.nodeType === 'tuple') && e.elements !== undefined && depth < 2)
    return e.elements.every((el) => smallIndex(mod, el, depth + 1));
  const c = callOf(mod, e);
  const n = c === undefined ? undefined : constantShapeElements(mod, c);
  return n !== undefined && n <= SMALL_OPERAND_ELEMENTS;
}

/** The finding for a superlinear operator at load whose operands are not proven stored or small. */
function superlinearSignal(
  span: SourceSpan,
  text: string,
  what: string,
  op: string,
  where: string,
  method: FunctionFact,
): CodeSignal {
  return signalAt(
    'TORCH-SCRIPT-CUSTOM-OP',
    span,
    text,
    `${what} ${where}: ${op} does work that grows faster than its operands (a matrix product, convolution or ` +
      'decomposition), and an operand is neither stored in the archive nor built from a constant shape of at most ' +
      `${SMALL_OPERAND_ELEMENTS} elements; two 16384 x 16384 operands of a matrix product are 4.4e12 multiply-adds, ` +
      'so the load runs for hours.',
    'high',
    { kind: 'load-work-superlinear', method: method.qualifiedName, operator: op, runsAtLoad: true },
  );
}

/** The superlinear operator a call names (`torch.mm(a, b)`, `ops.quantized.linear(...)`, `a.mm(b)`). */
function superlinearOperator(call: CallSite): { op: string; valueForm: boolean } | undefined {
  if (archiveCode(call)) return undefined;
  const q = call.callee.qualifiedName;
  if (q !== null && (call.callee.resolution === 'implicit' || call.callee.resolution === 'import')) {
    const op = operatorName(q);
    const name = op === undefined ? undefined : `${op.ns}::${op.name}`;
    return name !== undefined && SUPERLINEAR_OPS.has(name) ? { op: name, valueForm: false } : undefined;
  }
  const access = call.callee.access;
  if (access?.root.kind === 'name' && access.root.resolution !== 'implicit' && access.steps.length >= 1) {
    const last = access.steps[access.steps.length - 1]!;
    if (last.kind === 'attr' && SUPERLINEAR_OPS.has('aten::' + last.name))
      return { op: 'aten::' + last.name, valueForm: true };
  }
  return undefined;
}

/** The methods of the class `method` belongs to, by name. */
function methodsOf(mod: PythonModule, method: FunctionFact): Map<string, FunctionFact> {
  const out = new Map<string, FunctionFact>();
  if (!isMethod(mod.functions, method)) return out;
  for (const f of mod.functions)
    if (f.kind === 'function' && f.parentId !== null && f.parentId === method.parentId) out.set(f.name, f);
  return out;
}

/**
 * The attributes of `self` an argument is made of (through local names, list and tuple literals and unpacking, and
 * valid constants), or undefined when any part of it comes from elsewhere.
 */
function selfAttributes(
  mod: PythonModule,
  e: ExpressionFact,
  scopeId: number,
  selfName: string,
  kind: string,
  depth = 0,
): Set<string> | undefined {
  if (depth > 8) return undefined;
  const ints = constantInts(e);
  if (ints !== undefined) return validConstant(kind, ints) ? new Set() : undefined;
  if ((e.nodeType === 'list' || e.nodeType === 'tuple') && e.elements !== undefined) {
    const out = new Set<string>();
    for (const el of e.elements) {
      const s = selfAttributes(mod, el, scopeId, selfName, kind, depth + 1);
      if (s === undefined) return undefined;
      for (const x of s) out.add(x);
    }
    return out;
  }
  const access = e.access;
  if (access?.root.kind === 'name' && access.root.name === selfName) {
    const [step, ...more] = access.steps;
    return step?.kind === 'attr' && more.length === 0 ? new Set([step.name]) : undefined;
  }
  if (e.nodeType !== 'identifier') return undefined;
  const binds = mod.assignments.filter(
    (a) => a.scopeId === scopeId && a.targets.some((t) => t.kind === 'name' && t.name === e.text),
  );
  if (binds.length === 0) return undefined;
  const out = new Set<string>();
  for (const a of binds) {
    if (a.kind !== 'assign' || a.value === null) return undefined;
    const s = selfAttributes(mod, a.value, scopeId, selfName, kind, depth + 1);
    if (s === undefined) return undefined;
    for (const x of s) out.add(x);
  }
  return out;
}

/**
 * Whether a prepack call's unproven arguments are the stored values the data.pkl check covers: the class is one of
 * torch's quantized convolutions (the pickle analysis then holds its BUILD to the 15-item state torch writes, with
 * valid strides, paddings, dilations and groups), each argument is made only of `self.<its own name>`, and every
 * assignment of that attribute in the class is `self.<name> = state[<the index torch writes it at>]` in
 * `__setstate__`. Anything else — a class of the archive's own, an argument from another attribute, an attribute set
 * from another item or computed — is not tied to a checked value.
 */
function tiedToCheckedState(
  mod: PythonModule,
  method: FunctionFact,
  call: CallSite,
  bad: readonly Unproven[],
  methods: ReadonlyMap<string, FunctionFact>,
): boolean {
  const self = method.parameters[0];
  const setstate = methods.get('__setstate__');
  const stateName = setstate?.parameters[1]?.name;
  if (self?.annotation === undefined || setstate === undefined || stateName === undefined) return false;
  if (!prepacksState(self.annotation.trim())) return false;
  const classMethods = new Set([...methods.values()].map((m) => m.id));
  for (const [name, kind, , expr] of bad) {
    const index = CONV_STATE_INDEX.get(name);
    if (index === undefined || expr === undefined) return false;
    const attrs = selfAttributes(mod, expr, call.scopeId, self.name, kind);
    if (attrs === undefined || attrs.size > 1 || (attrs.size === 1 && !attrs.has(name))) return false;
    if (attrs.size === 0) continue;
    const sets = mod.assignments.filter((a) => {
      const m = owningMethod(mod.functions, a.scopeId) ?? mod.functions[a.scopeId];
      return (
        m !== undefined &&
        classMethods.has(m.id) &&
        a.targets.some(
          (t) => t.kind === 'attribute' && t.text.replace(/\s+/g, '') === `${m.parameters[0]?.name}.${name}`,
        )
      );
    });
    if (sets.length === 0) return false;
    for (const a of sets) {
      const v = a.value;
      const root = v?.access?.root;
      const step = v?.access?.steps[0];
      if (
        a.kind !== 'assign' ||
        a.targets.length !== 1 ||
        a.scopeId !== setstate.id ||
        root?.kind !== 'name' ||
        root.name !== stateName ||
        v!.access!.steps.length !== 1 ||
        step?.kind !== 'index' ||
        step.key?.type !== 'int' ||
        Number(step.key.value) !== index
      )
        return false;
    }
  }
  return true;
}

/** One `code/` file of a TorchScript archive: its analysed module and its path under the archive's root. */
export interface TorchScriptFile {
  readonly mod: PythonModule;
  /** `code/__torch__/a.py`: the module the file holds is `__torch__.a`. Unknown for text read on its own. */
  readonly path?: string;
}

/**
 * The classes of every code file of one archive, indexed once, and the methods run at load across them: torch.jit.load
 * resolves a class by its module's file (`__torch__.b.Helper` is class `Helper` of `code/__torch__/b.py`), so a
 * method of a class of another file that load code calls runs at load as well.
 */
export interface TorchScriptArchive {
  readonly files: readonly TorchScriptFile[];
  /** Classes by TorchScript type; a type two classes claim, or one a file claims for another module, is left out. */
  readonly classes: ReadonlyMap<string, ArchiveClass>;
  /** Free functions by qualified name (`__torch__.a.helper`), held only under the module of their file. */
  readonly functions: ReadonlyMap<string, ArchiveFunction>;
  /** Method names of every class of the archive. */
  readonly methodNames: ReadonlySet<string>;
  /** Per file: the methods of each class (by the class's function id). */
  readonly methodsByClass: readonly ReadonlyMap<number, ReadonlyMap<string, FunctionFact>>[];
  /**
   * Per file: the calls of each method (nested definitions count as their method's), and of the expressions outside
   * function bodies under their class or module (loadUnitOf).
   */
  readonly callsByMethod: readonly ReadonlyMap<number, CallSite[]>[];
  /** Per file: method (or unit, loadUnitOf) id -> the load method or unit it is reached from (unitName). */
  readonly atLoad: readonly ReadonlyMap<number, string>[];
  /** Per file: calls at load into a method not followed because the chain of calls is MAX_CALL_DEPTH deep. */
  readonly tooDeep: readonly ReadonlySet<number>[];
  /** Per file: the operator uses of each method and unit outside function bodies (see OperatorUse, loadUnitOf). */
  readonly usesByMethod: readonly ReadonlyMap<number, OperatorUse[]>[];
  /** Per file: operator uses at load (by their start offset) not followed because they are MAX_CALL_DEPTH deep. */
  readonly tooDeepUses: readonly ReadonlySet<number>[];
  /** Methods run at load that an operator reaches (`<file>:<function id>`): their arguments are not read from calls. */
  readonly operatorCallees: ReadonlySet<string>;
}

/** How many calls deep the methods run at load are followed from a load method. */
export const MAX_CALL_DEPTH = 24;

/**
 * The key of a free function in the archive's index: torch finds the file of `__torch__.a.helper` by the record
 * `code/__torch__/a.py` with case ignored, so the module part is compared without case and the name exactly.
 */
function functionKey(qualified: string): string {
  const dot = qualified.lastIndexOf('.');
  return qualified.slice(0, dot).toLowerCase() + qualified.slice(dot);
}

/** The TorchScript module a code file holds (`code/__torch__/a/b.py` -> `__torch__.a.b`), or undefined. */
function moduleOfPath(path: string): string | undefined {
  const m = /^code\/(.+)\.py$/.exec(path);
  return m === null ? undefined : m[1]!.split('/').join('.');
}

/** The class an object construction makes (`__torch__.Box.__new__(__torch__.Box)`), when it is one. */
function constructedType(call: CallSite): string | undefined {
  const raw = call.callee.raw.replace(/\s+/g, '');
  if (!raw.startsWith('__torch__.') || !raw.endsWith('.__new__')) return undefined;
  const type = raw.slice(0, -'.__new__'.length);
  const [arg] = call.positional;
  if (call.positional.length !== 1 || call.keywords.length > 0 || call.hasStarArgs || call.hasStarStarKwargs)
    return undefined;
  return arg!.text.replace(/\s+/g, '') === type ? type : undefined;
}

/** Indexes the classes of every code file of one archive and follows the methods run at load across them. */
export function indexTorchScriptArchive(files: readonly TorchScriptFile[], stored?: StoredStates): TorchScriptArchive {
  const methodsByClass = files.map(({ mod }) => {
    const fns = mod.functions;
    const byClass = new Map<number, Map<string, FunctionFact>>();
    for (const f of fns) {
      if (f.kind !== 'function' || f.parentId === null || fns[f.parentId]?.kind !== 'class') continue;
      let m = byClass.get(f.parentId);
      if (m === undefined) byClass.set(f.parentId, (m = new Map()));
      m.set(f.name, f);
    }
    return byClass;
  });
  // Classes by TorchScript type (the annotation of their methods' `self`), checked against the file's module.
  const classes = new Map<string, ArchiveClass>();
  const claimed = new Map<string, string>();
  const methodNames = new Set<string>();
  files.forEach(({ mod, path }, file) => {
    const module = path === undefined ? undefined : moduleOfPath(path);
    for (const [id, methods] of methodsByClass[file]!) {
      const type = [...methods.values()][0]?.parameters[0]?.annotation?.replace(/\s+/g, '');
      for (const name of methods.keys()) methodNames.add(name);
      if (type === undefined || !type.startsWith('__torch__.')) continue;
      // torch names the class after its file: a type the file does not hold is not the class torch would find. Its
      // lookup of a record ignores case, so two files whose names differ only in case both claim the type.
      const key = type.toLowerCase();
      if (path !== undefined && key !== `${module}.${mod.functions[id]!.name}`.toLowerCase()) continue;
      const first = claimed.get(key);
      if (first !== undefined) {
        classes.delete(first);
        continue;
      }
      claimed.set(key, type);
      const attributes = new Map<string, string>();
      for (const a of mod.assignments)
        if (a.scopeId === id && a.kind === 'annotated' && a.annotation !== undefined && a.targets[0]?.kind === 'name')
          attributes.set(a.targets[0].name, a.annotation.replace(/\s+/g, ''));
      classes.set(type, { id, type, methods, attributes, file });
    }
  });
  for (const { mod } of files) CLASSES_OF.set(mod, classes);
  // The stored states are read only when no code calls a `__setstate__` itself or may reshape a tensor in place.
  const explicitSetstate = files.some(({ mod }) => mod.calls.some((c) => /\b__setstate__\s*$/.test(c.callee.raw)));
  const readStored = stored !== undefined && !explicitSetstate && !mayReshapeInPlace(files);
  for (const { mod } of files)
    if (readStored) STORED_OF.set(mod, { states: stored, classes, files });
    else STORED_OF.delete(mod);
  // Free functions by the qualified name calls print (`__torch__.a.helper`): only a file whose path names its module
  // holds them where torch looks; a name two files claim (case ignored, as for classes) is not indexed.
  const functions = new Map<string, ArchiveFunction>();
  const claimedFns = new Map<string, string>();
  files.forEach(({ mod, path }, file) => {
    const module = path === undefined ? undefined : moduleOfPath(path);
    if (module === undefined || !module.startsWith('__torch__')) return;
    for (const fn of mod.functions) {
      if (fn.kind !== 'function' || fn.parentId === null || mod.functions[fn.parentId]?.kind !== 'module') continue;
      const type = `${module}.${fn.name}`;
      const key = type.toLowerCase();
      const first = claimedFns.get(key);
      if (first !== undefined) {
        functions.delete(first);
        continue;
      }
      claimedFns.set(key, type);
      functions.set(functionKey(type), { file, type, fn });
    }
  });
  const callsByMethod = files.map(({ mod }) => {
    const byMethod = new Map<number, CallSite[]>();
    for (const c of mod.calls) {
      const m = loadUnitOf(mod.functions, c.enclosingFunction?.id ?? c.scopeId);
      if (m === undefined) continue;
      let list = byMethod.get(m.id);
      if (list === undefined) byMethod.set(m.id, (list = []));
      list.push(c);
    }
    return byMethod;
  });
  const usesByMethod = files.map(({ mod }) => {
    const byMethod = new Map<number, OperatorUse[]>();
    for (const u of operatorUses(mod)) {
      const m = loadUnitOf(mod.functions, u.scopeId);
      if (m === undefined) continue;
      let list = byMethod.get(m.id);
      if (list === undefined) byMethod.set(m.id, (list = []));
      list.push(u);
    }
    return byMethod;
  });
  const operatorCallees = new Set<string>();
  const archive = {
    files,
    classes,
    functions,
    methodNames,
    methodsByClass,
    callsByMethod,
    atLoad: files.map(() => new Map<number, string>()),
    tooDeep: files.map(() => new Set<number>()),
    usesByMethod,
    tooDeepUses: files.map(() => new Set<number>()),
    operatorCallees,
  };

  // Methods run at load: the load methods of every class and the expressions the importer evaluates outside function
  // bodies (loadRoots) and, transitively, the methods they call of the same class
  // or of a class of the archive and the free functions they call (in any file), each followed once (a cycle ends
  // where it meets a followed method).
  loadRoots(archive).forEach(([file, start]) => {
    if (archive.atLoad[file]!.has(start.id)) return;
    const queue: [number, FunctionFact, number][] = [[file, start, 0]];
    archive.atLoad[file]!.set(start.id, unitName(start));
    for (let i = 0; i < queue.length; i++) {
      const [at, fn, depth] = queue[i]!;
      const selfName = isMethod(files[at]!.mod.functions, fn) ? fn.parameters[0]?.name : undefined;
      for (const c of callsByMethod[at]!.get(fn.id) ?? []) {
        const v = classifyIn(archive, at, c, selfName);
        const own = fn.parentId === null ? undefined : methodsByClass[at]!.get(fn.parentId);
        const [nextFile, next] =
          v.kind === 'self-method'
            ? [at, own?.get(v.name)]
            : v.kind === 'archive-method'
              ? [v.cls.file, v.cls.methods.get(v.name)]
              : v.kind === 'archive-function'
                ? [v.fn.file, v.fn.fn]
                : [at, undefined];
        // A call of a definition of the archive is that definition, never an operator of the same name.
        if (next !== undefined) markArchiveCall(c);
        if (next === undefined || archive.atLoad[nextFile]!.has(next.id)) continue;
        if (depth + 1 > MAX_CALL_DEPTH) {
          archive.tooDeep[at]!.add(c.id);
          continue;
        }
        archive.atLoad[nextFile]!.set(next.id, unitName(start));
        queue.push([nextFile, next, depth + 1]);
      }
      // Operators on objects of archive classes run the classes' special methods.
      for (const u of usesByMethod[at]!.get(fn.id) ?? []) {
        for (const { cls, fn: next } of followUse(archive, at, u).runs) {
          operatorCallees.add(`${cls.file}:${next.id}`);
          if (archive.atLoad[cls.file]!.has(next.id)) continue;
          if (depth + 1 > MAX_CALL_DEPTH) {
            archive.tooDeepUses[at]!.add(u.span.startIndex);
            continue;
          }
          archive.atLoad[cls.file]!.set(next.id, unitName(start));
          queue.push([cls.file, next, depth + 1]);
        }
      }
    }
  });
  return archive;
}

/** The callee a call at load runs, when the archive's index follows it: `<file>:<function id>`. */
function followedCallee(archive: TorchScriptArchive, file: number, fn: FunctionFact, c: CallSite): string | undefined {
  const fns = archive.files[file]!.mod.functions;
  const v = classifyIn(archive, file, c, isMethod(fns, fn) ? fn.parameters[0]?.name : undefined);
  const [at, next] =
    v.kind === 'self-method'
      ? [file, fn.parentId === null ? undefined : archive.methodsByClass[file]!.get(fn.parentId)?.get(v.name)]
      : v.kind === 'archive-method'
        ? [v.cls.file, v.cls.methods.get(v.name)]
        : v.kind === 'archive-function'
          ? [v.fn.file, v.fn.fn]
          : [file, undefined];
  return next === undefined || !archive.atLoad[at]!.has(next.id) ? undefined : `${at}:${next.id}`;
}

/** The calls at load of each followed method or function (`<file>:<function id>`), with the file and caller. */
const CALLERS = new WeakMap<TorchScriptArchive, Map<string, { file: number; fn: FunctionFact; call: CallSite }[]>>();

function callersOf(archive: TorchScriptArchive): Map<string, { file: number; fn: FunctionFact; call: CallSite }[]> {
  const done = CALLERS.get(archive);
  if (done !== undefined) return done;
  const out = new Map<string, { file: number; fn: FunctionFact; call: CallSite }[]>();
  archive.files.forEach(({ mod }, file) => {
    for (const id of archive.atLoad[file]!.keys()) {
      const fn = mod.functions[id]!;
      for (const call of archive.callsByMethod[file]!.get(id) ?? []) {
        const key = followedCallee(archive, file, fn, call);
        if (key === undefined) continue;
        let list = out.get(key);
        if (list === undefined) out.set(key, (list = []));
        list.push({ file, fn, call });
      }
    }
  });
  CALLERS.set(archive, out);
  return out;
}

/**
 * Binds a parameter of a method or free function run at load to what its calls pass (see BindArgument): the
 * printer's `_0((state)[0], [4], None, None, 1e-05, )` gives `F.layer_norm`'s `normalized_shape` the list [4].
 */
function bindingIn(archive: TorchScriptArchive): BindArgument {
  return (mod, e, scopeId) => {
    const file = archive.files.findIndex((f) => f.mod === mod);
    const fn = owningMethod(mod.functions, scopeId) ?? mod.functions[scopeId];
    if (file < 0 || fn === undefined || fn.id !== scopeId) return undefined;
    const index = fn.parameters.findIndex((p) => p.name === e.text);
    const param = fn.parameters[index];
    if (param === undefined || (param.kind !== 'positional' && param.kind !== 'keyword-only')) return undefined;
    if (
      mod.assignments.some(
        (a) => a.scopeId === scopeId && a.targets.some((t) => t.kind === 'name' && t.name === e.text),
      )
    )
      return undefined;
    // An operator passes its other operand (or the key), which no call shows.
    if (archive.operatorCallees.has(`${file}:${fn.id}`)) return undefined;
    const callers = callersOf(archive).get(`${file}:${fn.id}`);
    if (callers === undefined || callers.length === 0) return undefined;
    const offset = isMethod(mod.functions, fn) ? 1 : 0;
    const out: { mod: PythonModule; e: ExpressionFact; scopeId: number }[] = [];
    for (const { file: at, call } of callers) {
      if (call.hasStarArgs || call.hasStarStarKwargs) return undefined;
      const callerMod = archive.files[at]!.mod;
      const kw = call.keywords.find((k) => k.name === param.name)?.value;
      const pos = param.kind === 'positional' ? call.positional[index - offset] : undefined;
      if (kw !== undefined && pos !== undefined) return undefined;
      const arg = kw ?? pos;
      if (arg !== undefined) out.push({ mod: callerMod, e: arg, scopeId: call.scopeId });
      else if (param.default !== undefined) out.push({ mod, e: param.default, scopeId: fn.parentId ?? 0 });
      else return undefined;
    }
    return out;
  };
}

const ARCHIVE_COST = new WeakMap<TorchScriptArchive, Map<number, CodeSignal[]>>();

/**
 * The work of the loops and constant shapes of the load, charged over the call graph of the whole archive (see
 * torchscript-load-cost.ts), by the code file each finding is placed in; computed once per archive.
 */
function archiveCost(archive: TorchScriptArchive): Map<number, CodeSignal[]> {
  const done = ARCHIVE_COST.get(archive);
  if (done !== undefined) return done;
  const units = new Map<string, CostUnit>();
  archive.files.forEach(({ mod }, file) => {
    const fns = mod.functions;
    for (const id of archive.atLoad[file]!.keys()) {
      const fn = fns[id]!;
      const loops = mod.loops
        .filter((l) => (owningMethod(fns, l.scopeId) ?? fns[l.scopeId])?.id === id)
        .map((loop) => {
          const b = loopBound(mod, loop);
          // A bound read from the state, a while loop and a constant range past the per-loop bound are reported by
          // the loop rule itself; here they count one turn per turn of the loops around them.
          return { loop, trips: b.kind === 'constant' ? b.trips : b.kind === 'stored' ? ('stored' as const) : 1 };
        });
      const sized: SizedCall[] = [];
      const calls: { span: SourceSpan; callee: string; times?: Trips }[] = [];
      const scans: { span: SourceSpan; text: string }[] = [];
      const steps: SizedCall[] = [];
      for (const c of archive.callsByMethod[file]!.get(id) ?? []) {
        const n = valueStepsOf(mod, c, bindingIn(archive));
        if (n !== undefined) steps.push({ span: c.span, text: c.text, elements: n });
        const elements =
          constantShapeElements(mod, c) ??
          broadcastElementsOf(mod, c) ??
          operandElementsOf(mod, c) ??
          sortElementsOf(mod, c);
        if (elements !== undefined) sized.push({ span: c.span, text: c.text, elements });
        const callee = followedCallee(archive, file, fn, c);
        if (callee !== undefined) calls.push({ span: c.span, callee });
        if (scansStored(archive, file, fn, c)) scans.push({ span: c.span, text: c.text });
      }
      for (const u of archive.usesByMethod[file]!.get(id) ?? []) {
        const times = u.elements === true ? sortComparisons(mod, u.operand, u.scopeId) : 1;
        for (const { cls, fn: next } of followUse(archive, file, u).runs)
          if (archive.atLoad[cls.file]!.has(next.id))
            calls.push({ span: u.span, callee: `${cls.file}:${next.id}`, times });
      }
      units.set(`${file}:${id}`, { file, name: unitName(fn), loops, sized, scans, steps, calls });
    }
  });
  const roots = loadRoots(archive).map(([file, fn]) => `${file}:${fn.id}`);
  const out = archiveCostSignals(units, roots);
  ARCHIVE_COST.set(archive, out);
  return out;
}

/**
 * The turns of the native loop a call of a value-steps operator makes (`torch.factorial(n)`: n): the value of its
 * argument when the code fixes it (a constant, or the ints the archive stores in the state item or the attribute set
 * from it that the argument reads; for a parameter of the method or function, those of what every call of it passes),
 * else the most one call can make (the bound of the type the implementation reads the argument as). A value past that
 * bound, or negative, is charged the bound: the implementation cuts it to that type. Undefined for any other call.
 */
function valueStepsOf(mod: PythonModule, c: CallSite, bind: BindArgument): number | undefined {
  const called = calledOperator(c);
  const spec = called === undefined ? undefined : VALUE_STEPS.get(called.op);
  if (called === undefined || spec === undefined) return undefined;
  if (c.hasStarArgs || c.hasStarStarKwargs) return spec.bound;
  const e =
    c.keywords.find((k) => k.name === spec.argument)?.value ??
    c.positional[called.valueForm ? spec.position - 1 : spec.position];
  if (e === undefined) return spec.bound;
  const ints = (m: PythonModule, x: ExpressionFact, scopeId: number) =>
    (x.constant?.type === 'int' ? constantInts(x) : undefined) ?? storedInts(m, x, scopeId, 0, true);
  let v = ints(mod, e, c.scopeId);
  // A parameter of the method or function: what every call of it at load passes (through one caller).
  if (v === undefined && e.nodeType === 'identifier') {
    const passed = bind(mod, e, c.scopeId);
    if (passed !== undefined && passed.length > 0) {
      const all = passed.map((p) => ints(p.mod, p.e, p.scopeId));
      if (all.every((x) => x !== undefined)) v = all.flatMap((x) => [...x!]);
    }
  }
  if (v === undefined || v.length === 0) return spec.bound;
  return Math.max(...v.map((x) => (Number.isSafeInteger(x) && x >= 0 && x <= spec.bound ? x : spec.bound)));
}

/** Operators that scan their first operand (a list, string or tensor) element by element in native code. */
const SCAN_OPS: ReadonlySet<string> = new Set([...TABLE.stringSearch, 'aten::__contains__', 'aten::remove']);

/**
 * Whether a call scans a container or string the archive stores or the load computes (`torch.count(xs, x)`,
 * `torch.__contains__(xs, k)`, `xs.index(x)`, `s.find(t)`): a scan does one step per element, as a loop over a stored
 * container does. A constant or a display is of the code's size; a dict's `__contains__` is a lookup, and an object
 * of an archive class answers with its own method (followed as a call).
 */
function scansStored(archive: TorchScriptArchive, file: number, fn: FunctionFact, call: CallSite): boolean {
  const called = calledOperator(call);
  if (called === undefined || !SCAN_OPS.has(called.op) || call.hasStarArgs) return false;
  const mod = archive.files[file]!.mod;
  if (called.valueForm) {
    const inner = call.callee.access;
    if (inner?.root.kind !== 'name' || inner.steps.length < 1) return true;
    const t = typeOfAccess(mod, inner.root.name, inner.steps.slice(0, -1), fn, archive.classes, 0);
    return t === undefined || !/^(Dict|__torch__\.)/.test(t);
  }
  const receiver = call.positional[0];
  if (receiver === undefined) return false;
  if (receiver.constant !== undefined || receiver.elements !== undefined) return false;
  // `split(2)` of a tensor, `index(t, [i])`: an int or list operand is no search of the receiver.
  if (called.op === 'aten::index' || called.op === 'aten::split') {
    const arg = call.positional[1];
    if (arg === undefined || arg.constant?.type !== 'str') return false;
  }
  const a = receiver.access;
  if (a?.root.kind !== 'name') return true;
  const t = typeOfAccess(mod, a.root.name, a.steps, fn, archive.classes, 0);
  return t === undefined || !/^(Dict|__torch__\.)/.test(t);
}

/** What a value-method call's receiver is, read with the archive's classes. */
function receiverIn(archive: TorchScriptArchive, file: number, call: CallSite, depth = 0): ReceiverType {
  const mod = archive.files[file]!.mod;
  const access = call.callee.access;
  // The result of an operator call: torch's value, unless the operator is a method of an archive object.
  if (access?.root.kind === 'call' && access.steps.length === 1) {
    const inner = mod.calls[access.root.callId];
    if (inner === undefined || depth > MAX_BINDING_DEPTH || archiveCode(inner)) return { kind: 'unknown' };
    if (!isValueForm(inner))
      return operatorName(inner.callee.qualifiedName!) !== undefined ? { kind: 'other' } : { kind: 'unknown' };
    // A method of a value that no archive class defines (and whose receiver is not an archive object) is torch's.
    const last = inner.callee.access?.steps.at(-1);
    if (last?.kind !== 'attr' || !VALUE_METHODS.has(last.name) || archive.methodNames.has(last.name))
      return { kind: 'unknown' };
    return receiverIn(archive, file, inner, depth + 1).kind === 'archive' ? { kind: 'unknown' } : { kind: 'other' };
  }
  const method = call.enclosingFunction === null ? undefined : owningMethod(mod.functions, call.enclosingFunction.id);
  if (access?.root.kind !== 'name' || method === undefined) return { kind: 'unknown' };
  const t = typeOfAccess(mod, access.root.name, access.steps.slice(0, -1), method, archive.classes, 0);
  if (t === undefined) return { kind: 'unknown' };
  if (t.startsWith('__torch__.')) {
    const cls = archive.classes.get(t);
    return cls === undefined ? { kind: 'archive', type: t } : { kind: 'archive', type: t, cls };
  }
  return { kind: 'other' };
}

/**
 * The `__torch__` name a local name is bound to when every binding of it in its scope is that same qualified name
 * (`_0 = __torch__.torch.nn.functional.normalize`), or undefined.
 */
function functionAlias(mod: PythonModule, name: string, scopeId: number): string | undefined {
  let q: string | undefined;
  const all = everyBinding(mod, name, scopeId, (v) => {
    const text = v.text.replace(/\s+/g, '');
    if (!/^__torch__(?:\.\w+)+$/.test(text) || (q !== undefined && q !== text)) return false;
    q = text;
    return true;
  });
  return all ? q : undefined;
}

/**
 * A call of an object (`b(1)`, `self.box(1)`), which torch compiles into a call of the object's `__call__` (a
 * module's `forward`): followed on an object of an archive class; not followed when a bare local name of unknown type
 * is called and a class of the archive defines `__call__`. Undefined for any other callee.
 */
function calledObject(archive: TorchScriptArchive, file: number, c: CallSite): Verdict | undefined {
  const mod = archive.files[file]!.mod;
  const access = c.callee.access;
  if (access?.root.kind !== 'name' || !['parameter', 'assignment'].includes(access.root.resolution)) return undefined;
  const method = owningMethod(mod.functions, c.scopeId) ?? mod.functions[c.scopeId];
  if (method === undefined || method.kind !== 'function') return undefined;
  const t = typeOfAccess(mod, access.root.name, access.steps, method, archive.classes, 0);
  if (t === undefined) {
    if (access.steps.length > 0 || !archive.methodNames.has('__call__')) return undefined;
    return {
      kind: 'unfollowed',
      what: `${c.callee.raw} (a call of a value whose type is not known, where a class of the archive defines __call__, which torch runs for a call of an object of that class)`,
      high: true,
    };
  }
  const r = typeKind(archive, t.replace(/\s+/g, ''));
  if (r.kind === 'other') return undefined;
  if (r.kind === 'unknown')
    return archive.methodNames.has('__call__')
      ? { kind: 'unfollowed', what: `${c.callee.raw} (a call of a value of type ${t})`, high: true }
      : undefined;
  const cls = r.cls;
  const module =
    cls !== undefined &&
    (archive.files[cls.file]!.mod.functions[cls.id]?.bases ?? []).some((b) => /\bModule$/.test(b.text));
  return archiveMethod(r, c.callee.raw, module ? 'forward' : '__call__');
}

/** classify with the archive's classes: receivers' types, method names, object constructions. */
function classifyIn(archive: TorchScriptArchive, file: number, c: CallSite, selfName: string | undefined): Verdict {
  const made = constructedType(c);
  // Making an object of an archive class runs none of its code (its `__init__` is a call of its own, followed).
  if (made !== undefined && archive.classes.has(made)) return { kind: 'allowed' };
  // `__torch__.a.helper(...)`: a free function of the archive, followed into its file.
  const access = c.callee.access;
  if (
    access?.root.kind === 'name' &&
    access.root.name === '__torch__' &&
    access.steps.every((s) => s.kind === 'attr')
  ) {
    const fn = archive.functions.get(functionKey(c.callee.raw.replace(/\s+/g, '')));
    if (fn !== undefined) return { kind: 'archive-function', fn };
  }
  // The printer often binds the function to a local name first (`_0 = __torch__.a.helper` … `_0(x, )`).
  if (access?.root.kind === 'name' && access.steps.length === 0 && !PRINTED_BUILTINS.has(access.root.name)) {
    const q = functionAlias(archive.files[file]!.mod, access.root.name, c.scopeId);
    if (q !== undefined) {
      const fn = archive.functions.get(functionKey(q));
      return fn !== undefined
        ? { kind: 'archive-function', fn }
        : {
            kind: 'unfollowed',
            what: `${c.callee.raw} (bound to ${q}, archive code that no code file read with this one defines as torch would find it)`,
            high: true,
          };
    }
  }
  // Calling an object (`b(1)`) runs its class's `__call__`.
  const called = calledObject(archive, file, c);
  if (called !== undefined) return called;
  return classify(c, selfName, (call) => receiverIn(archive, file, call), archive.methodNames);
}

/**
 * Signals for operators run at load (and file/remote operators anywhere) in one TorchScript `code/` file. With the
 * archive's index (indexTorchScriptArchive over all its code files), methods of classes of other files that load
 * code calls are followed; without one, the file is read alone.
 */
export function detectTorchScriptLoadCode(
  mod: PythonModule,
  fileKind: TorchFileKind,
  archive?: TorchScriptArchive,
  file = 0,
): CodeSignal[] {
  if (fileKind !== 'torchscript') return [];
  if (archive === undefined || archive.files[file]?.mod !== mod) {
    archive = indexTorchScriptArchive([{ mod }]);
    file = 0;
  }
  const fns = mod.functions;
  const methodsByClass = archive.methodsByClass[file]!;
  const callsByMethod = archive.callsByMethod[file]!;
  const atLoad = archive.atLoad[file]!;
  const tooDeep = archive.tooDeep[file]!;
  const index = archive;
  const classifyAt = (c: CallSite, selfName: string | undefined) => classifyIn(index, file, c, selfName);

  const out: CodeSignal[] = [];
  const push = (s: CodeSignal) => {
    if (out.length < MAX_SIGNALS) out.push(s);
  };
  if (mod.hasErrors && atLoad.size > 0) {
    const e = mod.parseErrors[0]!;
    push(
      signalAt(
        'TORCH-SCRIPT-CUSTOM-OP',
        e.span,
        e.text,
        'TorchScript code with a method run at load does not parse as Python here; what the load runs cannot be ' +
          'read, so it is not admitted.',
        'medium',
        { kind: 'load-code-unparsed' },
      ),
    );
  }
  for (const [methodId, calls] of callsByMethod) {
    const method = fns[methodId]!;
    const root = atLoad.get(methodId);
    const selfName = isMethod(fns, method) ? method.parameters[0]?.name : undefined;
    const methods = method.parentId === null ? undefined : methodsByClass.get(method.parentId);
    for (const c of calls) {
      const v = classifyAt(c, selfName);
      const unchecked = root !== undefined && v.kind === 'allowed' ? uncheckedCall(c) : undefined;
      if (unchecked !== undefined) {
        push(
          signalAt(
            'TORCH-SCRIPT-CUSTOM-OP',
            c.span,
            c.text,
            `${runsAtLoad(c.callee.raw, unitName(method))}: ${unchecked} ` +
              (TABLE.unchecked[unchecked] === 'positions'
                ? 'reads positions (indices, offsets, lengths, pivots or class targets) from a tensor operand and ' +
                  'is not proved to check them against what they index'
                : 'skips the validation of its checked form') +
              ', so whether native code stays inside its buffers depends on tensor values the archive or the load ' +
              'code chooses; an out-of-range position is a heap write or read (the process dies with SIGSEGV, or ' +
              'memory is corrupted).',
            'high',
            { kind: 'load-operation-unchecked', method: method.qualifiedName, operator: unchecked, runsAtLoad: true },
          ),
        );
        continue;
      }
      const unreviewed = root !== undefined && v.kind === 'allowed' ? unreviewedAtLoad(c) : undefined;
      if (unreviewed !== undefined) {
        push(
          signalAt(
            'TORCH-SCRIPT-CUSTOM-OP',
            c.span,
            c.text,
            `${runsAtLoad(c.callee.raw, unitName(method))}: ${unreviewed} is not in a family of operators a load ` +
              'may run (tensor construction, views, elementwise math, reductions, comparisons, checked indexing, ' +
              'metadata, container and string builtins, quantized weight packing); internal kernels and helpers, ' +
              'backward kernels, observer and fake-quantize helpers, samplers and backend kernels trust the integers ' +
              'and operand shapes their public forms validate, so with stored values native code may index or write ' +
              'outside its buffers (the process dies with SIGSEGV, or memory is corrupted).',
            'high',
            { kind: 'load-operation-unreviewed', method: method.qualifiedName, operator: unreviewed, runsAtLoad: true },
          ),
        );
        continue;
      }
      if (root !== undefined && v.kind === 'allowed') {
        const operands = broadcastOperands(mod, c);
        const why = operands === undefined ? undefined : unboundedBroadcast(operands);
        if (why !== undefined)
          push(
            broadcastSignal(
              c.span,
              c.text,
              `${c.callee.raw}(...)`,
              namedOperator(c)!,
              loadWhere(method, root),
              method,
              why,
            ),
          );
      }
      if (v.kind === 'allowed' || v.kind === 'custom-namespace') continue;
      if (tooDeep.has(c.id)) {
        push(
          signalAt(
            'TORCH-SCRIPT-CUSTOM-OP',
            c.span,
            c.text,
            `${runsAtLoad(c.callee.raw, unitName(method))}: the method it calls is ` +
              `${MAX_CALL_DEPTH} calls deep from ${root ?? unitName(method)} and is not followed further, so what it runs is not known.`,
            'high',
            { kind: 'load-operation-unfollowed', method: method.qualifiedName, callee: c.callee.raw, runsAtLoad: true },
          ),
        );
        continue;
      }
      if (v.kind === 'self-method' && methods?.has(v.name)) continue;
      if (v.kind === 'archive-method' && v.cls.methods.has(v.name)) continue;
      if (v.kind === 'archive-function') continue;
      const where =
        root === undefined
          ? `in ${unitName(method)}, which runs when the model (or that method) is called`
          : root === unitName(method)
            ? `in ${unitName(method)}, which torch.jit.load runs while loading the archive (torch.load with weights_only=True hands a TorchScript archive to torch.jit.load, so it runs there too)`
            : `in ${unitName(method)}, which ${root} calls while the archive loads (torch.jit.load, and torch.load with weights_only=True, which hands a TorchScript archive to it)`;
      let message: string;
      let confidence: Confidence;
      const details: CodeSignal['details'] = { method: method.qualifiedName, runsAtLoad: root !== undefined };
      if (v.kind === 'denied') {
        message = `${c.callee.raw}(...) ${where}: ${v.why}.`;
        confidence = 'high';
        Object.assign(details, { kind: 'file-or-process-operation', operator: v.op });
      } else if (root === undefined) {
        continue;
      } else if (v.kind === 'self-method' || v.kind === 'archive-method') {
        message = `${c.callee.raw}(...) ${where}: the class${v.kind === 'archive-method' ? ` ${v.type}` : ''} defines no method '${v.name}' in ${v.kind === 'archive-method' ? 'its code file' : 'this file'}, so what it runs is not known.`;
        confidence = v.kind === 'archive-method' ? 'high' : 'medium';
        Object.assign(details, { kind: 'load-operation-unfollowed', callee: c.callee.raw });
      } else {
        const what = v.what;
        message =
          `${c.callee.raw}(...) ${where}: ${what} is not an operation a load may perform (tensor arithmetic and ` +
          'constructors, container and string builtins, interpreter primitives)' +
          (v.kind === 'unfollowed' ? ', and it is not followed from here.' : '.');
        confidence = v.kind === 'unfollowed' && v.high === true ? 'high' : 'medium';
        Object.assign(details, {
          kind: v.kind === 'unfollowed' ? 'load-operation-unfollowed' : 'load-operation-unlisted',
          callee: c.callee.raw,
        });
      }
      push(signalAt('TORCH-SCRIPT-CUSTOM-OP', c.span, c.text, message, confidence, details));
    }
  }
  // Operators on objects of archive classes whose special method is not followed.
  for (const [methodId, uses] of archive.usesByMethod[file]!) {
    const method = fns[methodId]!;
    const root = atLoad.get(methodId);
    if (root === undefined) continue;
    for (const u of uses) {
      const why = archive.tooDeepUses[file]!.has(u.span.startIndex)
        ? `the special method it runs is ${MAX_CALL_DEPTH} calls deep from ${root} and is not followed further`
        : followUse(index, file, u).unfollowed;
      if (why === undefined) continue;
      push(
        signalAt(
          'TORCH-SCRIPT-CUSTOM-OP',
          u.span,
          u.text,
          `${u.text} ${loadWhere(method, root)}: the operator is applied to ${why}, so what it runs at load is not known.`,
          'high',
          { kind: 'load-operation-unfollowed', method: method.qualifiedName, callee: u.text, runsAtLoad: true },
        ),
      );
    }
  }
  // Infix operators on tensors broadcast as their operator calls do (`a + b` is aten::add); an augmented assignment
  // writes into its left operand, whose shape torch requires the result to keep.
  for (const o of mod.operators) {
    if (o.augmented || !BROADCASTING_INFIX.has(o.operator)) continue;
    const method = owningMethod(fns, o.scopeId) ?? fns[o.scopeId];
    const root = method === undefined ? undefined : atLoad.get(method.id);
    if (method === undefined || root === undefined) continue;
    resetOperandBudget();
    const why = unboundedBroadcast([operandSize(mod, o.left, o.scopeId), operandSize(mod, o.right, o.scopeId)]);
    if (why !== undefined)
      push(broadcastSignal(o.span, o.text, `the operator ${o.operator}`, 'it', loadWhere(method, root), method, why));
  }
  // The operator forms of string comparisons and membership (`s == k`, `k in xs`) read stored strings as their calls do.
  const textSignal = (span: SourceSpan, text: string, scopeId: number, op: string, operands: ExpressionFact[]) => {
    const method = loadUnitOf(fns, scopeId);
    const root = method === undefined ? undefined : atLoad.get(method.id);
    if (method === undefined || root === undefined) return;
    const why = storedTextRead(
      op,
      operands.map((e) => storedTextOf(mod, e, scopeId)),
    );
    if (why !== undefined)
      push(
        signalAt('TORCH-SCRIPT-CUSTOM-OP', span, text, `${text} ${loadWhere(method, root)}: ${why}.`, 'high', {
          kind: 'load-work-product',
          method: method.qualifiedName,
          operator: op,
          runsAtLoad: true,
        }),
      );
  };
  for (const o of mod.operators) {
    const op = TEXT_INFIX.get(o.operator);
    if (op !== undefined) textSignal(o.span, o.text, o.scopeId, op, [o.left, o.right]);
  }
  for (const u of mod.protocolUses)
    if (u.kind === 'contains') textSignal(u.span, u.text, u.scopeId, 'aten::__contains__', [u.operand]);
  pushWorkSignals(mod, atLoad, callsByMethod, push, bindingIn(index));
  for (const s of archiveCost(index).get(file) ?? []) push(s);
  const loadMethodOf = (scopeId: number): string | undefined => {
    const m = owningMethod(fns, scopeId) ?? fns[scopeId];
    return m !== undefined && atLoad.has(m.id) ? unitName(m) : undefined;
  };
  for (const s of loadDivisionSignals(mod, loadMethodOf, (e, scopeId) => storedInts(mod, e, scopeId, 0, true))) push(s);
  // Constant folding while the archive compiles: operators on constants run at load in every method.
  const methodOf = (scopeId: number): string | undefined => {
    const m = owningMethod(fns, scopeId) ?? fns[scopeId];
    return m === undefined ? undefined : unitName(m);
  };
  for (const s of foldedSignals(mod, methodOf)) push(s);
  // An operand whose size the code fixes: a constant, or a constant-shape construction.
  // A local name counts when every binding of it in its scope is one (the largest of them).
  const fixedSize = (e: ExpressionFact, scopeId: number, depth = 0): number | undefined => {
    if (e.constant !== undefined) return 1;
    const ints = constantInts(e);
    if (ints !== undefined) return ints.length;
    const c = callOf(mod, e);
    if (c !== undefined) return constantShapeElements(mod, c);
    if (e.nodeType !== 'identifier' || depth >= MAX_BINDING_DEPTH) return undefined;
    let most = 0;
    const all = everyBinding(mod, e.text, scopeId, (v) => {
      const n = fixedSize(v, scopeId, depth + 1);
      if (n !== undefined) most = Math.max(most, n);
      return n !== undefined;
    });
    return all ? most : undefined;
  };
  for (const s of loopGrowthSignals(mod, loadMethodOf, growingOperator, fixedSize)) push(s);
  return out;
}

/**
 * Work the stored state chooses at load: loops whose bound is not a small constant or the length of a stored
 * container (or that nest two stored lengths), and operator arguments that divide or size the operator's work
 * (groups, stride, sizes, repeats …) that are not valid constants.
 */
function pushWorkSignals(
  mod: PythonModule,
  atLoad: ReadonlyMap<number, string>,
  callsByMethod: ReadonlyMap<number, CallSite[]>,
  push: (s: CodeSignal) => void,
  bind: BindArgument,
): void {
  const fns = mod.functions;
  const loopsByScope = new Map<number, LoopFact[]>();
  for (const l of mod.loops) {
    const m = owningMethod(fns, l.scopeId) ?? fns[l.scopeId];
    if (m === undefined) continue;
    let list = loopsByScope.get(m.id);
    if (list === undefined) loopsByScope.set(m.id, (list = []));
    list.push(l);
  }
  for (const [methodId, root] of atLoad) {
    const method = fns[methodId]!;
    const where = `in ${unitName(method)}, which runs while the archive loads (torch.jit.load, and torch.load with weights_only=True, which hands a TorchScript archive to it${root === unitName(method) ? '' : `; reached from ${root}`})`;
    const loops = loopsByScope.get(methodId) ?? [];
    const bounds = loops.map((l) => loopBound(mod, l));
    loops.forEach((loop, i) => {
      const b = bounds[i]!;
      // Loops over stored containers nested in each other, in one method or through calls, are charged together
      // over the archive's call graph (archiveCost).
      const why = b.kind === 'unbounded' ? b.why : undefined;
      if (why === undefined) return;
      const text = loop.head?.text ?? '';
      push(
        signalAt(
          'TORCH-SCRIPT-CUSTOM-OP',
          loop.span,
          `${loop.kind === 'while' ? 'while' : 'for'} ... ${text}`.slice(0, 200),
          `A loop ${where}: ${why}. The stored state chooses how long the load runs (a count of 10**15 hangs the loader).`,
          'high',
          { kind: 'load-work-unbounded', method: method.qualifiedName, runsAtLoad: true },
        ),
      );
    });
    const classMethods = methodsOf(mod, method);
    // `a @ b` and `a @= b` compile to aten::matmul.
    for (const d of mod.divisions) {
      if (d.operator !== '@' || (owningMethod(fns, d.scopeId) ?? fns[d.scopeId])?.id !== methodId) continue;
      if (boundedOperand(mod, d.left, method, classMethods) && boundedOperand(mod, d.right, method, classMethods))
        continue;
      push(superlinearSignal(d.span, d.text, 'the operator @', 'aten::matmul', where, method));
    }
    for (const c of callsByMethod.get(methodId) ?? []) {
      const sup = superlinearOperator(c);
      if (sup !== undefined) {
        const operands = [...c.positional, ...c.keywords.map((k) => k.value)];
        // The value form's receiver (`a.mm(b)`) is an operand too: a local name is followed, anything else is not.
        const receiver = c.callee.access;
        const receiverOk =
          !sup.valueForm ||
          (receiver?.root.kind === 'name' &&
            receiver.steps.length === 1 &&
            boundedName(mod, receiver.root.name, method, classMethods, 0));
        if (
          c.hasStarArgs ||
          c.hasStarStarKwargs ||
          !receiverOk ||
          !operands.every((e) => boundedOperand(mod, e, method, classMethods))
        )
          push(superlinearSignal(c.span, c.text, `${c.callee.raw}(...)`, sup.op, where, method));
      }
      // Work a call's values set (a product of two lengths, a stored degree, a size read from a stored value).
      const workSignal = (kind: string, why: string) =>
        signalAt('TORCH-SCRIPT-CUSTOM-OP', c.span, c.text, `${c.callee.raw}(...) ${where}: ${why}.`, 'high', {
          kind,
          method: method.qualifiedName,
          operator: namedOperator(c) ?? c.callee.raw,
          runsAtLoad: true,
        });
      const product = stringProduct(mod, c);
      if (product !== undefined) push(workSignal('load-work-product', product));
      const windowed = windowedWork(mod, c, bind);
      if (windowed !== undefined) push(workSignal('load-work-window', windowed));
      const search = stringSearchCall(mod, c);
      if (search !== undefined) push(workSignal('load-work-product', search));
      const op = calledOperator(c)?.op;
      const text = op === undefined ? undefined : storedTextRead(op, callTexts(mod, c));
      if (text !== undefined) push(workSignal('load-work-product', text));
      for (const why of [valueWorkCall(c), valueSizedCall(mod, c)])
        if (why !== undefined) push(workSignal('load-work-argument', why));
      const called = calledOperator(c);
      if (called === undefined) continue;
      const bad = unprovenWorkArguments(mod, c, called.op, called.valueForm, bind);
      if (bad.length === 0) {
        // Constant arguments each within bounds can still make a large output together (eye(26000): 6.8e8).
        const elements = constantShapeElements(mod, c);
        if (elements !== undefined && elements > MAX_CONSTANT_ELEMENTS)
          push(
            signalAt(
              'TORCH-SCRIPT-CUSTOM-OP',
              c.span,
              c.text,
              `${c.callee.raw}(...) ${where} makes ${elements.toExponential(2)} elements from its constant arguments ` +
                `(more than ${MAX_CONSTANT_ELEMENTS} in one call): the code alone makes the load allocate gigabytes.`,
              'high',
              { kind: 'load-work-argument', method: method.qualifiedName, operator: called.op, runsAtLoad: true },
            ),
          );
        continue;
      }
      const byTorch =
        STATE_FILLED_BY_TORCH.has(called.op) && tiedToCheckedState(mod, method, c, bad, methodsOf(mod, method));
      const list = bad.map(([name, kind, text]) => `${name} = ${text} (${kind})`).join(', ');
      const s = signalAt(
        'TORCH-SCRIPT-CUSTOM-OP',
        c.span,
        c.text,
        `${c.callee.raw}(...) ${where} takes ${list}: ${
          bad.some((b) => b[1] === 'divisor')
            ? 'a division or step argument that is not a valid constant; zero or a negative value chosen by the stored state is a division by zero in native code (the process dies with SIGFPE) or a loop that does not end'
            : bad.some((b) => b[1] === 'scale' || b[1] === 'fscale')
              ? `${bad.some((b) => b[1] === 'fscale') ? 'scale factors' : 'counts'} that multiply its operand's size, not constants whose product is at most ${SMALL_OPERAND_ELEMENTS}; the operand's elements (which the archive stores or the load computes) times them is what the load allocates`
              : 'a size argument that is not a valid constant or the length of a stored container; the stored state chooses how much the load allocates or computes'
        }${
          byTorch
            ? ". torch's own quantized modules fill this operator's arguments from their stored state at load, so the values in data.pkl decide whether the load is safe; they are checked where data.pkl stores them (PICKLE-STRUCT NATIVE_STATE when outside what torch writes)"
            : ''
        }.`,
        byTorch ? 'low' : 'high',
        { kind: 'load-work-argument', method: method.qualifiedName, operator: called.op, runsAtLoad: true },
      );
      push(byTorch ? { ...s, severity: 'MEDIUM' } : s);
    }
  }
}

/**
 * A substring search at load (`hay.find(needle)`, `count`, `replace`, `split` with a separator): the runtime's search
 * is the product of the two lengths in the worst case, so a call is reported unless its needle (the first string
 * argument after the searched one) is a constant of at most SHORT_NEEDLE characters, or the searched string is a
 * constant. The reason, or undefined.
 */
function stringSearchCall(mod: PythonModule, call: CallSite): string | undefined {
  const called = calledOperator(call);
  if (called === undefined || !STRING_SEARCH_OPS.has(called.op)) return undefined;
  if (call.hasStarArgs || call.hasStarStarKwargs) return `${called.op} with unpacked arguments`;
  const hay = called.valueForm ? undefined : call.positional[0];
  const args = called.valueForm ? call.positional : call.positional.slice(1);
  const needle =
    args[0] ?? call.keywords.find((k) => k.name === 'substr' || k.name === 'separator' || k.name === 'chars')?.value;
  if (needle === undefined || needle.constant?.type === 'none') return undefined;
  // Not a string search: a number or tensor argument (`t.split(2)`, `torch.count(xs, 0)` on a list).
  if (needle.constant !== undefined && needle.constant.type !== 'str') return undefined;
  if (provenNotSequence(mod, needle, call.scopeId, false)) return undefined;
  // A list searched for an item (`xs.count(k)`, printed `torch.count(xs, k)` as the string search is) compares items:
  // a scan, charged as one (scansStored, storedTextRead), with no pattern to be empty.
  if (hay !== undefined && /^List\[/.test(annotatedType(mod, hay, call.scopeId) ?? '')) return undefined;
  const name = called.op.slice(called.op.indexOf('::') + 2);
  // `count`, `replace` and `rsplit` never end on an empty pattern, whatever the searched string: the pattern must be
  // a constant that is not empty.
  if (EMPTY_PATTERN_LOOPS.has(name) && !(needle.constant?.type === 'str' && needle.constant.value.length > 0))
    return needle.constant?.type === 'str'
      ? `${called.op} with an empty pattern never ends: the runtime's ${name} advances by the pattern's length, so it loops forever on any string`
      : `${called.op} with a pattern that is not a constant: an empty one (which the stored state can choose) never ends, since the runtime's ${name} advances by the pattern's length`;
  if (hay !== undefined && (hay.constant?.type === 'str' || provenNotSequence(mod, hay, call.scopeId, false)))
    return undefined;
  if (needle.constant?.type === 'str' && needle.constant.value.length <= SHORT_NEEDLE) return undefined;
  // Lengths the stored state gives (or constants): the product of the searched characters and the needle's.
  const receiver = call.callee.access;
  const hayText =
    hay !== undefined
      ? storedTextOf(mod, hay, call.scopeId)
      : receiver?.root.kind === 'name' && receiver.steps.length === 1
        ? namedText(mod, receiver.root.name, call.scopeId, 0)
        : undefined;
  const needleText = storedTextOf(mod, needle, call.scopeId);
  if (hayText !== undefined && needleText !== undefined && hayText.chars * needleText.longest <= STORED_TEXT_PRODUCT)
    return undefined;
  return (
    `${called.op} searches one string for another whose lengths the stored state or the load chooses; the ` +
    `runtime's search takes the product of the two lengths (a stored haystack of 4 Mi characters and a needle of ` +
    `2 Mi run for hours), unless the needle is a constant of at most ${SHORT_NEEDLE} characters`
  );
}

/** The product of two stored lengths a string search at load may take (as for one folded from constants). */
const STORED_TEXT_PRODUCT = 1 << 22;
/** The characters of stored strings one operation at load may read, over the loop around it. */
const STORED_TEXT_READ = 2 ** 28;
/** String operators that read no character of their operands. */
const TEXT_FREE = new Set(['aten::len', 'aten::__getitem__', 'aten::__is__', 'aten::__isnot__', 'aten::append']);

/**
 * The characters a call at load reads from strings the archive stores, when more than STORED_TEXT_READ: a string
 * operator (the load table's `stringWork`) given a stored list of strings reads every item (a scan such as
 * `k in xs` or `xs.count(k)` compares each with the key), and one given an item of a stored list (`s == k` for `s` of
 * a loop over the list, as the printer writes `torch.eq(s, k)`) reads each item once per turn of that loop. torch's
 * pickler writes a string repeated in a list once and refers to it again, and the unpickler shares it, so 4 Mi
 * references to one 1 MiB string are a 10 MB record whose scan compares 2^42 characters: the charge is the length
 * of every reference. The reason, or undefined.
 */
function storedTextRead(op: string, operands: readonly (StoredText | undefined)[]): string | undefined {
  if (TEXT_FREE.has(op) || TABLE.stringWork?.[op] === undefined) return undefined;
  let most = 0;
  for (const t of operands) if (t !== undefined) most = Math.max(most, t.list?.chars ?? (t.count > 1 ? t.chars : 0));
  if (most <= STORED_TEXT_READ) return undefined;
  return (
    `${op} compares strings the archive stores, ${most.toExponential(2)} characters over the items of a stored list ` +
    `(each reference to a string the pickle shares counts its whole length), more than ${STORED_TEXT_READ} ` +
    'characters: the archive chooses how long the load runs'
  );
}

/** The string operators the infix operators compile to. */
const TEXT_INFIX: ReadonlyMap<string, string> = new Map([
  ['==', 'aten::eq'],
  ['!=', 'aten::ne'],
  ['<', 'aten::lt'],
  ['<=', 'aten::le'],
  ['>', 'aten::gt'],
  ['>=', 'aten::ge'],
  ['+', 'aten::add'],
]);

/** The stored text of a call's operands, its value-form receiver included. */
function callTexts(mod: PythonModule, c: CallSite): (StoredText | undefined)[] {
  const out = [...c.positional, ...c.keywords.map((k) => k.value)].map((e) => storedTextOf(mod, e, c.scopeId));
  const r = c.callee.access;
  if (r?.root.kind === 'name' && r.steps.length === 1 && isValueForm(c))
    out.push(namedText(mod, r.root.name, c.scopeId, 0));
  return out;
}

/** Where a method run at load runs, for a finding's message. */
function loadWhere(method: FunctionFact, root: string): string {
  return `in ${unitName(method)}, which runs while the archive loads (torch.jit.load, and torch.load with weights_only=True, which hands a TorchScript archive to it${root === unitName(method) ? '' : `; reached from ${root}`})`;
}

/** The opening of a finding on a call in a method the load runs. */
function runsAtLoad(callee: string, method: string): string {
  return (
    `${callee}(...) in ${method}, which runs while the archive loads (torch.jit.load, and torch.load with ` +
    'weights_only=True, which hands a TorchScript archive to it)'
  );
}
