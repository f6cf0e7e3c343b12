// Which values a name, an attribute of `self` or a list may hold where TorchScript code run at load reads it, for
// the sizes the load rule propagates through growing operators. torch's printer writes every intermediate value in a
// fresh name, but the archive's code is text torch compiles at load, so a name may be rebound in straight-line code
// (`t = torch.cat([t, t])` written 24 times), an attribute set and read back (`self.t = ...`, `self.t.add(1)`), a
// list built from a display or by appends (`xs.append(t)` in a constant range) and indexed (`l[0]`). The bindings
// that may reach a read are, walking back from it in the source, each binding up to the first one that runs on every
// path to the read (every branch and loop around it also encloses the read), and the bindings a loop around the read
// (and not around that one) makes after the read, which its next turn reads. Each must be a plain `name = value`;
// the read holds one of their values (the load rule takes the largest). When no binding runs on every path, the read
// may see a value bound elsewhere (a parameter, an attribute set before the method ran): not known here.
import type {
  AccessPath,
  AssignmentFact,
  CallSite,
  ExpressionFact,
  PythonModule,
  SourceSpan,
} from '../module-model.js';

type Span = { startIndex: number; endIndex: number };
const within = (inner: Span, outer: Span): boolean =>
  outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;

/**
 * Whether a binding runs before every read at `use`: every branch (`if`/`elif`/`else` body, `try` body, `except`
 * clause, `match` case) and loop of the scope around the binding also encloses the read.
 */
function dominates(mod: PythonModule, scopeId: number, binding: Span, use: Span): boolean {
  for (const b of mod.branches) if (within(binding, b) && !within(use, b)) return false;
  for (const l of mod.loops) if (l.scopeId === scopeId && within(binding, l.span) && !within(use, l.span)) return false;
  return true;
}

/**
 * The writes of one place (`writes`, assignments of the scope) that may reach a read at `use` (see the header), or
 * undefined when none runs on every path to it. The first is the one that does.
 */
function reachingWrites(
  mod: PythonModule,
  scopeId: number,
  writes: readonly AssignmentFact[],
  use: Span,
): { killer: AssignmentFact; all: AssignmentFact[] } | undefined {
  const before = writes
    .filter((w) => w.span.endIndex <= use.startIndex)
    .sort((a, b) => b.span.startIndex - a.span.startIndex);
  const all: AssignmentFact[] = [];
  let killer: AssignmentFact | undefined;
  for (const w of before) {
    all.push(w);
    if (dominates(mod, scopeId, w.span, use)) {
      killer = w;
      break;
    }
  }
  if (killer === undefined) return undefined;
  // A loop around the read and not around the killing write carries the writes it makes after the read.
  for (const l of mod.loops) {
    if (l.scopeId !== scopeId || !within(use, l.span) || within(killer.span, l.span)) continue;
    for (const w of writes)
      if (within(w.span, l.span) && w.span.startIndex >= use.endIndex && !all.includes(w)) all.push(w);
  }
  return { killer, all };
}

const plainValue = (a: AssignmentFact): ExpressionFact | undefined =>
  a.kind === 'assign' && a.targets.length === 1 && a.value !== null ? a.value : undefined;

/** The bindings (`name = value` statements) of local `name` in scope `scopeId`, in any form. */
function bindingsOf(mod: PythonModule, name: string, scopeId: number): AssignmentFact[] {
  let byName = BINDINGS.get(mod);
  if (byName === undefined) {
    byName = new Map();
    for (const a of mod.assignments)
      for (const t of a.targets) {
        if (t.kind !== 'name') continue;
        const key = `${a.scopeId}:${t.name}`;
        const list = byName.get(key);
        if (list === undefined) byName.set(key, [a]);
        else if (list[list.length - 1] !== a) list.push(a);
      }
    BINDINGS.set(mod, byName);
  }
  return byName.get(`${scopeId}:${name}`) ?? [];
}
const BINDINGS = new WeakMap<PythonModule, Map<string, AssignmentFact[]>>();

/**
 * The values local `name` may hold where it is read at `use` in scope `scopeId` (see the header), or undefined when
 * they are not known: a binding that may reach the read is not a plain `name = value`, or none runs on every path.
 */
export function reachingValues(
  mod: PythonModule,
  name: string,
  scopeId: number,
  use: Span,
): ExpressionFact[] | undefined {
  let memo = REACHING.get(mod);
  if (memo === undefined) REACHING.set(mod, (memo = new Map()));
  const key = `${scopeId}:${name}:${use.startIndex}:${use.endIndex}`;
  if (memo.has(key)) return memo.get(key) ?? undefined;
  const got = reachingValuesOnce(mod, name, scopeId, use);
  memo.set(key, got ?? null);
  return got;
}
const REACHING = new WeakMap<PythonModule, Map<string, ExpressionFact[] | null>>();

function reachingValuesOnce(mod: PythonModule, name: string, scopeId: number, use: Span): ExpressionFact[] | undefined {
  const r = reachingWrites(mod, scopeId, bindingsOf(mod, name, scopeId), use);
  if (r === undefined) return undefined;
  const out: ExpressionFact[] = [];
  for (const w of r.all) {
    const v = plainValue(w);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** The one value local `name` holds where it is read at `use`, when exactly one binding may reach the read. */
export function reachingValue(mod: PythonModule, name: string, scopeId: number, use: Span): ExpressionFact | undefined {
  const values = reachingValues(mod, name, scopeId, use);
  return values?.length === 1 ? values[0] : undefined;
}

/** The text of a `self.<attr>` target or read, as the printer writes it (`self.t`, `(self).t`). */
function attributeOf(text: string): [string, string] | undefined {
  const m = /^\(?\s*(\w+)\s*\)?\s*\.\s*(\w+)$/.exec(text.replace(/\s+/g, ''));
  return m === null ? undefined : [m[1]!, m[2]!];
}

/**
 * The values `self.<attr>` may hold where it is read at `use` in method `scopeId` (whose first parameter is
 * `selfName`, never rebound there): the assignments `self.<attr> = value` that may reach the read (see the header;
 * any other write of an attribute of that name among them makes the values unknown), when no call between the first
 * of them and the read may run code of the archive (`runsArchiveCode` says which calls other than a torch operator
 * or a builtin may), which may set it.
 */
export function reachingAttribute(
  mod: PythonModule,
  selfName: string,
  attr: string,
  scopeId: number,
  use: Span,
  runsArchiveCode: (c: CallSite) => boolean,
): ExpressionFact[] | undefined {
  if (bindingsOf(mod, selfName, scopeId).length > 0) return undefined;
  const writes = mod.assignments.filter(
    (a) =>
      a.scopeId === scopeId &&
      a.targets.some(
        (t) => (t.kind === 'attribute' || t.kind === 'other') && t.text.replace(/\s+/g, '').includes(`.${attr}`),
      ),
  );
  const r = reachingWrites(mod, scopeId, writes, use);
  if (r === undefined) return undefined;
  const out: ExpressionFact[] = [];
  let first = r.killer.span.endIndex;
  for (const w of r.all) {
    const t = w.targets[0];
    const target = t?.kind === 'attribute' ? attributeOf(t.text) : undefined;
    const v = plainValue(w);
    if (v === undefined || target === undefined || target[0] !== selfName || target[1] !== attr) return undefined;
    out.push(v);
    first = Math.min(first, w.span.endIndex);
  }
  // A loop around the read carries its writes, and the calls it makes, to the read: look from the loop's start.
  for (const l of mod.loops)
    if (l.scopeId === scopeId && within(use, l.span)) first = Math.min(first, l.span.startIndex);
  for (const c of mod.calls) {
    if (c.scopeId !== scopeId || c.span.startIndex < first) continue;
    const between = c.span.endIndex <= use.startIndex;
    const carried = mod.loops.some((l) => l.scopeId === scopeId && within(use, l.span) && within(c.span, l.span));
    if ((between || carried) && !operatorOrBuiltin(c) && runsArchiveCode(c)) return undefined;
  }
  return out;
}

/** A call of a torch operator (`torch.<op>`, `ops.<ns>.<op>`) or of a builtin: no code of the archive runs. */
function operatorOrBuiltin(c: CallSite): boolean {
  const q = c.callee.qualifiedName;
  if (c.callee.resolution === 'builtin') return true;
  return (
    q !== null &&
    (c.callee.resolution === 'implicit' || c.callee.resolution === 'import') &&
    /^(?:torch|ops)\./.test(q) &&
    !q.startsWith('torch.classes')
  );
}

/** The receiver of a value-method call (`t` of `t.repeat([2])`, `self.t` of `self.t.add(1)`), as an expression. */
export function receiverExpression(c: CallSite): ExpressionFact | undefined {
  const a = c.callee.access;
  if (a === undefined || a.steps.length === 0 || a.steps[a.steps.length - 1]!.kind !== 'attr') return undefined;
  const text = c.callee.raw.replace(/\s*\.\s*\w+$/, '');
  const steps = a.steps.slice(0, -1);
  const root = a.root;
  const nodeType =
    root.kind === 'name' && steps.length === 0
      ? 'identifier'
      : steps.length === 0
        ? 'call'
        : steps[steps.length - 1]!.kind === 'attr'
          ? 'attribute'
          : 'subscript';
  const span: SourceSpan = { ...c.span, endIndex: c.span.startIndex + text.length };
  const names = root.kind === 'name' ? [root.name] : [];
  const callIds = root.kind === 'call' ? [root.callId] : [];
  const access: AccessPath = { root, steps };
  return { text, nodeType, span, values: [], names, callIds, access };
}

/** An identifier read at `span` (an item of a display past the ones the model keeps). */
export function nameExpression(name: string, span: SourceSpan): ExpressionFact {
  return {
    text: name,
    nodeType: 'identifier',
    span,
    values: [],
    names: [name],
    callIds: [],
    access: { root: { kind: 'name', name, qualifiedNames: [], resolution: 'assignment' }, steps: [] },
  };
}

/**
 * Operators that read a list without changing its items (`torch.cat(xs)`, `len(xs)`, `sorted(xs)`, `torch.mul(xs, 2)`,
 * which make a new value, and `torch.sort(xs)` / `torch.reverse(xs)`, which reorder it), its methods that do the same
 * (`xs.sort()`), and those that add one item to it (`append`).
 */
const LIST_READERS =
  /^(?:torch\.)?(?:cat|concat|concatenate|stack|hstack|vstack|dstack|column_stack|row_stack|len|sorted|mul|sort|reverse|count|index)$/;
const LIST_READING_METHODS = /^(?:sort|reverse|copy|count|index)$/;
const LIST_APPEND = /^(?:torch\.)?append$/;

/**
 * The items of a list or tuple display, with the ones past the model's first 16 as names (undefined if any is not a
 * name).
 */
export function displayItems(e: ExpressionFact): ExpressionFact[] | undefined {
  if ((e.nodeType !== 'list' && e.nodeType !== 'tuple') || e.elements === undefined) return undefined;
  if (e.more === undefined) return e.elements;
  if (e.more.names === undefined) return undefined;
  const out = [...e.elements];
  for (const [name, count] of e.more.names) for (let i = 0; i < count; i++) out.push(nameExpression(name, e.span));
  return out;
}

/**
 * The items of a list display (see displayItems), or of a display repeated by a constant count (`[a] * 17`, printed
 * `torch.mul([a], 17)`), each with how many times the list holds it.
 */
export function displayOrRepetition(
  mod: PythonModule,
  e: ExpressionFact,
  named?: (e: ExpressionFact) => { item: ExpressionFact; times: number }[] | undefined,
): { item: ExpressionFact; times: number }[] | undefined {
  const items = displayItems(e);
  if (items !== undefined) return items.map((item) => ({ item, times: 1 }));
  const c = callOf(mod, e);
  if (c === undefined || c.keywords.length > 0 || c.positional.length !== 2 || c.hasStarArgs) return undefined;
  if (!/^(?:torch\.)?mul$/.test(c.callee.raw.replace(/\s+/g, ''))) return undefined;
  const [x, y] = c.positional as [ExpressionFact, ExpressionFact];
  const [list, count] = y.constant?.type === 'int' ? [x, y] : [y, x];
  const k = count.constant?.type === 'int' ? Number(count.constant.value) : undefined;
  // The list repeated: a display, or (read by the caller) a local list.
  const shown = displayItems(list)?.map((item) => ({ item, times: 1 }));
  const repeated = shown ?? (list.nodeType === 'identifier' ? named?.(list) : undefined);
  if (k === undefined || repeated === undefined) return undefined;
  return repeated.map(({ item, times }) => ({ item, times: times * Math.max(k, 0) }));
}

/** The product of the constant trips of the loops of `scopeId` around `at` but not around `outer`. */
export type LoopTrips = (at: Span, outer: Span) => number | undefined;

/**
 * The items a local list holds where `use` reads it: its display (`xs = [a, b]`, the printer's
 * `annotate(List[Tensor], [])`) and, for each `xs.append(v)` / `torch.append(xs, v)` between the binding and the
 * read or in a loop around the read, `v` times the constant turns of the loops around the append and not around
 * the binding. Undefined when the list may change otherwise: another binding, a read in any other call or
 * expression that may keep or change it (an alias, `extend`, `insert`, a function of the archive), an append in a
 * loop whose turns the code does not fix.
 */
export function listItems(
  mod: PythonModule,
  name: string,
  scopeId: number,
  use: Span,
  trips: LoopTrips,
): { item: ExpressionFact; times: number }[] | undefined {
  const value = reachingValue(mod, name, scopeId, use);
  if (value === undefined) return undefined;
  const binding = mod.assignments.find((a) => a.value === value)!;
  // The printer's empty list (`annotate(List[Tensor], [])`), a display, or a display repeated by a constant.
  const annotated = /^annotate$/.test(callOf(mod, value)?.callee.raw ?? '') ? callOf(mod, value)!.positional[1] : value;
  const items =
    annotated === undefined
      ? undefined
      : displayOrRepetition(mod, annotated, (l) =>
          l.text === name ? undefined : listItems(mod, l.text, scopeId, l.span, trips),
        );
  if (items === undefined) return undefined;
  const out = [...items];
  for (const c of mod.calls) {
    if (c.scopeId !== scopeId || c.span.startIndex < binding.span.endIndex) continue;
    const a = c.callee.access;
    const isReceiver =
      a?.root.kind === 'name' && a.root.name === name && a.steps.length === 1 && a.steps[0]!.kind === 'attr';
    const args = [...c.positional, ...c.keywords.map((k) => k.value), ...c.starArgs, ...c.starStarKwargs];
    const firstIsList = c.positional[0]?.nodeType === 'identifier' && c.positional[0].text === name;
    const readsIt = isReceiver || args.some((e) => e.nodeType === 'identifier' && e.text === name);
    if (!readsIt) continue;
    const step = a?.steps[0];
    const append = isReceiver
      ? step?.kind === 'attr' && step.name === 'append' && c.positional.length === 1
      : firstIsList && LIST_APPEND.test(c.callee.raw) && c.positional.length === 2;
    if (append) {
      if (c.span.startIndex > use.startIndex && !mod.loops.some((l) => within(use, l.span) && within(c.span, l.span)))
        continue;
      const times = trips(c.span, binding.span);
      if (times === undefined) return undefined;
      out.push({ item: c.positional[c.positional.length - 1]!, times });
      continue;
    }
    if (isReceiver ? step?.kind === 'attr' && LIST_READING_METHODS.test(step.name) : LIST_READERS.test(c.callee.raw))
      continue;
    return undefined;
  }
  // Any other read of the list as a whole value (`ys = xs`, `[xs]`, `self.l = xs`) may alias it.
  for (const a of mod.assignments) {
    if (a.scopeId !== scopeId || a.value === null || a === binding) continue;
    if (aliases(a.value, name)) return undefined;
  }
  return out;
}

function aliases(e: ExpressionFact, name: string): boolean {
  if (e.nodeType === 'identifier') return e.text === name;
  if (e.access !== undefined) return false;
  return [...(e.elements ?? []), ...(e.operands ?? [])].some((p) => aliases(p, name));
}

function callOf(mod: PythonModule, e: ExpressionFact): CallSite | undefined {
  const a = e.access;
  if (a?.root.kind !== 'call' || a.steps.length > 0) return undefined;
  return mod.calls[a.root.callId];
}
