// Render cost of a chat template, bounded statically: the loop iterations a render can run (nested loops multiply,
// a macro called in a loop brings its own loops), string and list growth (`*` repetition, replace/join sizes, a
// value that grows from itself in a loop), recursion through macros, widths that pad output, and the output the
// template itself writes summed over the passes of its loops. The caller's request
// is bounded as a chat UI passes it (DATA_ENTRIES, DATA_CHARS, DATA_REQUEST): a loop over one of its lists runs
// DATA_ENTRIES times wherever it stands, a loop over a part of the item an enclosing loop visits is charged to that
// loop. Every renderer users run is considered: jinja2's sandbox caps one range() at
// 100,000 items but not nested ones; llama.cpp's minja and @huggingface/jinja cap neither.
import { foldString, intOf, type Def, type FoldEnv } from './template-fold.js';
import { children, isNode, keywordArg, printNode, TEMPLATE_LIMITS, type JNode } from './template-print.js';
import { callerEdges, filterCost } from './template-filter-cost.js';
import {
  blockGrowthFactor,
  growthFactor,
  heldMethodCalls,
  MAX_RENDER_WORK,
  indirectFilters,
  METHOD_NAMES,
  RENDERER_GLOBALS,
  renderWork,
  standsFor,
  type GrowthModel,
} from './template-growth.js';

/** Estimated loop iterations over one render above which a template is a finding. */
export const MAX_RENDER_ITERATIONS = 1_000_000;
/** Bits of CPython's hash modulus 2^61 - 1 (a multiple of it has at least this many). */
const HASH_PRIME_BITS = 61;
/** Characters (or list items) one expression may make above which a template is a finding. */
export const MAX_RENDER_OUTPUT = 64 * 1024 * 1024;
/**
 * Bits of an integer power above which a template is a finding: Python computes `a ** b` in full, and the time grows
 * faster than the result's size (a power of 2^27 bits with base 9 runs for minutes), so the bound is one MiB of
 * integer, far below MAX_RENDER_OUTPUT.
 */
export const MAX_POWER_BITS = 8 * 1024 * 1024;
/** Paragraphs lipsum() may generate before a template is a finding (published templates never call it). */
export const MAX_LIPSUM_PARAGRAPHS = 100;
/** Words per paragraph lipsum() may draw at most before a template is a finding. */
export const MAX_LIPSUM_WORDS = 1000;
/** Loops and macro calls nested deeper than this are not bounded (published templates nest a few levels). */
export const MAX_NESTING = 64;
/**
 * The request a chat UI passes, against which loops over it are charged: at most this many entries in a list the
 * caller passes (messages, tools, documents). A loop over one of them counts this many passes; a loop over a part of
 * an item an enclosing loop is visiting is charged to that loop (the parts together are the request's size).
 */
export const DATA_ENTRIES = 1_000;
/** At most this many characters in one string the caller passes; an integer read from the caller is at most this. */
export const DATA_CHARS = 100_000;
/** At most this many characters in the whole request (`messages|tojson`, a value of unknown origin). */
export const DATA_REQUEST = 1_000_000;

export interface CostSignal {
  readonly what: string;
  readonly where: JNode;
  /** The figure measured against the limit (Infinity when unbounded). */
  readonly amount: number;
  /**
   * The limit is passed only through the caller's content at the request bounds (a message of DATA_CHARS characters):
   * with the template's own values alone the cost stays within it.
   */
  readonly request?: boolean;
}

/**
 * An integer: a number the template states, 'data' for one read from the caller (at most DATA_CHARS: a string's
 * length, a number in the request), 'entries' for the length of one of the caller's lists (at most DATA_ENTRIES), or
 * undefined when it cannot be bounded.
 */
type IntValue = number | 'data' | 'entries' | undefined;

/** The largest magnitude an integer the analysis bounds may take. */
function magnitude(v: number | 'data' | 'entries'): number {
  return v === 'data' ? DATA_CHARS : v === 'entries' ? DATA_ENTRIES : Math.abs(v);
}

/** Two integers one variable may hold: the larger bound, or undefined when a stated number is large beside a request one. */
function joinInts(a: number | 'data' | 'entries', b: number | 'data' | 'entries'): IntValue {
  if (typeof a === 'number' && typeof b === 'number') return Math.max(a, b);
  const [sym, other] = typeof a === 'number' ? [b, a] : [a, b];
  if (typeof other === 'number') return Math.abs(other) <= 16 ? sym : undefined;
  return sym === 'data' || other === 'data' ? 'data' : 'entries';
}

/**
 * `a op b` where one side is read from the request. A length of the caller's list stays one when the other side can
 * only shrink it (a non-negative number subtracted, a floor division or modulo by a positive one, two lengths
 * subtracted); a small number added, subtracted or multiplied gives a request integer (at most DATA_CHARS); anything
 * else cannot be bounded.
 */
function requestArithmetic(
  op: string | undefined,
  a: number | 'data' | 'entries',
  b: number | 'data' | 'entries',
): IntValue {
  if (
    a === 'entries' &&
    ((op === '-' && (b === 'entries' || (typeof b === 'number' && b >= 0))) ||
      ((op === '//' || op === '%') && typeof b === 'number' && b >= 1))
  )
    return 'entries';
  if (typeof a === 'number' || typeof b === 'number') {
    const other = typeof a === 'number' ? a : (b as number);
    return Math.abs(other) <= 16 && op !== '**' ? 'data' : undefined;
  }
  return op === '*' || op === '**' ? undefined : 'data';
}

/**
 * Appends `items` to `stack` one by one: `push(...items)` passes every item as an argument and throws RangeError on a
 * node with very many children (a flat template of 200,000 expressions), which is not nesting.
 */
function pushAll(stack: unknown[], items: readonly unknown[]): void {
  for (const item of items) stack.push(item);
}

/** The filters that make a number of a number or a text: jinja2's int, float, round and abs. */
const NUMERIC_FILTERS: ReadonlySet<string> = new Set(['int', 'float', 'round', 'abs']);

/** The characters Python's str.isspace() accepts, which int() and float() strip from text. */
const PY_SPACE: ReadonlySet<number> = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
  0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/**
 * A number CPython reads from text as jinja2's int and float filters do (int(text) first for int, then
 * float(text)): surrounding whitespace, a sign, digits with single underscores between them, a fraction, an
 * exponent, inf and nan. Undefined for text it cannot read (the filter then gives its default); text holding digits
 * of another script is also undefined (CPython reads them, this analysis does not), so a caller of this treats it as
 * unknown.
 */
function pyTextNumber(text: string, asInt: boolean): number | 'default' | undefined {
  const chars = [...text];
  const space = (c: string): boolean => PY_SPACE.has(c.codePointAt(0)!);
  let a = 0;
  let b = chars.length;
  while (a < b && space(chars[a]!)) a++;
  while (b > a && space(chars[b - 1]!)) b--;
  const s = chars.slice(a, b).join('').toLowerCase();
  if (chars.some((c) => c.codePointAt(0)! > 0x7f && !space(c))) return undefined;
  const digits = '\\d+(?:_\\d+)*';
  if (asInt && new RegExp(`^[+-]?${digits}$`).test(s)) return Number(s.replace(/_/g, ''));
  if (/^[+-]?(?:inf|infinity|nan)$/.test(s))
    return asInt ? undefined : s.includes('n') && !s.includes('i') ? 0 : Infinity;
  if (new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:e[+-]?${digits})?$`).test(s)) {
    const v = Number(s.replace(/_/g, ''));
    return asInt ? (Number.isFinite(v) ? Math.trunc(v) : undefined) : v;
  }
  return 'default';
}

/** Python's round(x, 0): to the nearest integer, a half to the even one. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * `x|int`, `x|float`, `x|round(…)` and `x|abs` over what x may be: a number the template states or makes from its
 * constants (a literal, text it writes, arithmetic of them) is folded as jinja2 computes it; one read from the caller
 * stays the caller's; anything else is unknown. A constant is never taken for the caller's data.
 */
function numericFilter(n: JNode, name: string, env: FoldEnv, seen: Set<string>, depth: number): IntValue {
  const operand = n['operand'] as JNode;
  const f = n['filter'] as JNode;
  const args = f.type === 'CallExpression' ? ((f['args'] as JNode[]) ?? []) : [];
  const text = name === 'int' || name === 'float' ? foldString(operand, env) : undefined;
  if (text && text.values.length && !text.unknown && !text.safe && !text.items && !text.list) {
    // Text the template writes: read as CPython reads it (a base other than 10 is not modelled).
    if (name === 'int' && args.length) return undefined;
    let most = 0;
    for (const t of text.values) {
      const x = pyTextNumber(t, name === 'int');
      if (x === undefined) return undefined;
      const num = x === 'default' ? 0 : x;
      if (!Number.isFinite(num)) return undefined;
      most = Math.max(most, Math.abs(num));
    }
    return most;
  }
  const v = intValue(operand, env, seen, depth + 1);
  if (typeof v !== 'number') return v;
  if (!Number.isFinite(v)) return undefined;
  switch (name) {
    case 'int':
      return Math.trunc(v);
    case 'abs':
      return Math.abs(v);
    case 'round': {
      const p = args[0] && args[0].type !== 'KeywordArgumentExpression' ? intOf(args[0]) : 0;
      if (p === undefined || p !== 0) return v;
      const method = args[1] ? foldString(args[1], env).values[0] : 'common';
      return method === 'floor' ? Math.floor(v) : method === 'ceil' ? Math.ceil(v) : roundHalfEven(v);
    }
    default:
      return v;
  }
}

/** The names one evaluation has worked out, keyed by its set of names in progress (passed down with it). */
const WORKED_OUT = new WeakMap<Set<string>, Map<string, IntValue>>();
function namesWorkedOut(seen: Set<string>): Map<string, IntValue> {
  let m = WORKED_OUT.get(seen);
  if (m === undefined) WORKED_OUT.set(seen, (m = new Map()));
  return m;
}

/** An integer the template states (literal arithmetic, variables set to one), 'data' from the caller, or unknown. */
function intValue(n: JNode, env: FoldEnv, seen: Set<string> = new Set(), depth = 0): IntValue {
  if (depth > MAX_NESTING) return undefined;
  const lit = intOf(n);
  if (lit !== undefined) return lit;
  switch (n.type) {
    case 'FilterExpression': {
      const f = n['filter'] as JNode;
      const name = f.type === 'Identifier' ? (f['value'] as string) : '';
      if (name === 'length' || name === 'count') {
        // A literal's exact size; any other value's size is bounded by the loops and repetitions that made it,
        // which are charged where they are written.
        const o = foldString(n['operand'] as JNode, env);
        if (o.list && !o.unknown && !o.safe && !o.values.length) return o.list.length;
        // The length of a list the caller passes is its entry count, not a string's length.
        return isRequestList(n['operand'] as JNode, env) ? 'entries' : 'data';
      }
      if (NUMERIC_FILTERS.has(name)) return numericFilter(n, name, env, seen, depth);
      if (name === 'wordcount') {
        const o = foldString(n['operand'] as JNode, env);
        if (o.safe && !o.unknown && !o.items && o.values.length === 0) return 'data';
      }
      return undefined;
    }
    case 'FloatLiteral': {
      const v = n['value'] as number;
      return Number.isFinite(v) ? v : undefined;
    }
    case 'UnaryExpression': {
      const sign = (n['operator'] as { value?: string })?.value;
      const v = intValue(n['argument'] as JNode, env, seen, depth + 1);
      if (sign === '+') return v;
      return sign === '-' && typeof v === 'number' ? -v : sign === '-' ? v : undefined;
    }
    case 'Identifier': {
      const name = n['value'] as string;
      const defs = env.vars.get(name);
      if (!defs) {
        const o = foldString(n, env);
        return o.safe && !o.unknown && !o.items && o.values.length === 0 ? 'data' : undefined;
      }
      if (seen.has(name)) return undefined;
      // A name read several times (a = b * b + b, b = c * c + c, ...) is worked out once per evaluation: its value
      // does not depend on where it is read (a name on a cycle is unknown wherever the cycle is entered).
      const memo = namesWorkedOut(seen);
      if (memo.has(name)) return memo.get(name);
      seen.add(name);
      let max: IntValue = 0;
      for (const d of defs) {
        // A macro parameter left undefined is no number: jinja2 refuses to count or pad by it.
        if (d.kind === 'none') continue;
        if (d.kind !== 'value') {
          max = undefined;
          break;
        }
        const v = intValue(d.node, env, seen, depth + 1);
        max = v === undefined ? undefined : joinInts(max, v);
        if (max === undefined) break;
      }
      seen.delete(name);
      memo.set(name, max);
      return max;
    }
    case 'MemberExpression': {
      const obj = n['object'] as JNode;
      if (obj.type === 'Identifier' && obj['value'] === 'loop') return 'data';
      const o = foldString(n, env);
      return o.safe && !o.unknown && !o.items && o.values.length === 0 && !isTemplateNumber(n, env)
        ? 'data'
        : undefined;
    }
    case 'BinaryExpression': {
      const op = (n['operator'] as { value?: string })?.value;
      const a = intValue(n['left'] as JNode, env, seen, depth + 1);
      const b = intValue(n['right'] as JNode, env, seen, depth + 1);
      if (a === undefined || b === undefined) return undefined;
      if (typeof a !== 'number' || typeof b !== 'number') return requestArithmetic(op === '/' ? '//' : op, a, b);
      switch (op) {
        case '/':
          return b === 0 ? undefined : a / b;
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '//':
          return b === 0 ? undefined : Math.floor(a / b);
        case '%':
          return b === 0 ? undefined : a % b;
        case '**':
          return a ** b;
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** An attribute set only from template numbers (a namespace counter): not the caller's data. */
function isTemplateNumber(n: JNode, env: FoldEnv): boolean {
  const prop = n['property'] as JNode;
  if (n['computed'] || prop.type !== 'Identifier') return false;
  const defs = env.attrs.get(prop['value'] as string);
  return !!defs && defs.length > 0;
}

/** len(range(a, b, c)) for integers, or undefined. */
function rangeLength(args: number[]): number | undefined {
  const [a, b, c] = args.length === 1 ? [0, args[0]!, 1] : [args[0]!, args[1]!, args[2] ?? 1];
  if (c === 0) return undefined;
  const n = c > 0 ? Math.ceil((b - a) / c) : Math.ceil((a - b) / -c);
  // Integers beyond what a double holds (a power the template computes) give no exact length: unbounded.
  if (!Number.isFinite(n)) return Infinity;
  return Math.max(0, n);
}

/**
 * A list the caller passes (`messages`, `tools`, a slice, a filtered or reversed view of one, a variable set to one),
 * not a part of an item a loop visits: a loop over it runs DATA_ENTRIES times wherever it stands.
 */
function isCallerList(n: JNode, env: FoldEnv, depth = 0): boolean {
  let cur = n;
  for (let i = 0; i < MAX_NESTING; i++) {
    if (cur.type === 'FilterExpression' || cur.type === 'SelectExpression' || cur.type === 'TestExpression')
      cur = (cur['operand'] ?? cur['lhs']) as JNode;
    else if (cur.type === 'MemberExpression') cur = cur['object'] as JNode;
    else if (cur.type === 'CallExpression' && (cur['callee'] as JNode).type === 'MemberExpression')
      cur = (cur['callee'] as JNode)['object'] as JNode;
    else break;
    if (!isNode(cur)) return false;
  }
  if (cur.type !== 'Identifier') return false;
  const name = cur['value'] as string;
  const defs = env.vars.get(name);
  if (!defs) return !RENDERER_GLOBALS.has(name);
  if (depth > 8) return false;
  return defs.every((d) => d.kind === 'value' && isCallerList(d.node, env, depth + 1));
}

/** The lists the request holds, as the docs bound them (at most DATA_ENTRIES entries each). */
const REQUEST_LISTS: ReadonlySet<string> = new Set(['messages', 'tools', 'documents']);
/** Filters whose result has at most one item per item of their operand. */
const SUBLIST_FILTERS: ReadonlySet<string> = new Set([
  'list',
  'reverse',
  'sort',
  'unique',
  'select',
  'reject',
  'selectattr',
  'rejectattr',
  'map',
]);

/**
 * One of the request's lists (`messages`, `tools`, `documents`), a slice of one, a view with at most one item per
 * entry (`selectattr`, `map`, `reverse`, …) or a variable set only to one: its length is at most DATA_ENTRIES.
 */
function isRequestList(n: JNode, env: FoldEnv, depth = 0): boolean {
  let cur = n;
  for (let i = 0; i < MAX_NESTING; i++) {
    if (cur.type === 'FilterExpression') {
      const f = cur['filter'] as JNode;
      const name =
        f.type === 'Identifier'
          ? (f['value'] as string)
          : f.type === 'CallExpression'
            ? ((f['callee'] as JNode)['value'] as string)
            : '';
      if (!SUBLIST_FILTERS.has(name)) return false;
      cur = cur['operand'] as JNode;
    } else if (
      cur.type === 'MemberExpression' &&
      cur['computed'] &&
      isNode(cur['property']) &&
      (cur['property'] as JNode).type === 'SliceExpression'
    )
      cur = cur['object'] as JNode;
    else break;
    if (!isNode(cur)) return false;
  }
  if (cur.type !== 'Identifier') return false;
  const name = cur['value'] as string;
  const defs = env.vars.get(name);
  if (!defs) return REQUEST_LISTS.has(name);
  if (depth > 8) return false;
  return defs.every((d) => d.kind === 'value' && isRequestList(d.node, env, depth + 1));
}

const NUMBER_FILTERS: ReadonlySet<string> = new Set(['length', 'count', 'int', 'float', 'abs', 'round', 'wordcount']);

/** A caller value that may be a string or list (not a length or number taken from it). */
function isCallerSequence(n: JNode, env: FoldEnv): boolean {
  if (n.type === 'FilterExpression') {
    const f = n['filter'] as JNode;
    const name =
      f.type === 'Identifier'
        ? (f['value'] as string)
        : f.type === 'CallExpression'
          ? ((f['callee'] as JNode)['value'] as string)
          : '';
    if (NUMBER_FILTERS.has(name)) return false;
  }
  return isCallerList(n, env);
}

/** Levels of nesting a template may build past which it is reported (CPython's tuple hash has no recursion guard). */
export const MAX_TEMPLATE_NESTING = 10_000;

/** Literals that hold their items one level down (a dict's items and dictsort make a tuple of each value). */
const NESTING_LITERALS: ReadonlySet<string> = new Set(['ArrayLiteral', 'TupleLiteral', 'ObjectLiteral']);

/**
 * How many list, tuple or dict literals deep `value` holds `target`'s own old value: the levels one assignment adds
 * (`(((ns.t, 0), 0), 0)` adds three). 0 when it holds it in none.
 */
function nestLevels(value: JNode, target: string): number {
  const refers = (it: JNode): boolean =>
    target.startsWith('.')
      ? it.type === 'MemberExpression' &&
        !it['computed'] &&
        (it['property'] as JNode).type === 'Identifier' &&
        (it['property'] as JNode)['value'] === target.slice(1)
      : it.type === 'Identifier' && it['value'] === target;
  // Each node's literal levels above a read of the value, walked iteratively (a value may be nested deeply).
  let most = 0;
  const stack: [unknown, number][] = [[value, 0]];
  for (let steps = 0; stack.length > 0 && steps < 100_000; steps++) {
    const [n, levels] = stack.pop()!;
    if (Array.isArray(n)) {
      for (const x of n) stack.push([x, levels]);
      continue;
    }
    if (!isNode(n)) continue;
    if (refers(n)) {
      most = Math.max(most, levels);
      continue;
    }
    const inner = nestsOneLevel(n) ? levels + 1 : levels;
    for (const c of children(n)) stack.push([c, inner]);
  }
  return most;
}

/**
 * Whether an expression holds its operands one container deeper: a list, tuple or dict literal, a nesting filter
 * (`batch`, `slice`, `groupby`, `items`, `dictsort`), `dict(...)` (its items are tuples of its values) and the
 * `items()` method (a tuple per pair).
 */
function nestsOneLevel(n: JNode): boolean {
  if (NESTING_LITERALS.has(n.type)) return true;
  if (n.type === 'FilterExpression') return NESTING_FILTERS.has(filterName(n));
  if (n.type !== 'CallExpression') return false;
  const callee = n['callee'] as JNode;
  if (callee.type === 'Identifier') return callee['value'] === 'dict';
  return (
    callee.type === 'MemberExpression' && !callee['computed'] && (callee['property'] as JNode)['value'] === 'items'
  );
}

/** A call of the renderer's range(). */
function isRangeCall(n: JNode, env: FoldEnv): boolean {
  const callee = n['callee'] as JNode;
  return callee.type === 'Identifier' && callee['value'] === 'range' && !env.vars.has('range');
}

/** How many times a loop over this iterable runs: a number, 1 for what cannot be made large. */
function iterations(iterable: JNode, env: FoldEnv): number {
  let it = iterable;
  while (it.type === 'SelectExpression' || it.type === 'FilterExpression') {
    if (it.type === 'FilterExpression') {
      const f = it['filter'] as JNode;
      const name = f.type === 'Identifier' ? (f['value'] as string) : '';
      if (name !== 'list' && name !== 'reverse' && name !== 'sort' && name !== 'items' && name !== 'dictsort') break;
      it = it['operand'] as JNode;
    } else it = it['lhs'] as JNode;
  }
  if (it.type === 'BinaryExpression' && (it['operator'] as { value?: string })?.value === '*') {
    // A repeated list runs the list's passes times the count.
    const l = it['left'] as JNode;
    const r = it['right'] as JNode;
    const lc = intValue(l, env);
    const rc = intValue(r, env);
    const [count, list] = lc !== undefined && rc === undefined ? [lc, r] : [rc, l];
    if (count === undefined) return Infinity;
    return Math.max(0, typeof count === 'number' ? count : magnitude(count)) * iterations(list, env);
  }
  if (it.type === 'CallExpression') {
    const callee = it['callee'] as JNode;
    if (callee.type === 'Identifier' && callee['value'] === 'range' && !env.vars.has('range')) {
      const args = (it['args'] as JNode[]).map((a) => intValue(a, env));
      if (args.length === 0 || args.length > 3) return 1;
      if (args.some((a) => a === undefined)) return Infinity;
      // A count read from the caller is at most DATA_CHARS (a string's length, a number in the request), the length
      // of one of its lists at most DATA_ENTRIES; range(a, b) runs at most |a| + |b| times.
      if (args.some((a) => typeof a !== 'number'))
        return args.length === 1 ? magnitude(args[0]!) : magnitude(args[0]!) + magnitude(args[1]!);
      return rangeLength(args as number[]) ?? 1;
    }
  }
  if (isCallerList(it, env)) return DATA_ENTRIES;
  if (it.type === 'ArrayLiteral' || it.type === 'TupleLiteral') return (it['value'] as unknown[]).length;
  if (it.type === 'ObjectLiteral') return (it['value'] as Map<unknown, unknown>).size;
  if (it.type === 'StringLiteral') return [...(it['value'] as string)].length;
  const f = foldString(it, env);
  if (f.list) return f.list.length;
  // What a range the template made becomes through filters, variables, namespace attributes, subscripts and
  // literals: a loop over it runs at most that many times.
  return Math.max(1, madeSize(iterable, env, 0, new Set()));
}

/** Filters whose result has at most as many items as their operand (groups, slices and batches: at most one per item). */
const SIZE_KEEPING_FILTERS: ReadonlySet<string> = new Set([
  'list',
  'reverse',
  'sort',
  'unique',
  'map',
  'select',
  'reject',
  'selectattr',
  'rejectattr',
  'items',
  'dictsort',
  'batch',
  'slice',
  'groupby',
]);
/** Filters whose result holds only items of their operand (so no more distinct values sharing a hash). */
const ITEM_KEEPING_FILTERS: ReadonlySet<string> = new Set(['list', 'reverse', 'sort', 'unique', 'select', 'reject']);

/**
 * How CPython hashes an integer or a tuple of them the template writes, for grouping values by hash: `value` tells
 * distinct values apart, `hash` is their hash class. CPython hashes an int as its value modulo 2^61 - 1 (keeping the
 * sign; -1 hashes as -2) and a tuple from its items' hashes, so a tuple of items that share a hash shares one too.
 * An integer the analysis cannot value exactly and that may reach 2^61 - 1 (a literal past 2^53, which the parser
 * reads as a double; arithmetic of that many bits) is 'wild': it may share a hash with any other. Undefined for values
 * that cannot share one (a string or float hash, an integer below 2^61 - 1, a value of the caller's).
 */
function hashOf(n: JNode, env: FoldEnv, depth = 0): { value: string; hash: string } | 'wild' | undefined {
  if (depth > MAX_SIZE_DEPTH) return undefined;
  const v = intOf(n);
  if (v !== undefined) return { value: String(v), hash: String(v === -1 ? -2 : v) };
  if (n.type === 'IntegerLiteral') return 'wild';
  if (n.type === 'UnaryExpression' && (n['operator'] as { value?: string })?.value === '-')
    return hashOf(n['argument'] as JNode, env, depth + 1) === undefined ? undefined : 'wild';
  if (n.type === 'TupleLiteral') {
    // CPython mixes a tuple's item hashes with xxHash rounds that can be inverted: for any first item, the second
    // that reaches any chosen hash can be computed, so tuples of two or more items whose hashes are fixed (numbers,
    // booleans, none, such tuples; a string's hash is salted per process) may all share one hash.
    // A tuple of items whose hashes are known exactly hashes as CPython computes it; one with an item whose hash is
    // fixed but not known here may share a hash with any other.
    const xs = n['value'] as JNode[];
    // With one item not known and the others known, the hash is a one-to-one function of that item's hash: such
    // tuples share a hash only when that item does (an integer below 2^61 - 1 hashes as itself).
    const items = xs.map((x) => hashOf(x, env, depth + 1));
    if (items.some((x) => x === 'wild')) return 'wild';
    const open = items.filter((x) => x === undefined).length;
    if (open > 0) return open >= 2 && xs.every((x) => fixedHash(x, env, depth + 1)) ? 'wild' : undefined;
    const parts = items as { value: string; hash: string }[];
    return {
      value: `(${parts.map((x) => x.value).join(',')})`,
      hash: tupleHash(parts.map((x) => BigInt(x.hash))).toString(),
    };
  }
  const bits = intBits(n, env);
  return bits >= HASH_PRIME_BITS ? 'wild' : undefined;
}

/** A literal the compiler keeps as a constant: a number, a string, a boolean or none, or a tuple of them. */
function isConstant(n: JNode): boolean {
  if (n.type === 'IntegerLiteral' || n.type === 'FloatLiteral' || n.type === 'StringLiteral') return true;
  if (n.type === 'Identifier') return FIXED_CONSTANTS.has(n['value'] as string);
  if (n.type === 'UnaryExpression') return isConstant(n['argument'] as JNode);
  return n.type === 'TupleLiteral' && (n['value'] as JNode[]).every(isConstant);
}

/**
 * Work per character of a value pprint prints, per level it is nested (measured with CPython: 60 levels of a list of
 * 1,000 integers and the rest, 0.77 s, against 0.002 s for its repr).
 */
const PPRINT_LEVEL_WORK = 15;
/** Work per character tojson writes (json.dumps' encoder, measured with CPython: about 5 units a character). */
const TOJSON_CHAR_WORK = 5;

const MASK64 = (1n << 64n) - 1n;
const XXPRIME_1 = 11400714785074694791n;
const XXPRIME_2 = 14029467366897019727n;
const XXPRIME_5 = 2870177450012600261n;

/** CPython's hash of a tuple from its items' hashes (64-bit builds): xxHash rounds over the items, then the length. */
export function tupleHash(lanes: readonly bigint[]): bigint {
  let acc = XXPRIME_5;
  for (const lane of lanes) {
    acc = (acc + (lane & MASK64) * XXPRIME_2) & MASK64;
    acc = ((acc << 31n) | (acc >> 33n)) & MASK64;
    acc = (acc * XXPRIME_1) & MASK64;
  }
  acc = (acc + (BigInt(lanes.length) ^ (XXPRIME_5 ^ 3527539n))) & MASK64;
  if (acc === MASK64) return 1546275796n;
  return acc >= 1n << 63n ? acc - (1n << 64n) : acc;
}

/** Whether a value's hash is the same in every process (so a template can choose values that share one). */
function fixedHash(n: JNode, env: FoldEnv, depth: number): boolean {
  if (depth > MAX_SIZE_DEPTH) return false;
  if (n.type === 'IntegerLiteral' || n.type === 'FloatLiteral') return true;
  if (n.type === 'Identifier' && FIXED_CONSTANTS.has(n['value'] as string) && !env.vars.has(n['value'] as string))
    return true;
  if (n.type === 'TupleLiteral') return (n['value'] as JNode[]).every((x) => fixedHash(x, env, depth + 1));
  if (n.type === 'UnaryExpression') return fixedHash(n['argument'] as JNode, env, depth + 1);
  if (n.type === 'BinaryExpression')
    return (
      ['+', '-', '*', '//', '%', '**', '/'].includes((n['operator'] as { value?: string })?.value ?? '') &&
      fixedHash(n['left'] as JNode, env, depth + 1) &&
      fixedHash(n['right'] as JNode, env, depth + 1)
    );
  if (n.type === 'Identifier') {
    // A loop index over a range, or a name set only to such values.
    const defs = env.vars.get(n['value'] as string);
    if (defs?.length && defs.every((d) => d.kind === 'iter' && isRangeCall(d.node, env))) return true;
    if (defs?.length && defs.every((d) => d.kind === 'value' && fixedHash(d.node, env, depth + 1))) return true;
  }
  return typeof intValue(n, env) === 'number';
}
const FIXED_CONSTANTS: ReadonlySet<string> = new Set(['true', 'false', 'True', 'False', 'none', 'None']);

/**
 * Work of one comparison CPython's compiler makes between two tuple constants that share a hash as it merges a code
 * object's constants in a dict (measured: 16,000 colliding pairs written in a literal compile in 3.8 s).
 */
const CONSTANT_MERGE_WORK = 8;

/** The passes of the loops around each node of a template (set by renderCost), for values gathered over them. */
const gatherPasses = new WeakMap<FoldEnv, ReadonlyMap<JNode, number>>();

/**
 * A call that builds a dict from the items of its positional argument: `dict(pairs)` and `namespace(pairs)` take
 * key-value pairs, `dict.fromkeys(items)` the keys themselves (all three reachable in the sandbox). Undefined for
 * any other node.
 */
export function dictBuild(n: JNode, env: FoldEnv): { arg: JNode | undefined; pairs: boolean } | undefined {
  if (n.type !== 'CallExpression') return undefined;
  const callee = n['callee'] as JNode;
  const arg = (n['args'] as JNode[]).find((a) => a.type !== 'KeywordArgumentExpression');
  const name = callee.type === 'Identifier' ? (callee['value'] as string) : undefined;
  if ((name === 'dict' || name === 'namespace') && !env.vars.has(name)) return { arg, pairs: true };
  if (callee.type === 'MemberExpression' && !callee['computed']) {
    const obj = callee['object'] as JNode;
    const prop = callee['property'] as JNode;
    if (
      obj.type === 'Identifier' &&
      obj['value'] === 'dict' &&
      !env.vars.has('dict') &&
      prop.type === 'Identifier' &&
      prop['value'] === 'fromkeys'
    )
      return { arg, pairs: false };
  }
  return undefined;
}

/** The most distinct values among `items` that share one hash (a wild item may share any). */
function largestHashClass(items: readonly JNode[], env: FoldEnv): number {
  let wild = 0;
  const classes = new Map<string, Set<string>>();
  for (const x of items) {
    const h = hashOf(x, env);
    if (h === 'wild') wild++;
    else if (h !== undefined) {
      let c = classes.get(h.hash);
      if (!c) classes.set(h.hash, (c = new Set()));
      c.add(h.value);
    }
  }
  let most = 0;
  for (const c of classes.values()) most = Math.max(most, c.size);
  return most + wild;
}

/**
 * The most distinct values sharing one CPython hash that a value the template makes may hold as items (or as keys of
 * a dict): what `unique` and a dict compare each with every other one of the class. Followed through list, tuple
 * and dict literals, dicts built by dict(), dict.fromkeys() and namespace() (the keys of pairs), `range()` (a step that is a multiple of 2^61 - 1 makes every item share one hash; a
 * step the analysis values exactly below 2^53 cannot be such a multiple, one of 61 bits or more counts as one),
 * variables, namespace attributes, macro arguments, filters that keep items, `+` (the classes of both sides add;
 * a value gathered from its own old value in a loop, what one pass adds times the loop's passes) and repetition
 * (which adds no distinct value).
 */
export function collidingItems(
  n: JNode,
  env: FoldEnv,
  depth = 0,
  seen: Set<string> = new Set(),
  pairs = false,
  selfRefs: Set<string> = new Set(),
): number {
  if (depth > MAX_SIZE_DEPTH) return 0;
  const r = (x: unknown, asPairs = pairs): number =>
    isNode(x) ? collidingItems(x, env, depth + 1, seen, asPairs, selfRefs) : 0;
  const defs = (key: string, ds: readonly Def[] | undefined): number => {
    if (!ds) return 0;
    if (seen.has(key)) {
      selfRefs.add(key);
      return 0;
    }
    seen.add(key);
    let most = 0;
    for (const d of ds) {
      if (d.kind !== 'value') continue;
      selfRefs.delete(key);
      let c = r(d.node);
      // A value gathered from its own old value (`set ns.l = ns.l + [x]`) holds what each pass of its loops adds.
      if (c > 0 && selfRefs.has(key)) c *= gatherPasses.get(env)?.get(d.node) ?? 1;
      most = Math.max(most, c);
    }
    selfRefs.delete(key);
    seen.delete(key);
    return most;
  };
  switch (n.type) {
    case 'ArrayLiteral':
    case 'TupleLiteral': {
      // Key-value pairs (what dict() and namespace() take): the first item of each pair is the key.
      const items = n['value'] as JNode[];
      const key = (x: JNode): JNode =>
        (x.type === 'ArrayLiteral' || x.type === 'TupleLiteral') && (x['value'] as JNode[]).length
          ? (x['value'] as JNode[])[0]!
          : x;
      return largestHashClass(pairs ? items.map(key) : items, env);
    }
    case 'ObjectLiteral':
      return largestHashClass([...(n['value'] as Map<JNode, unknown>).keys()], env);
    case 'CallExpression': {
      const build = dictBuild(n, env);
      if (build) return build.arg ? r(build.arg, build.pairs) : 0;
      if (!isRangeCall(n, env)) return 0;
      const args = n['args'] as JNode[];
      if (args.length !== 3 || intOf(args[2]) !== undefined) return 0;
      return intBits(args[2]!, env) >= HASH_PRIME_BITS ? iterations(n, env) : 0;
    }
    case 'FilterExpression': {
      const name = filterName(n);
      // The pairs of `batch(2)` and of a dict's items hold the operand's items (its keys) first.
      if (pairs && (name === 'batch' || name === 'items')) return r(n['operand'], false);
      return ITEM_KEEPING_FILTERS.has(name) ? r(n['operand']) : 0;
    }
    case 'Identifier':
      return defs(`v:${n['value'] as string}`, env.vars.get(n['value'] as string));
    case 'MemberExpression': {
      const prop = n['property'] as JNode;
      if (!n['computed'] && prop.type === 'Identifier')
        return defs(`a:${prop['value'] as string}`, env.attrs.get(prop['value'] as string));
      return prop.type === 'SliceExpression' ? r(n['object']) : 0;
    }
    case 'Ternary':
      return Math.max(r(n['trueExpr']), r(n['falseExpr']));
    case 'BinaryExpression': {
      const o = (n['operator'] as { value?: string })?.value;
      if (o === '+') return r(n['left']) + r(n['right']);
      if (o === '*') return Math.max(r(n['left']), r(n['right']));
      return 0;
    }
    default:
      return 0;
  }
}

/** Filters that give one item of their operand. */
const ITEM_FILTERS: ReadonlySet<string> = new Set(['first', 'last', 'random', 'min', 'max']);
/** How deep definitions and items are followed for a size. */
const MAX_SIZE_DEPTH = 12;

function filterName(n: JNode): string {
  const f = n['filter'] as JNode;
  if (f.type === 'Identifier') return f['value'] as string;
  if (f.type === 'CallExpression') return ((f['callee'] as JNode)['value'] as string) ?? '';
  return '';
}

/**
 * An upper bound on the items of a value the template makes from range() (0 when it holds none the analysis sees,
 * Infinity when a range's count cannot be bounded): through size-keeping filters, a `set` variable or loop variable,
 * a namespace attribute, a subscript and the items of list and tuple literals.
 */
function madeSize(n: JNode, env: FoldEnv, depth: number, seen: Set<string>): number {
  if (depth > MAX_SIZE_DEPTH) return 0;
  if (!followStated && STATED_TYPES.has(n.type)) return 0;
  switch (n.type) {
    // Strings and containers the template states: a loop over one runs once per character or item, however the
    // value reached the name it loops over (a `set`, a namespace attribute, a macro argument, a loop variable).
    case 'StringLiteral':
      return [...(n['value'] as string)].length;
    case 'ArrayLiteral':
    case 'TupleLiteral':
      if (unfold) {
        // A serialising operation writes every item of every container it holds.
        let t = 0;
        for (const x of n['value'] as JNode[]) t += Math.max(1, madeSize(x, env, depth + 1, seen));
        return t;
      }
      return (n['value'] as unknown[]).length;
    case 'ObjectLiteral':
      if (unfold) {
        let t = 0;
        for (const [k, x] of n['value'] as Map<JNode, JNode>)
          t += Math.max(1, madeSize(k, env, depth + 1, seen)) + Math.max(1, madeSize(x, env, depth + 1, seen));
        return t;
      }
      return (n['value'] as Map<unknown, unknown>).size;
    case 'Ternary':
      return Math.max(
        madeSize(n['trueExpr'] as JNode, env, depth + 1, seen),
        madeSize(n['falseExpr'] as JNode, env, depth + 1, seen),
      );
    case 'BinaryExpression': {
      const o = (n['operator'] as { value?: string })?.value;
      const l = n['left'] as JNode;
      const r = n['right'] as JNode;
      if (o === '+') return madeSize(l, env, depth + 1, seen) + madeSize(r, env, depth + 1, seen);
      // `~` writes each operand's string form: a container with everything it holds.
      if (o === '~') return unfolding(() => madeSize(l, env, depth + 1, seen) + madeSize(r, env, depth + 1, seen));
      if (o !== '*') return 0;
      const lc = intValue(l, env);
      const rc = intValue(r, env);
      const [count, seq] = lc !== undefined && rc === undefined ? [lc, r] : [rc, l];
      const items = madeSize(seq, env, depth + 1, seen);
      if (items === 0) return 0;
      if (count === undefined) return Infinity;
      return Math.max(0, typeof count === 'number' ? count : magnitude(count)) * items;
    }
    case 'CallExpression': {
      const callee = n['callee'] as JNode;
      if (callee.type === 'Identifier' && callee['value'] === 'range' && !env.vars.has('range'))
        return iterations(n, env);
      return transformedSize(n, env, depth, seen);
    }
    case 'FilterExpression': {
      const name = filterName(n);
      const operand = n['operand'] as JNode;
      if (SIZE_KEEPING_FILTERS.has(name)) return madeSize(operand, env, depth + 1, seen);
      if (ITEM_FILTERS.has(name)) return itemSize(operand, env, depth + 1, seen);
      return transformedSize(n, env, depth, seen);
    }
    case 'SelectExpression':
      return madeSize(n['lhs'] as JNode, env, depth + 1, seen);
    case 'Identifier':
      return defsSize(env.vars.get(n['value'] as string), `v:${n['value'] as string}`, env, depth, seen);
    case 'MemberExpression': {
      const prop = n['property'] as JNode;
      if (!n['computed'] && prop.type === 'Identifier')
        return defsSize(env.attrs.get(prop['value'] as string), `a:${prop['value'] as string}`, env, depth, seen);
      // A slice has at most the object's items; an index gives one item.
      const obj = n['object'] as JNode;
      return prop.type === 'SliceExpression'
        ? madeSize(obj, env, depth + 1, seen)
        : itemSize(obj, env, depth + 1, seen);
    }
    default:
      return 0;
  }
}

/** Whether madeSize counts strings and containers the template states, besides ranges (see loopsOverTemplateValues). */
let followStated = true;
/** Whether madeSize counts a container with every item of every container it holds (a value written out whole). */
let unfold = false;

/** `f` with madeSize counting every item of every container a value holds. */
function unfolding<T>(f: () => T): T {
  const was = unfold;
  unfold = true;
  try {
    return f();
  } finally {
    unfold = was;
  }
}

/** Filters that write their operand out whole, every item of every container it holds. */
const SERIALISING_FILTERS: ReadonlySet<string> = new Set([
  'string',
  'tojson',
  'pprint',
  'escape',
  'e',
  'forceescape',
  'urlencode',
  'join',
  'format',
]);

/** Filters whose result holds its operand's items one level deeper (a list of groups, batches, slices or pairs). */
const NESTING_FILTERS: ReadonlySet<string> = new Set(['batch', 'slice', 'groupby', 'items', 'dictsort']);

/**
 * An upper bound on how many containers deep a value the template makes nests (1 for a flat list, 0 for what holds
 * no container the template makes): literals and nesting filters add a level, size-keeping and item filters keep
 * their operand's, and a name adds the levels its sets nest its own old value by (nestLevels, times the passes of
 * the loops around each set) to the deepest of its definitions.
 */
function nestDepth(n: JNode, env: FoldEnv, depth = 0, seen: Set<string> = new Set()): number {
  if (depth > MAX_SIZE_DEPTH * 4) return 0;
  const sub = (x: JNode): number => nestDepth(x, env, depth + 1, seen);
  switch (n.type) {
    case 'ArrayLiteral':
    case 'TupleLiteral': {
      let most = 0;
      for (const x of n['value'] as JNode[]) most = Math.max(most, sub(x));
      return most + 1;
    }
    case 'ObjectLiteral': {
      let most = 0;
      for (const x of (n['value'] as Map<JNode, JNode>).values()) most = Math.max(most, sub(x));
      return most + 1;
    }
    case 'Ternary':
      return Math.max(sub(n['trueExpr'] as JNode), sub(n['falseExpr'] as JNode));
    case 'BinaryExpression': {
      const o = (n['operator'] as { value?: string })?.value;
      return o === '+' || o === '*' ? Math.max(sub(n['left'] as JNode), sub(n['right'] as JNode)) : 0;
    }
    case 'CallExpression':
      return isRangeCall(n, env) ? 1 : 0;
    case 'SelectExpression':
      return sub(n['lhs'] as JNode);
    case 'FilterExpression': {
      const name = filterName(n);
      const operand = sub(n['operand'] as JNode);
      if (NESTING_FILTERS.has(name)) return operand + 1;
      if (SIZE_KEEPING_FILTERS.has(name) || ITEM_FILTERS.has(name)) return operand;
      return 0;
    }
    case 'MemberExpression': {
      const prop = n['property'] as JNode;
      if (n['computed'] || prop.type !== 'Identifier') return sub(n['object'] as JNode);
      return namedDepth(`.${prop['value'] as string}`, env.attrs.get(prop['value'] as string), env, depth, seen);
    }
    case 'Identifier':
      return namedDepth(n['value'] as string, env.vars.get(n['value'] as string), env, depth, seen);
    default:
      return 0;
  }
}

/** nestDepth of a variable (`name`) or a namespace attribute (`.name`) from its definitions. */
function namedDepth(
  name: string,
  defs: readonly Def[] | undefined,
  env: FoldEnv,
  depth: number,
  seen: Set<string>,
): number {
  if (!defs || seen.has(name)) return 0;
  seen.add(name);
  let most = 0;
  let levels = 0;
  const passes = gatherPasses.get(env);
  for (const d of defs) {
    if (d.kind === 'value') {
      most = Math.max(most, nestDepth(d.node, env, depth + 1, seen));
      levels += nestLevels(d.node, name) * (passes?.get(d.node) ?? 1);
    } else if (d.kind === 'iter') most = Math.max(most, nestDepth(d.node, env, depth + 1, seen) - 1);
  }
  seen.delete(name);
  return most + levels;
}

/**
 * The characters a serialising filter writes for a value of `items` items (unfolded) nested `levels` deep: each item
 * at most eight characters (a list's string form: `'\x00', `), and pprint and tojson with an indent start each item
 * on a line indented by the levels it is nested at (pprint one character a level, tojson its indent).
 */
function serialisedSize(name: string, args: readonly JNode[], items: number, levels: number, env: FoldEnv): number {
  if (items === 0) return 0;
  if (name === 'pprint') return items * (8 + levels) + 1;
  if (name === 'tojson') {
    const indent = tojsonIndent(args, env);
    return indent === 0 ? 6 * items + 1 : items * (8 + indent * levels) + 1;
  }
  return 8 * items + 1;
}

/** The characters tojson indents each level by: its `indent` (transformers' second positional, jinja2's first). */
function tojsonIndent(args: readonly JNode[], env: FoldEnv): number {
  const kw = keywordArg(args, 'indent');
  const pos = args.filter((a) => a.type !== 'KeywordArgumentExpression');
  let most = 0;
  for (const a of kw ? [kw] : pos.slice(0, 2)) {
    if (a.type === 'StringLiteral') {
      most = Math.max(most, [...(a['value'] as string)].length);
      continue;
    }
    if (a.type === 'Identifier' && ['true', 'false', 'none', 'True', 'False', 'None'].includes(a['value'] as string))
      continue;
    const v = intValue(a, env);
    most = Math.max(most, v === undefined ? Infinity : typeof v === 'number' ? Math.abs(v) : magnitude(v));
  }
  return most;
}
const STATED_TYPES: ReadonlySet<string> = new Set([
  'StringLiteral',
  'ArrayLiteral',
  'TupleLiteral',
  'ObjectLiteral',
  'Ternary',
  'BinaryExpression',
]);

/**
 * Filters and methods whose result has at most this many characters or items per character or item of their operand
 * (a case mapping may triple a character: `ﬃ` → `FFI`; a split gives at most one part per character, plus one).
 */
const SIZE_FACTOR: ReadonlyMap<string, number> = new Map([
  ...['trim', 'strip', 'lstrip', 'rstrip', 'string', 'safe', 'truncate', 'striptags', 'list'].map(
    (x) => [x, 1] as const,
  ),
  ...['upper', 'lower', 'title', 'capitalize', 'swapcase', 'casefold'].map((x) => [x, 3] as const),
  ...['split', 'rsplit', 'splitlines', 'batch', 'slice', 'items', 'keys', 'values'].map((x) => [x, 1] as const),
  ...['escape', 'e', 'forceescape'].map((x) => [x, 5] as const),
  ['tojson', 6],
  ['urlencode', 12],
]);

/**
 * The characters or items of a filter's or method's result on a value the template makes: by a factor of its
 * operand's size for the operations in SIZE_FACTOR, by the argument-sized bound (replace, join, padding) otherwise;
 * nothing when the operand holds nothing the template makes (the caller's content is charged to the loops over it).
 */
function transformedSize(n: JNode, env: FoldEnv, depth: number, seen: Set<string>): number {
  if (!followStated) return 0;
  const call = callParts(n);
  if (!call) return 0;
  if (SERIALISING_FILTERS.has(call.name)) {
    const items = unfolding(() => madeSize(call.operand, env, depth + 1, seen));
    if (call.name === 'pprint' || call.name === 'tojson' || call.name === 'string')
      return serialisedSize(call.name, call.args, items, nestDepth(call.operand, env), env);
  }
  const base = madeSize(call.operand, env, depth + 1, seen);
  if (base === 0) return 0;
  const factor = SIZE_FACTOR.get(call.name);
  if (factor !== undefined) return factor * base + 1;
  if (SIZED_BY_ARGUMENTS.has(call.name)) return Math.max(base, sizeOf(n, env));
  if (call.name === 'zfill' || call.name === 'expandtabs') {
    const w = call.args[0] ? intValue(call.args[0], env) : 8;
    const width = w === undefined ? Infinity : typeof w === 'number' ? Math.abs(w) : magnitude(w);
    return call.name === 'zfill' ? Math.max(base, width) : base * Math.max(1, width);
  }
  // Any other operation: its operand and arguments at most eight characters each (a list's string form), as the
  // growth model sizes an operation without a transfer function.
  let args = 0;
  for (const a of call.args) args += madeSize(a, env, depth + 1, seen);
  return 8 * (base + args);
}

/** Operations sizeOf sizes from their arguments (a replacement, a separator, a padding width). */
const SIZED_BY_ARGUMENTS: ReadonlySet<string> = new Set([
  'replace',
  'join',
  'center',
  'ljust',
  'rjust',
  'indent',
  'wordwrap',
]);

/** An upper bound on the items of one item of `n` (a list of ranges, a variable holding one, a loop over one). */
function itemSize(n: JNode, env: FoldEnv, depth: number, seen: Set<string>): number {
  if (depth > MAX_SIZE_DEPTH) return 0;
  if (n.type === 'ArrayLiteral' || n.type === 'TupleLiteral') {
    let most = 0;
    for (const e of n['value'] as JNode[]) most = Math.max(most, madeSize(e, env, depth + 1, seen));
    return most;
  }
  // A group, batch or slice of a made range holds at most its items; an item of other filters' result is an item of
  // their operand.
  if (n.type === 'FilterExpression') {
    const name = filterName(n);
    const operand = n['operand'] as JNode;
    if (name === 'batch' || name === 'slice' || name === 'groupby') return madeSize(operand, env, depth + 1, seen);
    if (SIZE_KEEPING_FILTERS.has(name)) return itemSize(operand, env, depth + 1, seen);
    return 0;
  }
  if (n.type === 'Identifier' || (n.type === 'MemberExpression' && !n['computed'])) {
    const key =
      n.type === 'Identifier' ? `v:${n['value'] as string}` : `a:${(n['property'] as JNode)['value'] as string}`;
    const defs =
      n.type === 'Identifier'
        ? env.vars.get(n['value'] as string)
        : env.attrs.get((n['property'] as JNode)['value'] as string);
    if (defs === undefined || seen.has(`i${key}`)) return 0;
    seen.add(`i${key}`);
    let most = 0;
    for (const d of defs) if (d.kind === 'value') most = Math.max(most, itemSize(d.node, env, depth + 1, seen));
    seen.delete(`i${key}`);
    return most;
  }
  return 0;
}

/** The largest size a variable's or attribute's definitions give (a loop variable: an item of what it loops over). */
function defsSize(
  defs: readonly Def[] | undefined,
  key: string,
  env: FoldEnv,
  depth: number,
  seen: Set<string>,
): number {
  if (defs === undefined) return 0;
  // A definition that reads the name itself gathers over the passes of the loops around it.
  const self = `\u21bb${key}`;
  if (seen.has(key)) {
    seen.add(self);
    return 0;
  }
  seen.add(key);
  let most = 0;
  for (const d of defs) {
    seen.delete(self);
    if (d.kind === 'value') {
      let c = madeSize(d.node, env, depth + 1, seen);
      // `set ns.s = ns.s ~ 'x'` in a loop holds what one pass adds times the passes.
      if (c > 0 && seen.has(self)) c *= gatherPasses.get(env)?.get(d.node) ?? 1;
      most = Math.max(most, c);
    } else if (d.kind === 'iter') most = Math.max(most, itemSize(d.node, env, depth + 1, seen));
  }
  seen.delete(self);
  seen.delete(key);
  return most;
}

/** Names an expression reads (identifiers and `x.attr` as ".attr"). */
function reads(root: unknown, out: string[]): void {
  const st: unknown[] = [root];
  while (st.length) {
    const n = st.pop();
    if (Array.isArray(n)) pushAll(st, n);
    else if (isNode(n)) {
      if (n.type === 'Identifier') out.push(n['value'] as string);
      if (n.type === 'MemberExpression' && !n['computed'] && isNode(n['property']))
        out.push(`.${(n['property'] as JNode)['value'] as string}`);
      pushAll(st, children(n));
    }
  }
}

/** A `~`, `+` or `*` inside the expression whose both sides read the target (each pass at least doubles it). */
function doubles(value: JNode, target: string): boolean {
  const st: unknown[] = [value];
  while (st.length) {
    const v = st.pop();
    if (Array.isArray(v)) pushAll(st, v);
    else if (isNode(v)) {
      const o = (v['operator'] as { value?: string } | undefined)?.value;
      if (v.type === 'BinaryExpression' && (o === '~' || o === '+' || o === '*')) {
        const l: string[] = [];
        const r: string[] = [];
        reads(v['left'], l);
        reads(v['right'], r);
        if (l.includes(target) && r.includes(target)) return true;
      }
      pushAll(st, children(v));
    }
  }
  return false;
}

const COUNT_OPS = new Set(['-', '+', '*', '/', '//', '%', '**']);

/** An argument that counts down or cuts its input: the recursion's depth is a number the template picks. */
function shrinksByCount(a: JNode): boolean {
  const st: unknown[] = [a];
  while (st.length) {
    const v = st.pop();
    if (Array.isArray(v)) pushAll(st, v);
    else if (isNode(v)) {
      if (v.type === 'SliceExpression') return true;
      if (v.type === 'BinaryExpression' && COUNT_OPS.has((v['operator'] as { value?: string })?.value ?? ''))
        return true;
      pushAll(st, children(v));
    }
  }
  return false;
}

/**
 * A loop under the node over more than one value the template writes (a range, a literal written at the loop). A loop
 * over a name set to a literal is not counted here: a recursion that loops over its argument descends into it, and
 * the argument's shape bounds that descent (its walk is charged by the structural work).
 */
function loopsOverTemplateValues(root: unknown, env: FoldEnv): boolean {
  const st: unknown[] = [root];
  followStated = false;
  try {
    while (st.length) {
      const v = st.pop();
      if (Array.isArray(v)) pushAll(st, v);
      else if (isNode(v)) {
        if (v.type === 'For' && iterations(v['iterable'] as JNode, env) > 1) return true;
        pushAll(st, children(v));
      }
    }
    return false;
  } finally {
    followStated = true;
  }
}

/** The operand, name and arguments of a filter (`x|f(a)`) or method call (`x.f(a)`), else undefined. */
function callParts(n: JNode): { operand: JNode; name: string; args: JNode[] } | undefined {
  if (n.type === 'FilterExpression') {
    const f = n['filter'] as JNode;
    if (f.type === 'Identifier') return { operand: n['operand'] as JNode, name: f['value'] as string, args: [] };
    if (f.type === 'CallExpression' && (f['callee'] as JNode).type === 'Identifier')
      return {
        operand: n['operand'] as JNode,
        name: (f['callee'] as JNode)['value'] as string,
        args: f['args'] as JNode[],
      };
    return undefined;
  }
  if (n.type === 'CallExpression') {
    const c = n['callee'] as JNode;
    if (c.type === 'MemberExpression' && !c['computed'] && isNode(c['property']))
      return {
        operand: c['object'] as JNode,
        name: (c['property'] as JNode)['value'] as string,
        args: n['args'] as JNode[],
      };
  }
  return undefined;
}

const GROWING_CALLS: ReadonlySet<string> = new Set(['replace', 'center', 'ljust', 'rjust', 'indent', 'wordwrap']);

/** For each name, the names whose value definitions read it (worked out once per definition environment). */
const readersOf = new WeakMap<FoldEnv, Map<string, string[]>>();

function readers(env: FoldEnv): Map<string, string[]> {
  let m = readersOf.get(env);
  if (m) return m;
  m = new Map();
  for (const [name, defs] of env.vars) {
    const r: string[] = [];
    for (const d of defs) if (d.kind === 'value') reads(d.node, r);
    for (const x of new Set(r)) {
      const l = m.get(x);
      if (l) l.push(name);
      else m.set(x, [name]);
    }
  }
  readersOf.set(env, m);
  return m;
}

/** Names that hold the target's value (`set t = ns.s`), so that `t ~ ns.s` doubles it as `ns.s ~ ns.s` does. */
function aliasesOf(target: string, env: FoldEnv): ReadonlySet<string> {
  const by = readers(env);
  const names = new Set([target]);
  const queue = [target];
  for (let i = 0; i < queue.length; i++)
    for (const n of by.get(queue[i]!) ?? [])
      if (!names.has(n)) {
        names.add(n);
        queue.push(n);
      }
  return names;
}

/**
 * How a value set in a loop or macro grows from its own old value by a factor on each pass, or undefined: both sides
 * of `~`/`+`/`*` read it, a list holds it twice, it is repeated or raised by a count other than -1, 0 or 1, or a
 * replace or padding call on it may lengthen it.
 */
function growth(value: JNode, target: string, env: FoldEnv): string | undefined {
  const names = aliasesOf(target, env);
  const readsTarget = (n: unknown): boolean => {
    const r: string[] = [];
    reads(n, r);
    return r.some((x) => names.has(x));
  };
  const st: unknown[] = [value];
  while (st.length) {
    const v = st.pop();
    if (Array.isArray(v)) pushAll(st, v);
    else if (!isNode(v)) continue;
    else {
      const o = (v['operator'] as { value?: string } | undefined)?.value;
      if (v.type === 'BinaryExpression' && (o === '~' || o === '+' || o === '*' || o === '**')) {
        const l = readsTarget(v['left']);
        const r = readsTarget(v['right']);
        if (l && r) return 'combines it with itself';
        if ((o === '*' || o === '**') && (l || r)) {
          const c = intValue((l ? v['right'] : v['left']) as JNode, env);
          if (typeof c !== 'number' || Math.abs(c) > 1)
            return o === '*' ? 'multiplies or repeats it' : 'raises it to a power';
        }
      }
      if (v.type === 'ArrayLiteral' || v.type === 'TupleLiteral') {
        const items = (v['value'] as unknown[]).filter(readsTarget);
        if (items.length > 1) return 'puts it twice in a list';
      }
      const call = callParts(v);
      if (call && GROWING_CALLS.has(call.name) && readsTarget(call.operand)) {
        if (call.name === 'replace') {
          const [pat, rep] = call.args.map((a) => foldString(a, env));
          const patMin = pat && !pat.unknown && pat.values.length ? Math.min(...pat.values.map((x) => x.length)) : 0;
          const repMax =
            rep && !rep.unknown && rep.values.length ? Math.max(...rep.values.map((x) => x.length)) : Infinity;
          if (patMin === 0 || repMax > patMin) return 'replaces parts of it with longer text';
        } else if (call.args.some(readsTarget)) return 'pads it to a width read from itself';
      }
      pushAll(st, children(v));
    }
  }
  return undefined;
}

/**
 * An upper bound on the characters (or items) of a value, under the request bounds (a caller value is at most
 * DATA_REQUEST characters). Literals are exact; `~`/`+` add; `*` multiplies; replace, join and padding grow as their
 * arguments allow; anything else is a value of the request's size.
 */
function sizeOf(n: JNode, env: FoldEnv, depth = 0): number {
  if (depth > MAX_NESTING) return Infinity;
  if (n.type === 'StringLiteral') return [...(n['value'] as string)].length;
  if (intOf(n) !== undefined) return 24;
  if (n.type === 'ArrayLiteral' || n.type === 'TupleLiteral') {
    let t = 0;
    for (const e of n['value'] as JNode[]) t += sizeOf(e, env, depth + 1);
    return t;
  }
  if (n.type === 'BinaryExpression') {
    const o = (n['operator'] as { value?: string } | undefined)?.value;
    if (o === '~' || o === '+')
      return sizeOf(n['left'] as JNode, env, depth + 1) + sizeOf(n['right'] as JNode, env, depth + 1);
    if (o === '*') {
      const lc = intValue(n['left'] as JNode, env);
      const rc = intValue(n['right'] as JNode, env);
      const [count, seq] = lc !== undefined && rc === undefined ? [lc, n['right']] : [rc, n['left']];
      if (count === undefined) return Infinity;
      return Math.max(1, typeof count === 'number' ? count : magnitude(count)) * sizeOf(seq as JNode, env, depth + 1);
    }
    return DATA_REQUEST;
  }
  if (n.type === 'Identifier') {
    const defs = env.vars.get(n['value'] as string);
    if (!defs || depth > 8) return DATA_REQUEST;
    let max = 0;
    for (const d of defs) max = Math.max(max, d.kind === 'value' ? sizeOf(d.node, env, depth + 8) : DATA_REQUEST);
    return max;
  }
  if (n.type === 'CallExpression') {
    const c = n['callee'] as JNode;
    if (c.type === 'Identifier' && c['value'] === 'range' && !env.vars.has('range')) return iterations(n, env);
  }
  // A slice with stated non-negative bounds and no step holds at most stop - start items (`bos_token[:0]` is empty).
  if (n.type === 'MemberExpression' && (n['property'] as JNode).type === 'SliceExpression') {
    const sl = n['property'] as JNode;
    const start = isNode(sl['start']) ? intOf(sl['start']) : 0;
    const stop = isNode(sl['stop']) ? intOf(sl['stop']) : undefined;
    if (!isNode(sl['step']) && start !== undefined && stop !== undefined && start >= 0 && stop >= 0)
      return Math.max(0, stop - start);
  }
  const call = callParts(n);
  if (call && n.type === 'FilterExpression' && SUBLIST_FILTERS.has(call.name))
    return sizeOf(call.operand, env, depth + 1);
  if (call) {
    const base = sizeOf(call.operand, env, depth + 1);
    const arg = (i: number): number => (call.args[i] ? sizeOf(call.args[i]!, env, depth + 1) : 0);
    switch (call.name) {
      case 'replace': {
        const pat = call.args[0] ? foldString(call.args[0], env) : undefined;
        const patMin = pat && !pat.unknown && pat.values.length ? Math.min(...pat.values.map((x) => [...x].length)) : 0;
        const rep = arg(1);
        return patMin === 0 ? base + (base + 1) * rep : base * Math.max(1, Math.ceil(rep / patMin));
      }
      case 'join': {
        const items = call.operand.type === 'ArrayLiteral' ? (call.operand['value'] as unknown[]).length : base;
        return base + items * arg(0);
      }
      case 'center':
      case 'ljust':
      case 'rjust':
      case 'indent':
      case 'wordwrap': {
        const w = call.args[0] ? intValue(call.args[0], env) : 0;
        const width = w === undefined ? Infinity : typeof w === 'number' ? w : magnitude(w);
        return call.name === 'indent' ? base * Math.max(1, width) : Math.max(base, width);
      }
      default:
        return DATA_REQUEST;
    }
  }
  return DATA_REQUEST;
}

const PADDING_FILTERS = new Set(['center', 'ljust', 'rjust', 'zfill', 'indent', 'wordwrap', 'truncate']);

/** Widths written into %-format and str.format specs (`%99999s`, `{:>99999}`). */
function formatWidths(s: string): number[] {
  const out: number[] = [];
  for (const m of s.matchAll(/%[-+ #0]*(\d+)|%[-+ #0]*\d*\.(\d+)|\{[^{}]*:[^{}]*?(\d+)[^{}]*\}/g))
    out.push(Number(m[1] ?? m[2] ?? m[3]));
  return out;
}

/**
 * Bits of `base ** exp` when the template can make it large, else undefined. An exponent the template does not state
 * (the caller's data, or a value it computes and this analysis cannot bound) is unbounded unless the base is -1, 0
 * or 1; a stated exponent multiplies the bits of the base, which a base the analysis does not know as a number
 * carries from what makes it (intBits: a power, a product, a parsed integer, or the widest integer the template
 * makes anywhere when it cannot follow the value).
 */
function powerBits(l: JNode, r: JNode, env: FoldEnv, open: number, depth = 0): number | undefined {
  const base = intValue(l, env);
  const exp = intValue(r, env);
  const trivial = (v: IntValue): boolean => typeof v === 'number' && Math.abs(v) <= 1;
  if (trivial(base)) return undefined;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return Infinity;
  if (exp <= 1) return undefined;
  if (typeof base === 'number' && Number.isFinite(base)) return exp * Math.log2(Math.abs(base));
  const bits = intBits(l, env, open, new Set(), depth + 1);
  return bits === 0 ? undefined : exp * bits;
}
/** The factor a value set from itself in sequence (outside loops) may grow by before it is a finding (2^20). */
const MAX_SEQUENTIAL_GROWTH = 2 ** 20;

/**
 * Work, in units of about 4 ns, per 30-bit digit of an integer operation that walks its operands once: a sum, a
 * difference, a negation, a comparison, membership (scripts/fixtures/template-op-cost.py measures the real jinja2 at
 * up to 0.25 units a digit; charged at twice that).
 */
export const INT_WALK_WORK = 0.5;
/**
 * Work per 30-bit digit of an integer written as text in a base that is a power of two (`%x`, `%o`, `{:b}`; CPython's
 * 4,300-digit limit does not apply to them): measured at up to 5.8 units a digit (binary), charged at twelve.
 */
export const INT_HEX_TEXT_WORK = 12;
/**
 * Work per squared 30-bit digit of an integer written as decimal text, which CPython does in quadratic time up to its
 * 4,300-digit limit (past it str() refuses before converting): measured at 0.47 units (4,299 digits in 425
 * microseconds), charged at one.
 */
export const INT_DECIMAL_TEXT_WORK = 1;
/** Bits of the widest integer CPython writes in decimal (4,300 digits). */
const INT_MAX_STR_BITS = 4300 * Math.log2(10);

/** Work of writing an integer of `bits` bits as text, in any base the template may ask for. */
function intTextWork(bits: number): number {
  const digits = bits / 30;
  const decimal = Math.min(bits, INT_MAX_STR_BITS) / 30;
  return INT_HEX_TEXT_WORK * digits + INT_DECIMAL_TEXT_WORK * decimal * decimal;
}

/** Syntax nodes that are statements; any other node in a body is an expression written to the output. */
const STATEMENT_TYPES: ReadonlySet<string> = new Set([
  'Set',
  'If',
  'For',
  'Macro',
  'Comment',
  'Break',
  'Continue',
  'CallStatement',
  'FilterStatement',
  'Program',
]);

/** Integers up to this many bits cost nothing worth charging. */
const SMALL_INT_BITS = 64;
/**
 * Digit operations (30-bit digits) of big-integer division, modulo and products a template may make, in all: about a
 * tenth of a second of CPython's long arithmetic.
 */
export const MAX_INT_WORK = 2 ** 26;

/** Filters whose integer result is no wider than their operand's widest integer (one bit more for `sum`'s carries). */
const INT_PASS_FILTERS: ReadonlySet<string> = new Set(['abs', 'first', 'last', 'min', 'max', 'random', 'sum', 'round']);
/** Filters that read an integer without writing it as text (a walk of its digits at most). */
const INT_WALK_FILTERS: ReadonlySet<string> = new Set([...INT_PASS_FILTERS, 'int', 'float', 'length', 'count']);

/**
 * Bits of the integer an expression may make: powers by their size, products and sums from their parts, a variable,
 * a namespace attribute or a macro parameter from what it is set to, a loop variable from the items it runs over, an
 * item of a list from the list's items; a caller's number is a request integer. A value the analysis cannot follow
 * counts `open` bits: 0 where the caller asks only whether a value is known to be large (a hash class), and the widest
 * integer the template makes anywhere (intBound) where a cost is charged.
 */
function intBits(n: JNode, env: FoldEnv, open = 0, seen: Set<string> = new Set(), depth = 0): number {
  if (depth > MAX_NESTING) return open;
  // Each expression is sized once per bound (definitions shared level after level would be walked once per path).
  let memo = intBitsMemo.get(env)?.get(open);
  const known = memo?.get(n);
  if (known !== undefined) return known;
  const bits = intBitsOf(n, env, open, seen, depth);
  if (!memo) {
    const perEnv = intBitsMemo.get(env) ?? new Map<number, Map<JNode, number>>();
    intBitsMemo.set(env, perEnv);
    memo = new Map();
    perEnv.set(open, memo);
  }
  memo.set(n, bits);
  return bits;
}

/** intBits' answers, per analysis and bound for what it cannot follow. */
const intBitsMemo = new WeakMap<FoldEnv, Map<number, Map<JNode, number>>>();

function intBitsOf(n: JNode, env: FoldEnv, open: number, seen: Set<string>, depth: number): number {
  const sub = (x: JNode): number => intBits(x, env, open, seen, depth + 1);
  if (n.type === 'FilterExpression') {
    const name = filterName(n);
    if (name === 'int') return parsedIntBits(n, env, open);
    if (INT_PASS_FILTERS.has(name)) {
      const items = intItemsBits(n['operand'] as JNode, env, open, seen, depth + 1);
      return name === 'sum' && items > 0 ? items + Math.log2(DATA_ENTRIES) + 1 : items;
    }
  }
  // Numbers that are no integers, text and containers make no big integer.
  if (
    n.type === 'StringLiteral' ||
    n.type === 'FloatLiteral' ||
    n.type === 'ArrayLiteral' ||
    n.type === 'TupleLiteral' ||
    n.type === 'ObjectLiteral' ||
    n.type === 'TestExpression'
  )
    return 0;
  // A literal past 2^53 the parser reads as a double: its magnitude, not its exact value (past the double range,
  // more bits than any bound).
  if (n.type === 'IntegerLiteral' && intOf(n) === undefined) {
    const v = Math.abs(n['value'] as number);
    return Number.isFinite(v) ? Math.log2(v + 1) : Infinity;
  }
  if (n.type === 'UnaryExpression') return sub(n['argument'] as JNode);
  if (n.type === 'Ternary') return Math.max(sub(n['trueExpr'] as JNode), sub(n['falseExpr'] as JNode));
  if (n.type === 'BinaryExpression') {
    const op = (n['operator'] as { value?: string })?.value;
    const l = n['left'] as JNode;
    const r = n['right'] as JNode;
    switch (op) {
      case '**': {
        const bits = powerBits(l, r, env, open, depth);
        if (bits !== undefined) return bits;
        break;
      }
      case '*':
        // A string or list repeated is no integer.
        if (foldString(l, env).values.length || foldString(r, env).values.length) return 0;
        return sub(l) + sub(r);
      case '+':
      case '-':
        return Math.max(sub(l), sub(r)) + 1;
      case '//':
        return sub(l);
      case '%':
        // `%` on text formats it.
        if (foldString(l, env).values.length) return 0;
        return Math.min(sub(l), sub(r));
      case 'and':
      case 'or':
        return Math.max(sub(l), sub(r));
      case '/':
      case '~':
      case '==':
      case '!=':
      case '<':
      case '>':
      case '<=':
      case '>=':
      case 'in':
      case 'not in':
        return 0;
    }
  }
  // An item of a list or tuple: its widest item.
  if (n.type === 'MemberExpression' && n['computed']) {
    const prop = n['property'] as JNode;
    if (prop.type !== 'SliceExpression') {
      const items = intItemsBits(n['object'] as JNode, env, open, seen, depth + 1);
      if (items > 0) return items;
    }
  }
  // A variable or namespace attribute: the widest of its definitions (one that adds to its own old value, a counter,
  // is one bit wider than what it adds); a loop variable, the widest item it runs over.
  const prop = n.type === 'MemberExpression' && !n['computed'] ? (n['property'] as JNode) : undefined;
  if (n.type === 'Identifier' || prop?.type === 'Identifier') {
    const name = n.type === 'Identifier' ? (n['value'] as string) : `.${prop!['value'] as string}`;
    const defs = n.type === 'Identifier' ? env.vars.get(name) : env.attrs.get(name.slice(1));
    if (defs && !seen.has(name)) {
      seen.add(name);
      let max = 0;
      for (const d of defs)
        if (d.kind === 'value') max = Math.max(max, intBits(d.node, env, open, seen, depth + 1));
        else if (d.kind === 'iter') max = Math.max(max, intItemsBits(d.node, env, open, seen, depth + 1));
        else if (d.kind === 'unknown') max = Math.max(max, open);
      seen.delete(name);
      return max;
    }
  }
  const v = intValue(n, env);
  if (typeof v === 'number') return Number.isFinite(v) ? Math.log2(Math.abs(v) + 1) : open;
  return v === undefined ? (isTextValue(n, env) ? 0 : open) : Math.log2(magnitude(v) + 1);
}

/** Whether the folder knows `n` as text (a string or a list of strings), which makes no integer. */
function isTextValue(n: JNode, env: FoldEnv): boolean {
  const f = foldString(n, env);
  return f.values.length > 0 && !f.unknown;
}

/** Bits of the widest integer the items of a sequence may be: a list literal's items, a range's bound, else `open`. */
function intItemsBits(n: JNode, env: FoldEnv, open: number, seen: Set<string>, depth: number): number {
  if (depth > MAX_NESTING) return open;
  if (n.type === 'ArrayLiteral' || n.type === 'TupleLiteral') {
    let max = 0;
    for (const x of n['value'] as JNode[]) max = Math.max(max, intBits(x, env, open, seen, depth + 1));
    return max;
  }
  if (n.type === 'CallExpression' && isRangeCall(n, env)) {
    let max = 0;
    for (const a of n['args'] as JNode[]) max = Math.max(max, intBits(a, env, open, seen, depth + 1));
    return max;
  }
  if (n.type === 'FilterExpression' && ['list', 'sort', 'unique', 'reverse', 'batch', 'slice'].includes(filterName(n)))
    return intItemsBits(n['operand'] as JNode, env, open, seen, depth + 1);
  if (n.type === 'BinaryExpression' && ['+', '*'].includes((n['operator'] as { value?: string })?.value ?? '')) {
    const l = n['left'] as JNode;
    const r = n['right'] as JNode;
    return Math.max(intItemsBits(l, env, open, seen, depth + 1), intItemsBits(r, env, open, seen, depth + 1));
  }
  if (n.type === 'Identifier' || (n.type === 'MemberExpression' && !n['computed'])) {
    const prop = n.type === 'MemberExpression' ? (n['property'] as JNode) : undefined;
    const name = n.type === 'Identifier' ? (n['value'] as string) : `.${prop!['value'] as string}`;
    const defs = n.type === 'Identifier' ? env.vars.get(name) : env.attrs.get(name.slice(1));
    if (defs && !seen.has(`[]${name}`)) {
      seen.add(`[]${name}`);
      let max = 0;
      for (const d of defs)
        if (d.kind === 'value') max = Math.max(max, intItemsBits(d.node, env, open, seen, depth + 1));
        else max = Math.max(max, open);
      seen.delete(`[]${name}`);
      return max;
    }
  }
  if (isTextValue(n, env) || isCallerSequence(n, env)) return Math.min(open, Math.log2(DATA_CHARS + 1));
  return open;
}

/**
 * The widest integer, in bits, the template may make anywhere: a bound for every integer the analysis cannot follow
 * (an integer is made by a literal, arithmetic, a parse or the request, all of which are sized here). First every
 * integer expression is sized without what the analysis cannot follow; when none passes SMALL_INT_BITS, so is every
 * integer. Otherwise each round sizes them again with the previous round's bound for what it cannot follow, until
 * a round adds no more than carries (an addition's bit); a bound still multiplying after the rounds (a product or a
 * power of values it cannot follow) is unbounded.
 */
function intBound(all: readonly JNode[], env: FoldEnv): number {
  const makers = all.filter(
    (n) =>
      (n.type === 'BinaryExpression' &&
        ['**', '*', '//', '%', '+', '-'].includes((n['operator'] as { value?: string })?.value ?? '')) ||
      (n.type === 'FilterExpression' && filterName(n) === 'int') ||
      n.type === 'IntegerLiteral',
  );
  const widest = (open: number): number => {
    let most = SMALL_INT_BITS;
    for (const n of makers) most = Math.max(most, intBits(n, env, open));
    return most;
  };
  let open = widest(0);
  if (open <= SMALL_INT_BITS) return SMALL_INT_BITS;
  for (let round = 0; round < 6; round++) {
    const most = widest(open);
    if (most <= open + SMALL_INT_BITS) return most + SMALL_INT_BITS;
    open = most;
  }
  return Infinity;
}

/**
 * Bits of an integer the `int` filter parses from text: CPython parses a power-of-two base (2, 4, 8, 16, 32, or 0 with
 * a prefix) at any length, about 5 bits a character at most; other bases stop at 4,300 digits (the filter then
 * answers its default).
 */
function parsedIntBits(n: JNode, env: FoldEnv, open = 0): number {
  const f = n['filter'] as JNode;
  let base: number | undefined = 10;
  if (f.type === 'CallExpression') {
    const args = f['args'] as JNode[];
    const kw = args.find((a) => a.type === 'KeywordArgumentExpression' && (a['key'] as JNode)['value'] === 'base');
    const pos = args.filter((a) => a.type !== 'KeywordArgumentExpression')[1];
    const node = kw !== undefined ? (kw['value'] as JNode) : pos;
    if (node !== undefined) {
      const v = intValue(node, env);
      base = typeof v === 'number' ? v : undefined;
    }
  }
  const operand = n['operand'] as JNode;
  // `int` of an integer is that integer.
  const own = isTextValue(operand, env) ? 0 : intBits(operand, env, open);
  const chars = sizeOf(operand, env);
  if (base !== undefined && base !== 0 && (base & (base - 1)) !== 0) return Math.max(own, Math.min(chars, 4300) * 3.33);
  return Math.max(own, chars * 5);
}

/** The `n`, `min` and `max` of a lipsum() call, positional or by keyword (jinja2's defaults: 5, 20, 100). */
function lipsumArgs(call: JNode, env: FoldEnv): { n: IntValue; max: IntValue } {
  const named = new Map<string, JNode>();
  const pos: JNode[] = [];
  for (const a of call['args'] as JNode[])
    if (a.type === 'KeywordArgumentExpression') named.set((a['key'] as JNode)['value'] as string, a['value'] as JNode);
    else pos.push(a);
  const at = (i: number, key: string, dflt: number): IntValue => {
    const node = pos[i] ?? named.get(key);
    return node ? intValue(node, env) : dflt;
  };
  const n = at(0, 'n', 5);
  const min = at(2, 'min', 20);
  const max = at(3, 'max', 100);
  const top = typeof min === 'number' && typeof max === 'number' ? Math.max(min, max) : undefined;
  return { n, max: top };
}

/** Words one lipsum() call draws (paragraphs times the largest paragraph), Infinity when not bounded. */
function lipsumWords(call: JNode, env: FoldEnv): number {
  const { n, max } = lipsumArgs(call, env);
  if (typeof n !== 'number' || typeof max !== 'number' || !Number.isFinite(n * max)) return Infinity;
  if (n > MAX_LIPSUM_PARAGRAPHS || max > MAX_LIPSUM_WORDS) return Infinity;
  return Math.max(0, n) * Math.max(0, max);
}

function isLipsumCall(n: JNode, env: FoldEnv): boolean {
  if (n.type !== 'CallExpression') return false;
  const c = n['callee'] as JNode;
  return c.type === 'Identifier' && c['value'] === 'lipsum' && !env.vars.has('lipsum');
}

/** `loop(...)` calls in a loop body, not inside a nested loop (which has its own `loop`) or a macro. */
function loopCalls(body: unknown): JNode[] {
  const out: JNode[] = [];
  const st: unknown[] = [body];
  while (st.length) {
    const v = st.pop();
    if (Array.isArray(v)) pushAll(st, v);
    else if (isNode(v)) {
      if (v.type === 'Macro') continue;
      if (v.type === 'For') {
        st.push(v['iterable']);
        continue;
      }
      const callee = v['callee'];
      if (v.type === 'CallExpression' && isNode(callee) && callee.type === 'Identifier' && callee['value'] === 'loop')
        out.push(v);
      pushAll(st, children(v));
    }
  }
  return out;
}

/** The loop variable itself, or an attribute or item of it (`x`, `x.children`, `x['items']`). */
function isPartOf(n: JNode, targets: readonly string[]): boolean {
  let cur = n;
  for (let i = 0; i < MAX_NESTING && cur.type === 'MemberExpression'; i++) cur = cur['object'] as JNode;
  return cur.type === 'Identifier' && targets.includes(cur['value'] as string);
}

/** Filters and methods whose result is as long as their operand the template wrote (case, escaping, trimming). */
const SAME_SIZE_CALLS: ReadonlySet<string> = new Set([
  'upper',
  'lower',
  'title',
  'capitalize',
  'trim',
  'strip',
  'lstrip',
  'rstrip',
  'string',
  'safe',
  'e',
  'escape',
  'forceescape',
  'tojson',
  'striptags',
  'urlencode',
]);

/** A value the template makes as a list of many items: a range(), a list literal, or one repeated. */
function isTemplateList(n: JNode, env: FoldEnv): boolean {
  let it = n;
  for (let i = 0; i < MAX_NESTING && it.type === 'FilterExpression'; i++) {
    const f = it['filter'] as JNode;
    const name = f.type === 'Identifier' ? (f['value'] as string) : '';
    if (name !== 'list' && name !== 'reverse' && name !== 'sort' && name !== 'unique') break;
    it = it['operand'] as JNode;
  }
  if (it.type === 'ArrayLiteral' || it.type === 'TupleLiteral') return true;
  if (it.type === 'CallExpression') {
    const c = it['callee'] as JNode;
    return c.type === 'Identifier' && c['value'] === 'range' && !env.vars.has('range');
  }
  if (it.type === 'BinaryExpression' && (it['operator'] as { value?: string })?.value === '*')
    return isTemplateList(it['left'] as JNode, env) || isTemplateList(it['right'] as JNode, env);
  return false;
}

/**
 * Characters an emitted expression adds that the template itself writes, at the request bounds: literals and the
 * strings it makes, repetitions, padding widths, separators and the items of lists it builds. The caller's own content
 * counts nothing here (the request bounds it as a whole); a caller string the template repeats counts its copies.
 */
/**
 * State of one ownOutput estimate: the names being followed (a name met again inside its own definition counts
 * nothing), and each name's size at a depth once worked out, so a value defined from another twice over, level after
 * level, is followed once per level and not once per path. A size is kept only when no name followed further out was
 * cut short inside it (its size does not depend on where it was reached from).
 */
interface OwnState {
  readonly stack: string[];
  readonly memo: Map<string, number>;
  /** Lowest index in `stack` of a name cut short since the innermost name entered. */
  low: number;
}

function ownOutput(
  n: JNode,
  env: FoldEnv,
  st: OwnState = { stack: [], memo: new Map(), low: Infinity },
  depth = 0,
): number {
  if (depth > MAX_NESTING) return 0;
  const rec = (x: unknown): number => (isNode(x) ? ownOutput(x, env, st, depth + 1) : 0);
  if (n.type === 'StringLiteral') return [...(n['value'] as string)].length;
  if (n.type === 'IntegerLiteral' || n.type === 'FloatLiteral') return String(n['value']).length;
  if (n.type === 'Ternary') return Math.max(rec(n['trueExpr']), rec(n['falseExpr']));
  if (n.type === 'Identifier') {
    const name = n['value'] as string;
    const defs = env.vars.get(name);
    if (!defs) return 0;
    const at = st.stack.indexOf(name);
    if (at >= 0) {
      st.low = Math.min(st.low, at);
      return 0;
    }
    const key = `${name}\0${depth}`;
    const known = st.memo.get(key);
    if (known !== undefined) return known;
    const outerLow = st.low;
    const mine = st.stack.length;
    st.low = Infinity;
    st.stack.push(name);
    let max = 0;
    for (const d of defs) if (d.kind === 'value') max = Math.max(max, rec(d.node));
    st.stack.pop();
    if (st.low >= mine) st.memo.set(key, max);
    st.low = Math.min(outerLow, st.low);
    return max;
  }
  if (n.type === 'BinaryExpression') {
    const o = (n['operator'] as { value?: string } | undefined)?.value;
    if (o === '~' || o === '+') return rec(n['left']) + rec(n['right']);
    if (o === '*') {
      const l = n['left'] as JNode;
      const r = n['right'] as JNode;
      const lc = intValue(l, env);
      const rc = intValue(r, env);
      const [count, seq] = lc !== undefined && rc === undefined ? [lc, r] : [rc, l];
      // A count that cannot be bounded is reported where the repetition is written.
      if (count === undefined) return 0;
      const times = typeof count === 'number' ? Math.max(0, count) : magnitude(count);
      if (isTemplateList(seq, env)) return times * iterations(seq, env) * 8;
      const unit = rec(seq) || (isCallerSequence(seq, env) && times > 1 ? DATA_CHARS : 0);
      return times * unit;
    }
    return 0;
  }
  const call = callParts(n);
  if (call) {
    if (SAME_SIZE_CALLS.has(call.name)) return rec(call.operand);
    if (call.name === 'list' && isTemplateList(n, env)) return iterations(n, env) * 8;
    if (call.name === 'join') {
      const sep = call.args[0] ? rec(call.args[0]) : 0;
      if (isTemplateList(call.operand, env)) return iterations(call.operand, env) * (sep + 8);
      return rec(call.operand) + (isCallerList(call.operand, env) ? DATA_ENTRIES : 1) * sep;
    }
    if (call.name === 'center' || call.name === 'ljust' || call.name === 'rjust') {
      const w = call.args[0] ? intValue(call.args[0], env) : 0;
      return Math.max(rec(call.operand), typeof w === 'number' ? w : 0);
    }
  }
  const f = foldString(n, env);
  if (!f.unknown && f.values.length) return Math.max(...f.values.map((v) => v.length));
  return 0;
}

/**
 * A walk's figure for the macro a call names, computed once per macro and kept: `walk(body, depth + 1)` of that
 * macro. Undefined when `n` calls no macro, or one the walk is already inside (recursion is judged on its own).
 */
/**
 * How calls reach macros beyond a call of a macro by its own name: the macros whose name the template uses as a value
 * (`{% set h = w %}`, an argument, a list item, a namespace attribute: any call whose callee is not a macro's own name
 * may then be one of them), and the bodies of `{% call %}` blocks (each `caller()` in a macro renders one of them).
 */
interface MacroReach {
  readonly escaped: readonly string[];
  readonly callBodies: readonly unknown[];
}

function macroReach(macros: ReadonlyMap<string, JNode>, all: readonly JNode[]): MacroReach {
  const named = new Set<JNode>();
  for (const n of all) {
    if (n.type === 'CallExpression') named.add(n['callee'] as JNode);
    else if (n.type === 'Macro') named.add(n['name'] as JNode);
  }
  const escaped = new Set<string>();
  const callBodies: unknown[] = [];
  for (const n of all) {
    if (n.type === 'Identifier' && !named.has(n) && macros.has(n['value'] as string)) escaped.add(n['value'] as string);
    else if (n.type === 'CallStatement') callBodies.push(n['body']);
  }
  return { escaped: [...escaped], callBodies };
}

/**
 * Callables the analysis prices by the name at the call: the renderer functions range, lipsum, strftime_now and
 * dict, a macro's `caller` (the `{% call %}` bodies) and a recursive loop's `loop` (its recursion).
 */
const PRICED_FUNCTIONS: ReadonlySet<string> = new Set(['range', 'lipsum', 'strftime_now', 'dict', 'caller', 'loop']);

/** The name a `set` assigns: a variable, `.attr` for a namespace attribute, '' for anything else. */
function assignedName(t: JNode): string {
  return t.type === 'Identifier'
    ? (t['value'] as string)
    : t.type === 'MemberExpression' && !t['computed'] && isNode(t['property'])
      ? `.${(t['property'] as JNode)['value'] as string}`
      : '';
}

/** Names a call may name that call no macro: the renderers' functions (unless the template sets the name). */
const NOT_MACRO_CALLEES: ReadonlySet<string> = new Set([...RENDERER_GLOBALS, 'caller', 'super', 'loop']);

/**
 * Whether a callee that does not name a macro may still be a macro the template holds as a value: a name the
 * template sets or receives (an argument, a loop variable), a namespace attribute or an item; not a renderer function
 * nor a method of a value (`s.split`).
 */
function mayCallMacroValue(callee: JNode, env: FoldEnv): boolean {
  if (callee.type === 'Identifier') {
    const name = callee['value'] as string;
    return env.vars.has(name) || !NOT_MACRO_CALLEES.has(name);
  }
  if (callee.type === 'MemberExpression' && !callee['computed'] && isNode(callee['property']))
    return !METHOD_NAMES.has((callee['property'] as JNode)['value'] as string);
  return true;
}

/**
 * How many times each node inside a macro runs per render beyond the loops in the macro: the calls of the macro
 * (each call's loop passes, times the runs of a macro holding the call). A call that does not name a macro counts
 * for every macro the template uses as a value; a macro reached from itself counts its outer calls only.
 */
function macroRuns(
  program: JNode,
  env: FoldEnv,
  macros: ReadonlyMap<string, JNode>,
  passesAround: ReadonlyMap<JNode, number>,
  reach: MacroReach,
): Map<JNode, number> {
  const holder = new Map<JNode, string>();
  const callSites: { node: JNode; callees: string[] }[] = [];
  const st: [unknown, string | undefined][] = [[program, undefined]];
  while (st.length) {
    const [v, inMacro] = st.pop()!;
    if (Array.isArray(v)) for (const x of v) st.push([x, inMacro]);
    else if (isNode(v)) {
      if (inMacro !== undefined) holder.set(v, inMacro);
      if (v.type === 'CallExpression') {
        const callee = v['callee'] as JNode;
        const name = callee.type === 'Identifier' ? (callee['value'] as string) : undefined;
        if (name !== undefined && macros.has(name)) callSites.push({ node: v, callees: [name] });
        else if (mayCallMacroValue(callee, env)) callSites.push({ node: v, callees: [...reach.escaped] });
      }
      const inner = v.type === 'Macro' ? ((v['name'] as JNode)['value'] as string) : inMacro;
      for (const c of children(v)) st.push([c, inner]);
    }
  }
  const memo = new Map<string, number>();
  const inside = new Set<string>();
  const callsOf = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    if (inside.has(name)) return 0;
    inside.add(name);
    let t = 0;
    for (const c of callSites)
      if (c.callees.includes(name)) {
        const h = holder.get(c.node);
        t += (passesAround.get(c.node) ?? 1) * (h === undefined ? 1 : callsOf(h));
      }
    inside.delete(name);
    memo.set(name, t);
    return t;
  };
  const runs = new Map<JNode, number>();
  for (const [n, h] of holder) runs.set(n, Math.max(1, callsOf(h)));
  return runs;
}

/**
 * The cost `walk` gives what a call renders: a macro called by its name, memoized per macro (a recursive call costs
 * nothing here: recursion is reported on its own). A call that may reach a macro another way costs the most any of
 * those could: `caller()` the costliest `{% call %}` body, any other call whose callee is not a macro's name the
 * costliest macro used as a value. undefined for a call that renders no template code.
 */
function macroMemo(
  macros: ReadonlyMap<string, JNode>,
  reach: MacroReach,
  walk: (body: unknown, depth: number) => number,
): (n: JNode, depth: number) => number | undefined {
  const known = new Map<string, number>();
  const inside = new Set<string>();
  const bodyCost = new Map<unknown, number>();
  const insideBodies = new Set<unknown>();
  const ofMacro = (name: string, depth: number): number | undefined => {
    const m = macros.get(name);
    if (m === undefined || inside.has(name)) return undefined;
    let v = known.get(name);
    if (v === undefined) {
      inside.add(name);
      v = walk(m['body'], depth + 1);
      inside.delete(name);
      known.set(name, v);
    }
    return v;
  };
  const ofBody = (body: unknown, depth: number): number => {
    if (insideBodies.has(body)) return 0;
    let v = bodyCost.get(body);
    if (v === undefined) {
      insideBodies.add(body);
      v = walk(body, depth + 1);
      insideBodies.delete(body);
      bodyCost.set(body, v);
    }
    return v;
  };
  return (n, depth) => {
    if (n.type !== 'CallExpression') return undefined;
    const callee = n['callee'] as JNode;
    const name = callee.type === 'Identifier' ? (callee['value'] as string) : undefined;
    if (name !== undefined && macros.has(name)) return ofMacro(name, depth);
    let most: number | undefined;
    if (name === 'caller') for (const body of reach.callBodies) most = Math.max(most ?? 0, ofBody(body, depth));
    for (const m of reach.escaped) {
      const v = ofMacro(m, depth);
      if (v !== undefined) most = Math.max(most ?? 0, v);
    }
    return most;
  };
}

/** Whether an expression is built of literals only (jinja2 folds it once, when it compiles the template). */
function constantExpression(n: JNode, depth = 0): boolean {
  if (depth > MAX_NESTING) return false;
  if (n.type === 'IntegerLiteral' || n.type === 'FloatLiteral' || n.type === 'StringLiteral') return true;
  if (n.type === 'UnaryExpression') return constantExpression(n['argument'] as JNode, depth + 1);
  if (n.type === 'BinaryExpression')
    return constantExpression(n['left'] as JNode, depth + 1) && constantExpression(n['right'] as JNode, depth + 1);
  return false;
}

/**
 * Big-integer work: every arithmetic operator's result carries a bound of its bits (intBits; an integer the analysis
 * cannot follow is bounded by the widest one the template makes anywhere, intBound), and `**`, `*`, `//` and `%` are
 * charged from those bounds as CPython's long arithmetic does them, times the passes of the loops around them (an
 * expression of literals only is folded once when the template is compiled): a power by its size in bits (in all
 * past MAX_POWER_BITS, or any one past it); a product of two long operands by Karatsuba (digits^1.585), a division or
 * modulo by schoolbook (digits times digits), against MAX_INT_WORK digit operations. An operand whose size cannot be
 * bounded is a finding. (CPython refuses str() of an integer past 4,300 digits before converting it, and int() of
 * text is charged where it is parsed.)
 */
function intArithmetic(nodes: readonly JNode[], env: FoldEnv, passesAround: ReadonlyMap<JNode, number>): CostSignal[] {
  const out: CostSignal[] = [];
  const open = intBound(nodes, env);
  let powerBitsTotal = 0;
  let powersReported = false;
  let intWork = 0;
  let intWorkReported = false;
  let walkWork = 0;
  let walkReported = false;
  // Every other operation on an integer walks its digits once per evaluation (a sum, a difference, a negation, a
  // comparison, membership) or writes it as text (any filter, method argument, `~`, `%`, output): charged from the
  // operands' bit bounds, times the passes of the loops around it, against the render-work budget.
  const operandBits = (o: unknown): number => {
    if (!isNode(o)) return 0;
    const x = o.type === 'KeywordArgumentExpression' ? (o['value'] as JNode) : o;
    if (!isNode(x)) return 0;
    return x.type === 'TupleLiteral' || x.type === 'ArrayLiteral'
      ? intItemsBits(x, env, open, new Set(), 0)
      : intBits(x, env, open);
  };
  const walks = (n: JNode, operands: readonly unknown[], text: boolean): void =>
    walksBits(n, operands.map(operandBits), text);
  const walksBits = (n: JNode, operandBits: readonly number[], text: boolean): void => {
    const passes = constantExpression(n) ? 1 : (passesAround.get(standsFor.get(n) ?? n) ?? 1);
    let bits = 0;
    let per = 0;
    for (const b of operandBits) {
      if (!(b > SMALL_INT_BITS)) continue;
      bits = Math.max(bits, b);
      per += text ? intTextWork(b) : (INT_WALK_WORK * b) / 30;
    }
    if (per === 0) return;
    walkWork += per * passes;
    if (walkWork > MAX_RENDER_WORK && !walkReported) {
      walkReported = true;
      out.push({
        where: n,
        amount: walkWork,
        what:
          walkWork === Infinity
            ? `${text ? 'writes as text' : 'walks'} integers whose size cannot be bounded`
            : `${text ? 'writes as text' : 'adds, compares or negates'} integers of up to ${Math.round(bits)} bits: ` +
              `about ${walkWork.toExponential(2)} units of work in all (about 4 ns each; limit ${MAX_RENDER_WORK}) ` +
              'over the passes of the loops around it',
      });
    }
  };
  for (const n of nodes) {
    if (n.type === 'UnaryExpression') {
      const o = (n['operator'] as { value?: string })?.value;
      if (o === '-' || o === '+') walks(n, [n['argument']], false);
      continue;
    }
    if (n.type === 'TestExpression') {
      walks(n, [n['operand'], ...(Array.isArray(n['args']) ? (n['args'] as unknown[]) : [])], false);
      continue;
    }
    if (n.type === 'FilterExpression') {
      // The filter's arguments are charged at its call node; its operand here.
      walks(n, [n['operand']], !INT_WALK_FILTERS.has(filterName(n)));
      continue;
    }
    if (n.type === 'CallExpression') {
      walks(n, n['args'] as JNode[], true);
      continue;
    }
    for (const key of ['body', 'alternate', 'defaultBlock']) {
      const body = n[key];
      if (!Array.isArray(body)) continue;
      // An expression written as a statement is output: converted to text on each pass of the loops around it.
      for (const x of body) if (isNode(x) && !STATEMENT_TYPES.has(x.type)) walks(x, [x], true);
    }
    if (n.type !== 'BinaryExpression') continue;
    const binop = (n['operator'] as { value?: string })?.value;
    const passes = constantExpression(n) ? 1 : (passesAround.get(standsFor.get(n) ?? n) ?? 1);
    const l = n['left'] as JNode;
    const r = n['right'] as JNode;
    if (binop === '~') walks(n, [l, r], true);
    else if (binop === '%' && foldString(l, env).values.length) walks(n, [r], true);
    else if (binop === 'in' || binop === 'not in') {
      // Membership compares the left operand with the right one's items (or searches text: no integer).
      walksBits(n, [operandBits(l), intItemsBits(r, env, open, new Set(), 0)], false);
    } else if (binop !== 'and' && binop !== 'or' && binop !== '**') {
      const a = intBits(l, env, open);
      const b = intBits(r, env, open);
      // Two long operands of a product, a division or a modulo are charged below as long arithmetic.
      if (!(binop === '//' || binop === '%' || binop === '*') || !(a > SMALL_INT_BITS && b > SMALL_INT_BITS))
        walks(n, [l, r], false);
    }
    if (binop === '//' || binop === '%' || binop === '*') {
      const a = intBits(l, env, open);
      const b = intBits(r, env, open);
      if (a > SMALL_INT_BITS && b > SMALL_INT_BITS) {
        // CPython's long division is schoolbook (digits of one times digits of the other); its product is
        // Karatsuba on equal sizes (about n^1.585 digit products).
        const da = a / 30;
        const db = b / 30;
        intWork += (binop === '*' ? Math.max(da, db) ** 1.585 : da * db) * passes;
        if (intWork > MAX_INT_WORK && !intWorkReported) {
          intWorkReported = true;
          out.push({
            where: n,
            amount: intWork,
            what:
              intWork === Infinity
                ? `does big-integer arithmetic (${binop}) on integers whose size cannot be bounded`
                : `does big-integer arithmetic (${binop}) of about ${intWork.toExponential(2)} digit operations in all ` +
                  `(operands of up to ${Math.round(Math.max(a, b))} bits, over the passes of its loops)`,
          });
        }
      }
    }
    if (binop === '**') {
      const bits = powerBits(l, r, env, open);
      if (bits !== undefined && Number.isFinite(bits) && bits > SMALL_INT_BITS) {
        powerBitsTotal += bits * passes;
        if (bits <= MAX_POWER_BITS && powerBitsTotal > MAX_POWER_BITS && !powersReported) {
          powersReported = true;
          out.push({
            where: n,
            amount: powerBitsTotal,
            what: `raises to powers of about ${powerBitsTotal.toExponential(2)} bits in all (over the passes of their loops)`,
          });
        }
      }
      if (bits !== undefined && bits > MAX_POWER_BITS)
        out.push({
          where: n,
          amount: bits,
          what:
            bits !== Infinity
              ? `raises to a power of about ${bits.toExponential(2)} bits`
              : intValue(r, env) === undefined || typeof intValue(r, env) !== 'number'
                ? 'raises to a power whose exponent the template computes or takes from the caller and that cannot be bounded'
                : 'raises an integer whose size cannot be bounded to a power',
        });
    }
  }
  return out;
}

/**
 * Render-cost signals of a template: iterations over MAX_RENDER_ITERATIONS, repetition or padding over
 * MAX_RENDER_OUTPUT or unbounded, self-doubling values in loops, and recursion the template bounds itself.
 */
export function renderCost(program: JNode, env: FoldEnv): CostSignal[] {
  const out: CostSignal[] = [];
  const macros = new Map<string, JNode>();
  const all: JNode[] = [];
  const stack: unknown[] = [program];
  // The template's analysis (chat-template.ts) stops at the same bound and reports it.
  while (stack.length && all.length < TEMPLATE_LIMITS.nodes) {
    const v = stack.pop();
    if (Array.isArray(v)) for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    else if (isNode(v)) {
      all.push(v);
      if (v.type === 'Macro') macros.set((v['name'] as JNode)['value'] as string, v);
      pushAll(stack, children(v));
    }
  }
  const growthModel: GrowthModel = {
    dataChars: DATA_CHARS,
    dataEntries: DATA_ENTRIES,
    dataRequest: DATA_REQUEST,
    maxNesting: MAX_NESTING,
    intValue,
    sizeOf,
    iterations,
    isRequestList,
    callParts,
    collidingItems,
    dictBuild,
  };
  // A callable priced by its name at the call (range's count, lipsum's words, strftime_now's widths, dict's keys,
  // caller's bodies, loop's recursion) taken as a value may be called under any name, where nothing prices it.
  const notValues = new Set<unknown>();
  for (const n of all) {
    if (n.type === 'CallExpression') notValues.add(n['callee']);
    else if (n.type === 'FilterExpression' || n.type === 'FilterStatement') {
      const f = n['filter'];
      notValues.add(f);
      if (isNode(f) && f.type === 'CallExpression') notValues.add(f['callee']);
    } else if (n.type === 'TestExpression') {
      // A test reads its operand without calling it (`strftime_now is defined`).
      notValues.add(n['test']);
      notValues.add(n['operand']);
    } else if (n.type === 'If') notValues.add(n['test']);
    else if (n.type === 'MemberExpression') {
      // An attribute of the function is read, not the function passed on (`dict.fromkeys(…)` is priced as a call).
      notValues.add(n['object']);
      if (!n['computed']) notValues.add(n['property']);
    } else if (n.type === 'KeywordArgumentExpression') notValues.add(n['key']);
    else if (n.type === 'Set') notValues.add(n['assignee']);
  }
  for (const n of all) {
    if (n.type !== 'Identifier' || notValues.has(n)) continue;
    const name = n['value'] as string;
    if (PRICED_FUNCTIONS.has(name) && !env.vars.has(name))
      out.push({
        where: n,
        amount: Infinity,
        what: `takes ${name} as a value: what a call of it under another name costs cannot be bounded`,
      });
  }
  // Filters applied by name (`map('f')`, `{% filter f %}`) are checked as the filter expressions they amount to.
  // A call that may call a bound method the template holds is checked as that method called where it stands.
  const indirect = [
    ...indirectFilters(all, env, macros, growthModel),
    ...heldMethodCalls(all, program, env, macros, growthModel),
  ];
  // jinja2 compiles the template to Python, whose compiler merges equal constants in a dict: tuple constants that may
  // share one hash are compared with each other, once, when the template is loaded.
  {
    const constants = all.filter((n) => n.type === 'TupleLiteral' && (n['value'] as JNode[]).every(isConstant));
    const wild = constants.length > 1 ? largestHashClass(constants, env) : 0;
    const first = constants[0];
    const work = (CONSTANT_MERGE_WORK * wild * (wild - 1)) / 2;
    if (first && work > MAX_RENDER_WORK)
      out.push({
        where: first,
        amount: work,
        what:
          `writes ${wild} tuple constants that may share one hash (CPython's tuple hash can be inverted): compiling the ` +
          `template compares them with each other, about ${work.toExponential(2)} units of work`,
      });
  }
  // Repetition, padding, format widths, integer powers and generated text.
  for (const n of [...all, ...indirect]) {
    if (isLipsumCall(n, env)) {
      const words = lipsumWords(n, env);
      if (words > MAX_RENDER_ITERATIONS || words === Infinity)
        out.push({
          where: n,
          amount: words,
          what: `calls lipsum() for more than ${MAX_LIPSUM_PARAGRAPHS} paragraphs of up to ${MAX_LIPSUM_WORDS} words, or for a count that cannot be bounded`,
        });
    }
    if (n.type === 'BinaryExpression' && (n['operator'] as { value?: string })?.value === '*') {
      const l = n['left'] as JNode;
      const r = n['right'] as JNode;
      const lf = foldString(l, env);
      const rf = foldString(r, env);
      // A sequence: a literal, a string the template makes, or a value of the caller's (a list, a string in one).
      const seq = (f: typeof lf, node: JNode): boolean =>
        node.type === 'StringLiteral' ||
        node.type === 'ArrayLiteral' ||
        f.values.length > 0 ||
        !!f.list ||
        f.unknown ||
        isTemplateList(node, env) ||
        isCallerSequence(node, env);
      const ls = seq(lf, l);
      const rs = seq(rf, r);
      if (!ls && !rs) continue;
      const countNode = ls ? r : l;
      const s = ls ? lf : rf;
      const count = intValue(countNode, env);
      const seqNode = ls ? l : r;
      const caller = !s.values.length && !s.list && isCallerSequence(seqNode, env);
      // A list the template builds (range(n)|list, a literal, one repeated) holds as many items as a loop over it
      // runs passes; a count read from the request is at most DATA_CHARS.
      const unit = caller
        ? DATA_CHARS
        : Math.max(
            1,
            ...s.values.map((v) => v.length),
            s.list ? s.list.length : 1,
            isTemplateList(seqNode, env) ? iterations(seqNode, env) : 1,
          );
      const amount = count === undefined ? Infinity : (typeof count === 'number' ? count : magnitude(count)) * unit;
      if (amount > MAX_RENDER_OUTPUT)
        out.push({
          where: n,
          amount,
          what:
            count === undefined
              ? 'repeats a string or list by a count the template computes and that cannot be bounded'
              : `repeats a string or list to ${amount} items`,
        });
    }
    if (n.type === 'FilterExpression' || (n.type === 'CallExpression' && isNode(n['callee']))) {
      let name = '';
      let args: JNode[] = [];
      if (n.type === 'FilterExpression') {
        const f = n['filter'] as JNode;
        if (f.type === 'Identifier') name = f['value'] as string;
        else if (f.type === 'CallExpression' && (f['callee'] as JNode).type === 'Identifier') {
          name = (f['callee'] as JNode)['value'] as string;
          args = f['args'] as JNode[];
        }
      } else {
        const c = n['callee'] as JNode;
        if (c.type === 'MemberExpression' && !c['computed']) name = (c['property'] as JNode)['value'] as string;
        args = n['args'] as JNode[];
      }
      const widthArgs: JNode[] = [];
      if (PADDING_FILTERS.has(name) && args[0]) widthArgs.push(args[0]);
      for (const a of args)
        if (
          a.type === 'KeywordArgumentExpression' &&
          ['width', 'indent', 'length'].includes((a['key'] as JNode)['value'] as string)
        )
          widthArgs.push(a['value'] as JNode);
      for (const w of widthArgs) {
        const v = intValue(w, env);
        if (typeof v === 'number' && v > MAX_RENDER_OUTPUT)
          out.push({ where: n, amount: v, what: `pads output to a width of ${v}` });
      }
    }
    const call = callParts(n);
    if (call && (call.name === 'replace' || call.name === 'join' || call.name === 'indent')) {
      const size = sizeOf(n, env);
      if (size > MAX_RENDER_OUTPUT)
        out.push({
          where: n,
          amount: size,
          what:
            size === Infinity
              ? `makes a value by ${call.name} whose size cannot be bounded`
              : `makes a value of up to ${size.toExponential(2)} characters by ${call.name} (request of at most ${DATA_ENTRIES} entries of ${DATA_CHARS} characters)`,
        });
    }
    if (n.type === 'StringLiteral')
      for (const w of formatWidths(n['value'] as string))
        if (w > MAX_RENDER_OUTPUT) out.push({ where: n, amount: w, what: `format width ${w}` });
  }
  // Filters, string methods and format paths whose size an argument sets (template-filter-cost.ts).
  const model = {
    maxOutput: MAX_RENDER_OUTPUT,
    maxIterations: MAX_RENDER_ITERATIONS,
    dataInt: DATA_CHARS,
    dataEntries: DATA_ENTRIES,
  };
  pushAll(out, filterCost([...all, ...indirect], env, { ...model, intValue, sizeOf, callParts }));
  // Values that double themselves inside a loop or macro (`set s = s ~ s`, `set ns.l = ns.l + ns.l`).
  const inRepeat = new Set<JNode>();
  // The loop variables of the loops around each node: a loop rebinds them on each pass.
  const loopVarsAround = new Map<JNode, readonly string[]>();
  // The passes of the loops around each node (their iterations multiplied; macros count once).
  const passesAround = new Map<JNode, number>();
  const st: [unknown, boolean, readonly string[], number][] = [[program, false, [], 1]];
  while (st.length) {
    const [n, on, vars, passes] = st.pop()!;
    if (Array.isArray(n)) for (const x of n) st.push([x, on, vars, passes]);
    else if (isNode(n)) {
      const here = on || n.type === 'For' || n.type === 'Macro';
      if (here) inRepeat.add(n);
      loopVarsAround.set(n, vars);
      passesAround.set(n, passes);
      if (n.type === 'For') {
        const lv: string[] = [];
        reads(n['loopvar'], lv);
        const inner = Math.min(passes * iterations(n['iterable'] as JNode, env), 2 ** 52);
        st.push(
          [n['iterable'], here, vars, passes],
          [n['defaultBlock'], here, vars, passes],
          [n['body'], here, [...vars, ...lv], inner],
        );
      } else for (const c of children(n)) st.push([c, here, vars, passes]);
    }
  }
  gatherPasses.set(env, passesAround);
  pushAll(out, intArithmetic([...all, ...indirect], env, passesAround));
  // Outside loops and macros each `set` runs once, but a value set from itself several times in sequence
  // (`{% set a = [a, a] %}` written 34 times) multiplies its size by each: a shared structure whose every walk
  // (printing, comparing, sorting, `in`) visits 2^34 leaves.
  const sequential = new Map<string, { factor: number; first: JNode; reported: boolean }>();
  for (const n of all) {
    if (n.type !== 'Set' || inRepeat.has(n) || !isNode(n['value'])) continue;
    const target = assignedName(n['assignee'] as JNode);
    if (!target) continue;
    const value = n['value'] as JNode;
    const f = doubles(value, target) ? 2 : growthFactor(value, target, env, macros, growthModel);
    if (!(f > 1)) continue;
    const seen = sequential.get(target) ?? { factor: 1, first: n, reported: false };
    seen.factor *= f;
    sequential.set(target, seen);
    if (!seen.reported && seen.factor > MAX_SEQUENTIAL_GROWTH) {
      seen.reported = true;
      out.push({
        where: seen.first,
        amount: seen.factor,
        what: `sets a value from itself again and again outside any loop: its size can grow by a factor of ${seen.factor === Infinity ? 'unbounded size' : seen.factor.toExponential(2)}`,
      });
    }
  }
  // A value put inside a new tuple or list nests one level deeper per literal level per run of its `set`: CPython
  // hashes a tuple recursively on the C stack without a guard (a dict key, unique, `in` a dict), and the renderer
  // dies. The levels are summed over every `set` of the name: the literal levels of each, times the passes of the
  // loops around it, times the calls of the macro holding it (loops one after another add up).
  const runs = macroRuns(program, env, macros, passesAround, macroReach(macros, all));
  const nesting = new Map<string, { levels: number; reported: boolean }>();
  for (const n of all) {
    if (n.type !== 'Set' || !isNode(n['value'])) continue;
    const target = assignedName(n['assignee'] as JNode);
    if (!target) continue;
    const levels = nestLevels(n['value'] as JNode, target);
    if (levels === 0) continue;
    const seen = nesting.get(target) ?? { levels: 0, reported: false };
    seen.levels += levels * (passesAround.get(n) ?? 1) * (runs.get(n) ?? 1);
    nesting.set(target, seen);
    if (!seen.reported && seen.levels > MAX_TEMPLATE_NESTING) {
      seen.reported = true;
      out.push({
        where: n,
        amount: seen.levels,
        what:
          `puts a value inside new tuples or lists ${Number.isFinite(seen.levels) ? seen.levels : 'unboundedly many'} ` +
          `levels deep over the passes of its loops and the calls of its macros (hashing it recurses once per level ` +
          `on the C stack without a guard; more than ${MAX_TEMPLATE_NESTING} levels reported)`,
      });
    }
  }
  // pprint renders every sub-value's repr at each level before it decides how to wrap it: work of the value's size
  // times the levels it is nested. pprint and tojson with an indent write each item on a line indented by its level:
  // their output is the value's size times its depth, and is checked against the output bound (a loop over it runs
  // once per character of it: iterations() sizes it the same way).
  for (const n of [...all, ...indirect]) {
    if (n.type !== 'FilterExpression') continue;
    const name = filterName(n);
    if (name !== 'pprint' && name !== 'tojson' && name !== 'string') continue;
    const operand = n['operand'] as JNode;
    const items = unfolding(() => madeSize(operand, env, 0, new Set()));
    const levels = Math.max(0, nestDepth(operand, env) - 1);
    const where = standsFor.get(n) ?? n;
    const times = (passesAround.get(where) ?? 1) * (runs.get(where) ?? 1);
    if (items === 0) {
      // A value the template nests but whose items it does not make (the caller's, or ones the analysis cannot
      // size): pprint's work is its size bound times the levels.
      if (name !== 'pprint' || levels === 0) continue;
      const size = sizeOf(operand, env);
      const work = PPRINT_LEVEL_WORK * size * levels * times;
      if (work > MAX_RENDER_WORK)
        out.push({
          where: n,
          amount: work,
          what: `pretty-prints a value of up to ${size} characters nested ${levels} levels deep (pprint walks each level's whole sub-value), about ${work.toExponential(2)} units of work over the passes of its loops`,
        });
      continue;
    }
    const call = callParts(n);
    const written = serialisedSize(name, call?.args ?? [], items, levels, env);
    if (written > MAX_RENDER_OUTPUT) {
      out.push({
        where: n,
        amount: written,
        what:
          written === Infinity
            ? `writes a value by ${name} whose size cannot be bounded`
            : `writes a value of up to ${items} items nested ${levels} levels deep by ${name}: about ` +
              `${written.toExponential(2)} characters (each item on a line indented by its level)`,
      });
      continue;
    }
    const work =
      name === 'pprint'
        ? PPRINT_LEVEL_WORK * Math.max(written, 8 * items, sizeOf(operand, env)) * Math.max(1, levels) * times
        : TOJSON_CHAR_WORK * written * times;
    if (levels > 0 && work > MAX_RENDER_WORK)
      out.push({
        where: n,
        amount: work,
        what:
          name === 'pprint'
            ? `pretty-prints a value of up to ${items} items nested ${levels} levels deep (pprint walks each level's whole sub-value), about ${work.toExponential(2)} units of work over the passes of its loops`
            : `serialises a value of up to ${items} items nested ${levels} levels deep by ${name}, about ${written.toExponential(2)} characters and ${work.toExponential(2)} units of work over the passes of its loops`,
      });
  }
  for (const n of all) {
    if (n.type !== 'Set' || !inRepeat.has(n)) continue;
    const target = assignedName(n['assignee'] as JNode);
    if (!target) continue;
    // The factor by which one pass can multiply the value's size, through every operation that makes it.
    const rebound = (loopVarsAround.get(n) ?? []).includes(target);
    const factor = rebound
      ? 0
      : isNode(n['value'])
        ? growthFactor(n['value'] as JNode, target, env, macros, growthModel)
        : blockGrowthFactor(n['body'], target, env, macros, growthModel);
    const how = !isNode(n['value'])
      ? undefined
      : doubles(n['value'] as JNode, target)
        ? 'combines it with itself'
        : growth(n['value'] as JNode, target, env);
    if (how)
      out.push({
        where: n,
        amount: Infinity,
        what: `sets a value that grows by a factor on each pass of a loop (it ${how})`,
      });
    else if (factor > 1)
      out.push({
        where: n,
        amount: Infinity,
        what:
          factor === Infinity
            ? 'sets a value from its own old value through an operation whose output size is not bounded by its inputs, on each pass of a loop'
            : `sets a value that can grow by a factor of ${Number(factor.toPrecision(3))} on each pass of a loop (through the size of each operation that makes it)`,
      });
  }
  // Recursion: a macro that calls itself (directly or through others) with arguments that are not parts of its
  // own arguments (a descent into data ends; a counter the template chooses may not).
  const reach = macroReach(macros, all);
  const calls = new Map<string, { callee: string; node: JNode }[]>();
  for (const [name, m] of macros) {
    const list: { callee: string; node: JNode }[] = [];
    const st: unknown[] = [m['body']];
    while (st.length) {
      const v = st.pop();
      if (Array.isArray(v)) pushAll(st, v);
      else if (isNode(v)) {
        if (v.type === 'CallExpression' && (v['callee'] as JNode).type === 'Identifier') {
          const c = (v['callee'] as JNode)['value'] as string;
          if (macros.has(c)) list.push({ callee: c, node: v });
        }
        // A call that does not name a macro may call any macro the template uses as a value.
        if (
          v.type === 'CallExpression' &&
          !macros.has(((v['callee'] as JNode)['value'] as string) ?? '') &&
          mayCallMacroValue(v['callee'] as JNode, env)
        )
          for (const c of reach.escaped) list.push({ callee: c, node: v });
        pushAll(st, children(v));
      }
    }
    calls.set(name, list);
  }
  // `caller()` in a macro invoked by `{% call %}` calls what the call block's body calls.
  for (const [name, extra] of callerEdges(macros, all)) pushAll(calls.get(name) ?? [], extra);
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const st = [from];
    while (st.length) {
      const x = st.pop()!;
      for (const c of calls.get(x) ?? []) {
        if (c.callee === to) return true;
        if (!seen.has(c.callee)) {
          seen.add(c.callee);
          st.push(c.callee);
        }
      }
    }
    return false;
  };
  const cycleBodies = (name: string): unknown[] =>
    [...macros].filter(([m]) => m === name || (reaches(name, m) && reaches(m, name))).map(([, m]) => m['body']);
  for (const [name, list] of calls)
    for (const c of list) {
      if (c.callee !== name && !reaches(c.callee, name)) continue;
      const args = (c.node['args'] as JNode[]).map((a) =>
        a.type === 'KeywordArgumentExpression' ? (a['value'] as JNode) : a,
      );
      const counted = args.find(shrinksByCount);
      const loops = cycleBodies(name).some((body) => loopsOverTemplateValues(body, env));
      if (counted || loops)
        out.push({
          where: c.node,
          amount: Infinity,
          what:
            `macro ${name} calls itself ` +
            (counted
              ? 'with an argument it counts down or cuts (arithmetic or a slice): the template chooses how deep and how wide the recursion runs'
              : 'inside a loop over values of its own: each level multiplies the work'),
        });
    }
  // Recursive loops: `loop(items)` in the body of `{% for ... recursive %}` re-enters the loop over items. Like a
  // macro's recursion, a descent into the current item's own parts ends with the data; anything else (a value the
  // template builds, a count it cuts, a loop over its own values beside the call) chooses the depth or the width.
  for (const f of all) {
    if (f.type !== 'For') continue;
    const targets: string[] = [];
    reads(f['loopvar'], targets);
    for (const c of loopCalls(f['body'])) {
      const args = (c['args'] as JNode[]).map((a) =>
        a.type === 'KeywordArgumentExpression' ? (a['value'] as JNode) : a,
      );
      const descent = args.length === 1 && isPartOf(args[0]!, targets) && !shrinksByCount(args[0]!);
      const loops = loopsOverTemplateValues(f['body'], env);
      if (!descent || loops)
        out.push({
          where: c,
          amount: Infinity,
          what: loops
            ? 'calls loop() of a recursive loop inside a loop over values of its own: each level multiplies the work'
            : 'calls loop() of a recursive loop over values that are not parts of the current item: the template chooses how deep and how wide the recursion runs',
        });
    }
  }
  // Loop iterations: nested loops multiply, a macro called inside a loop brings its loops. Two counts from one walk:
  // every pass (each loop nest is held to the bound), and, for the whole render, the passes the template itself
  // chooses (a range's count), where a loop over the caller's list counts one pass: flat loops over the messages cost
  // what the conversation costs, once per loop written, while a macro holding a loop called many times in sequence,
  // or loops one after another, add up.
  const flagged = new Set<JNode>();
  let tooDeep = false;
  let crossedAt: JNode | undefined;
  /** Iterations under a node: nested loops multiply; the walk between loops is iterative. */
  const walkCost = (stated: boolean): ((root: unknown, depth: number) => number) => {
    const macroCost = macroMemo(macros, reach, (body, depth) => costOf(body, depth));
    const costOf = (root: unknown, depth: number): number => {
      if (depth > MAX_NESTING) {
        tooDeep = true;
        return Infinity;
      }
      let own = 0;
      const st: unknown[] = [root];
      while (st.length) {
        const n = st.pop();
        if (Array.isArray(n)) {
          pushAll(st, n);
          continue;
        }
        if (!isNode(n) || n.type === 'Macro') continue;
        // Each word lipsum() draws is a pass of its generator's loop.
        if (!stated && isLipsumCall(n, env)) own += lipsumWords(n, env);
        const called = macroCost(n, depth);
        if (called !== undefined) {
          own += called;
          if (stated && depth === 0 && own > MAX_RENDER_ITERATIONS) crossedAt ??= n;
        }
        if (n.type === 'For') {
          const iterable = n['iterable'] as JNode;
          const times = stated && isRequestList(iterable, env) ? 1 : iterations(iterable, env);
          const body = costOf(n['body'], depth + 1);
          // A pass costs the passes of the loops it holds, or one when it holds none.
          const total = times * Math.max(1, body) + costOf(n['defaultBlock'], depth + 1) + costOf(iterable, depth + 1);
          if (!stated && times > 1 && total > MAX_RENDER_ITERATIONS && !flagged.has(n)) {
            flagged.add(n);
            out.push({
              where: n,
              amount: total,
              what:
                times === Infinity
                  ? 'loops over range() of a count the template computes and that cannot be bounded'
                  : `runs an estimated ${total >= 1e15 ? total.toExponential(2) : total} loop iterations`,
            });
          }
          own += total;
          if (stated && depth === 0 && own > MAX_RENDER_ITERATIONS) crossedAt ??= n;
          continue;
        }
        pushAll(st, children(n));
      }
      return own;
    };
    return costOf;
  };
  walkCost(false)(program, 0);
  const whole = flagged.size === 0 && !tooDeep ? walkCost(true)(program, 0) : 0;
  if (whole > MAX_RENDER_ITERATIONS && crossedAt !== undefined)
    out.push({
      where: crossedAt,
      amount: whole,
      what: `runs an estimated ${whole >= 1e15 ? whole.toExponential(2) : whole} loop iterations in all (loops and macro calls one after another)`,
    });
  // Output summed over loop passes: what the template writes in a loop body, times its passes (nested loops
  // multiply, a macro called in a loop brings its output, a value accumulated in a loop counts what each pass adds).
  const macroOut = macroMemo(macros, reach, (body, depth) => outOf(body, depth));
  const outFlagged = new Set<JNode>();
  const emitted = (e: JNode, depth: number): number => {
    let size = ownOutput(e, env);
    // Macro calls inside the expression bring the macro's output.
    const st: unknown[] = [e];
    while (st.length) {
      const v = st.pop();
      if (Array.isArray(v)) st.push(...v);
      else if (isNode(v)) {
        size += macroOut(v, depth) ?? 0;
        st.push(...children(v));
      }
    }
    return size;
  };
  const STATEMENTS = new Set(['Macro', 'Comment', 'Break', 'Continue']);
  const outOf = (body: unknown, depth: number): number => {
    if (depth > MAX_NESTING || !Array.isArray(body)) return 0;
    let total = 0;
    for (const n of body as unknown[]) {
      if (!isNode(n) || STATEMENTS.has(n.type)) continue;
      switch (n.type) {
        case 'For': {
          const times = iterations(n['iterable'] as JNode, env);
          const loopOut = times * outOf(n['body'], depth + 1) + outOf(n['defaultBlock'], depth + 1);
          if (times > 1 && loopOut > MAX_RENDER_OUTPUT && !outFlagged.has(n)) {
            outFlagged.add(n);
            out.push({
              where: n,
              amount: loopOut,
              what: `writes an estimated ${loopOut >= 1e15 ? loopOut.toExponential(2) : loopOut} characters of its own over the passes of its loops`,
            });
          }
          total += loopOut;
          break;
        }
        case 'If':
          total += outOf(n['body'], depth + 1) + outOf(n['alternate'], depth + 1);
          break;
        case 'Set': {
          // A value accumulated from its own old value counts what each pass adds.
          const t = n['assignee'] as JNode;
          const target =
            t.type === 'Identifier'
              ? (t['value'] as string)
              : t.type === 'MemberExpression' && !t['computed']
                ? `.${(t['property'] as JNode)['value'] as string}`
                : '';
          const value = n['value'];
          if (target && isNode(value)) {
            const r: string[] = [];
            reads(value, r);
            if (r.includes(target)) total += emitted(value, depth);
          }
          break;
        }
        case 'CallStatement':
          total += emitted(n['call'] as JNode, depth) + outOf(n['body'], depth + 1);
          break;
        case 'FilterStatement':
          total += outOf(n['body'], depth + 1);
          break;
        default:
          total += emitted(n, depth);
      }
    }
    return total;
  };
  outOf(program['body'], 0);
  builtStructures(all, env, out);
  callerContent(program, env, macros, out);
  // CPU work of each call, by its operands' sizes, over the passes of the loops around it.
  pushAll(out, renderWork(program, env, macros, growthModel));
  if (tooDeep)
    out.push({
      where: program,
      amount: Infinity,
      what: `nests loops and macro calls more than ${MAX_NESTING} deep, beyond what this analysis bounds`,
    });
  return out.map((o) => ({ ...o, where: standsFor.get(o.where) ?? o.where }));
}

/**
 * The caller's content a render writes: `fixed` characters, plus for each loop variable (or macro parameter) in scope
 * the number of times a part of its value is written (`parts`), resolved where its loop or call is: the parts a loop
 * writes over all its passes are together at most what its iterable holds, so writing each message's content once
 * per message is linear in the request, and writing the whole request (or one message) once per message is not.
 */
interface Written {
  fixed: number;
  parts: Map<string, number>;
}

const NOTHING = (): Written => ({ fixed: 0, parts: new Map() });
const FIXED = (n: number): Written => ({ fixed: n, parts: new Map() });

function addInto(to: Written, w: Written, times = 1): void {
  to.fixed += times * w.fixed;
  for (const [k, c] of w.parts) to.parts.set(k, (to.parts.get(k) ?? 0) + times * c);
}

function maxOf(a: Written, b: Written): Written {
  const r: Written = { fixed: Math.max(a.fixed, b.fixed), parts: new Map(a.parts) };
  for (const [k, c] of b.parts) r.parts.set(k, Math.max(r.parts.get(k) ?? 0, c));
  return r;
}

/** Filters and methods whose result holds none of the operand's text (numbers, booleans, tests). */
const NO_TEXT_CALLS: ReadonlySet<string> = new Set([
  ...NUMBER_FILTERS,
  'startswith',
  'endswith',
  'isdigit',
  'isalpha',
  'isspace',
  'islower',
  'isupper',
  'find',
  'rfind',
  'index',
]);

/** Whether an expression reads variable `key`, or namespace attribute `.name` when key is one (not a property name). */
function readsItself(root: unknown, key: string): boolean {
  const st: unknown[] = [root];
  while (st.length) {
    const v = st.pop();
    if (Array.isArray(v)) pushAll(st, v);
    else if (isNode(v)) {
      if (v.type === 'Identifier' && v['value'] === key) return true;
      if (v.type === 'MemberExpression' && !v['computed']) {
        if (key === '.' + ((v['property'] as JNode)['value'] as string)) return true;
        st.push(v['object']);
        continue;
      }
      pushAll(st, children(v));
    }
  }
  return false;
}

/**
 * Expressions the caller-content estimate evaluates at most (a value defined from another twice over, level after
 * level, is evaluated once per path); past it the estimate stops and the template is a finding.
 */
const CALLER_CONTENT_STEPS = 200_000;

/** Index of the parts `loop.*` of the innermost loop reads, as a key of `Written.parts`. */
const LOOP_INDEX = '#index:';

/** A test that holds on one pass of the innermost loop at most (`loop.first`, `loop.last`, `loop.index0 == 0`). */
function oncePerLoop(test: unknown): boolean {
  if (!isNode(test)) return false;
  const isLoop = (n: unknown, props: readonly string[]): boolean =>
    isNode(n) &&
    n.type === 'MemberExpression' &&
    !n['computed'] &&
    isNode(n['object']) &&
    (n['object'] as JNode).type === 'Identifier' &&
    (n['object'] as JNode)['value'] === 'loop' &&
    props.includes((n['property'] as JNode)['value'] as string);
  if (isLoop(test, ['first', 'last'])) return true;
  if (test.type !== 'BinaryExpression') return false;
  const op = (test['operator'] as { value?: string })?.value;
  if (op === 'and') return oncePerLoop(test['left']) || oncePerLoop(test['right']);
  if (op !== '==') return false;
  const counters = ['index', 'index0', 'revindex', 'revindex0'];
  const l = test['left'];
  const r = test['right'];
  return (
    (isLoop(l, counters) && isNode(r) && intOf(r) !== undefined) ||
    (isLoop(r, counters) && isNode(l) && intOf(l) !== undefined)
  );
}

/**
 * Reports loops that write more than MAX_RENDER_OUTPUT characters of the caller's content at the request bounds
 * (DATA_REQUEST in all, DATA_CHARS in one string): the whole request or one fixed entry written once per pass, the
 * items of a loop written once per pass of a loop nested in it, a value accumulated from the items written per pass.
 */
function callerContent(program: JNode, env: FoldEnv, macros: ReadonlyMap<string, JNode>, out: CostSignal[]): void {
  const macroForms = new Map<string, Written>();
  const visiting = new Set<string>();
  const flagged = new Set<JNode>();
  interface Ctx {
    /** Loop variables and macro parameters whose parts are charged where they are bound. */
    readonly active: ReadonlySet<string>;
    /** The innermost loop's key for writes indexed by its counter, and its collector of once-per-loop writes. */
    readonly loopKey?: string;
    readonly once?: Written;
    /** What the loop variables in scope range over (an accumulated value holds all of it). */
    readonly iterables: ReadonlyMap<string, Written>;
    /**
     * Values set earlier in the loop body being walked (a variable, or a namespace attribute as `.name`): what one
     * pass writes when it writes the value, and what it writes only on the one pass a once-per-loop test admits.
     */
    readonly locals: Map<string, Local>;
    /** Inside an `if` the innermost loop runs on one pass at most. */
    readonly inOnce: boolean;
    /** The innermost loop's variables, and the namespace attributes the pass enclosing it had set afresh. */
    readonly loopVars: readonly string[];
    readonly outerFresh: ReadonlySet<string>;
  }
  /** A value set in the walk: per pass, on the once-per-loop pass, and whether this loop body set it already. */
  interface Local {
    every: Written;
    once: Written;
    fresh: boolean;
  }
  let loopIds = 0;

  /** A value bound in the loop body: its per-pass part, and its once-per-loop part charged where the loop is. */
  const local = (key: string, ctx: Ctx): Written | undefined => {
    const l = ctx.locals.get(key);
    if (!l) return undefined;
    const r: Written = { fixed: l.every.fixed, parts: new Map(l.every.parts) };
    if (ctx.once) addInto(ctx.once, l.once);
    else addInto(r, l.once);
    return r;
  };

  /** Parts of loop variables replaced by all their loop ranges over (a value accumulated over the passes). */
  const whole = (w: Written, ctx: Ctx, innermost: boolean): Written => {
    const r: Written = { fixed: w.fixed, parts: new Map() };
    for (const [k, c] of w.parts) {
      if (innermost && !ctx.loopVars.includes(k)) {
        r.parts.set(k, c);
        continue;
      }
      const it = ctx.iterables.get(k);
      if (it) addInto(r, it, c);
      else if (k.startsWith(LOOP_INDEX)) addInto(r, FIXED(DATA_REQUEST), c);
      else r.parts.set(k, c);
    }
    return r;
  };

  let steps = 0;
  /** Caller content one evaluation of an expression writes. */
  const written = (e: unknown, ctx: Ctx, seen: Set<string>, depth: number): Written => {
    if (!isNode(e) || depth > MAX_NESTING || ++steps > CALLER_CONTENT_STEPS) return NOTHING();
    const rec = (x: unknown): Written => written(x, ctx, seen, depth + 1);
    switch (e.type) {
      case 'Identifier': {
        const name = e['value'] as string;
        if (ctx.active.has(name)) return { fixed: 0, parts: new Map([[name, 1]]) };
        const bound = seen.has(name) ? undefined : local(name, ctx);
        if (bound) return bound;
        const defs = env.vars.get(name);
        if (!defs) {
          if (RENDERER_GLOBALS.has(name) || /_tokens?$/.test(name) || name === 'true' || name === 'false')
            return NOTHING();
          // A value the caller passes: a list of the request or a string in it.
          return FIXED(REQUEST_LISTS.has(name) ? DATA_REQUEST : DATA_CHARS);
        }
        if (seen.has(name)) return NOTHING();
        seen.add(name);
        let r = NOTHING();
        for (const d of defs)
          r = maxOf(
            r,
            d.kind === 'value' || d.kind === 'iter'
              ? written(d.node, ctx, seen, depth + 1)
              : d.kind === 'unknown'
                ? FIXED(DATA_REQUEST)
                : NOTHING(),
          );
        seen.delete(name);
        return r;
      }
      case 'MemberExpression': {
        let cur: JNode = e;
        const indexes: JNode[] = [];
        for (let i = 0; i < MAX_NESTING && cur.type === 'MemberExpression'; i++) {
          if (cur['computed'] && isNode(cur['property'])) indexes.push(cur['property'] as JNode);
          cur = cur['object'] as JNode;
        }
        if (cur.type === 'Identifier') {
          const root = cur['value'] as string;
          if (root === 'loop') return NOTHING();
          if (ctx.active.has(root)) return { fixed: 0, parts: new Map([[root, 1]]) };
          if (!env.vars.has(root) && !RENDERER_GLOBALS.has(root)) {
            // An entry of a caller list picked by the pass's own counter: the entries the passes pick are distinct.
            for (const ix of indexes) {
              const r: string[] = [];
              reads(ix, r);
              const byLoop = r.includes('loop') && ctx.loopKey;
              const byVar = r.find((x) => ctx.active.has(x));
              if (byLoop) return { fixed: 0, parts: new Map([[LOOP_INDEX + ctx.loopKey, 1]]) };
              if (byVar) return { fixed: 0, parts: new Map([[LOOP_INDEX + byVar, 1]]) };
            }
            return FIXED(indexes.length || e !== cur ? DATA_CHARS : DATA_REQUEST);
          }
          if (env.vars.has(root) && !e['computed'] && env.attrs.has((e['property'] as JNode)['value'] as string)) {
            // A namespace attribute: what it was set to.
            const prop = e['property'] as JNode;
            if (!e['computed'] && prop.type === 'Identifier') {
              const key = '.' + (prop['value'] as string);
              const bound = seen.has(key) ? undefined : local(key, ctx);
              if (bound) return bound;
              const defs = env.attrs.get(prop['value'] as string);
              if (!defs || seen.has(key)) return NOTHING();
              seen.add(key);
              let r = NOTHING();
              for (const d of defs) r = maxOf(r, d.kind === 'value' ? rec(d.node) : FIXED(DATA_REQUEST));
              seen.delete(key);
              return r;
            }
            return NOTHING();
          }
        }
        return rec(cur);
      }
      case 'BinaryExpression': {
        const o = (e['operator'] as { value?: string } | undefined)?.value;
        if (o === '~' || o === '+') {
          const r = rec(e['left']);
          addInto(r, rec(e['right']));
          return r;
        }
        if (o === '*') {
          const lc = intValue(e['left'] as JNode, env);
          const rc = intValue(e['right'] as JNode, env);
          const [count, seq] = lc !== undefined && rc === undefined ? [lc, e['right']] : [rc, e['left']];
          if (count === undefined) return NOTHING();
          const r = NOTHING();
          addInto(r, rec(seq), typeof count === 'number' ? Math.max(0, count) : magnitude(count));
          return r;
        }
        return NOTHING();
      }
      case 'Ternary':
        if (ctx.once && oncePerLoop(e['condition'])) {
          addInto(ctx.once, rec(e['trueExpr']));
          return rec(e['falseExpr']);
        }
        return maxOf(rec(e['trueExpr']), rec(e['falseExpr']));
      case 'ArrayLiteral':
      case 'TupleLiteral': {
        const r = NOTHING();
        for (const x of e['value'] as unknown[]) addInto(r, rec(x));
        return r;
      }
      case 'ObjectLiteral': {
        const r = NOTHING();
        for (const [k, v] of e['value'] as Map<unknown, unknown>) {
          addInto(r, rec(k));
          addInto(r, rec(v));
        }
        return r;
      }
      case 'CallExpression': {
        const callee = e['callee'] as JNode;
        if (callee.type === 'Identifier') {
          const name = callee['value'] as string;
          const m = macros.get(name);
          if (!m) return NOTHING();
          const form = macroForm(name, m);
          const r: Written = { fixed: form.fixed, parts: new Map() };
          const params = (m['args'] as JNode[]).map(
            (a) => ((a.type === 'KeywordArgumentExpression' ? a['key'] : a) as JNode)['value'] as string,
          );
          let i = 0;
          const given = new Map<string, JNode>();
          for (const a of e['args'] as JNode[])
            if (a.type === 'KeywordArgumentExpression')
              given.set((a['key'] as JNode)['value'] as string, a['value'] as JNode);
            else if (i < params.length) given.set(params[i++]!, a);
          for (const [k, c] of form.parts) {
            const arg =
              given.get(k) ??
              (m['args'] as JNode[]).find(
                (a) => a.type === 'KeywordArgumentExpression' && (a['key'] as JNode)['value'] === k,
              )?.['value'];
            if (params.includes(k)) addInto(r, arg ? rec(arg) : NOTHING(), c);
            else addInto(r, FIXED(DATA_REQUEST), c);
          }
          return r;
        }
        const call = callParts(e);
        if (call) return NO_TEXT_CALLS.has(call.name) ? NOTHING() : rec(call.operand);
        return NOTHING();
      }
      case 'FilterExpression': {
        const call = callParts(e);
        if (!call) return rec(e['operand']);
        if (NO_TEXT_CALLS.has(call.name)) return NOTHING();
        const r = rec(call.operand);
        if (call.name === 'default' || call.name === 'd') for (const a of call.args) addInto(r, rec(a));
        return r;
      }
      default:
        return NOTHING();
    }
  };

  const macroForm = (name: string, m: JNode): Written => {
    const known = macroForms.get(name);
    if (known) return known;
    if (visiting.has(name)) return NOTHING();
    visiting.add(name);
    const params = (m['args'] as JNode[]).map(
      (a) => ((a.type === 'KeywordArgumentExpression' ? a['key'] : a) as JNode)['value'] as string,
    );
    const form = block(
      m['body'],
      {
        active: new Set(params),
        iterables: new Map(),
        locals: new Map(),
        inOnce: false,
        loopVars: [],
        outerFresh: new Set(),
      },
      1,
    );
    visiting.delete(name);
    macroForms.set(name, form);
    return form;
  };

  /** Caller content one run of a list of statements writes. */
  const block = (body: unknown, ctx: Ctx, depth: number): Written => {
    const total = NOTHING();
    if (!Array.isArray(body) || depth > MAX_NESTING) return total;
    for (const n of body as unknown[]) {
      if (!isNode(n)) continue;
      switch (n.type) {
        case 'Macro':
        case 'Comment':
        case 'Break':
        case 'Continue':
          break;
        case 'Set': {
          const t = n['assignee'] as JNode;
          const key =
            t.type === 'Identifier'
              ? (t['value'] as string)
              : t.type === 'MemberExpression' && !t['computed'] && isNode(t['property'])
                ? '.' + ((t['property'] as JNode)['value'] as string)
                : '';
          if (!key || !isNode(n['value']) || ctx.locals === undefined) break;
          // Evaluated where the set stands, reading the values set before it.
          const once = NOTHING();
          let form = written(n['value'], { ...ctx, once }, new Set(), 0);
          addInto(form, once);
          // Only a namespace attribute keeps its value from one pass to the next (a plain variable set in a loop
          // body starts each pass anew in jinja2), so only an attribute read from itself accumulates.
          // An attribute this pass set already is read from this pass, not from the ones before.
          // It accumulates over the passes of the loops that do not set it afresh: the innermost one when the pass
          // of the loop around it does, else all of them.
          if (key.startsWith('.') && readsItself(n['value'], key) && !ctx.locals.get(key)?.fresh)
            form = whole(form, ctx, ctx.outerFresh.has(key));
          const v = n['value'] as JNode;
          if (
            v.type === 'CallExpression' &&
            (v['callee'] as JNode).type === 'Identifier' &&
            (v['callee'] as JNode)['value'] === 'namespace' &&
            !env.vars.has('namespace')
          )
            for (const a of v['args'] as JNode[])
              if (a.type === 'KeywordArgumentExpression')
                ctx.locals.set('.' + ((a['key'] as JNode)['value'] as string), {
                  every: written(a['value'], ctx, new Set(), 0),
                  once: NOTHING(),
                  fresh: !ctx.inOnce,
                });
          const prev = ctx.locals.get(key) ?? { every: NOTHING(), once: NOTHING(), fresh: false };
          ctx.locals.set(
            key,
            ctx.inOnce
              ? { every: prev.every, once: form, fresh: prev.fresh }
              : { every: form, once: NOTHING(), fresh: true },
          );
          break;
        }
        case 'For': {
          const times = iterations(n['iterable'] as JNode, env);
          const vars: string[] = [];
          reads(n['loopvar'], vars);
          const key = `${loopIds++}`;
          const once = NOTHING();
          const iterable = written(n['iterable'], ctx, new Set(), 0);
          const iterables = new Map(ctx.iterables);
          for (const v of vars) iterables.set(v, iterable);
          const inner: Ctx = {
            active: new Set([...ctx.active, ...vars]),
            loopKey: key,
            once,
            iterables,
            locals: new Map([...ctx.locals].map(([k, l]) => [k, { ...l, fresh: false }])),
            inOnce: false,
            loopVars: [...vars, LOOP_INDEX + key, ...vars.map((v) => LOOP_INDEX + v)],
            outerFresh: new Set([...ctx.locals].filter(([, l]) => l.fresh).map(([k]) => k)),
          };
          const pass = block(n['body'], inner, depth + 1);
          // A namespace attribute set in the loop keeps its last value after it (at most what the loop ranged over).
          for (const [k, l] of inner.locals) {
            if (!k.startsWith('.') || !l.fresh) continue;
            const prev = ctx.locals.get(k);
            const after = whole(l.every, inner, !!prev?.fresh);
            addInto(after, whole(l.once, inner, !!prev?.fresh));
            ctx.locals.set(k, {
              every: prev ? maxOf(prev.every, after) : after,
              once: prev?.once ?? NOTHING(),
              fresh: prev?.fresh ?? false,
            });
          }
          const loopOut = NOTHING();
          for (const w of [pass, once]) {
            const own: Written = { fixed: w.fixed, parts: new Map() };
            for (const [k, c] of w.parts) {
              if (vars.includes(k)) addInto(loopOut, iterable, c);
              else if (k === LOOP_INDEX + key || vars.some((v) => k === LOOP_INDEX + v))
                addInto(loopOut, FIXED(DATA_REQUEST), c);
              else own.parts.set(k, c);
            }
            addInto(loopOut, own, w === pass ? times : 1);
          }
          addInto(loopOut, block(n['defaultBlock'], ctx, depth + 1));
          if (times > 1 && loopOut.fixed > MAX_RENDER_OUTPUT && !flagged.has(n)) {
            flagged.add(n);
            out.push({
              where: n,
              amount: loopOut.fixed,
              what: `writes the caller's content again on each pass of its loops (for ${printNode(n['loopvar'] as JNode)} in ${printNode(n['iterable'] as JNode).slice(0, 80)}): an estimated ${loopOut.fixed.toExponential(2)} characters for a request of ${DATA_REQUEST} (the whole request or one of its entries written once per pass, or an item written once per pass of a loop nested in its own)`,
            });
          }
          addInto(total, loopOut);
          break;
        }
        case 'If': {
          // Each branch sets values on its own; after the if a value is what either branch (or neither) left.
          const guarded = !!ctx.once && oncePerLoop(n['test']);
          const inBody: Ctx = { ...ctx, locals: new Map(ctx.locals), inOnce: ctx.inOnce || guarded };
          const inAlt: Ctx = { ...ctx, locals: new Map(ctx.locals) };
          const body = block(n['body'], inBody, depth + 1);
          if (guarded) addInto(ctx.once!, body);
          else addInto(total, body);
          addInto(total, block(n['alternate'], inAlt, depth + 1));
          for (const k of new Set([...inBody.locals.keys(), ...inAlt.locals.keys()])) {
            const b = inBody.locals.get(k);
            const a = inAlt.locals.get(k);
            if (b === undefined || a === undefined) {
              ctx.locals.set(k, (b ?? a)!);
              continue;
            }
            ctx.locals.set(k, {
              every: maxOf(b.every, a.every),
              once: maxOf(b.once, a.once),
              fresh: b.fresh && a.fresh,
            });
          }
          break;
        }
        case 'CallStatement':
          addInto(total, written(n['call'], ctx, new Set(), 0));
          addInto(total, block(n['body'], ctx, depth + 1));
          break;
        case 'FilterStatement':
          addInto(total, block(n['body'], ctx, depth + 1));
          break;
        default:
          addInto(total, written(n, ctx, new Set(), 0));
      }
    }
    return total;
  };
  block(
    program['body'],
    { active: new Set(), iterables: new Map(), locals: new Map(), inOnce: false, loopVars: [], outerFresh: new Set() },
    0,
  );
  if (steps > CALLER_CONTENT_STEPS)
    out.push({
      where: program,
      amount: Infinity,
      what: `defines values through more steps than the analysis follows (${CALLER_CONTENT_STEPS}), so what its loops write of the caller's content is not bounded`,
    });
}

/** Items a value the template builds may hold, its shared parts counted each time they are reached, above which it is a finding. */
export const MAX_BUILT_ITEMS = 1 << 24;

/**
 * Values the template builds from list, tuple and dict literals whose expanded form is larger than MAX_BUILT_ITEMS:
 * `{% set a1 = [a0, a0] %}` forty times over is 80 objects, but writing it, converting it to text (`safe`, a
 * namespace's string form), walking it with a recursive loop or a macro, or comparing it visits 2^40 items, each part
 * once per path that reaches it. Published templates build small lists of names and roles; a value of this size has
 * no use but that cost, wherever it is used, so its definition is the finding.
 */
function builtStructures(all: readonly JNode[], env: FoldEnv, out: CostSignal[]): void {
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  /** Items of `n`'s expanded form (a value that is not a literal container counts one). */
  const items = (n: JNode, depth: number): number => {
    if (depth > MAX_NESTING) return Infinity;
    switch (n.type) {
      case 'ArrayLiteral':
      case 'TupleLiteral': {
        let t = 1;
        for (const e of n['value'] as JNode[]) t += items(e, depth + 1);
        return t;
      }
      case 'ObjectLiteral': {
        let t = 1;
        const entries = n['value'];
        const pairs: unknown[] =
          entries instanceof Map ? [...entries.entries()] : Array.isArray(entries) ? entries : [];
        for (const pair of pairs)
          for (const part of Array.isArray(pair) ? pair : [pair]) if (isNode(part)) t += items(part, depth + 1);
        return t;
      }
      case 'Identifier': {
        const name = n['value'] as string;
        const known = memo.get(name);
        if (known !== undefined) return known;
        const defs = env.vars.get(name);
        if (!defs || visiting.has(name)) return 1;
        visiting.add(name);
        let max = 1;
        for (const d of defs) if (d.kind === 'value') max = Math.max(max, items(d.node, depth + 1));
        visiting.delete(name);
        memo.set(name, max);
        return max;
      }
      case 'BinaryExpression': {
        const o = (n['operator'] as { value?: string } | undefined)?.value;
        if (o === '+') return items(n['left'] as JNode, depth + 1) + items(n['right'] as JNode, depth + 1);
        if (o === '*') {
          const lc = intValue(n['left'] as JNode, env);
          const rc = intValue(n['right'] as JNode, env);
          const [count, seq] = lc !== undefined && rc === undefined ? [lc, n['right']] : [rc, n['left']];
          const k = count === undefined ? 1 : Math.max(1, typeof count === 'number' ? count : magnitude(count));
          return k * items(seq as JNode, depth + 1);
        }
        return 1;
      }
      case 'KeywordArgumentExpression':
        return isNode(n['value']) ? items(n['value'] as JNode, depth + 1) : 1;
      case 'CallExpression': {
        // namespace(k=v) and dict(k=v) hold their arguments.
        const c = n['callee'] as JNode;
        if (
          c.type === 'Identifier' &&
          (c['value'] === 'namespace' || c['value'] === 'dict') &&
          !env.vars.has(c['value'] as string)
        ) {
          let t = 1;
          for (const a of n['args'] as JNode[]) t += items(a, depth + 1);
          return t;
        }
        return 1;
      }
      default:
        return 1;
    }
  };
  for (const n of all) {
    if (n.type !== 'Set' || !isNode(n['value'])) continue;
    const size = items(n['value'] as JNode, 0);
    if (size > MAX_BUILT_ITEMS)
      out.push({
        where: n,
        amount: size,
        what: `builds a value whose expanded form holds about ${size.toExponential(2)} items (${printNode(n['assignee'] as JNode).slice(0, 40)}: parts shared by reference count each time they are reached), which writing it, converting it to text or walking it visits in full`,
      });
  }
}
