// Loop-carried growth in TorchScript code run at load. Each loop is bounded by the load rule and no call need have a
// large constant shape, yet a value that a loop rebuilds from itself through a size-growing operation grows
// geometrically: `t = torch.cat([t, t])` doubles each turn (29 turns of a stored 4-element tensor are 2^31 elements),
// and so do `xs = xs + xs` on a list, `s = s + s` on a string, `t = t.repeat([2])`. Here an assignment inside a loop
// whose value reads the assigned name (directly or through names the same loop body assigns) twice or more, or once
// as the operand of an operator that can make its output larger than its operand (one with a size argument in the
// load table, a list or string repetition, a superlinear or value-sized operator), is a finding, and so is an
// in-place call (`torch.add_(xs, xs)`, `xs.extend(xs)`) that reads its own target again. A loop of at most
// MAX_GROWTH_TURNS constant turns passes: its growth is at most 2^MAX_GROWTH_TURNS times the value it starts from.
// So does an accumulation in a constant range (`t = torch.cat([t, x])`, one copy of the value joined only by
// concatenations with operands that do not read it): it grows by the same operands each turn, linearly. Each turn
// copies the whole value, though, so k turns copy the operands k(k+1)/2 times: when the code fixes their size (a
// constant shape) that is charged against the load's element bound, and when it does not (a stored tensor, a value
// computed from one) the archive chooses their size and the copies are charged per stored element.
import { signalAt, type CodeSignal } from '../code-signal.js';
import type { AssignmentFact, CallSite, ExpressionFact, LoopFact, PythonModule, SourceSpan } from '../module-model.js';

/** Operators that join their operands into a larger value (a loop rebuilding a value through one grows it). */
export const CONCATENATION = /^aten::(?:cat|concat|concatenate|stack|hstack|vstack|dstack|column_stack|row_stack)$/;

/** A loop of at most this many constant turns may rebuild a value from itself (growth at most 16x). */
export const MAX_GROWTH_TURNS = 4;
/**
 * Copies an accumulation of operands whose size the archive chooses (`t = torch.cat([t, x])` of a stored `x`) may
 * make of them: the load's work per stored element (90 turns copy 4095 times).
 */
export const MAX_STORED_COPIES = 4096;
/** Elements the copies of an accumulation of constant-shape operands may make (the load's element bound). */
export const MAX_COPIED_ELEMENTS = 2 ** 32;
const MAX_DEPTH = 6;

/** What the load rule knows of an operator call, for growth: whether it can make its output larger than an operand. */
export type GrowingCall = (call: CallSite) => string | undefined;

/**
 * The elements of an operand whose size the code fixes (a constant, a constant-shape construction), as the load rule
 * reads it; undefined when the archive or the load chooses its size.
 */
export type FixedSize = (e: ExpressionFact, scopeId: number) => number | undefined;

/**
 * The operands an accumulation joins to the value (`torch.cat([t, x])` → x), when the value is such a call of a list
 * or tuple display; undefined when it is written otherwise.
 */
function joinedOperands(mod: PythonModule, value: ExpressionFact, name: string): ExpressionFact[] | undefined {
  const a = value.access;
  if (a?.root.kind !== 'call' || a.steps.length > 0) return undefined;
  const c = mod.calls[a.root.callId];
  if (c === undefined || c.hasStarArgs || c.hasStarStarKwargs) return undefined;
  const out: ExpressionFact[] = [];
  for (const e of c.positional) {
    const items = (e.nodeType === 'list' || e.nodeType === 'tuple') && e.elements !== undefined ? e.elements : [e];
    for (const item of items) if (!(item.nodeType === 'identifier' && item.text === name)) out.push(item);
  }
  return out;
}

function constantInt(e: ExpressionFact): number | undefined {
  if (e.constant !== undefined) return e.constant.type === 'int' ? e.constant.value : undefined;
  if (e.nodeType === 'unary_operator' && /^-\s*\d+$/.test(e.text)) return -Number(e.text.replace(/[-\s]/g, ''));
  return undefined;
}

/** The constant turns of a `for ... in range(<constants>)` loop; undefined for any other loop. */
function constantTurns(mod: PythonModule, loop: LoopFact): number | undefined {
  const a = loop.head?.access;
  if (loop.kind !== 'for' || a?.root.kind !== 'call' || a.steps.length > 0) return undefined;
  const c = mod.calls[a.root.callId];
  if (c === undefined || c.callee.raw !== 'range' || c.hasStarArgs || c.keywords.length > 0) return undefined;
  const ints = c.positional.map(constantInt);
  if (ints.length === 0 || ints.length > 3 || ints.some((v) => v === undefined)) return undefined;
  const [lo, hi, step] = ints.length === 1 ? [0, ints[0]!, 1] : [ints[0]!, ints[1]!, ints[2] ?? 1];
  return step === 0 ? 0 : Math.max(0, Math.ceil((hi - lo) / step));
}

interface Reading {
  /** Occurrences of the name in the value. */
  count: number;
  /** The first operator that takes the name as an operand and can grow its output. */
  growing?: string;
  /** Whether a growing operator that takes the name is not a concatenation (it multiplies, not adds). */
  multiplies?: boolean;
}

/**
 * How an expression reads `name`: its occurrences (through local names assigned inside the loop body, `inLoop`) and
 * whether one of them is an operand of a growing operator.
 */
/**
 * Adds the reads of `name` through a local name the loop body assigns: the most any one of its assignments reads
 * (each turn runs one of them).
 */
function readsThrough(
  mod: PythonModule,
  local: string,
  name: string,
  inLoop: ReadonlyMap<string, readonly ExpressionFact[]>,
  growing: GrowingCall,
  depth: number,
  out: Reading,
): void {
  let best = 0;
  for (const v of inLoop.get(local) ?? []) {
    const r: Reading = { count: 0 };
    readsOf(mod, v, name, inLoop, growing, depth, r);
    best = Math.max(best, r.count);
    if (r.count > 0 && out.growing === undefined) out.growing = r.growing;
    if (r.count > 0 && r.multiplies === true) out.multiplies = true;
  }
  out.count += best;
}

function readsOf(
  mod: PythonModule,
  e: ExpressionFact,
  name: string,
  inLoop: ReadonlyMap<string, readonly ExpressionFact[]>,
  growing: GrowingCall,
  depth: number,
  out: Reading,
): void {
  if (depth > MAX_DEPTH) return;
  if (e.nodeType === 'identifier') {
    if (e.text === name) out.count++;
    else readsThrough(mod, e.text, name, inLoop, growing, depth + 1, out);
    return;
  }
  const parts = [...(e.elements ?? []), ...(e.operands ?? [])];
  for (const p of parts) readsOf(mod, p, name, inLoop, growing, depth + 1, out);
  const root = e.access?.root;
  if (root?.kind === 'name' && parts.length === 0) {
    if (root.name === name) out.count++;
    else readsThrough(mod, root.name, name, inLoop, growing, depth + 1, out);
  }
  const callIds = new Set(e.callIds);
  if (root?.kind === 'call') callIds.add(root.callId);
  for (const id of callIds) {
    const c = mod.calls[id];
    if (c !== undefined) readsOfCall(mod, c, name, inLoop, growing, depth + 1, out);
  }
  if (parts.length === 0 && root === undefined && callIds.size === 0)
    for (const n of e.names) if (n === name) out.count++;
}

function readsOfCall(
  mod: PythonModule,
  c: CallSite,
  name: string,
  inLoop: ReadonlyMap<string, readonly ExpressionFact[]>,
  growing: GrowingCall,
  depth: number,
  out: Reading,
): void {
  const before = out.count;
  const receiver = c.callee.access;
  // The value form's receiver (`t.repeat([2])`, `((xs)[0]).extend(...)`) is an operand.
  if (receiver?.root.kind === 'name' && receiver.steps.length >= 1 && receiver.root.resolution !== 'implicit') {
    if (receiver.root.name === name) out.count++;
    else readsThrough(mod, receiver.root.name, name, inLoop, growing, depth + 1, out);
  } else if (receiver?.root.kind === 'call') {
    const inner = mod.calls[receiver.root.callId];
    if (inner !== undefined) readsOfCall(mod, inner, name, inLoop, growing, depth + 1, out);
  }
  for (const e of [...c.positional, ...c.keywords.map((k) => k.value), ...c.starArgs, ...c.starStarKwargs])
    readsOf(mod, e, name, inLoop, growing, depth + 1, out);
  if (out.count > before) {
    const g = growing(c);
    if (out.growing === undefined) out.growing = g;
    if (g !== undefined && !CONCATENATION.test(g)) out.multiplies = true;
  }
}

const inside = (a: { startIndex: number; endIndex: number }, loop: LoopFact): boolean =>
  loop.span.startIndex <= a.startIndex && loop.span.endIndex >= a.endIndex;

/** Operators that change their first operand in place (`add_`, `extend`, `append`, `insert`). */
const IN_PLACE = /(?:^|\.)(?:extend|append|insert|add_|mul_)$/;

/**
 * Findings for values a loop at load rebuilds from themselves through a growing operation. `loadMethodOf` names the
 * load method a scope belongs to (undefined when it does not run at load).
 */
export function loopGrowthSignals(
  mod: PythonModule,
  loadMethodOf: (scopeId: number) => string | undefined,
  growing: GrowingCall,
  fixedSize: FixedSize = () => undefined,
): CodeSignal[] {
  const out: CodeSignal[] = [];
  const reported = new Set<number>();
  for (const loop of mod.loops) {
    if (loop.kind === 'comprehension') continue;
    const method = loadMethodOf(loop.scopeId);
    if (method === undefined) continue;
    const turns = constantTurns(mod, loop);
    if (turns !== undefined && turns <= MAX_GROWTH_TURNS) continue;
    const body = mod.assignments.filter(
      (a) => a.scopeId === loop.scopeId && a.kind !== 'for' && a.value !== null && inside(a.span, loop),
    );
    // Local names the loop body assigns, with their values (a tuple target pairs with a tuple value's elements).
    const inLoop = new Map<string, ExpressionFact[]>();
    const pairs: [string, ExpressionFact, AssignmentFact][] = [];
    for (const a of body) {
      const v = a.value!;
      a.targets.forEach((t, i) => {
        if (t.kind !== 'name') return;
        const value = a.targets.length > 1 && v.elements?.length === a.targets.length ? v.elements[i]! : v;
        pairs.push([t.name, value, a]);
        let list = inLoop.get(t.name);
        if (list === undefined) inLoop.set(t.name, (list = []));
        list.push(value);
      });
    }
    const report = (start: number, span: SourceSpan, text: string, why: string, linear = false) => {
      if (reported.has(start)) return;
      reported.add(start);
      out.push(
        signalAt(
          'TORCH-SCRIPT-CUSTOM-OP',
          span,
          text,
          `${text} inside a loop of ${method}, which runs while the archive loads (torch.jit.load, and torch.load ` +
            `with weights_only=True, which hands a TorchScript archive to it): ${why}` +
            (linear
              ? '.'
              : ", so the value grows geometrically with the loop's turns (29 doublings of a 4-element tensor are " +
                `2^31 elements); the loop runs ${turns === undefined ? 'a number of turns the code does not fix' : `${turns} turns`}, ` +
                `more than the ${MAX_GROWTH_TURNS} that keep the growth small.`),
          'high',
          { kind: 'load-work-growth', method, runsAtLoad: true },
        ),
      );
    };
    for (const [name, value, a] of pairs) {
      const others = new Map(inLoop);
      others.delete(name);
      const r: Reading = { count: a.kind === 'augmented' ? 1 : 0 };
      readsOf(mod, value, name, others, growing, 0, r);
      if (r.count >= 2)
        report(a.span.startIndex, a.span, value.text, `it rebuilds '${name}' from ${r.count} copies of itself`);
      else if (r.count === 1 && r.growing !== undefined && turns !== undefined && r.multiplies !== true) {
        // An accumulation in a constant range: each turn copies the whole value, so the operands are copied
        // turns(turns+1)/2 times.
        const copies = (turns * (turns + 1)) / 2;
        const sizes = joinedOperands(mod, value, name)?.map((e) => fixedSize(e, loop.scopeId));
        const fixed =
          sizes?.every((n) => n !== undefined) === true ? sizes.reduce<number>((p, n) => p + n!, 0) : undefined;
        if (fixed === undefined ? copies > MAX_STORED_COPIES : fixed * copies > MAX_COPIED_ELEMENTS)
          report(
            a.span.startIndex,
            a.span,
            value.text,
            fixed === undefined
              ? `it joins to '${name}' each of ${turns} turns operands whose size the archive chooses (a stored ` +
                  `tensor, or a value computed from one), and each turn copies the whole value: ${copies} copies of ` +
                  `them, more than the ${MAX_STORED_COPIES} a load may make per stored element`
              : `it joins to '${name}' each of ${turns} turns ${fixed} elements, and each turn copies the whole ` +
                  `value: ${(fixed * copies).toExponential(2)} elements copied, more than ${MAX_COPIED_ELEMENTS}`,
            true,
          );
      } else if (r.count === 1 && r.growing !== undefined && !(turns !== undefined && r.multiplies !== true))
        // One copy of the value joined with operands that do not read it (`t = torch.cat([t, x])`) grows by those
        // operands each turn: linear in the turns, which a constant range bounds (the loop bound checks the range).
        report(
          a.span.startIndex,
          a.span,
          value.text,
          `it rebuilds '${name}' through ${r.growing}, which can make its output larger than its operand`,
        );
    }
    // In-place growth: `torch.add_(xs, xs)`, `xs.extend(xs)` reading their own target again.
    for (const c of mod.calls) {
      if (c.scopeId !== loop.scopeId || !inside(c.span, loop) || !IN_PLACE.test(c.callee.raw)) continue;
      const receiver = c.callee.access;
      const target =
        receiver?.root.kind === 'name' && receiver.root.resolution !== 'implicit' && receiver.steps.length === 1
          ? receiver.root.name
          : c.positional[0]?.nodeType === 'identifier'
            ? c.positional[0].text
            : undefined;
      if (target === undefined) continue;
      const r: Reading = { count: 0 };
      readsOfCall(mod, c, target, inLoop, growing, 0, r);
      if (r.count >= 2) report(c.span.startIndex, c.span, c.text, `it extends '${target}' in place with itself`);
    }
  }
  return out;
}
