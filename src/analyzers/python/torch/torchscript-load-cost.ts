// The turns of nested loops in TorchScript code run at load. Each loop of a method run at load is judged alone by the
// load rule (a constant range of at most 65,536 turns passes); nested loops multiply, so three such loops make 2.8e14
// turns from a few lines of code. Here the turns of every loop are the product of its own constant trip count and
// those of every loop (and comprehension) that encloses it in the same method, and the load's total is the sum of
// those products over every loop; past LOOP_TURNS_LIMIT it is a finding. A loop whose trips are not a constant (a
// stored container's elements, already bounded by what the archive stores, or a bound the rule reports itself), or a
// constant range longer than the rule's per-loop bound, counts as one turn per turn of its enclosing loops: its own
// count is the load rule's to judge.
import { signalAt, type CodeSignal } from '../code-signal.js';
import type { ExpressionFact, LoopFact, PythonModule, SourceSpan } from '../module-model.js';

/** The per-loop bound of the load rule: a longer constant range is reported there, and counts one turn here. */
const PER_LOOP_TRIPS = 65536;

/** Loop turns a load may run, summed over its methods' loops (each turn of a TorchScript loop costs ~0.1-1 µs). */
export const LOOP_TURNS_LIMIT = 2 ** 24;

/**
 * Tensor elements the operators of a load may make, summed over every call with a constant shape, each counted once
 * per turn of the loops around it (about a second of native work per 2^30 elements; 2^32 is seconds, 2^40 is
 * minutes). A single call is bounded by the load rule at 2^24 elements, and the loops' turns at LOOP_TURNS_LIMIT:
 * their product is charged here.
 */
export const LOAD_ELEMENTS_LIMIT = 2 ** 32;

/** A call at load with the elements its constant shape makes (see the load rule's constant-shape reading). */
export interface SizedCall {
  readonly span: SourceSpan;
  readonly text: string;
  readonly elements: number;
}

function constantInt(e: ExpressionFact): number | undefined {
  if (e.constant !== undefined) return e.constant.type === 'int' ? e.constant.value : undefined;
  if (e.nodeType === 'unary_operator' && /^-\s*\d+$/.test(e.text)) return -Number(e.text.replace(/[-\s]/g, ''));
  return undefined;
}

/** The turns of a `for ... in range(<constants>)` loop or comprehension; 1 for any other loop. */
function constantTrips(mod: PythonModule, loop: LoopFact): number {
  const head = loop.head;
  const a = head?.access;
  if (loop.kind === 'while' || a?.root.kind !== 'call' || a.steps.length > 0) return 1;
  const c = mod.calls[a.root.callId];
  if (c === undefined || c.callee.raw !== 'range' || c.hasStarArgs || c.keywords.length > 0) return 1;
  const ints = c.positional.map(constantInt);
  if (ints.length === 0 || ints.length > 3 || ints.some((v) => v === undefined)) return 1;
  const [lo, hi, step] = ints.length === 1 ? [0, ints[0]!, 1] : [ints[0]!, ints[1]!, ints[2] ?? 1];
  if (step === 0) return 0;
  const trips = Math.max(0, Math.ceil((hi - lo) / step));
  return trips > PER_LOOP_TRIPS ? 1 : trips;
}

const inside = (inner: LoopFact, outer: LoopFact): boolean =>
  inner !== outer &&
  outer.span.startIndex <= inner.span.startIndex &&
  outer.span.endIndex >= inner.span.endIndex &&
  (outer.span.startIndex < inner.span.startIndex || outer.span.endIndex > inner.span.endIndex);

/**
 * A finding when the loops of the methods run at load (`loopsOf` gives each method's loops, keyed by its qualified
 * name) make more than LOOP_TURNS_LIMIT turns together, counting nested loops as the product of their trip counts.
 */
export function nestedLoopCostSignals(
  mod: PythonModule,
  loopsOf: ReadonlyMap<string, readonly LoopFact[]>,
  sizedCallsOf: ReadonlyMap<string, readonly SizedCall[]> = new Map(),
): CodeSignal[] {
  return [...loopTurnSignals(mod, loopsOf), ...elementWorkSignals(mod, loopsOf, sizedCallsOf)];
}

const encloses = (outer: LoopFact, span: SourceSpan): boolean =>
  outer.span.startIndex <= span.startIndex && outer.span.endIndex >= span.endIndex;

/**
 * A finding when the constant-shape operator calls of the load, each charged its elements times the turns of every
 * loop of its method that encloses it, make more than LOAD_ELEMENTS_LIMIT elements together.
 */
function elementWorkSignals(
  mod: PythonModule,
  loopsOf: ReadonlyMap<string, readonly LoopFact[]>,
  sizedCallsOf: ReadonlyMap<string, readonly SizedCall[]>,
): CodeSignal[] {
  let total = 0;
  let worst: { call: SizedCall; work: number; method: string } | undefined;
  for (const [method, calls] of sizedCallsOf) {
    const loops = loopsOf.get(method) ?? [];
    const trips = loops.map((l) => constantTrips(mod, l));
    for (const call of calls) {
      let work = call.elements;
      loops.forEach((l, j) => {
        if (encloses(l, call.span)) work = Math.min(work * trips[j]!, 2 ** 60);
      });
      total = Math.min(total + work, 2 ** 60);
      if (worst === undefined || work > worst.work) worst = { call, work, method };
    }
  }
  if (total <= LOAD_ELEMENTS_LIMIT || worst === undefined) return [];
  const { call, method } = worst;
  return [
    signalAt(
      'TORCH-SCRIPT-CUSTOM-OP',
      call.span,
      call.text.slice(0, 200),
      `The operators the archive runs while it loads (torch.jit.load, and torch.load with weights_only=True, which ` +
        `hands a TorchScript archive to it) make about ${total.toExponential(2)} tensor elements together, each ` +
        `call's constant shape counted once per turn of the loops around it (this one, in ${method}, ` +
        `${call.elements} elements, ${worst.work.toExponential(2)} with its loops): more than ${LOAD_ELEMENTS_LIMIT}, ` +
        'so the load runs for minutes or hangs.',
      'high',
      { kind: 'load-work-unbounded', method, runsAtLoad: true },
    ),
  ];
}

function loopTurnSignals(mod: PythonModule, loopsOf: ReadonlyMap<string, readonly LoopFact[]>): CodeSignal[] {
  let total = 0;
  let worst: { loop: LoopFact; turns: number; method: string } | undefined;
  for (const [method, loops] of loopsOf) {
    const trips = loops.map((l) => constantTrips(mod, l));
    loops.forEach((loop, i) => {
      let turns = trips[i]!;
      loops.forEach((o, j) => {
        if (inside(loop, o)) turns = Math.min(turns * trips[j]!, 2 ** 60);
      });
      total = Math.min(total + turns, 2 ** 60);
      if (worst === undefined || turns > worst.turns) worst = { loop, turns, method };
    });
  }
  if (total <= LOOP_TURNS_LIMIT || worst === undefined) return [];
  const { loop, method } = worst;
  return [
    signalAt(
      'TORCH-SCRIPT-CUSTOM-OP',
      loop.span,
      `${loop.kind === 'while' ? 'while' : 'for'} ... ${loop.head?.text ?? ''}`.slice(0, 200),
      `The loops of the methods the archive runs while it loads (torch.jit.load, and torch.load with ` +
        `weights_only=True, which hands a TorchScript archive to it) make about ${total.toExponential(2)} turns ` +
        `together, nested loops counted as the product of their trip counts (this one, in ${method}, ` +
        `${worst.turns.toExponential(2)}): more than ${LOOP_TURNS_LIMIT}, so the load runs for minutes or hangs.`,
      'high',
      { kind: 'load-work-unbounded', method, runsAtLoad: true },
    ),
  ];
}
