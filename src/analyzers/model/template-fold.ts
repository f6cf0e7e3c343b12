// Constant folding of Jinja string expressions (on @huggingface/jinja AST nodes), to see names a template assembles
// from pieces: `~` and `+` concatenation, `*` repetition, slices (`[::-1]`), the filters join, reverse, lower, upper,
// string, trim, replace, format and first/last, the str methods join/replace/lower/upper/strip/format, ternaries and
// `set` variables. Python semantics where they differ from JS (negative slice steps, %-format of `%s`/`%c`).
import type { JNode } from './template-print.js';

/** `set` variables: every value expression assigned to the name anywhere in the template. */
export type FoldEnv = Map<string, JNode[]>;

export interface Fold {
  /** Possible string values (at most MAX_VALUES). */
  readonly values: readonly string[];
  /** Some value could not be determined. */
  readonly unknown: boolean;
  /** The value came from more than one literal (concatenation, join, reversal, …) rather than one literal. */
  readonly assembled: boolean;
  /** Literal pieces seen inside the expression (for partially known names). */
  readonly pieces: readonly string[];
}

const MAX_VALUES = 16;
const MAX_LENGTH = 512;
const MAX_DEPTH = 32;

const UNKNOWN = (pieces: readonly string[] = []): Fold => ({ values: [], unknown: true, assembled: true, pieces });

function known(values: readonly string[], assembled: boolean, pieces: readonly string[]): Fold {
  const v = [...new Set(values.filter((s) => s.length <= MAX_LENGTH))].slice(0, MAX_VALUES);
  return { values: v, unknown: false, assembled, pieces };
}

function combine(a: Fold, b: Fold, op: (x: string, y: string) => string): Fold {
  const pieces = [...a.pieces, ...b.pieces].slice(0, MAX_VALUES);
  if (a.unknown || b.unknown || a.values.length === 0 || b.values.length === 0) return UNKNOWN(pieces);
  const out: string[] = [];
  for (const x of a.values) for (const y of b.values) if (out.length < MAX_VALUES) out.push(op(x, y));
  return known(out, true, pieces);
}

function map(a: Fold, f: (s: string) => string | undefined): Fold {
  if (a.unknown) return a;
  const out: string[] = [];
  for (const s of a.values) {
    const r = f(s);
    if (r === undefined) return UNKNOWN(a.pieces);
    out.push(r);
  }
  return known(out, true, a.pieces);
}

function intOf(n: unknown): number | undefined {
  if (typeof n !== 'object' || n === null) return undefined;
  const node = n as JNode;
  if (node.type === 'IntegerLiteral') return node['value'] as number;
  if (node.type === 'UnaryExpression' && (node['operator'] as { value?: string })?.value === '-') {
    const v = intOf(node['argument']);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

/** Python slice semantics on a string (code units). */
function slice(s: string, start?: number, stop?: number, step = 1): string | undefined {
  if (step === 0) return undefined;
  const chars = [...s];
  const n = chars.length;
  const norm = (i: number | undefined, dflt: number, lo: number, hi: number): number => {
    if (i === undefined) return dflt;
    const j = i < 0 ? i + n : i;
    return Math.min(Math.max(j, lo), hi);
  };
  const out: string[] = [];
  if (step > 0) {
    for (let i = norm(start, 0, 0, n), e = norm(stop, n, 0, n); i < e; i += step) out.push(chars[i]!);
  } else {
    for (let i = norm(start, n - 1, -1, n - 1), e = norm(stop, -1, -1, n - 1); i > e; i += step) out.push(chars[i]!);
  }
  return out.join('');
}

/** Python %-format of the common conversions; undefined for anything else. */
function percent(fmt: string, args: readonly (string | number)[]): string | undefined {
  let i = 0;
  let bad = false;
  const r = fmt.replace(/%([sdc%])/g, (_m, c: string) => {
    if (c === '%') return '%';
    const a = args[i++];
    if (a === undefined) {
      bad = true;
      return '';
    }
    if (c === 'c') return typeof a === 'number' ? String.fromCodePoint(a) : a;
    return String(a);
  });
  return bad ? undefined : r;
}

/** `'{}{}'.format(a, b)` with positional and numbered fields. */
function braceFormat(fmt: string, args: readonly string[]): string | undefined {
  let i = 0;
  let bad = false;
  const r = fmt.replace(/\{(\d*)\}/g, (_m, d: string) => {
    const a = args[d === '' ? i++ : Number(d)];
    if (a === undefined) bad = true;
    return a ?? '';
  });
  return bad ? undefined : r;
}

function listOf(node: JNode, env: FoldEnv, depth: number): Fold[] | undefined {
  if (node.type !== 'ArrayLiteral' && node.type !== 'TupleLiteral') return undefined;
  return (node['value'] as JNode[]).map((e) => fold(e, env, depth + 1));
}

function joinList(parts: Fold[] | undefined, sep: string): Fold {
  if (!parts) return UNKNOWN();
  let acc: Fold = known([''], true, []);
  parts.forEach((p, i) => {
    acc = combine(acc, p, (x, y) => (i === 0 ? x + y : x + sep + y));
  });
  return acc;
}

/** Folds an expression to its possible string values. */
export function foldString(node: JNode, env: FoldEnv): Fold {
  active.clear();
  steps = 0;
  const before = total;
  const f = fold(node, env, 0);
  total += steps;
  if (total > totalBudget && before <= totalBudget) exhausted = true;
  return f;
}

/**
 * Work budget over every fold of one template: a template of many `set`s folds each one (20,000 sets of one
 * variable would cost 20,000 x MAX_STEPS). Past it, folds return unknown and the analysis says it stopped.
 */
let total = 0;
let totalBudget = Infinity;
let exhausted = false;
export const TEMPLATE_FOLD_BUDGET = 500_000;

/** Starts the budget for one template. */
export function startFoldBudget(budget = TEMPLATE_FOLD_BUDGET): void {
  total = 0;
  totalBudget = budget;
  exhausted = false;
}

/** True when the template's folds ran out of budget (some names were not folded). */
export function foldBudgetExhausted(): boolean {
  return exhausted;
}

/** Variables being folded (a `set` that refers to itself is unknown, not a loop). */
const active = new Set<string>();
/** Work budget per foldString call: templates may chain many `set`s of one variable. */
let steps = 0;
const MAX_STEPS = 20_000;

function fold(node: JNode, env: FoldEnv, depth: number): Fold {
  if (depth > MAX_DEPTH || ++steps > MAX_STEPS || total + steps > totalBudget) return UNKNOWN();
  switch (node.type) {
    case 'StringLiteral': {
      const v = node['value'] as string;
      return { values: [v], unknown: false, assembled: false, pieces: [v] };
    }
    case 'IntegerLiteral':
      return known([String(node['value'])], false, []);
    case 'Identifier': {
      const name = node['value'] as string;
      const defs = env.get(name);
      if (!defs || defs.length === 0 || active.has(name)) return UNKNOWN();
      active.add(name);
      const parts = defs.slice(0, MAX_VALUES).map((d) => fold(d, env, depth + 1));
      active.delete(name);
      const pieces = parts.flatMap((p) => p.pieces);
      if (parts.some((p) => p.unknown)) return UNKNOWN(pieces);
      return known(
        parts.flatMap((p) => p.values),
        parts.some((p) => p.assembled),
        pieces,
      );
    }
    case 'BinaryExpression': {
      const op = (node['operator'] as { value?: string })?.value;
      const l = node['left'] as JNode;
      const r = node['right'] as JNode;
      if (op === '~' || op === '+') return combine(fold(l, env, depth + 1), fold(r, env, depth + 1), (x, y) => x + y);
      if (op === '*') {
        const times = intOf(r) ?? intOf(l);
        const s = fold(intOf(r) !== undefined ? l : r, env, depth + 1);
        if (times === undefined || times < 0 || times > MAX_LENGTH) return UNKNOWN(s.pieces);
        return map(s, (x) => x.repeat(times));
      }
      if (op === '%') {
        const f = fold(l, env, depth + 1);
        const items = listOf(r, env, depth) ?? [fold(r, env, depth + 1)];
        const ints = (r.type === 'TupleLiteral' || r.type === 'ArrayLiteral' ? (r['value'] as JNode[]) : [r]).map(
          intOf,
        );
        const args: (string | number)[] = [];
        for (let i = 0; i < items.length; i++) {
          const it = ints[i] ?? items[i]!.values[0];
          if (it === undefined || (ints[i] === undefined && (items[i]!.unknown || items[i]!.values.length !== 1)))
            return UNKNOWN([...f.pieces, ...items.flatMap((x) => x.pieces)]);
          args.push(it);
        }
        return map(f, (x) => percent(x, args));
      }
      return UNKNOWN([...fold(l, env, depth + 1).pieces, ...fold(r, env, depth + 1).pieces]);
    }
    case 'Ternary': {
      const a = fold(node['trueExpr'] as JNode, env, depth + 1);
      const b = fold(node['falseExpr'] as JNode, env, depth + 1);
      if (a.unknown || b.unknown) return UNKNOWN([...a.pieces, ...b.pieces]);
      return known([...a.values, ...b.values], a.assembled || b.assembled, [...a.pieces, ...b.pieces]);
    }
    case 'MemberExpression': {
      const prop = node['property'] as JNode;
      if (node['computed'] && prop.type === 'SliceExpression') {
        const s = fold(node['object'] as JNode, env, depth + 1);
        const start = prop['start'] ? intOf(prop['start']) : undefined;
        const stop = prop['stop'] ? intOf(prop['stop']) : undefined;
        const step = prop['step'] ? intOf(prop['step']) : 1;
        if ((prop['start'] && start === undefined) || (prop['stop'] && stop === undefined) || step === undefined)
          return UNKNOWN(s.pieces);
        return map(s, (x) => slice(x, start, stop, step));
      }
      return UNKNOWN();
    }
    case 'FilterExpression':
      return foldFilter(node, env, depth);
    case 'CallExpression':
      return foldMethod(node, env, depth);
    default:
      return UNKNOWN();
  }
}

function filterParts(f: JNode): { name: string; args: JNode[] } | undefined {
  if (f.type === 'Identifier') return { name: f['value'] as string, args: [] };
  const callee = f['callee'] as JNode | undefined;
  if (f.type === 'CallExpression' && callee?.type === 'Identifier')
    return { name: callee['value'] as string, args: f['args'] as JNode[] };
  return undefined;
}

function foldFilter(node: JNode, env: FoldEnv, depth: number): Fold {
  const f = filterParts(node['filter'] as JNode);
  const operand = node['operand'] as JNode;
  if (!f) return UNKNOWN();
  const strArg = (i: number): string | undefined => {
    const a = f.args[i];
    if (!a) return undefined;
    const v = fold(a.type === 'KeywordArgumentExpression' ? (a['value'] as JNode) : a, env, depth + 1);
    return !v.unknown && v.values.length === 1 ? v.values[0] : undefined;
  };
  switch (f.name) {
    case 'join':
      return joinList(listOf(operand, env, depth), strArg(0) ?? '');
    case 'reverse':
      return map(fold(operand, env, depth + 1), (x) => [...x].reverse().join(''));
    case 'lower':
      return map(fold(operand, env, depth + 1), (x) => x.toLowerCase());
    case 'upper':
      return map(fold(operand, env, depth + 1), (x) => x.toUpperCase());
    case 'string':
    case 'trim':
      return map(fold(operand, env, depth + 1), (x) => (f.name === 'trim' ? x.trim() : x));
    case 'first':
    case 'last': {
      const items = listOf(operand, env, depth);
      if (items) {
        const it = f.name === 'first' ? items[0] : items[items.length - 1];
        return it ? { ...it, assembled: true } : UNKNOWN();
      }
      return map(fold(operand, env, depth + 1), (x) => (f.name === 'first' ? [...x][0] : [...x].pop()));
    }
    case 'replace': {
      const a = strArg(0);
      const b = strArg(1);
      if (a === undefined || b === undefined) return UNKNOWN(fold(operand, env, depth + 1).pieces);
      return map(fold(operand, env, depth + 1), (x) => x.split(a).join(b));
    }
    case 'format': {
      const args: string[] = [];
      for (let i = 0; i < f.args.length; i++) {
        const v = strArg(i);
        if (v === undefined) return UNKNOWN(fold(operand, env, depth + 1).pieces);
        args.push(v);
      }
      return map(fold(operand, env, depth + 1), (x) => percent(x, args));
    }
    default:
      return UNKNOWN(fold(operand, env, depth + 1).pieces);
  }
}

function foldMethod(node: JNode, env: FoldEnv, depth: number): Fold {
  const callee = node['callee'] as JNode;
  if (callee.type !== 'MemberExpression' || callee['computed']) return UNKNOWN();
  const method = (callee['property'] as JNode)['value'] as string;
  const self = callee['object'] as JNode;
  const args = (node['args'] as JNode[]).map((a) => fold(a, env, depth + 1));
  const one = (i: number): string | undefined =>
    args[i] && !args[i]!.unknown && args[i]!.values.length === 1 ? args[i]!.values[0] : undefined;
  switch (method) {
    case 'join': {
      const sep = fold(self, env, depth + 1);
      const list = node['args']
        ? listOf((node['args'] as JNode[])[0] ?? ({ type: 'x' } as JNode), env, depth)
        : undefined;
      if (sep.unknown || sep.values.length !== 1) return UNKNOWN();
      return joinList(list, sep.values[0]!);
    }
    case 'replace': {
      const a = one(0);
      const b = one(1);
      if (a === undefined || b === undefined) return UNKNOWN();
      return map(fold(self, env, depth + 1), (x) => x.split(a).join(b));
    }
    case 'lower':
    case 'upper':
    case 'strip':
    case 'title':
      return map(fold(self, env, depth + 1), (x) =>
        method === 'lower' ? x.toLowerCase() : method === 'upper' ? x.toUpperCase() : method === 'strip' ? x.trim() : x,
      );
    case 'format': {
      const vals: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const v = one(i);
        if (v === undefined) return UNKNOWN(fold(self, env, depth + 1).pieces);
        vals.push(v);
      }
      return map(fold(self, env, depth + 1), (x) => braceFormat(x, vals));
    }
    default:
      return UNKNOWN();
  }
}
