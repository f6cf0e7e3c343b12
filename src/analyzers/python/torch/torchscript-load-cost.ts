// The work of loops and constant shapes in TorchScript code run at load, charged over the call graph of one archive.
// Each loop of a method run at load is judged alone by the load rule (a constant range of at most 65,536 turns passes);
// nested loops multiply, so three such loops make 2.8e14 turns from a few lines of code, and so does a loop that
// calls a method or free function (of any code file of the archive) whose own loops run once per turn. Here the work
// of a load method is the sum over its loops (and constant-shape operator calls) of the product of the trip counts of
// every loop that encloses them, where a call inside loops charges the callee's whole work times those loops' trips.
//
// A trip count is a constant (`range(60000)`) or a count the archive chooses: a loop over a stored container makes as
// many turns as the archive stores elements. Work is therefore kept as a polynomial in the archive's size S:
// k0 + k1·S, or "squared" once S multiplies S (a stored-container loop inside another, also through calls). The
// constant part is bounded (LOOP_TURNS_LIMIT turns, LOAD_ELEMENTS_LIMIT elements), the part per stored element too
// (STORED_TURNS_PER_ELEMENT, STORED_ELEMENTS_PER_ELEMENT), and a squared part is unbounded: the archive buys a load
// as long as the square of its size. A loop whose bound is a stored value or a `while` loop (reported by the load rule
// itself), and a constant range longer than the per-loop bound, count one turn per turn of the loops around them.
import { signalAt, type CodeSignal } from '../code-signal.js';
import type { LoopFact, SourceSpan } from '../module-model.js';

/** Loop turns a load may run, summed over its methods' loops (each turn of a TorchScript loop costs ~0.1-1 µs). */
export const LOOP_TURNS_LIMIT = 2 ** 24;

/**
 * Tensor elements the operators of a load may make, summed over every call with a constant shape, each counted once
 * per turn of the loops around it (about a second of native work per 2^30 elements; 2^32 is seconds, 2^40 is
 * minutes). A single call is bounded by the load rule at 2^24 elements, and the loops' turns at LOOP_TURNS_LIMIT:
 * their product is charged here.
 */
export const LOAD_ELEMENTS_LIMIT = 2 ** 32;

/**
 * Loop turns a load may run per element of the stored containers it loops over: a loop over a stored list runs once
 * per element (the archive pays for each), but a constant range around it, or inside it, multiplies that.
 */
export const STORED_TURNS_PER_ELEMENT = 16;

/** Tensor elements the constant-shape calls of a load may make per element of the stored containers it loops over. */
export const STORED_ELEMENTS_PER_ELEMENT = 2 ** 12;

/**
 * Turns of native loops whose count is the value of an int argument (`math.factorial(n)` multiplies n numbers), summed
 * over the load, each call counted once per turn of the loops around it (a turn is a few nanoseconds: 2^32 is seconds).
 * A call whose argument the code does not fix is charged the most one call can make (2^31 - 1 for factorial).
 */
export const VALUE_STEPS_LIMIT = 2 ** 32;

/** Such native turns a load may make per element of the stored containers it loops over. */
export const STORED_STEPS_PER_ELEMENT = 2 ** 12;

/** A loop's trip count: a constant, or the elements of a container the archive stores. */
export type Trips = number | 'stored';

/** A call at load with the elements its constant shape makes (see the load rule's constant-shape reading). */
export interface SizedCall {
  readonly span: SourceSpan;
  readonly text: string;
  readonly elements: number;
}

/** A method or free function run at load, as the charge reads it. Units are keyed `<file>:<function id>`. */
export interface CostUnit {
  readonly file: number;
  /** Its qualified name in its file (`M.__setstate__`, `helper`). */
  readonly name: string;
  readonly loops: readonly { readonly loop: LoopFact; readonly trips: Trips }[];
  readonly sized: readonly SizedCall[];
  /**
   * Calls that scan a container or string the archive stores or the load computes in native code (`xs.count(x)`,
   * `x in xs`, `xs.index(x)`, `s.find(t)`): each does as many steps as the scanned value holds elements, charged as
   * a loop over a stored container.
   */
  readonly scans?: readonly { readonly span: SourceSpan; readonly text: string }[];
  /** Calls of operators whose native loop runs once per unit of an int argument's value, with those turns. */
  readonly steps?: readonly SizedCall[];
  /** Calls of followed units: the call's span (the loops around it multiply the callee's work) and the callee's key. */
  readonly calls: readonly {
    readonly span: SourceSpan;
    readonly callee: string;
    /**
     * How many times the call site runs the callee each time it runs (a sort of n objects: about n log n; of a list
     * whose count the archive chooses: once per stored element).
     */
    readonly times?: Trips;
  }[];
}

/** k0 + k1·S, or squared (S² or more). */
interface Poly {
  readonly k0: number;
  readonly k1: number;
  readonly squared: boolean;
}

const CAP = 2 ** 60;
const ZERO: Poly = { k0: 0, k1: 0, squared: false };
const ONE: Poly = { k0: 1, k1: 0, squared: false };

const nonzero = (p: Poly): boolean => p.squared || p.k0 > 0 || p.k1 > 0;

function times(a: Poly, b: Poly): Poly {
  return {
    k0: Math.min(a.k0 * b.k0, CAP),
    k1: Math.min(a.k0 * b.k1 + a.k1 * b.k0, CAP),
    squared: (a.k1 > 0 && b.k1 > 0) || (a.squared && nonzero(b)) || (b.squared && nonzero(a)),
  };
}

function plus(a: Poly, b: Poly): Poly {
  return { k0: Math.min(a.k0 + b.k0, CAP), k1: Math.min(a.k1 + b.k1, CAP), squared: a.squared || b.squared };
}

const factor = (t: Trips): Poly =>
  t === 'stored' ? { k0: 0, k1: 1, squared: false } : { k0: t, k1: 0, squared: false };

/** Which of two terms weighs more: a squared one, then the larger part per stored element, then the constant part. */
function heavier(a: Poly, b: Poly): boolean {
  if (a.squared !== b.squared) return a.squared;
  if (a.k1 !== b.k1) return a.k1 > b.k1;
  return a.k0 > b.k0;
}

/** Where a term of the charge comes from: a loop, or a constant-shape call, of a unit. */
interface Origin {
  readonly file: number;
  readonly unit: string;
  readonly span: SourceSpan;
  readonly text: string;
  /** Its own trips or elements (before the loops and calls around it multiply them). */
  readonly own: number;
}

/** The work of a unit: its total, and its heaviest term (with the multiplier the path to it gave). */
interface Work {
  readonly total: Poly;
  readonly worst?: { readonly origin: Origin; readonly term: Poly };
}

const encloses = (outer: SourceSpan, inner: SourceSpan): boolean =>
  outer.startIndex <= inner.startIndex &&
  outer.endIndex >= inner.endIndex &&
  (outer.startIndex < inner.startIndex || outer.endIndex > inner.endIndex);

function add(a: Work, b: Work): Work {
  const worst =
    a.worst === undefined ? b.worst : b.worst === undefined || !heavier(b.worst.term, a.worst.term) ? a.worst : b.worst;
  return worst === undefined ? { total: plus(a.total, b.total) } : { total: plus(a.total, b.total), worst };
}

function scale(w: Work, p: Poly): Work {
  if (w.worst === undefined) return { total: times(w.total, p) };
  return { total: times(w.total, p), worst: { origin: w.worst.origin, term: times(w.worst.term, p) } };
}

/** The charge of one kind (loop turns, or constant-shape elements) over the call graph from each load method. */
function charge(
  units: ReadonlyMap<string, CostUnit>,
  roots: readonly string[],
  kind: 'turns' | 'elements' | 'steps',
): Work {
  const memo = new Map<string, Work>();
  const open = new Set<string>();
  const workOf = (key: string): Work => {
    const done = memo.get(key);
    if (done !== undefined) return done;
    const u = units.get(key);
    // A unit met again on its own call path (TorchScript compiles no recursion) adds nothing more.
    if (u === undefined || open.has(key)) return { total: ZERO };
    open.add(key);
    const around = (span: SourceSpan, self?: LoopFact): Poly =>
      u.loops.reduce((p, l) => (l.loop === self || encloses(l.loop.span, span) ? times(p, factor(l.trips)) : p), ONE);
    let w: Work = { total: ZERO };
    if (kind === 'turns')
      for (const l of u.loops) {
        const term = around(l.loop.span, l.loop);
        const text = `${l.loop.kind === 'while' ? 'while' : 'for'} ... ${l.loop.head?.text ?? ''}`.slice(0, 200);
        const own = l.trips === 'stored' ? 1 : l.trips;
        w = add(w, {
          total: term,
          worst: { origin: { file: u.file, unit: u.name, span: l.loop.span, text, own }, term },
        });
      }
    if (kind === 'turns')
      for (const c of u.scans ?? []) {
        const term = times(around(c.span), factor('stored'));
        const origin = { file: u.file, unit: u.name, span: c.span, text: c.text.slice(0, 200), own: 1 };
        w = add(w, { total: term, worst: { origin, term } });
      }
    else
      for (const c of kind === 'elements' ? u.sized : (u.steps ?? [])) {
        const term = times(around(c.span), { k0: c.elements, k1: 0, squared: false });
        const origin = { file: u.file, unit: u.name, span: c.span, text: c.text.slice(0, 200), own: c.elements };
        w = add(w, { total: term, worst: { origin, term } });
      }
    for (const c of u.calls) w = add(w, scale(workOf(c.callee), times(around(c.span), factor(c.times ?? 1))));
    open.delete(key);
    memo.set(key, w);
    return w;
  };
  return roots.reduce<Work>((w, r) => add(w, workOf(r)), { total: ZERO });
}

function describe(p: Poly, unit: string): string {
  if (p.squared) return `a number of ${unit} that grows as the square of what the archive stores`;
  const parts = [];
  if (p.k0 > 0 || p.k1 === 0) parts.push(`${p.k0.toExponential(2)} ${unit}`);
  if (p.k1 > 0) parts.push(`${p.k1} ${unit} per element of the stored containers looped over`);
  return parts.join(' plus ');
}

const LOADS =
  'while it loads (torch.jit.load, and torch.load with weights_only=True, which hands a TorchScript archive to it)';

/**
 * Findings, by code file, when the loops of the load (over every method and free function the load methods reach,
 * in any code file) make too many turns together, or its constant-shape calls too many elements: each loop and call
 * charged the product of the trip counts of the loops around it, a call inside loops its callee's whole work times
 * theirs. Each finding is placed at the heaviest loop or call.
 */
export function archiveCostSignals(
  units: ReadonlyMap<string, CostUnit>,
  roots: readonly string[],
): Map<number, CodeSignal[]> {
  const out = new Map<number, CodeSignal[]>();
  const emit = (file: number, s: CodeSignal) => {
    const list = out.get(file);
    if (list === undefined) out.set(file, [s]);
    else list.push(s);
  };
  // Each measure: its limits (a constant total, per stored element) and what its finding says of the total and of
  // the heaviest loop or call (`origin`, its own share `term`).
  const measures = [
    {
      kind: 'turns',
      limit: LOOP_TURNS_LIMIT,
      perStored: STORED_TURNS_PER_ELEMENT,
      says: (t: Poly, origin: Origin, term: Poly) =>
        `The loops of the code the archive runs ${LOADS} make ${describe(t, 'turns')} together, a loop counted as the ` +
        'product of its trip count and those of every loop around it, also through the methods and functions ' +
        `called inside loops, and a loop over a stored container as many turns as the archive stores elements (this ` +
        `one, in ${origin.unit}, ${describe(term, 'turns')}): more than ${LOOP_TURNS_LIMIT} turns, or ` +
        `${STORED_TURNS_PER_ELEMENT} per stored element, so the load runs for minutes or hangs.`,
    },
    {
      kind: 'elements',
      limit: LOAD_ELEMENTS_LIMIT,
      perStored: STORED_ELEMENTS_PER_ELEMENT,
      says: (t: Poly, origin: Origin, term: Poly) =>
        `The operators the archive runs ${LOADS} make ${describe(t, 'tensor elements')} together, each call's constant ` +
        'shape counted once per turn of the loops around it, also through the methods and functions called inside ' +
        `loops (this one, in ${origin.unit}, ${origin.own} elements, ${describe(term, 'elements')} with its loops): more than ` +
        `${LOAD_ELEMENTS_LIMIT}, or ${STORED_ELEMENTS_PER_ELEMENT} per stored element, so the load runs for ` +
        'minutes or hangs.',
    },
    {
      kind: 'steps',
      limit: VALUE_STEPS_LIMIT,
      perStored: STORED_STEPS_PER_ELEMENT,
      says: (t: Poly, origin: Origin, term: Poly) =>
        `The operators the archive runs ${LOADS} loop natively once per unit of an int argument's value ` +
        `(math.factorial(n) multiplies n numbers), ${describe(t, 'turns')} together, each call counted once per ` +
        'turn of the loops around it, also through the methods and functions called inside loops, and an argument ' +
        'that is neither a constant nor an int the archive stores where the call reads it at the most one call ' +
        `can make, 2^31 - 1 for factorial (this one, in ${origin.unit}, ${origin.own} turns, ${describe(term, 'turns')} with its ` +
        `loops): more than ${VALUE_STEPS_LIMIT}, or ${STORED_STEPS_PER_ELEMENT} per stored element, so the load ` +
        'runs for minutes or hangs.',
    },
  ] as const;
  for (const m of measures) {
    const charged = charge(units, roots, m.kind);
    const t = charged.total;
    if (charged.worst === undefined || !(t.squared || t.k0 > m.limit || t.k1 > m.perStored)) continue;
    const { origin, term } = charged.worst;
    emit(
      origin.file,
      signalAt('TORCH-SCRIPT-CUSTOM-OP', origin.span, origin.text, m.says(t, origin, term), 'high', {
        kind: 'load-work-unbounded',
        method: origin.unit,
        runsAtLoad: true,
      }),
    );
  }
  return out;
}
