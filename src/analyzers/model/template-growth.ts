// Two measures of a chat template's render cost that follow every operation rather than a list of spellings.
//
// Growth: for a value set from its own old value (in a loop, a macro or a block set), the factor by which its size can
// grow on one pass. Each operation has a size transfer function over all its operands: `~`/`+` add, `*` multiplies
// by a stated count, a list literal sums its items, a filter or method scales its operand by its worst-case expansion
// (JSON escaping writes up to 6 characters per character, HTML escaping 5, percent-encoding 12 — four UTF-8 bytes of
// 3 —, a case mapping 3, the string form of a list 8 per one-character item, a replace the ratio of its replacement to
// its pattern, wordwrap one wrap string per width), a format string adds each field's argument once per field that
// reads it, and a macro call adds each argument once per place its body writes the parameter. An operation with no
// transfer function makes the size unknown. A factor above one, or an unknown one, fed back through a loop is a
// finding: forty passes of a doubling are 2^40 characters.
//
// Work: every filter and method call, membership test and repetition is charged its CPU cost as a function of its
// operands' sizes (linear by default; quadratic where the implementation is: wordwrap slices a long word once per
// line, striptags' regex rescans from every unclosed comment), times the passes of the loops around it, against a
// budget of MAX_RENDER_WORK. The weights are CPython + jinja2 figures measured per character or item, in units of
// about 4 ns (a str.count scan). A caller value that is a part of the item a loop over the request visits is charged
// once over that loop's passes: the parts together are at most the request. A value gathered from its own old value
// (`ns.s = ns.s ~ x`, `ns.l = ns.l + [x]`) is copied whole by each pass: each such `set` is charged its passes times
// the size the value reaches over the loops it gathers over (quadratic in the passes).
import { foldString, intOf, type Def, type FoldEnv } from './template-fold.js';
import { formatSpecSize } from './template-format-size.js';
import { callArg, children, isNode, keywordArg, type JNode } from './template-print.js';

/** Work units (about 4 ns of CPython each) one render may cost before a template is a finding (about 20 s at the measured rates; a hostile spelling costs orders of magnitude more). */
export const MAX_RENDER_WORK = 5_000_000_000;

type IntValue = number | 'data' | 'entries' | undefined;

/** The render cost model's own measures, passed in so that both read the template the same way. */
export interface GrowthModel {
  readonly dataChars: number;
  readonly dataEntries: number;
  readonly dataRequest: number;
  readonly maxNesting: number;
  intValue(n: JNode, env: FoldEnv): IntValue;
  sizeOf(n: JNode, env: FoldEnv): number;
  iterations(n: JNode, env: FoldEnv): number;
  isRequestList(n: JNode, env: FoldEnv): boolean;
  callParts(n: JNode): { operand: JNode; name: string; args: JNode[] } | undefined;
  /** The most distinct values sharing one CPython hash that a value may hold as items or dict keys. */
  collidingItems(n: JNode, env: FoldEnv): number;
  /** A call that builds a dict from its argument's items (dict(), dict.fromkeys(), namespace()), else undefined. */
  dictBuild(n: JNode, env: FoldEnv): object | undefined;
}

const op = (n: JNode): string | undefined => (n['operator'] as { value?: string } | undefined)?.value;

/** Operations whose result is at most the size of its operand (a part, a view, a reordering, a trim, a number). */
const NO_GROWTH: ReadonlySet<string> = new Set([
  // parts and views
  'first',
  'last',
  'list',
  'reverse',
  'sort',
  'unique',
  'select',
  'reject',
  'selectattr',
  'rejectattr',
  'groupby',
  'dictsort',
  'items',
  'keys',
  'values',
  'min',
  'max',
  'random',
  'slice',
  'batch',
  'split',
  'rsplit',
  'splitlines',
  'partition',
  'rpartition',
  'get',
  'pop',
  'attr',
  'sum',
  'safe',
  'trim',
  'strip',
  'lstrip',
  'rstrip',
  'removeprefix',
  'removesuffix',
  'striptags',
  'truncate',
  'default',
  'd',
  'map',
  // padding to a width: the width is additive and bounded where it is written
  'center',
  'ljust',
  'rjust',
  'zfill',
  // numbers, booleans and tests
  'length',
  'count',
  'int',
  'float',
  'abs',
  'round',
  'wordcount',
  'filesizeformat',
  'find',
  'rfind',
  'index',
  'rindex',
  'startswith',
  'endswith',
  'isdigit',
  'isalpha',
  'isalnum',
  'isspace',
  'islower',
  'isupper',
  'istitle',
  'isnumeric',
  'isdecimal',
  'isidentifier',
  'isprintable',
]);

/** Calls whose argument is a width or a count. */
const PADDING: ReadonlySet<string> = new Set(['center', 'ljust', 'rjust', 'zfill', 'truncate', 'batch', 'slice']);

/** Operations that write each character of the operand as at most k characters. */
const EXPANSION: ReadonlyMap<string, number> = new Map([
  ['upper', 3],
  ['lower', 3],
  ['title', 3],
  ['capitalize', 3],
  ['swapcase', 3],
  ['casefold', 3],
  ['escape', 5],
  ['e', 5],
  ['forceescape', 5],
  ['tojson', 6],
  ['urlencode', 12],
  ['string', 8],
  ['pprint', 8],
  ['xmlattr', 8],
  ['urlize', 8],
]);

/** Replacement fields of a str.format string: how often each positional index or keyword is read (auto-numbered). */
function formatFieldUses(s: string): Map<number | string, number> | undefined {
  const uses = new Map<number | string, number>();
  let auto = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if ((c === '{' || c === '}') && s[i + 1] === c) {
      i++;
      continue;
    }
    if (c !== '{') continue;
    let j = i + 1;
    let depth = 1;
    while (j < s.length && depth > 0) {
      if (s[j] === '{') depth++;
      else if (s[j] === '}') depth--;
      j++;
    }
    const field = s.slice(i + 1, j - 1);
    const name = field.split(/[.[!:]/)[0]!;
    const key: number | string = name === '' ? auto++ : /^\d+$/.test(name) ? Number(name) : name;
    const conv = /![ra]/.test(field) ? 4 : 1;
    uses.set(key, (uses.get(key) ?? 0) + conv);
    // A field nested in the spec reads its argument as a width: bounded where it is written.
    if (/\{/.test(field.slice(name.length))) return undefined;
    i = j - 1;
  }
  return uses;
}

/** %-format specs: each consumes one positional argument; %r and %a write its repr (up to 4 per character). */
function percentUses(s: string): { positional: number[]; named: Map<string, number> } {
  const positional: number[] = [];
  const named = new Map<string, number>();
  for (const m of s.matchAll(/%(\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([diouxXeEfFgGcrsa%])/g)) {
    if (m[4] === '%') continue;
    const k = m[4] === 'r' || m[4] === 'a' ? 4 : 1;
    if (m[1]) named.set(m[1].slice(1, -1), (named.get(m[1].slice(1, -1)) ?? 0) + k);
    else {
      if (m[2] === '*') positional.push(0);
      if (m[3] === '*') positional.push(0);
      positional.push(k);
    }
  }
  return { positional, named };
}

/**
 * The factor by which the size of `value` can exceed the size of `target` (a variable, or `.name` for a namespace
 * attribute) through the operations that make it: 0 when it does not read the target, Infinity when an operation
 * without a transfer function is applied to something that does.
 */
export function growthFactor(
  value: JNode,
  target: string,
  env: FoldEnv,
  macros: ReadonlyMap<string, JNode>,
  m: GrowthModel,
): number {
  const following = new Set<string>();
  const macroVisiting = new Set<string>();
  const memo = new Map<string, number>();

  const ofName = (key: string, defs: readonly { kind: string; node?: JNode }[] | undefined, b: Bindings): number => {
    if (key === target) return 1;
    const bound = b.get(key);
    if (bound !== undefined) return bound;
    if (!defs || following.has(key)) return 0;
    const known = b.size === 0 ? memo.get(key) : undefined;
    if (known !== undefined) return known;
    following.add(key);
    let f = 0;
    for (const d of defs) if (d.node && (d.kind === 'value' || d.kind === 'iter')) f = Math.max(f, rec(d.node, b, 0));
    following.delete(key);
    if (b.size === 0) memo.set(key, f);
    return f;
  };

  type Bindings = ReadonlyMap<string, number>;

  const rec = (n: unknown, b: Bindings, depth: number): number => {
    if (!isNode(n)) return 0;
    if (depth > m.maxNesting) return Infinity;
    const r = (x: unknown): number => rec(x, b, depth + 1);
    switch (n.type) {
      case 'StringLiteral':
      case 'IntegerLiteral':
      case 'FloatLiteral':
      case 'BooleanLiteral':
      case 'NullLiteral':
        return 0;
      case 'Identifier': {
        const name = n['value'] as string;
        return ofName(name, env.vars.get(name), b);
      }
      case 'MemberExpression': {
        const obj = r(n['object']);
        const prop = n['property'] as JNode;
        if (!n['computed'] && isNode(prop) && prop.type === 'Identifier') {
          const key = '.' + (prop['value'] as string);
          const attrDefs = env.attrs.get(prop['value'] as string);
          if (key === target || attrDefs) return Math.max(obj, ofName(key, attrDefs, b));
          return obj;
        }
        // An item or a slice of the object is a part of it; the key does not add to the size.
        return obj;
      }
      case 'BinaryExpression': {
        const o = op(n);
        const l = n['left'] as JNode;
        const rt = n['right'] as JNode;
        if (o === '~' || o === '+') return r(l) + r(rt);
        if (o === 'and' || o === 'or') return Math.max(r(l), r(rt));
        if (o === '*' || o === '**') {
          const fl = r(l);
          const fr = r(rt);
          if (fl === 0 && fr === 0) return 0;
          if (fl > 0 && fr > 0) return Infinity;
          const c = m.intValue(fl > 0 ? rt : l, env);
          if (typeof c !== 'number' || !Number.isFinite(c)) return Infinity;
          if (o === '**') return Math.abs(c) <= 1 ? fl + fr : Infinity;
          return Math.max(1, Math.abs(c)) * (fl + fr);
        }
        if (o === '%') {
          const fr = r(rt);
          const fl = r(l);
          if (fr === 0) return fl;
          const fmts = formatStrings(l, env);
          if (!fmts) return Infinity;
          const args = rt.type === 'TupleLiteral' || rt.type === 'ArrayLiteral' ? (rt['value'] as JNode[]) : [rt];
          let worst = 0;
          for (const s of fmts) {
            const { positional, named } = percentUses(s);
            let f = fl;
            if (named.size) f += [...named.values()].reduce((a, x) => a + x, 0) * fr;
            else positional.forEach((k, i) => (f += k * (args[i] ? r(args[i]) : 0)));
            worst = Math.max(worst, f);
          }
          return worst;
        }
        // Arithmetic, comparisons, membership: a number or a boolean, or no larger than an operand.
        if (o === '-' || o === '/' || o === '//') return Math.max(r(l), r(rt));
        return 0;
      }
      case 'UnaryExpression':
        return op(n) === '-' || op(n) === '+' ? r(n['argument']) : 0;
      case 'TestExpression':
        return 0;
      case 'Ternary':
        return Math.max(r(n['trueExpr']), r(n['falseExpr']));
      case 'ArrayLiteral':
      case 'TupleLiteral': {
        let t = 0;
        for (const x of n['value'] as unknown[]) t += r(x);
        return t;
      }
      case 'ObjectLiteral': {
        let t = 0;
        for (const [k, v] of n['value'] as Map<unknown, unknown>) t += r(k) + r(v);
        return t;
      }
      case 'KeywordArgumentExpression':
        return r(n['value']);
      case 'SliceExpression':
        return 0;
      case 'SelectExpression':
        return r(n['lhs']);
      case 'CallExpression': {
        const callee = n['callee'] as JNode;
        if (callee.type === 'Identifier') {
          const name = callee['value'] as string;
          const macro = macros.get(name);
          if (macro) return macroFactor(name, macro, n['args'] as JNode[], b, depth);
          const argsF = (n['args'] as JNode[]).map(r);
          const sum = argsF.reduce((a, x) => a + x, 0);
          if (name === 'namespace' || name === 'dict') return sum;
          // range(n) holds n items: its size is the value of its arguments.
          if (name === 'raise_exception') return 0;
          if (name === 'range') return sum;
          return sum === 0 ? 0 : Infinity;
        }
        return callFactor(n, b, depth);
      }
      case 'FilterExpression':
        return callFactor(n, b, depth);
      default: {
        // A node this analysis has no transfer function for: unknown if it reads the target.
        let f = 0;
        for (const c of children(n)) f += r(c);
        return f === 0 ? 0 : Infinity;
      }
    }
  };

  const callFactor = (n: JNode, b: Bindings, depth: number): number => {
    const r = (x: unknown): number => rec(x, b, depth + 1);
    const call = m.callParts(n);
    if (!call) {
      let f = 0;
      for (const c of children(n)) f += r(c);
      return f === 0 ? 0 : Infinity;
    }
    const base = r(call.operand);
    const argF = call.args.map(r);
    const argSum = argF.reduce((a, x) => a + x, 0);
    if (base === 0 && argSum === 0) return 0;
    const name = call.name;
    const isFilter = n.type === 'FilterExpression';
    if (name === 'default' || name === 'd' || name === 'get' || name === 'pop') return Math.max(base, argSum);
    if (name === 'map' && isFilter) {
      // map('filter') applies that filter to each item; map(attribute=...) picks a part.
      const f = call.args[0];
      if (f && f.type === 'StringLiteral') {
        const inner = f['value'] as string;
        if (NO_GROWTH.has(inner)) return base + argSum;
        const k = EXPANSION.get(inner);
        return k === undefined ? Infinity : k * base + argSum;
      }
      return keywordArg(call.args, 'attribute') ? base : Infinity;
    }
    if (NO_GROWTH.has(name)) {
      // A width or count read from the value itself pads it to a multiple of its own size.
      if (argSum > 0 && PADDING.has(name)) return Infinity;
      // Otherwise an argument is a separator, a key or a default: a part of the result at most.
      return Math.max(base, argSum);
    }
    const k = EXPANSION.get(name);
    if (k !== undefined) {
      if (name === 'tojson') {
        const ind = callArg(call.args, 0, 'indent');
        if (ind) {
          const w = ind.type === 'StringLiteral' ? [...(ind['value'] as string)].length : m.intValue(ind, env);
          if (typeof w !== 'number' || argSum > 0) return Infinity;
          return (k + Math.abs(w) + 2) * base;
        }
      }
      return argSum > 0 ? Infinity : k * base;
    }
    switch (name) {
      case 'replace': {
        const pat = call.args[0] ? foldString(call.args[0], env) : undefined;
        const rep = call.args[1] ? foldString(call.args[1], env) : undefined;
        if (argF[1]! > 0 || argF[0]! > 0) return Infinity;
        if (!pat || pat.unknown || !pat.values.length || !rep || rep.unknown || !rep.values.length) return Infinity;
        const patMin = Math.min(...pat.values.map((x) => [...x].length));
        const repMax = Math.max(...rep.values.map((x) => [...x].length));
        return patMin === 0 ? base * (1 + repMax) : base * Math.max(1, repMax / patMin);
      }
      case 'join': {
        // filter: items|join(sep); method: sep.join(items).
        const [items, sep, sepNode] = isFilter
          ? [base, argF[0] ?? 0, callArg(call.args, 0, 'd')]
          : [argF[0] ?? 0, base, call.operand];
        if (sep > 0) return items > 0 || sep > 0 ? Infinity : 0;
        if (items === 0) return 0;
        if (!sepNode) return items;
        const s = foldString(sepNode, env);
        if (s.unknown || !s.values.length) return Infinity;
        const w = Math.max(...s.values.map((x) => [...x].length));
        return items * (1 + w);
      }
      case 'wordwrap': {
        if (!isFilter || argSum > 0) return Infinity;
        const wsNode = callArg(call.args, 2, 'wrapstring');
        let ws = 1;
        if (wsNode) {
          const s = foldString(wsNode, env);
          if (s.unknown || !s.values.length) return Infinity;
          ws = Math.max(...s.values.map((x) => [...x].length));
        }
        const wn = callArg(call.args, 0, 'width');
        const w = wn ? m.intValue(wn, env) : 79;
        const width = typeof w === 'number' ? Math.max(1, w) : 1;
        return base * (1 + ws / width);
      }
      case 'indent': {
        if (argSum > 0) return Infinity;
        const wn = callArg(call.args, 0, 'width');
        const w = !wn ? 4 : wn.type === 'StringLiteral' ? [...(wn['value'] as string)].length : m.intValue(wn, env);
        return typeof w === 'number' ? base * (1 + Math.abs(w)) : Infinity;
      }
      case 'expandtabs': {
        if (argSum > 0) return Infinity;
        const wn = callArg(call.args, 0, 'tabsize');
        const w = wn ? m.intValue(wn, env) : 8;
        return typeof w === 'number' ? base * Math.max(1, Math.abs(w)) : Infinity;
      }
      case 'format': {
        // filter: fmt|format(args) is %-formatting; method: fmt.format(args).
        const fmts = formatStrings(call.operand, env);
        if (!fmts) return Infinity;
        const pos = call.args.filter((a) => a.type !== 'KeywordArgumentExpression');
        const posF = pos.map(r);
        let worst = 0;
        for (const s of fmts) {
          let f = base;
          if (isFilter) {
            const { positional, named } = percentUses(s);
            if (named.size) f += [...named.values()].reduce((a, x) => a + x, 0) * argSum;
            else positional.forEach((k, i) => (f += k * (posF[i] ?? 0)));
          } else {
            const uses = formatFieldUses(s);
            if (!uses) return Infinity;
            for (const [key, times] of uses) {
              const a =
                typeof key === 'number' ? posF[key] : keywordArg(call.args, key) ? r(keywordArg(call.args, key)) : 0;
              f += times * (a ?? 0);
            }
          }
          worst = Math.max(worst, f);
        }
        return worst;
      }
      default:
        return Infinity;
    }
  };

  const macroFactor = (name: string, macro: JNode, callArgs: JNode[], b: Bindings, depth: number): number => {
    const params = (macro['args'] as JNode[]).map((a) =>
      a.type === 'KeywordArgumentExpression' ? ((a['key'] as JNode)['value'] as string) : (a['value'] as string),
    );
    const bound = new Map<string, number>();
    let i = 0;
    let anyArg = 0;
    for (const a of callArgs) {
      if (a.type === 'KeywordArgumentExpression') {
        const f = rec(a['value'], b, depth + 1);
        bound.set((a['key'] as JNode)['value'] as string, f);
        anyArg += f;
      } else {
        const f = rec(a, b, depth + 1);
        anyArg += f;
        if (i < params.length) bound.set(params[i++]!, f);
        else return f > 0 ? Infinity : 0;
      }
    }
    for (const a of macro['args'] as JNode[])
      if (a.type === 'KeywordArgumentExpression') {
        const k = (a['key'] as JNode)['value'] as string;
        if (!bound.has(k)) bound.set(k, rec(a['value'], b, depth + 1));
      }
    for (const p of params) if (!bound.has(p)) bound.set(p, 0);
    if (macroVisiting.has(name)) return anyArg > 0 ? Infinity : 0;
    macroVisiting.add(name);
    const f = outputFactor(macro['body'], bound, depth + 1);
    macroVisiting.delete(name);
    return f;
  };

  /** The factor of what a list of statements writes. */
  const outputFactor = (body: unknown, b: Bindings, depth: number): number => {
    if (!Array.isArray(body)) return 0;
    if (depth > m.maxNesting) return Infinity;
    let total = 0;
    for (const n of body as unknown[]) {
      if (!isNode(n)) continue;
      switch (n.type) {
        case 'Macro':
        case 'Comment':
        case 'Break':
        case 'Continue':
        case 'Set':
          break;
        case 'If':
          total += Math.max(outputFactor(n['body'], b, depth + 1), outputFactor(n['alternate'], b, depth + 1));
          break;
        case 'For': {
          const it = rec(n['iterable'], b, depth + 1);
          const inner = outputFactor(n['body'], b, depth + 1) + outputFactor(n['defaultBlock'], b, depth + 1);
          if (inner === 0) break;
          if (it > 0) return Infinity;
          total += m.iterations(n['iterable'] as JNode, env) * inner;
          break;
        }
        case 'FilterStatement': {
          const inner = outputFactor(n['body'], b, depth + 1);
          if (inner > 0) total += Infinity;
          break;
        }
        case 'CallStatement': {
          const f = rec(n['call'], b, depth + 1) + outputFactor(n['body'], b, depth + 1);
          total += f === 0 ? 0 : Infinity;
          break;
        }
        default:
          total += rec(n, b, depth + 1);
      }
    }
    return total;
  };

  return rec(value, new Map(), 0);
}

/** The factor of a block set (`{% set x %}…{% endset %}`): what its body writes. */
export function blockGrowthFactor(
  body: unknown,
  target: string,
  env: FoldEnv,
  macros: ReadonlyMap<string, JNode>,
  m: GrowthModel,
): number {
  // The body is evaluated as the output of a macro without parameters.
  const macro = { type: 'Macro', name: { type: 'Identifier', value: '\0block' }, args: [], body } as unknown as JNode;
  const call = {
    type: 'CallExpression',
    callee: { type: 'Identifier', value: '\0block' },
    args: [],
  } as unknown as JNode;
  const all = new Map(macros);
  all.set('\0block', macro);
  return growthFactor(call, target, env, all, m);
}

/**
 * The texts a format string may be for sizing its specs: the folded values, or a `~` chain of such texts and
 * integers written in decimal (`'%.' ~ w ~ 'f'`; an integer the analysis cannot bound makes a width of that many
 * digits, which no bound holds: ['%' + a run of nines]). Undefined when a piece is neither.
 */
function formatTexts(
  n: JNode,
  env: FoldEnv,
  m: Pick<GrowthModel, 'intValue' | 'dataChars' | 'dataEntries'>,
  depth = 0,
): readonly string[] | undefined {
  const known = formatStrings(n, env);
  if (known) return known;
  if (depth > 32) return undefined;
  if (n.type === 'BinaryExpression' && op(n) === '~') {
    const a = formatTexts(n['left'] as JNode, env, m, depth + 1);
    const b = formatTexts(n['right'] as JNode, env, m, depth + 1);
    if (!a || !b || a.length * b.length > 64) return undefined;
    return a.flatMap((x) => b.map((y) => x + y));
  }
  const v = m.intValue(n, env);
  if (v === undefined) return undefined;
  const bound = typeof v === 'number' ? Math.abs(v) : v === 'data' ? m.dataChars : m.dataEntries;
  // A width past 2^53 is past every bound; written as the widest double's digits.
  return [Number.isFinite(bound) ? String(Math.trunc(bound)) : '9'.repeat(309)];
}

/** The folded values of a format string, or undefined when the fold does not know them all. */
function formatStrings(n: JNode, env: FoldEnv): readonly string[] | undefined {
  if (n.type === 'StringLiteral') return [n['value'] as string];
  const f = foldString(n, env);
  return f.unknown || !f.values.length ? undefined : f.values;
}

/**
 * Work of urlize per squared character of its operand: its unanchored trailing-punctuation search retries a run of
 * `.`, `,`, `)`, `>` (escaped to `&gt;`) from each of its positions. scripts/fixtures/urlize-cost.py measures the real
 * jinja2 urlize on those shapes at up to 4.9 units a squared character; charged at twice that, so an input that takes
 * 10 s is a finding.
 */
export const URLIZE_WORK = 10;
/** Work of striptags per squared character: its comment-or-tag regex rescans from every unclosed `<!--` or `<`. */
const STRIPTAGS_WORK = 3;

/** Work per unit of size (character or item) of a call's operand, in units of about 4 ns. */
const ITEM_WEIGHT: ReadonlyMap<string, number> = new Map([
  ['join', 150],
  ['sort', 800],
  ['dictsort', 800],
  ['unique', 300],
  ['groupby', 800],
  ['map', 300],
  ['select', 300],
  ['reject', 300],
  ['selectattr', 300],
  ['rejectattr', 300],
  ['sum', 100],
  ['min', 100],
  ['max', 100],
  ['tojson', 5],
  ['pprint', 150],
  ['string', 150],
  ['xmlattr', 150],
  ['list', 5],
  ['split', 25],
  ['rsplit', 25],
  ['splitlines', 25],
  ['title', 250],
  ['wordcount', 100],
  ['urlize', 400],
  ['batch', 50],
  ['slice', 50],
  ['items', 50],
]);

/**
 * Work of one comparison between two distinct integers that share a hash, as a set or dict probes past each other
 * (measured with CPython and jinja2: 20,000 such integers made unique compare 2 * 10^8 pairs in 2.3 s, 11.5 ns each).
 * k values of one hash class inserted into one set or dict compare k * (k - 1) / 2 pairs.
 */
const COLLIDING_COMPARE_WORK = 3;

/**
 * Codecs whose work `str.encode` and `bytes.decode` do not pay linearly: punycode (and idna, which runs it on each
 * label before it checks the label's length) inserts each code point by a scan of what it has placed so far, about
 * length x distinct code points; every other text codec CPython registers is linear (the byte-to-byte codecs are
 * refused by these methods). Names compared as CPython normalises them (case and punctuation ignored).
 */
const QUADRATIC_CODECS: ReadonlySet<string> = new Set(['punycode', 'idna']);
/** Work per character x code point of punycode (measured: 20,000 characters of 4,000 code points in 5.6 s). */
const PUNYCODE_WORK = 20;
/** Code points Unicode defines: a bound on the distinct characters of any string. */
const CODE_POINTS = 0x110000;

/** The most a character of the caller's content is charged by a per-item operation (a JSON-dense request). */
const CALLER_WEIGHT = 5;

/**
 * How many times longer than its format strftime_now's output can be: glibc honours field widths (`%1500Y`), and
 * CPython's time.strftime grows its buffer up to 256 times the format's length.
 */
export const STRFTIME_WIDTH = 256;

/** The strip methods and filter that take a set of characters to strip. */
const STRIP_CHARS: ReadonlySet<string> = new Set(['lstrip', 'rstrip', 'trim']);
/**
 * Work per character of a strip's operand times a character of its set: CPython finds each stripped character in the
 * set by a linear search (measured: 100,000 astral characters stripped by a set of 100,000, 20 times, run past 30 s;
 * about 0.15 ns a pair, the slowest string kind).
 */
const STRIP_PAIR_WORK = 0.04;
/**
 * Work per character pair of a substring search CPython 3.11 runs by comparing the needle at each position of the
 * haystack (up to haystack x needle pairs): scripts/fixtures/template-op-cost.py measures `in`, find, count, replace,
 * split, rfind, rsplit and rpartition with the real jinja2 at up to 0.066 units a pair; charged at 0.15.
 */
export const SEARCH_PAIR_WORK = 0.15;
/**
 * Work per character a format or padding call writes (`%.Nf`, `%Nd`, `{:>{}}`, center, ljust, zfill, expandtabs):
 * measured at up to 0.21 units a character (a fixed-point precision); charged at 0.5, on every evaluation.
 */
export const OUTPUT_CHAR_WORK = 0.5;
/** Substring searches of str, by their needle argument: forward (find, count, ...) and reverse (rfind, ...). */
const FORWARD_SEARCH: ReadonlySet<string> = new Set(['find', 'index', 'count', 'replace', 'split', 'partition']);
const REVERSE_SEARCH: ReadonlySet<string> = new Set(['rfind', 'rindex', 'rsplit', 'rpartition']);
/** Calls that write text to a width or by a format string's specs, on every evaluation. */
const WIDTH_OUTPUT: ReadonlySet<string> = new Set([
  'center',
  'ljust',
  'rjust',
  'zfill',
  'expandtabs',
  'indent',
  'format',
]);

/**
 * Character pairs a substring search compares at most, as CPython 3.11 chooses its algorithm: a needle of one
 * character is found by a scan; a haystack under 2,500 characters, a needle under 100 characters in a haystack under
 * 30,000, or a needle under 6 characters is searched by comparing the needle at each position (the worst case is
 * haystack x needle pairs); a longer search runs in linear time (two-way, or an adaptive search that switches to it);
 * a reverse search (rfind, rindex, rsplit, rpartition) always compares at each position. The sizes are bounds: the
 * worst of every size up to them. `pieces`: the haystack is the request's parts over a loop, each at most
 * `pieceChars` characters and `hay` in all.
 */
export function searchPairs(hay: number, needle: number, reverse: boolean, pieceChars = hay): number {
  if (!(hay > 0) || !(needle > 1)) return 0;
  const piece = Math.min(hay, pieceChars);
  if (reverse) return hay * Math.min(needle, piece);
  // One string searched: the worst size under each threshold. Parts of the request: as many of that size as it holds.
  const under = (limit: number): number => (piece < hay ? hay : Math.min(hay, limit));
  return Math.max(
    under(2499) * Math.min(needle, piece, 2499),
    under(29999) * Math.min(needle, 99),
    hay * Math.min(needle, 5),
  );
}

/** Digits of text CPython's int() reads in base 10 (more raise ValueError; jinja2's int then reads a float). */
const INT_MAX_STR_DIGITS = 4300;
/** Work per digit squared of int() of decimal text (measured: 4,290 digits in about 70 microseconds). */
const INT_PARSE_WORK = 0.001;
/** Bases CPython's int() reads in linear time. */
const POWER_OF_TWO_BASES: ReadonlySet<number> = new Set([2, 4, 8, 16, 32]);

/** Work of one key `dict.fromkeys` inserts (a hash and a probe; measured with CPython: about 35 ns). */
const FROMKEYS_WORK = 10;

/**
 * Work of computing 10 ** p, which jinja2's round filter does for a precision p (Python's round of an integer to -p
 * digits, and the floor and ceil methods, both compute it): the last squaring of a number of p * log2(10) bits,
 * Karatsuba on 30-bit digits.
 */
function powerOfTenWork(p: number): number {
  const digits = (Math.abs(p) * Math.log2(10)) / 30;
  return digits < 16 ? 0 : digits ** 1.585;
}

/**
 * Methods of the values a template reaches (str, Markup, bytes, list, dict, int): a reference to one that is not
 * called where it stands (`{% set r = s.replace %}`) is a bound method the template may call under another name.
 */
export const METHOD_NAMES: ReadonlySet<string> = new Set([
  ...['capitalize', 'casefold', 'center', 'count', 'encode', 'endswith', 'expandtabs', 'find', 'format'],
  ...['format_map', 'index', 'join', 'ljust', 'lower', 'lstrip', 'maketrans', 'partition', 'removeprefix'],
  ...['removesuffix', 'replace', 'rfind', 'rindex', 'rjust', 'rpartition', 'rsplit', 'rstrip', 'split'],
  ...['splitlines', 'startswith', 'strip', 'swapcase', 'title', 'translate', 'upper', 'zfill', 'striptags'],
  ...['unescape', 'escape', 'decode', 'hex', 'append', 'copy', 'extend', 'insert', 'pop', 'remove', 'reverse'],
  ...['sort', 'clear', 'fromkeys', 'get', 'items', 'keys', 'values', 'popitem', 'setdefault', 'update'],
  ...['to_bytes', 'from_bytes', 'bit_length', 'bit_count', 'as_integer_ratio', 'conjugate', 'isalnum', 'isalpha'],
  ...['isascii', 'isdecimal', 'isdigit', 'isidentifier', 'islower', 'isnumeric', 'isprintable', 'isspace'],
  ...['istitle', 'isupper'],
]);

/** Calls whose work does not depend on their operand's size. */
const CONSTANT_WORK: ReadonlySet<string> = new Set([
  'length',
  'first',
  'last',
  'default',
  'd',
  'attr',
  'safe',
  'int',
  'float',
  'abs',
  'round',
  'random',
  'get',
  'keys',
  'values',
  'startswith',
  'endswith',
  'filesizeformat',
]);

/**
 * What each operator of the template language walks of its operands when it runs, so that its CPU work is charged by
 * the operands' unfolded size (a container counts every item of every container it holds, one held twice counted
 * twice: the size `made` tracks). CPython compares and hashes containers item by item, recursively, and its identity
 * shortcut never meets across two values built separately, so forty `set`s that each hold the previous value twice
 * are 2^40 items to `==`, to a hash and to `str()`, in constant memory.
 * - least: a comparison stops at the first difference; it walks at most the smaller operand.
 * - both: both operands in full (membership hashes or scans the left one and searches the right one; `~` and `%`
 *   convert both to strings).
 * - repeat: `*`, charged by the size of what it makes.
 * - none: arithmetic on numbers, truthiness, or a copy of the top-level items (`+`) whose result the growth model sizes
 *   (the copies of a value gathered from its own old value are charged at the `set` that gathers it).
 */
export type OperandWork = 'least' | 'both' | 'repeat' | 'none';
export const OPERATOR_WORK: ReadonlyMap<string, OperandWork> = new Map<string, OperandWork>([
  ['==', 'least'],
  ['!=', 'least'],
  ['<', 'least'],
  ['>', 'least'],
  ['<=', 'least'],
  ['>=', 'least'],
  ['in', 'both'],
  ['not in', 'both'],
  ['~', 'both'],
  ['%', 'both'],
  ['*', 'repeat'],
  ['+', 'none'],
  ['-', 'none'],
  ['/', 'none'],
  ['//', 'none'],
  ['**', 'none'],
  ['and', 'none'],
  ['or', 'none'],
  ['not', 'none'],
]);

/**
 * What each jinja2 test walks of its operand (`x is lower` converts a container to its string form; the comparison
 * tests take an argument, which the parser the analysis uses refuses, so a template using them is not analysed and
 * is reported as such). A test not listed is charged its operand in full.
 */
export const TEST_WORK: ReadonlyMap<string, OperandWork> = new Map<string, OperandWork>([
  ['lower', 'both'],
  ['upper', 'both'],
  ['eq', 'least'],
  ['equalto', 'least'],
  ['==', 'least'],
  ['ne', 'least'],
  ['!=', 'least'],
  ['lt', 'least'],
  ['lessthan', 'least'],
  ['<', 'least'],
  ['le', 'least'],
  ['<=', 'least'],
  ['gt', 'least'],
  ['greaterthan', 'least'],
  ['>', 'least'],
  ['ge', 'least'],
  ['>=', 'least'],
  ['in', 'both'],
  ['boolean', 'none'],
  ['callable', 'none'],
  ['defined', 'none'],
  ['divisibleby', 'none'],
  ['escaped', 'none'],
  ['even', 'none'],
  ['odd', 'none'],
  ['false', 'none'],
  ['true', 'none'],
  ['filter', 'none'],
  ['test', 'none'],
  ['float', 'none'],
  ['integer', 'none'],
  ['iterable', 'none'],
  ['mapping', 'none'],
  ['none', 'none'],
  ['number', 'none'],
  ['sameas', 'none'],
  ['sequence', 'none'],
  ['string', 'none'],
  ['undefined', 'none'],
]);

/** Filters whose result is a number (compared and hashed in constant time). */
const NUMBER_FILTERS: ReadonlySet<string> = new Set(['length', 'count', 'int', 'float', 'abs', 'round', 'wordcount']);

const LITERALS: ReadonlySet<string> = new Set(['StringLiteral', 'NullLiteral', 'BooleanLiteral', 'UndefinedLiteral']);
const CONSTANTS: ReadonlySet<string> = new Set(['true', 'false', 'none', 'True', 'False', 'None']);

/** What a part of the caller's data is rooted at. */
const CALLER = '\0caller';

/** Globals the renderers define: functions and helpers, not the caller's data. */
export const RENDERER_GLOBALS: ReadonlySet<string> = new Set([
  'range',
  'namespace',
  'lipsum',
  'cycler',
  'joiner',
  'dict',
  'loop',
  'raise_exception',
  'strftime_now',
]);

/** Names a call may name that are neither a macro nor a value the template holds: the renderers' own functions. */
const CALLABLE_GLOBALS: ReadonlySet<string> = new Set([...RENDERER_GLOBALS, 'caller', 'super', 'varargs', 'kwargs']);

/** Names that are not the caller's data: the renderer's globals and the literal constants. */
const GLOBALS: ReadonlySet<string> = new Set([...RENDERER_GLOBALS, ...CONSTANTS]);

/** Literal numbers and booleans (arithmetic on them copies nothing). */
const NUMBER_LITERALS: ReadonlySet<string> = new Set(['IntegerLiteral', 'FloatLiteral', 'BooleanLiteral']);
/** The counters of a loop's `loop` object. */
const LOOP_NUMBERS: ReadonlySet<string> = new Set([
  'index',
  'index0',
  'revindex',
  'revindex0',
  'length',
  'depth',
  'depth0',
  'first',
  'last',
]);
/**
 * Work of copying one character or one item of a value a template gathers from its own old value (`~`, `+`, a format,
 * a filter): measured with CPython and jinja2 at 0.1-0.5 ns a character and 1.6-4 ns a list or tuple item, so a
 * character counts a quarter of a unit (about 1 ns) and an item one unit (about 4 ns).
 */
const COPY_CHAR_WORK = 0.25;
const COPY_ITEM_WORK = 1;

export interface WorkSignal {
  readonly what: string;
  readonly where: JNode;
  readonly amount: number;
  /** Over the limit only through the caller's content at the request bounds. */
  readonly request?: boolean;
}

/** The names a for loop binds: its variable, or each name of an unpacking target (`for k, v in ...`). */
function loopVars(lv: unknown): string[] {
  if (isNode(lv) && lv.type === 'Identifier') return [lv['value'] as string];
  const vars: string[] = [];
  if (isNode(lv)) for (const e of (lv['value'] as unknown[]) ?? []) if (isNode(e)) vars.push(e['value'] as string);
  return vars;
}

/**
 * The value a `{% filter %}` block filters: what its body writes, as one expression (a loop's body repeated by its
 * passes, both branches of an if, a macro's body for a call of it).
 */
export function filterBlockValue(
  body: unknown,
  env: FoldEnv,
  macros: ReadonlyMap<string, JNode>,
  m: GrowthModel,
  depth = 0,
  inside: Set<JNode> = new Set(),
): JNode {
  const blockValue = (b: unknown, d: number, seen: Set<JNode>): JNode => filterBlockValue(b, env, macros, m, d, seen);
  let acc: JNode = { type: 'StringLiteral', value: '' };
  const add = (x: JNode): void => {
    acc = { type: 'BinaryExpression', operator: { value: '~' }, left: acc, right: x };
  };
  if (!Array.isArray(body) || depth > m.maxNesting) return acc;
  for (const x of body as unknown[]) {
    if (!isNode(x) || ['Set', 'Macro', 'Comment', 'Break', 'Continue'].includes(x.type)) continue;
    if (x.type === 'For') {
      const times = m.iterations(x['iterable'] as JNode, env);
      add({
        type: 'BinaryExpression',
        operator: { value: '*' },
        left: blockValue(x['body'], depth + 1, inside),
        right: { type: 'IntegerLiteral', value: times },
      });
      add(blockValue(x['defaultBlock'], depth + 1, inside));
    } else if (x.type === 'If') {
      add(blockValue(x['body'], depth + 1, inside));
      add(blockValue(x['alternate'], depth + 1, inside));
    } else if (x.type === 'CallStatement' || x.type === 'FilterStatement') {
      if (x.type === 'CallStatement') add(x['call'] as JNode);
      add(blockValue(x['body'], depth + 1, inside));
    } else {
      add(x);
      // A macro the expression calls writes its body.
      const st: unknown[] = [x];
      while (st.length) {
        const v = st.pop();
        if (Array.isArray(v)) for (const y of v) st.push(y);
        else if (isNode(v)) {
          const callee = v['callee'];
          const mac =
            v.type === 'CallExpression' && isNode(callee) && callee.type === 'Identifier'
              ? macros.get(callee['value'] as string)
              : undefined;
          if (mac && !inside.has(mac)) {
            inside.add(mac);
            add(blockValue(mac['body'], depth + 1, inside));
            inside.delete(mac);
          }
          for (const c of children(v)) st.push(c);
        }
      }
    }
  }
  return acc;
}

/** The node of the template a node the analysis makes up stands for (a filter map applies, a method held in a name). */
export const standsFor = new WeakMap<JNode, JNode>();

/**
 * The filters a template applies by name rather than as `x|f`: `map('f', …)` applies f to the mapped value with the
 * arguments that follow, a `{% filter f %}` block to what its body writes. Each as the filter expression it amounts to
 * (`standsFor` gives the node it was made from). A map name the fold cannot work out is undefined in `names`.
 */
export function indirectFilters(
  all: readonly JNode[],
  env: FoldEnv,
  macros: ReadonlyMap<string, JNode>,
  m: GrowthModel,
): JNode[] {
  const out: JNode[] = [];
  for (const n of all) {
    if (n.type === 'FilterStatement' && isNode(n['filter'])) {
      const synthetic: JNode = {
        type: 'FilterExpression',
        operand: filterBlockValue(n['body'], env, macros, m),
        filter: n['filter'],
      };
      standsFor.set(synthetic, n);
      out.push(synthetic);
      continue;
    }
    const call = n.type === 'FilterExpression' ? m.callParts(n) : undefined;
    const first = call?.name === 'map' ? call.args[0] : undefined;
    if (!call || !first || first.type === 'KeywordArgumentExpression') continue;
    for (const name of formatStrings(first, env) ?? []) {
      const rest = call.args.slice(1);
      const callee: JNode = { type: 'Identifier', value: name };
      const synthetic: JNode = {
        type: 'FilterExpression',
        operand: call.operand,
        filter: rest.length ? { type: 'CallExpression', callee, args: rest } : callee,
      };
      standsFor.set(synthetic, standsFor.get(n) ?? n);
      out.push(synthetic);
    }
  }
  return out;
}

/**
 * Bound methods the template takes as values without calling them where they stand (`s.replace` set to a name,
 * passed as an argument, held in a list, a dict or a namespace, a loop's item; `x|attr('replace')`): a call of a name
 * that is neither a macro nor a renderer function may be any of them.
 */
export function heldMethods(program: JNode, env: FoldEnv, m: Pick<GrowthModel, 'callParts'>): JNode[] {
  const methodValues: JNode[] = [];
  const notValues = new Set<unknown>();
  const st: unknown[] = [program];
  const all: JNode[] = [];
  while (st.length) {
    const v = st.pop();
    if (Array.isArray(v)) for (const x of v) st.push(x);
    else if (isNode(v)) {
      all.push(v);
      // A method named where it is called is checked as written; one taken by attr() and called is not named.
      if (v.type === 'CallExpression' && (v['callee'] as JNode).type !== 'FilterExpression') notValues.add(v['callee']);
      if (v.type === 'Set') notValues.add(v['assignee']);
      if (v.type === 'MemberExpression') notValues.add(v['object']);
      for (const c of children(v)) st.push(c);
    }
  }
  for (const v of all) {
    if (v.type === 'MemberExpression' && !notValues.has(v) && isNode(v['property'])) {
      const prop = v['property'] as JNode;
      const name =
        !v['computed'] && prop.type === 'Identifier'
          ? (prop['value'] as string)
          : v['computed'] && prop.type === 'StringLiteral'
            ? (prop['value'] as string)
            : undefined;
      if (name !== undefined && METHOD_NAMES.has(name)) methodValues.push(v);
    } else if (v.type === 'FilterExpression' && !notValues.has(v)) {
      const call = m.callParts(v);
      const named = call?.name === 'attr' && call.args[0] ? formatStrings(call.args[0], env) : undefined;
      for (const name of named ?? [])
        if (METHOD_NAMES.has(name))
          methodValues.push({
            type: 'MemberExpression',
            object: call!.operand,
            property: { type: 'Identifier', value: name },
            computed: false,
          });
    }
  }
  return methodValues;
}

/**
 * Whether a call may call a bound method the template holds: any callee but a macro's name, a renderer function and a
 * method named where it is called (`s.split(…)`) — a variable, a namespace attribute, a dict's key, a list's item, a
 * call's or a filter's result.
 */
export function mayCallHeldMethod(n: JNode, env: FoldEnv, macros: ReadonlyMap<string, JNode>): boolean {
  const callee = n['callee'];
  if (n.type !== 'CallExpression' || !isNode(callee)) return false;
  return callee.type === 'Identifier'
    ? !macros.has(callee['value'] as string) &&
        (env.vars.has(callee['value'] as string) || !CALLABLE_GLOBALS.has(callee['value'] as string))
    : callee.type !== 'MemberExpression' ||
        !!callee['computed'] ||
        !isNode(callee['property']) ||
        !METHOD_NAMES.has((callee['property'] as JNode)['value'] as string);
}

/**
 * The held methods a callee may be, followed by identity through the values that carry it: a variable, a macro
 * parameter or a namespace attribute whose every definition is one of them, another such name, a macro, or a loop
 * over a literal list of them. Undefined when the callee may be any of them (a subscript, a call's result, a value
 * of unknown origin).
 */
function calleeMethods(
  callee: JNode,
  env: FoldEnv,
  macros: ReadonlyMap<string, JNode>,
  methods: readonly JNode[],
  seen: Set<string> = new Set(),
): JNode[] | undefined {
  const known = new Set<JNode>(methods);
  const value = (v: JNode): JNode[] | undefined => {
    if (known.has(v)) return [v];
    if (v.type === 'Identifier' || (v.type === 'MemberExpression' && !v['computed']))
      return calleeMethods(v, env, macros, methods, seen);
    if (NUMBER_LITERALS.has(v.type) || v.type === 'StringLiteral') return [];
    return undefined;
  };
  let defs: readonly Def[] | undefined;
  let key: string;
  if (callee.type === 'Identifier') {
    const name = callee['value'] as string;
    if (macros.has(name) && !env.vars.has(name)) return [];
    defs = env.vars.get(name);
    key = `v:${name}`;
  } else if (callee.type === 'MemberExpression' && !callee['computed'] && isNode(callee['property'])) {
    if (env.attrs.has('*')) return undefined;
    const name = (callee['property'] as JNode)['value'] as string;
    defs = env.attrs.get(name);
    key = `a:${name}`;
  } else return undefined;
  if (!defs || seen.has(key) || seen.size > 32) return undefined;
  seen.add(key);
  const out: JNode[] = [];
  for (const d of defs) {
    if (d.kind === 'none') continue;
    if (d.kind === 'unknown') return undefined;
    const items =
      d.kind === 'value'
        ? [d.node]
        : d.node.type === 'ArrayLiteral' || d.node.type === 'TupleLiteral'
          ? (d.node['value'] as JNode[])
          : undefined;
    if (!items) return undefined;
    for (const item of items) {
      const r = value(item);
      if (!r) return undefined;
      out.push(...r);
    }
  }
  seen.delete(key);
  return out;
}

/**
 * Each call that may call a bound method the template holds, as that method called with the call's arguments
 * (`standsFor` gives the call): so the size and work rules of a method called where it stands apply to it.
 */
export function heldMethodCalls(
  all: readonly JNode[],
  program: JNode,
  env: FoldEnv,
  macros: ReadonlyMap<string, JNode>,
  m: Pick<GrowthModel, 'callParts'>,
): JNode[] {
  const methods = heldMethods(program, env, m);
  if (!methods.length) return [];
  // A filter or test written with arguments is a call node of the filter, not a call of a value.
  const filters = new Set<unknown>();
  for (const n of all)
    if (n.type === 'FilterExpression' || n.type === 'FilterStatement') filters.add(n['filter']);
    else if (n.type === 'TestExpression') filters.add(n['test']);
  const out: JNode[] = [];
  for (const n of all) {
    if (filters.has(n) || !mayCallHeldMethod(n, env, macros)) continue;
    for (const method of calleeMethods(n['callee'] as JNode, env, macros, methods) ?? methods) {
      const synthetic: JNode = { type: 'CallExpression', callee: method, args: n['args'] };
      standsFor.set(synthetic, n);
      out.push(synthetic);
    }
  }
  return out;
}

/**
 * CPU work of a render: each call's work (by its operand's size) times the passes of the loops around it, a macro
 * called in a loop bringing its calls. A call costing more than MAX_RENDER_WORK is a finding where it stands; a
 * template whose calls together cost more is a finding at its root.
 */
export function renderWork(
  program: JNode,
  env: FoldEnv,
  macros: ReadonlyMap<string, JNode>,
  m: GrowthModel,
): WorkSignal[] {
  const out: WorkSignal[] = [];
  const flagged = new Set<JNode>();
  interface Loop {
    readonly vars: readonly string[];
    readonly times: number;
    readonly iterable: JNode;
  }
  const visiting = new Set<string>();
  let total = 0;

  /**
   * The variables and caller values a value is a part of (following variables set to a part; a literal is a part of
   * nothing), or undefined when it is made by something else (a range, a repetition, a value the template builds).
   */
  const rootVar = (n: JNode, seen: Set<string> = new Set(), depth = 0): string[] | undefined => {
    let cur = n;
    for (let i = 0; i < m.maxNesting; i++) {
      if (cur.type === 'MemberExpression') cur = cur['object'] as JNode;
      else if (cur.type === 'FilterExpression') cur = cur['operand'] as JNode;
      else if (cur.type === 'CallExpression' && (cur['callee'] as JNode).type === 'MemberExpression')
        cur = (cur['callee'] as JNode)['object'] as JNode;
      else break;
      if (!isNode(cur)) return undefined;
    }
    if (depth > 8) return undefined;
    if (LITERALS.has(cur.type) || intOf(cur) !== undefined) return [];
    if (cur.type === 'Identifier' && CONSTANTS.has(cur['value'] as string)) return [];
    if (cur.type === 'Ternary') {
      const a = rootVar(cur['trueExpr'] as JNode, seen, depth + 1);
      const b = rootVar(cur['falseExpr'] as JNode, seen, depth + 1);
      return a && b ? [...a, ...b] : undefined;
    }
    if (cur.type !== 'Identifier') return undefined;
    const name = cur['value'] as string;
    if (seen.has(name)) return [];
    const defs = env.vars.get(name);
    if (!defs) return GLOBALS.has(name) ? undefined : [CALLER];
    if (defs.every((d) => d.kind === 'iter')) return [name];
    seen.add(name);
    const all: string[] = [name];
    for (const d of defs) {
      if (d.kind === 'none') continue;
      const r = d.kind === 'value' ? rootVar(d.node, seen, depth + 1) : d.kind === 'iter' ? [name] : undefined;
      if (!r) return undefined;
      all.push(...r);
    }
    return all;
  };

  /**
   * The loops (indices into `loops`) that visit the operand's parts, ending at a value of the caller's: over their
   * passes together the parts are at most the request. Empty when the operand is no part of the caller's data.
   */
  const partChain = (operand: JNode, loops: readonly Loop[]): Set<number> => {
    const roots = rootVar(operand);
    const chain = new Set<number>();
    if (roots && roots.some((r) => r !== CALLER)) {
      let names = roots;
      for (let i = loops.length - 1; i >= 0; i--) {
        if (!loops[i]!.vars.some((v) => names.includes(v))) continue;
        chain.add(i);
        const next = rootVar(loops[i]!.iterable);
        // The chain ends at a value of the caller's; a loop over values the template makes repeats its parts.
        if (!next) {
          chain.clear();
          break;
        }
        names = [...names, ...next];
      }
      if (chain.size && !names.includes(CALLER)) chain.clear();
    }
    return chain;
  };

  /** Passes over which a call runs: loops not in the chain that visits the operand's parts. */
  const passes = (operand: JNode, loops: readonly Loop[]): { times: number; part: boolean } => {
    const chain = partChain(operand, loops);
    let t = 1;
    loops.forEach((l, i) => {
      if (!chain.has(i)) t *= l.times;
    });
    return { times: t, part: chain.size > 0 };
  };

  const origin = standsFor;
  // `ownPer`: the work without the caller's content (the template's own values alone); a charge over the budget only
  // through the caller's content is request-driven.
  const charge = (node: JNode, per: number, times: number, what: string, ownPer = per): void => {
    const amount = per * times;
    if (!(amount > 0)) return;
    total += amount;
    const n = origin.get(node) ?? node;
    if (amount > MAX_RENDER_WORK && !flagged.has(n)) {
      flagged.add(n);
      const request = ownPer * times <= MAX_RENDER_WORK;
      out.push({
        where: n,
        amount,
        ...(request ? { request } : {}),
        what:
          `${what}: an estimated ${amount === Infinity ? 'unbounded' : amount.toExponential(2)} units of CPU work ` +
          `(about 4 ns each; limit ${MAX_RENDER_WORK}) over the passes of the loops around it` +
          (request
            ? `; the template's own values stay within the limit, the caller's content at the request bound ` +
              `(${m.dataChars} characters a string, ${m.dataRequest} in all) passes it`
            : ''),
      });
    }
  };

  /**
   * Characters (or items) of a value that the template itself makes: literals, repetitions, ranges, padding and the
   * growth of the operations applied to them. The caller's content counts nothing here; `sizes` adds it.
   */
  /** Characters the specs of format strings write (widths, precisions; `*` and nested fields read from `args`). */
  const formatSpecs = (fmts: readonly string[], style: 'percent' | 'brace', args: readonly JNode[]): number => {
    const positional = args.filter((a) => a.type !== 'KeywordArgumentExpression');
    const arg = (key: number | string): number => {
      const a = typeof key === 'number' ? positional[key] : keywordArg(args, key);
      if (!a) return 0;
      const v = m.intValue(a, env);
      return v === undefined ? Infinity : typeof v === 'number' ? v : v === 'data' ? m.dataChars : m.dataEntries;
    };
    return Math.max(0, ...fmts.map((f) => formatSpecSize(f, style, arg)));
  };
  const mainMemo = new Map<JNode, number>();
  const made = (n: unknown, seen: Set<string>, depth: number, madeMemo = mainMemo): number => {
    if (!isNode(n)) return 0;
    if (depth > m.maxNesting) return Infinity;
    const known = madeMemo.get(n);
    if (known !== undefined) return known;
    const r = (x: unknown): number => made(x, seen, depth + 1, madeMemo);
    const key = (k: string, defs: readonly { kind: string; node?: JNode }[] | undefined): number => {
      if (!defs || seen.has(k)) return 0;
      seen.add(k);
      let f = 0;
      for (const d of defs) if (d.node && (d.kind === 'value' || d.kind === 'iter')) f = Math.max(f, r(d.node));
      seen.delete(k);
      return f;
    };
    let v: number;
    switch (n.type) {
      case 'StringLiteral':
        v = [...(n['value'] as string)].length;
        break;
      case 'IntegerLiteral':
      case 'FloatLiteral':
        v = 24;
        break;
      case 'Identifier':
        v = key(n['value'] as string, env.vars.get(n['value'] as string));
        break;
      case 'MemberExpression': {
        const prop = n['property'] as JNode;
        v = r(n['object']);
        if (!n['computed'] && isNode(prop) && prop.type === 'Identifier')
          v = Math.max(v, key('.' + (prop['value'] as string), env.attrs.get(prop['value'] as string)));
        break;
      }
      case 'BinaryExpression': {
        const o = op(n);
        if (o === '~' || o === '+') v = r(n['left']) + r(n['right']);
        else if (o === '*') {
          const lc = m.intValue(n['left'] as JNode, env);
          const rc = m.intValue(n['right'] as JNode, env);
          const [count, seq] = lc !== undefined && rc === undefined ? [lc, n['right']] : [rc, n['left']];
          const c =
            count === undefined
              ? Infinity
              : typeof count === 'number'
                ? Math.abs(count)
                : count === 'data'
                  ? m.dataChars
                  : m.dataEntries;
          // Two integers make an integer (its bits are charged as big-integer work), not a repetition.
          v = lc !== undefined && rc !== undefined ? 24 : c * Math.max(1, r(seq));
        } else if (o === '%' && formatTexts(n['left'] as JNode, env, m)) {
          // Text formatted by %: its specs' widths and precisions, and the arguments' own text.
          const right = n['right'] as JNode;
          const args = right.type === 'TupleLiteral' ? (right['value'] as JNode[]) : [right];
          v = formatSpecs(formatTexts(n['left'] as JNode, env, m)!, 'percent', args) + r(right);
        } else v = Math.max(r(n['left']), r(n['right']));
        break;
      }
      case 'Ternary':
        v = Math.max(r(n['trueExpr']), r(n['falseExpr']));
        break;
      case 'ArrayLiteral':
      case 'TupleLiteral':
        v = (n['value'] as unknown[]).reduce((a: number, x) => a + Math.max(1, r(x)), 0);
        break;
      case 'ObjectLiteral':
        v = 0;
        for (const [k, x] of n['value'] as Map<unknown, unknown>) v += r(k) + r(x);
        break;
      case 'CallExpression':
      case 'FilterExpression': {
        const callee = n['callee'] as JNode | undefined;
        if (n.type === 'CallExpression' && callee?.type === 'Identifier') {
          const name = callee['value'] as string;
          let args = 0;
          for (const a of n['args'] as JNode[]) args += r(a);
          v = name === 'range' && !env.vars.has('range') ? m.iterations(n, env) + args : args;
          // strftime_now writes each field at the width the format gives it (`%1500Y`).
          if (name === 'strftime_now' && !env.vars.has(name)) v = STRFTIME_WIDTH * args;
          break;
        }
        const call = m.callParts(n);
        if (!call) {
          v = 0;
          break;
        }
        const base = r(call.operand);
        let args = 0;
        for (const a of call.args) args += r(a);
        const wn =
          PADDING.has(call.name) || call.name === 'indent' || call.name === 'expandtabs' ? call.args[0] : undefined;
        const wv = wn ? m.intValue(wn.type === 'KeywordArgumentExpression' ? (wn['value'] as JNode) : wn, env) : 0;
        const width = wv === undefined ? Infinity : typeof wv === 'number' ? Math.abs(wv) : m.dataChars;
        if (call.name === 'translate') v = base * Math.max(1, args) + args;
        else if (call.name === 'to_bytes') {
          const ln = callArg(call.args, 0, 'length');
          const lv = ln ? m.intValue(ln, env) : 1;
          v = lv === undefined ? Infinity : typeof lv === 'number' ? Math.abs(lv) : m.dataChars;
        } else if (NO_GROWTH.has(call.name)) v = Math.max(base, args, PADDING.has(call.name) ? width : 0);
        else if (call.name === 'indent' || call.name === 'expandtabs') v = base * Math.max(1, width) + args;
        else
          v =
            (EXPANSION.get(call.name) ?? 8) * (base + args) +
            (call.name === 'join' || call.name === 'replace' || call.name === 'wordwrap' ? base * args : 0);
        // A format string writes each field at least at its width and its precision's digits.
        if (call.name === 'format') {
          const fmts = formatTexts(call.operand, env, m);
          if (fmts) v += formatSpecs(fmts, n.type === 'FilterExpression' ? 'percent' : 'brace', call.args);
        }
        break;
      }
      default:
        v = 0;
    }
    madeMemo.set(n, v);
    return v;
  };

  /** Whether a value holds the caller's data (a name the renderers do not define and the template does not set). */
  const readsCallerMemo = new Map<JNode, boolean>();
  const readsCaller = (n: JNode): boolean => {
    let r = readsCallerMemo.get(n);
    if (r === undefined) readsCallerMemo.set(n, (r = readsCallerOnce(n)));
    return r;
  };
  const readsCallerOnce = (n: JNode): boolean => {
    const st: unknown[] = [n];
    let steps = 0;
    while (st.length && steps++ < 10_000) {
      const v = st.pop();
      if (Array.isArray(v)) for (const x of v) st.push(x);
      else if (isNode(v)) {
        if (v.type === 'Identifier') {
          const name = v['value'] as string;
          const defs = env.vars.get(name);
          if (!defs && !GLOBALS.has(name)) return true;
          if (defs && defs.some((d) => d.kind === 'unknown' || d.kind === 'iter')) return true;
        }
        if (v.type === 'MemberExpression' && !v['computed']) st.push(v['object']);
        // A keyword argument's name is no value: only what it is given is read.
        else if (v.type === 'KeywordArgumentExpression') st.push(v['value']);
        // A filter's or a test's name is no value: only its operand and arguments are read.
        else if (v.type === 'FilterExpression' || v.type === 'TestExpression') {
          st.push(v['operand']);
          const f = v['filter'];
          if (isNode(f) && f.type === 'CallExpression') st.push(f['args']);
        } else for (const c of children(v)) st.push(c);
      }
    }
    return steps >= 10_000;
  };

  /**
   * The size a call works on: what the template made, plus the caller's content — the whole request once over the
   * loops that visit its parts, else one of the caller's strings (or lists) on each pass.
   */
  const sizes = (operand: JNode, part: boolean): { chars: number; own: number; caller: number } => {
    const own = made(operand, new Set(), 0);
    const caller = part || m.isRequestList(operand, env) ? m.dataRequest : readsCaller(operand) ? m.dataChars : 0;
    return { chars: own + caller, own, caller };
  };

  /** A loop variable that only ever visits the integers of a `range` (the renderers' own). */
  const rangeIndex = (x: JNode): boolean => {
    if (x.type !== 'Identifier' || env.vars.has('range')) return false;
    const defs = env.vars.get(x['value'] as string);
    return (
      !!defs?.length &&
      defs.every(
        (d) =>
          d.kind === 'iter' &&
          isNode(d.node) &&
          d.node.type === 'CallExpression' &&
          (d.node['callee'] as JNode).type === 'Identifier' &&
          (d.node['callee'] as JNode)['value'] === 'range',
      )
    );
  };

  /** A number made by a filter (a length, a count, a conversion). */
  const numberFilter = (x: JNode): boolean => {
    if (x.type !== 'FilterExpression') return false;
    const f = x['filter'] as JNode;
    const callee = f.type === 'CallExpression' ? (f['callee'] as JNode) : f;
    return callee.type === 'Identifier' && NUMBER_FILTERS.has(callee['value'] as string);
  };

  /** Unfolded items (or characters) of a value, summed over the passes on which an operation walks it. */
  const walked = (v: unknown, loops: readonly Loop[]): number => {
    if (!isNode(v)) return 0;
    const x = v.type === 'KeywordArgumentExpression' ? v['value'] : v;
    if (!isNode(x)) return 0;
    // A string made by concatenation is walked where it is made; here it is flat, sized by the output bound.
    if (x.type === 'BinaryExpression' && op(x) === '~') return 0;
    const { times, part } = passes(x, loops);
    // An integer the analysis bounds (a loop index, a length, a count) is compared and hashed in constant time.
    if (intOf(x) !== undefined || rangeIndex(x) || numberFilter(x)) return times;
    const { chars } = sizes(x, part);
    return chars > 0 ? chars * times : 0;
  };
  const chargeWalk = (
    n: JNode,
    how: OperandWork,
    operands: readonly unknown[],
    loops: readonly Loop[],
    what: string,
  ) => {
    if (how === 'none' || how === 'repeat') return;
    const each = operands.map((x) => walked(x, loops));
    const amount = how === 'least' ? Math.min(...each) : each.reduce((a, b) => a + b, 0);
    charge(
      n,
      amount,
      1,
      `${what} values of up to ${amount === Infinity ? 'unbounded' : amount} items over the render ` +
        '(a container counted with every item of every container it holds)',
    );
  };

  const collidingWhat = (k: number): string =>
    `${k === Infinity ? 'unboundedly many' : k} integers or tuples that may share one hash (CPython hashes an int ` +
    "modulo 2^61 - 1 and mixes a tuple's item hashes by steps that can be inverted, so chosen values collide and " +
    'each is compared with every other one of its class)';

  const structuralWork = (n: JNode, loops: readonly Loop[]): void => {
    if (n.type === 'UnaryExpression') return;
    if (n.type === 'TestExpression') {
      const t = n['test'] as JNode;
      const name = isNode(t) && t.type === 'Identifier' ? (t['value'] as string) : '';
      const args = Array.isArray(n['args']) ? (n['args'] as unknown[]) : [];
      chargeWalk(n, TEST_WORK.get(name) ?? 'both', [n['operand'], ...args], loops, `the test '${name}' walks`);
      if (name === 'in' && args[0]) searchWork(n, args[0], n['operand'], false, loops);
      return;
    }
    if (n.type === 'MemberExpression') {
      const prop = n['property'];
      // A subscript hashes its key (a dict) or reads an index; a slice copies top-level items the growth model sizes.
      if (n['computed'] && isNode(prop) && prop.type !== 'SliceExpression')
        chargeWalk(n, 'both', [prop], loops, 'hashes a subscript key:');
      return;
    }
    if (n.type === 'ObjectLiteral') {
      chargeWalk(n, 'both', [...(n['value'] as Map<unknown, unknown>).keys()], loops, 'hashes dict keys:');
      const k = m.collidingItems(n, env);
      if (k > 1)
        charge(
          n,
          (COLLIDING_COMPARE_WORK * k * (k - 1)) / 2,
          passes(n, loops).times,
          `builds a dict keyed by ${collidingWhat(k)}`,
        );
    }
  };

  /** The passes of every loop around a node: an evaluation's own work is paid on each of them. */
  const allPasses = (loops: readonly Loop[]): number => loops.reduce((t, l) => t * l.times, 1);

  /**
   * A substring search (`in`, find, count, replace, split, their reverse forms) compares up to haystack x needle
   * character pairs where CPython searches naively (searchPairs): charged by the operands' sizes, the haystack's
   * parts of the request as the pieces they are.
   */
  const searchWork = (n: JNode, hayNode: unknown, needleNode: unknown, reverse: boolean, loops: readonly Loop[]) => {
    if (!isNode(hayNode) || !isNode(needleNode)) return;
    const needleValue = needleNode.type === 'KeywordArgumentExpression' ? (needleNode['value'] as JNode) : needleNode;
    const { times, part } = passes(hayNode, loops);
    const hay = sizes(hayNode, part);
    const needle = sizes(needleValue, false);
    const piece = part ? m.dataChars + hay.own : hay.chars;
    const per = SEARCH_PAIR_WORK * searchPairs(hay.chars, needle.chars, reverse, piece);
    const ownPer = SEARCH_PAIR_WORK * searchPairs(hay.own, needle.own, reverse);
    charge(
      n,
      per,
      times,
      `searches up to ${hay.chars} characters for a substring of up to ${needle.chars} (CPython compares the needle ` +
        'at each position of such a haystack)',
      ownPer,
    );
  };

  /** A format or padding call writes its whole output on every evaluation, whether or not its inputs change. */
  const outputWork = (n: JNode, loops: readonly Loop[]): void => {
    const size = made(n, new Set(), 0);
    charge(
      n,
      OUTPUT_CHAR_WORK * size,
      allPasses(loops),
      `writes up to ${size === Infinity ? 'unboundedly many' : size} characters by a width or precision on each evaluation`,
    );
  };

  const callWork = (n: JNode, loops: readonly Loop[]): void => {
    const o = n.type === 'BinaryExpression' ? op(n) : undefined;
    if (o !== undefined) {
      const how = OPERATOR_WORK.get(o === 'notin' ? 'not in' : o);
      if (how === undefined) {
        // An operator without a cost entry cannot be bounded.
        charge(n, Infinity, 1, `applies the operator '${o}', whose work is not modelled`);
        return;
      }
      if (how !== 'repeat') {
        // Membership is charged both operands in full, so a lookup in a dict is charged at least the keys that share
        // the looked-up value's hash, past which it probes.
        const what = o === 'in' || o === 'not in' || o === 'notin' ? 'tests membership in' : `'${o}' walks`;
        chargeWalk(n, how, [n['left'], n['right']], loops, what);
        if (o === 'in' || o === 'not in' || o === 'notin') searchWork(n, n['right'], n['left'], false, loops);
        if (o === '%' && formatTexts(n['left'] as JNode, env, m)) outputWork(n, loops);
        return;
      }
    }
    if (o === '*') {
      // Two integers make an integer: big-integer work, charged from their bits (template-cost.ts intArithmetic).
      if (m.intValue(n['left'] as JNode, env) !== undefined && m.intValue(n['right'] as JNode, env) !== undefined)
        return;
      const size = m.sizeOf(n, env);
      if (size > m.dataRequest || loops.length) charge(n, size, passes(n, loops).times, 'repeats a value on each pass');
      return;
    }
    if (m.dictBuild(n, env)) {
      const k = m.collidingItems(n, env);
      if (k > 1)
        charge(
          n,
          (COLLIDING_COMPARE_WORK * k * (k - 1)) / 2,
          passes(n, loops).times,
          `builds a dict keyed by ${collidingWhat(k)}`,
        );
    }
    const call = m.callParts(n);
    // Arguments are hashed (a dict key), compared (count, index, a test) or converted to strings (format, join).
    if (call?.args.length) chargeWalk(n, 'both', call.args, loops, `calls ${call.name} with arguments that walk`);
    if (call) argumentWork(n, call, loops);
    if (call && (n.type === 'CallExpression' || call.name === 'replace')) {
      const reverse = REVERSE_SEARCH.has(call.name);
      if (reverse || FORWARD_SEARCH.has(call.name)) {
        const key = call.name.endsWith('split') ? 'sep' : call.name === 'replace' ? 'old' : 'sub';
        const needle = callArg(call.args, 0, key);
        if (needle) searchWork(n, call.operand, needle, reverse, loops);
      }
    }
    if (call && WIDTH_OUTPUT.has(call.name)) outputWork(n, loops);
    if (!call || CONSTANT_WORK.has(call.name)) return;
    if (call.name === 'count' && n.type === 'FilterExpression') return;
    const { times, part } = passes(call.operand, loops);
    const { chars, own, caller } = sizes(call.operand, part);
    let per: number;
    let ownPer: number | undefined;
    if (call.name === 'wordwrap' && n.type === 'FilterExpression') {
      // textwrap cuts a long word one line at a time, copying the rest each time.
      const wn = callArg(call.args, 0, 'width');
      const w = wn ? m.intValue(wn, env) : 79;
      const width = typeof w === 'number' ? Math.max(1, Math.abs(w)) : 1;
      const n1 = part ? m.dataChars : chars;
      per = (0.1 * n1 * n1) / width + chars;
      if (part) per = (0.1 * m.dataChars * m.dataRequest) / width + chars;
      ownPer = (0.1 * own * own) / width + own;
    } else if (call.name === 'striptags' || call.name === 'urlize') {
      // striptags: the comment-or-tag regex rescans from every unclosed `<!--` or `<` to the end. urlize: the
      // trailing-punctuation regex run on a word ending in `)` rescans a run of `)` from each of its positions.
      const w = call.name === 'urlize' ? URLIZE_WORK : STRIPTAGS_WORK;
      per = w * (part ? m.dataChars * m.dataRequest : chars * chars);
      ownPer = w * own * own;
    } else if ((call.name === 'encode' || call.name === 'decode') && n.type === 'CallExpression') {
      // The codec is the first argument or `encoding=` (UTF-8 when none); one the analysis cannot read may be any.
      const cn = callArg(call.args, 0, 'encoding');
      const codecs = cn ? formatStrings(cn, env) : ['utf-8'];
      const quadratic =
        codecs === undefined || codecs.some((c) => QUADRATIC_CODECS.has(c.toLowerCase().replace(/[^a-z0-9]/g, '')));
      per = quadratic ? PUNYCODE_WORK * chars * Math.min(chars, CODE_POINTS) + chars : chars;
    } else {
      const w = ITEM_WEIGHT.get(call.name);
      // The caller's content is charged per character at string speed: a per-item weight on a character count
      // would charge a request of one-character items, which the request bound already prices.
      per = w === undefined ? chars : w * own + Math.min(w, CALLER_WEIGHT) * caller;
      ownPer = w === undefined ? own : w * own;
      if (call.name === 'sort' || call.name === 'dictsort' || call.name === 'groupby')
        per *= Math.max(1, Math.log2(Math.max(2, chars)) / 16);
    }
    // unique gathers the items in a set: each compares with every earlier one of its hash class.
    const k = call.name === 'unique' ? m.collidingItems(call.operand, env) : 0;
    if (k > 1) per += (COLLIDING_COMPARE_WORK * k * (k - 1)) / 2;
    charge(
      n,
      per,
      times,
      k > 1
        ? `calls unique on ${collidingWhat(k)}`
        : `calls ${call.name} on a value of up to ${chars === Infinity ? 'unbounded' : chars} characters or items`,
      k > 1 ? per : ownPer,
    );
  };

  /**
   * Work a builtin does by its arguments rather than its operand: round's precision (10 ** p), sum's start (a list
   * start copies the total on each item), int.to_bytes' length (bytes filled), str.translate's mapping (each character
   * may become the longest replacement), dict.fromkeys' iterable (one insert per item). A filter reached by name
   * through `map('name', …)` is charged as that filter on the mapped value (a name the fold cannot work out may be any).
   */
  const argumentWork = (
    n: JNode,
    call: { operand: JNode; name: string; args: JNode[] },
    loops: readonly Loop[],
  ): void => {
    const times = (): number => passes(n, loops).times;
    const filter = n.type === 'FilterExpression';
    const count = (a: JNode | undefined, none: number): number => {
      if (!a) return none;
      const v = m.intValue(a, env);
      return v === undefined ? Infinity : typeof v === 'number' ? Math.abs(v) : m.dataChars;
    };
    if ((call.name === 'int' && filter) || (call.name === 'strip' && !filter) || STRIP_CHARS.has(call.name)) {
      // Text read as a decimal integer is quadratic in CPython (up to its 4,300-digit limit, past which int()
      // refuses and jinja2 reads the text as a float, linearly); a strip with a chars argument looks each stripped
      // character up in that set by a linear search.
      const { chars } = sizes(call.operand, passes(call.operand, loops).part);
      if (call.name === 'int') {
        const base = callArg(call.args, 0, 'base');
        const b = base ? m.intValue(base, env) : 10;
        if (typeof b === 'number' && POWER_OF_TWO_BASES.has(b)) return;
        const digits = Math.min(chars, INT_MAX_STR_DIGITS);
        charge(n, INT_PARSE_WORK * digits * digits, times(), `reads text of up to ${digits} digits as an integer`);
        return;
      }
      const set = callArg(call.args, 0, 'chars');
      if (!set || (set.type === 'Identifier' && (set['value'] === 'none' || set['value'] === 'None'))) return;
      const setChars = sizes(set, passes(set, loops).part).chars;
      charge(
        n,
        STRIP_PAIR_WORK * chars * Math.max(1, setChars),
        times(),
        `calls ${call.name} on up to ${chars} characters with a set of up to ${setChars} characters`,
      );
      return;
    }
    if (call.name === 'round' && filter) {
      const p = count(callArg(call.args, 0, 'precision'), 0);
      charge(n, powerOfTenWork(p), times(), `calls round with a precision of ${p} (it computes 10 ** precision)`);
    } else if (call.name === 'sum' && filter) {
      const start = callArg(call.args, 1, 'start');
      if (start && intOf(start) === undefined && !NUMBER_LITERALS.has(start.type)) {
        const items = sizes(call.operand, passes(call.operand, loops).part).chars;
        charge(
          n,
          (COPY_ITEM_WORK * items * items) / 2,
          times(),
          `sums up to ${items} items onto a start value that is not a number (each addition copies the total)`,
        );
      }
    } else if (call.name === 'to_bytes' && !filter) {
      const length = count(callArg(call.args, 0, 'length'), 1);
      charge(n, length, times(), `calls to_bytes for ${length} bytes`);
    } else if (call.name === 'translate' && !filter && call.args[0]) {
      const table = sizes(call.args[0], false).chars;
      const chars = sizes(call.operand, passes(call.operand, loops).part).chars;
      charge(
        n,
        chars * Math.max(1, table),
        times(),
        `calls translate on up to ${chars} characters with a table of up to ${table} characters`,
      );
    } else if (call.name === 'fromkeys' && !filter && call.args[0]) {
      const keys = sizes(call.args[0], passes(call.args[0], loops).part).chars;
      charge(n, FROMKEYS_WORK * keys, times(), `calls fromkeys on up to ${keys} items`);
    } else if (call.name === 'map' && filter) {
      const first = call.args[0];
      if (!first || first.type === 'KeywordArgumentExpression') return;
      if (formatStrings(first, env) === undefined) {
        charge(n, Infinity, 1, 'applies through map a filter whose name the template computes');
        return;
      }
      for (const synthetic of indirectFilters([n], env, macros, m)) callWork(synthetic, loops);
    }
  };

  const methodValues = heldMethods(program, env, m);
  const filterCalls = new Set<unknown>();

  /** A call whose callee may be a bound method the template holds: charged as each of them called with its arguments. */
  const heldMethodWork = (n: JNode, loops: readonly Loop[]): void => {
    if (!methodValues.length || !mayCallHeldMethod(n, env, macros)) return;
    // The methods the callee may be, followed by identity (a name only ever set to `''.join` is join alone).
    for (const method of calleeMethods(n['callee'] as JNode, env, macros, methodValues) ?? methodValues) {
      const synthetic: JNode = { type: 'CallExpression', callee: method, args: n['args'] };
      origin.set(synthetic, n);
      callWork(synthetic, loops);
    }
  };

  /** The work a macro's body added when walked under a loop stack, by stack and name. */
  const macroWork = new WeakMap<readonly Loop[], Map<string, number>>();
  const walk = (root: unknown, loops: readonly Loop[], depth: number): void => {
    if (depth > m.maxNesting) return;
    const st: unknown[] = [root];
    while (st.length) {
      const n = st.pop();
      if (Array.isArray(n)) {
        for (const x of n) st.push(x);
        continue;
      }
      if (!isNode(n) || n.type === 'Macro') continue;
      if (n.type === 'For') {
        walk(n['iterable'], loops, depth + 1);
        walk(n['defaultBlock'], loops, depth + 1);
        const vars = loopVars(n['loopvar']);
        const times = m.iterations(n['iterable'] as JNode, env);
        walk(n['body'], [...loops, { vars, times, iterable: n['iterable'] as JNode }], depth + 1);
        continue;
      }
      if (n.type === 'CallExpression' && (n['callee'] as JNode).type === 'Identifier') {
        const name = (n['callee'] as JNode)['value'] as string;
        const mac = macros.get(name);
        if (mac && !visiting.has(name)) {
          // A macro called again under the same loops costs what its first call did: that work is added again
          // rather than walked again (a chain of macros each calling the one below twice is walked once per level,
          // not 2^levels times).
          let memo = macroWork.get(loops);
          if (memo === undefined) macroWork.set(loops, (memo = new Map()));
          const again = memo.get(name);
          if (again !== undefined) total += again;
          else {
            const before = total;
            visiting.add(name);
            walk(mac['body'], loops, depth + 1);
            visiting.delete(name);
            memo.set(name, total - before);
          }
        }
      }
      // A filter or test written with arguments is a call node of the filter, not a call of a value.
      if (n.type === 'FilterExpression' || n.type === 'FilterStatement' || n.type === 'TestExpression')
        filterCalls.add(n.type === 'TestExpression' ? n['test'] : n['filter']);
      if (n.type === 'CallExpression' && !filterCalls.has(n)) heldMethodWork(n, loops);
      if (n.type === 'FilterStatement' && isNode(n['filter'])) {
        // A filter block applies its filter to what its body writes.
        for (const synthetic of indirectFilters([n], env, macros, m)) callWork(synthetic, loops);
      }
      if (n.type === 'FilterExpression' || n.type === 'CallExpression' || n.type === 'BinaryExpression')
        callWork(n, loops);
      else if (
        n.type === 'TestExpression' ||
        n.type === 'UnaryExpression' ||
        n.type === 'MemberExpression' ||
        n.type === 'ObjectLiteral'
      )
        structuralWork(n, loops);
      for (const c of children(n)) st.push(c);
    }
  };
  // Accumulation: a value set from its own old value on each pass (`ns.s = ns.s ~ x`, `ns.l = ns.l + [x]`, a block set
  // writing itself, a macro writing its argument) is copied in full by each pass, so passes that each add a little
  // cost the square of their number. Charged at each such set: its passes times the size the value has reached.
  /** A number or boolean (arithmetic and comparisons copy nothing): literals, lengths, counts, loop counters. */
  const numberMemo = new Map<string, boolean>();
  const isNumber = (n: unknown, seen: Set<string> = new Set(), depth = 0): boolean => {
    if (!isNode(n) || depth > m.maxNesting) return false;
    const r = (x: unknown): boolean => isNumber(x, seen, depth + 1);
    if (NUMBER_LITERALS.has(n.type) || intOf(n) !== undefined || numberFilter(n) || rangeIndex(n)) return true;
    if (n.type === 'UnaryExpression' || n.type === 'TestExpression') return true;
    if (n.type === 'Ternary') return r(n['trueExpr']) && r(n['falseExpr']);
    if (n.type === 'BinaryExpression') {
      const o = op(n) ?? '';
      if (o === '+' || o === '%') return r(n['left']) || (o === '+' && r(n['right']));
      if (o === '*' || o === 'and' || o === 'or') return r(n['left']) && r(n['right']);
      return o !== '~';
    }
    let key: string | undefined;
    let defs: readonly { kind: string; node?: JNode }[] | undefined;
    if (n.type === 'Identifier') {
      key = n['value'] as string;
      defs = env.vars.get(key);
    } else if (n.type === 'MemberExpression' && !n['computed'] && isNode(n['property'])) {
      const obj = n['object'] as JNode;
      const prop = (n['property'] as JNode)['value'] as string;
      if (obj.type === 'Identifier' && obj['value'] === 'loop' && !env.vars.has('loop')) return LOOP_NUMBERS.has(prop);
      key = '.' + prop;
      defs = env.attrs.get(prop);
    }
    if (key === undefined || !defs?.length) return false;
    const known = numberMemo.get(key);
    if (known !== undefined) return known;
    // A name met again inside its own definitions: the other definitions decide (a counter starts at a number).
    if (seen.has(key)) return true;
    seen.add(key);
    const all = defs.every((d) => (d.kind === 'value' ? r(d.node) : d.kind === 'iter' && rangeIndex(n)));
    seen.delete(key);
    numberMemo.set(key, all);
    return all;
  };

  /** The key a `set` target has (`x`, or `.a` for an attribute), and the object an attribute is set on. */
  const targetOf = (t: unknown): { key: string; object?: string } | undefined => {
    if (!isNode(t)) return undefined;
    if (t.type === 'Identifier') return { key: t['value'] as string };
    if (t.type === 'MemberExpression' && !t['computed'] && isNode(t['property'])) {
      const obj = t['object'] as JNode;
      return {
        key: '.' + ((t['property'] as JNode)['value'] as string),
        object: obj.type === 'Identifier' ? (obj['value'] as string) : undefined,
      };
    }
    return undefined;
  };
  /** Whether an expression reads the key (directly, or through a variable or loop variable defined from it). */
  const readsKey = (root: unknown, key: string): boolean => {
    const seen = new Set<string>();
    const st: unknown[] = [root];
    let steps = 0;
    while (st.length && steps++ < 100_000) {
      const v = st.pop();
      if (Array.isArray(v)) for (const x of v) st.push(x);
      else if (isNode(v)) {
        if (v.type === 'Identifier') {
          const name = v['value'] as string;
          if (name === key) return true;
          if (!seen.has(name)) {
            seen.add(name);
            for (const d of env.vars.get(name) ?? []) if (d.kind === 'value' || d.kind === 'iter') st.push(d.node);
          }
        } else if (v.type === 'MemberExpression' && !v['computed'] && isNode(v['property'])) {
          if ('.' + ((v['property'] as JNode)['value'] as string) === key) return true;
          st.push(v['object']);
          continue;
        }
        for (const c of children(v)) st.push(c);
      }
    }
    return steps >= 100_000;
  };
  const isKey = (n: JNode, key: string): boolean =>
    n.type === 'Identifier'
      ? n['value'] === key
      : n.type === 'MemberExpression' &&
        !n['computed'] &&
        isNode(n['property']) &&
        '.' + ((n['property'] as JNode)['value'] as string) === key;
  /**
   * How many times evaluating a value copies the key's old value: once per operation on the way to a read of it that
   * makes a new value from it (`~`, `+` of sequences, `%`, a filter or method, a slice, a macro or global call, a
   * block set's output); a read that only selects it (a branch, `and`/`or`), refers to it (an item of a list or tuple)
   * or measures it (a length, an index, a test, a comparison) copies nothing. A run of `~` is one join.
   */
  const copiesOf = (
    n: unknown,
    key: string,
    copying: number,
    seen: Set<string>,
    memo: Map<string, number>,
    depth: number,
  ): number => {
    if (!isNode(n) || depth > m.maxNesting) return 0;
    const r = (x: unknown, c: number): number => copiesOf(x, key, c, seen, memo, depth + 1);
    if (isKey(n, key)) return copying;
    switch (n.type) {
      case 'Identifier': {
        const name = n['value'] as string;
        const memoKey = `${name}\0${copying}`;
        const known = memo.get(memoKey);
        if (known !== undefined) return known;
        if (seen.has(name)) return 0;
        seen.add(name);
        let most = 0;
        for (const d of env.vars.get(name) ?? [])
          if (d.kind === 'value' || d.kind === 'iter') most = Math.max(most, r(d.node, copying));
        seen.delete(name);
        memo.set(memoKey, most);
        return most;
      }
      case 'Ternary':
        return Math.max(r(n['trueExpr'], copying), r(n['falseExpr'], copying));
      case 'TestExpression':
      case 'UnaryExpression':
        return 0;
      case 'BinaryExpression': {
        const o = op(n);
        if (o === 'and' || o === 'or') return r(n['left'], copying) + r(n['right'], copying);
        if (o === '~') {
          // A run of `~` is one join: the innermost operands are copied once.
          const l = n['left'];
          const rt = n['right'];
          return r(l, isTilde(l) ? copying : copying + 1) + r(rt, isTilde(rt) ? copying : copying + 1);
        }
        if (o === '%' || (o === '+' && !isNumber(n['left']) && !isNumber(n['right'])))
          return r(n['left'], copying + 1) + r(n['right'], copying + 1);
        return 0;
      }
      case 'MemberExpression': {
        const prop = n['property'];
        if (n['computed'] && isNode(prop) && prop.type === 'SliceExpression') return r(n['object'], copying + 1);
        return 0;
      }
      case 'FilterExpression':
      case 'CallExpression': {
        const call = m.callParts(n);
        if (call) {
          if (CONSTANT_WORK.has(call.name) || NUMBER_FILTERS.has(call.name)) {
            // `default` hands its operand back; the rest measure it.
            return call.name === 'default' || call.name === 'd' ? r(call.operand, copying) : 0;
          }
          let t = r(call.operand, copying + 1);
          for (const a of call.args) t += r(a, copying + 1);
          return t;
        }
        let t = 0;
        for (const a of (n['args'] as unknown[] | undefined) ?? []) t += r(a, copying + 1);
        return t;
      }
      default: {
        let t = 0;
        for (const c of children(n)) {
          if (Array.isArray(c)) for (const x of c) t += r(x, copying);
          else t += r(c, copying);
        }
        return t;
      }
    }
  };
  const isTilde = (x: unknown): boolean => isNode(x) && x.type === 'BinaryExpression' && op(x) === '~';

  /** Targets a statement list sets afresh on every run of it (not under a condition): `x`, `obj.a`, `obj:` for a rebound object. */
  const resetMemo = new Map<unknown[], Set<string>>();
  const resetsIn = (body: unknown): Set<string> => {
    if (!Array.isArray(body)) return new Set();
    let out = resetMemo.get(body);
    if (out) return out;
    out = new Set();
    for (const s of body) if (isNode(s) && s.type === 'Set') for (const k of resetMarks(s)) out.add(k);
    resetMemo.set(body, out);
    return out;
  };
  /** What a `set` sets afresh: its target when its value does not read it, and any attribute of a rebound name. */
  const resetMarks = (s: JNode): string[] => {
    const t = s['assignee'] as JNode;
    const tg = targetOf(t);
    if (!tg) return [];
    const out: string[] = [];
    if (t.type === 'Identifier') out.push('obj:' + tg.key);
    const reads = isNode(s['value']) ? readsKey(s['value'], tg.key) : readsKey(s['body'], tg.key);
    if (!reads) out.push(tg.object !== undefined ? `${tg.object}${tg.key}` : tg.key);
    return out;
  };
  /**
   * For each `set`, the targets set afresh before it in every run of the loop or macro body around it (earlier in its
   * own statement list or in a list holding it, up to that body): such a set starts from that value on each pass.
   */
  const resetBefore = new Map<JNode, ReadonlySet<string>>();
  const listResets = (list: unknown, inherited: ReadonlySet<string>, depth: number): void => {
    if (!Array.isArray(list) || depth > m.maxNesting) return;
    const cur = new Set(inherited);
    for (const x of list) {
      if (!isNode(x)) continue;
      if (x.type === 'Set') {
        resetBefore.set(x, new Set(cur));
        for (const k of resetMarks(x)) cur.add(k);
      } else if (x.type === 'If') {
        listResets(x['body'], cur, depth + 1);
        listResets(x['alternate'], cur, depth + 1);
      } else if (x.type === 'For' || x.type === 'Macro') {
        listResets(x['body'], new Set(), depth + 1);
        listResets(x['defaultBlock'], new Set(), depth + 1);
      } else if (x.type === 'CallStatement' || x.type === 'FilterStatement') listResets(x['body'], cur, depth + 1);
    }
  };
  listResets(program['body'], new Set(), 0);

  interface Frame {
    readonly loop?: Loop;
    readonly node?: JNode;
    readonly body: unknown;
  }
  interface Visit {
    readonly set: JNode;
    readonly key: string;
    /** Passes of the set over the render, and of the loops over which its value keeps what it gathered. */
    readonly runs: number;
    readonly span: number;
    readonly spanLoops: readonly JNode[];
    /** Copies of the old value one run makes. */
    readonly copies: number;
    /** Size one run adds (characters or items the template makes, and caller strings that are not parts of a loop). */
    readonly perPass: number;
    /** The caller's parts one run adds, in all over the render. */
    readonly parts: number;
    readonly list: boolean;
  }
  /** A variable that may hold the caller's data: set where the analysis cannot see, or a loop over the caller's. */
  const callerVarMemo = new Map<string, boolean>();
  const callerVar = (name: string): boolean => {
    const known = callerVarMemo.get(name);
    if (known !== undefined) return known;
    callerVarMemo.set(name, false);
    let v = false;
    for (const d of env.vars.get(name) ?? []) {
      if (d.kind === 'unknown') v = true;
      if (d.kind !== 'iter') continue;
      const roots = rootVar(d.node);
      if (roots && (roots.includes(CALLER) || roots.some((x) => x !== name && callerVar(x)))) v = true;
    }
    callerVarMemo.set(name, v);
    return v;
  };
  const visits: Visit[] = [];
  const collectVisiting = new Set<string>();
  const LIST_NODES = new Set(['ArrayLiteral', 'TupleLiteral']);
  const visitSet = (s: JNode, frames: readonly Frame[]): void => {
    const tg = targetOf(s['assignee']);
    const loopFrames = frames.filter((f) => f.loop);
    if (!tg || !loopFrames.length) return;
    const value = s['value'];
    const block = !isNode(value);
    const exprs: unknown[] = block ? [s['body']] : [value];
    if (!block && isNumber(value)) return;
    const seen = new Set<string>();
    const memo = new Map<string, number>();
    let copies = 0;
    if (block) {
      // The body's output is joined into the new value: each expression it writes is copied.
      const st: unknown[] = [s['body']];
      while (st.length) {
        const v = st.pop();
        if (Array.isArray(v)) for (const x of v) st.push(x);
        else if (isNode(v) && v.type !== 'Set' && v.type !== 'Macro') {
          if (v.type === 'For' || v.type === 'If') for (const c of children(v)) st.push(c);
          else copies += copiesOf(v, tg.key, 1, seen, memo, 0);
        }
      }
    } else copies = copiesOf(value, tg.key, 0, seen, memo, 0);
    if (copies === 0) return;
    // The frame whose every run sets the target afresh (a macro does for a plain variable, a loop for its own loop
    // variable; a body does for one it sets again unconditionally); the value gathers over the passes of the loops
    // inside it. A plain
    // variable keeps its value over the passes of the loop that sets it (@huggingface/jinja; jinja2 starts each pass
    // anew), a namespace attribute over every loop inside the frame that resets it.
    const before = resetBefore.get(s);
    const mark = tg.object !== undefined ? `${tg.object}${tg.key}` : tg.key;
    let from = -1;
    if (before && (before.has(mark) || (tg.object !== undefined && before.has('obj:' + tg.object))))
      from = frames.length - 1;
    else
      for (let i = frames.length - 1; i >= 0; i--) {
        const f = frames[i]!;
        const resets = resetsIn(f.body);
        if (
          (tg.object === undefined && (f.loop === undefined || f.loop.vars.includes(tg.key) || resets.has(tg.key))) ||
          (tg.object !== undefined && (resets.has('obj:' + tg.object) || resets.has(tg.object + tg.key)))
        ) {
          from = i;
          break;
        }
      }
    let spanFrames = frames.slice(from + 1).filter((f) => f.loop);
    if (tg.object === undefined) spanFrames = spanFrames.slice(-1);
    const loops = loopFrames.map((f) => f.loop!);
    const spanIdx = new Set(spanFrames.map((f) => loops.indexOf(f.loop!)));
    let runs = 1;
    let span = 1;
    loops.forEach((l, i) => {
      runs *= l.times;
      if (spanIdx.has(i)) span *= l.times;
    });
    // What one pass adds: list and tuple items joined by `+` count one each (a reference); anything else its size.
    const madeMemo = new Map<JNode, number>();
    const madeHere = (x: unknown, seen: Set<string>, depth: number): number => made(x, seen, depth, madeMemo);
    let list = false;
    const ownMacros = new Set<JNode>();
    const ownNames = new Set<string>();
    const macroWritten = new Map<JNode, number>();
    const own = (n: unknown, inConcat: boolean): number => {
      if (!isNode(n)) return 0;
      if (isKey(n, tg.key)) return 0;
      if (n.type === 'BinaryExpression' && op(n) === '+' && !isNumber(n))
        return own(n['left'], true) + own(n['right'], true);
      if (inConcat && LIST_NODES.has(n.type)) {
        list = true;
        return (n['value'] as unknown[]).length;
      }
      // A variable the template sets: what its definitions add (a loop variable over a literal list: its largest item).
      if (n.type === 'Identifier' && !isNumber(n)) {
        const name = n['value'] as string;
        const defs = env.vars.get(name);
        if (defs?.length && !ownNames.has(name) && defs.every((d) => d.kind === 'value' || d.kind === 'iter')) {
          ownNames.add(name);
          let most = 0;
          for (const d of defs) {
            const it = d.node!;
            if (d.kind === 'value') most = Math.max(most, own(it, inConcat));
            else if (LIST_NODES.has(it.type))
              for (const x of it['value'] as unknown[]) most = Math.max(most, own(x, inConcat));
            else most = Math.max(most, madeHere(n, new Set([tg.key]), 0));
          }
          ownNames.delete(name);
          return most;
        }
      }
      // A macro's value is what its body writes.
      const callee = n['callee'];
      const mac =
        n.type === 'CallExpression' && isNode(callee) && callee.type === 'Identifier'
          ? macros.get(callee['value'] as string)
          : undefined;
      if (mac && !ownMacros.has(mac)) {
        let body = macroWritten.get(mac);
        if (body === undefined) {
          ownMacros.add(mac);
          body = written(mac['body'], 0);
          ownMacros.delete(mac);
          macroWritten.set(mac, body);
        }
        return body + madeHere(n, new Set([tg.key]), 0);
      }
      return madeHere(n, new Set([tg.key]), 0);
    };
    /** What a list of statements writes that the template makes (loops times their passes, both branches of an if). */
    const written = (body: unknown, depth: number): number => {
      if (!Array.isArray(body) || depth > m.maxNesting) return 0;
      let t = 0;
      for (const x of body) {
        if (!isNode(x) || x.type === 'Set' || x.type === 'Macro' || x.type === 'Comment') continue;
        if (x.type === 'For')
          t +=
            m.iterations(x['iterable'] as JNode, env) * written(x['body'], depth + 1) +
            written(x['defaultBlock'], depth + 1);
        else if (x.type === 'If') t += written(x['body'], depth + 1) + written(x['alternate'], depth + 1);
        else if (x.type === 'CallStatement' || x.type === 'FilterStatement') t += written(x['body'], depth + 1);
        else t += own(x, false);
      }
      return t;
    };
    let perPass = 0;
    for (const e of exprs) perPass += Array.isArray(e) ? written(e, 0) : own(e, false);
    // The caller's content one pass adds: a part of what the span's loops visit is at most the request over them.
    let parts = 0;
    const leaves: JNode[] = [];
    const leafSeen = new Set<string>();
    const callerLeaves = (n: unknown, inConcat: boolean, depth: number): void => {
      if (!isNode(n) || depth > m.maxNesting || isNumber(n)) return;
      const r = (x: unknown, c = false): void => callerLeaves(x, c, depth + 1);
      if (isKey(n, tg.key) || LITERALS.has(n.type)) return;
      // Items of a list or tuple joined by `+` are references: one item each, counted above.
      if (inConcat && LIST_NODES.has(n.type)) return;
      if (n.type === 'BinaryExpression' && op(n) === '+') {
        r(n['left'], true);
        r(n['right'], true);
        return;
      }
      if (n.type === 'KeywordArgumentExpression') {
        r(n['value']);
        return;
      }
      if (n.type === 'FilterExpression' || n.type === 'CallExpression') {
        // A filter's or a called macro's name is not a value; a method's object is.
        const call = m.callParts(n);
        const args = call ? call.args : ((n['args'] as unknown[] | undefined) ?? []);
        if (call) r(call.operand);
        for (const a of args) r(a);
        return;
      }
      if (n.type === 'Identifier') {
        const name = n['value'] as string;
        const defs = env.vars.get(name);
        if (!defs) {
          if (!GLOBALS.has(name)) leaves.push(n);
          return;
        }
        if (callerVar(name)) leaves.push(n);
        if (leafSeen.has(name)) return;
        leafSeen.add(name);
        // A loop over values the template makes: its variable holds what they hold.
        for (const d of defs) if (d.kind === 'value' || (d.kind === 'iter' && !callerVar(name))) r(d.node);
        return;
      }
      if (n.type === 'MemberExpression') {
        // The caller's data (a name the template does not set, a loop variable): the whole part is a leaf.
        let root: unknown = n;
        while (isNode(root) && root.type === 'MemberExpression') root = root['object'];
        const name = isNode(root) && root.type === 'Identifier' ? (root['value'] as string) : undefined;
        const defs = name !== undefined ? env.vars.get(name) : undefined;
        if (name !== undefined && !GLOBALS.has(name) && (!defs || callerVar(name))) {
          leaves.push(n);
          return;
        }
        const prop = n['property'];
        if (!n['computed'] && isNode(prop) && prop.type === 'Identifier') {
          const k = '.' + (prop['value'] as string);
          if (!leafSeen.has(k)) {
            leafSeen.add(k);
            for (const d of env.attrs.get(prop['value'] as string) ?? []) if (d.kind === 'value') r(d.node);
          }
        }
        r(n['object']);
        return;
      }
      for (const c of children(n)) {
        if (Array.isArray(c)) for (const x of c) r(x);
        else r(c);
      }
    };
    for (const e of exprs) {
      if (Array.isArray(e)) {
        for (const x of e) if (isNode(x) && x.type !== 'Set') callerLeaves(x, false, 0);
      } else callerLeaves(e, false, 0);
    }
    for (const leaf of leaves) {
      const chain = partChain(leaf, loops);
      if ([...chain].some((i) => spanIdx.has(i))) {
        let t = 1;
        loops.forEach((l, i) => {
          if (!chain.has(i)) t *= l.times;
        });
        parts += m.dataRequest * t;
      } else perPass += m.isRequestList(leaf, env) ? m.dataRequest : m.dataChars;
    }
    if (!block) list ||= isListTarget(tg.key);
    visits.push({
      set: s,
      key: tg.key,
      runs,
      span,
      spanLoops: spanFrames.map((f) => f.node!),
      copies,
      perPass,
      parts,
      list,
    });
  };
  /** A target whose first value is a list or tuple (its copies are items, not characters). */
  const isListTarget = (key: string): boolean => {
    const defs = key.startsWith('.') ? env.attrs.get(key.slice(1)) : env.vars.get(key);
    return !!defs?.some(
      (d) =>
        d.kind === 'value' &&
        isNode(d.node) &&
        (LIST_NODES.has(d.node.type) ||
          (d.node.type === 'FilterExpression' && m.callParts(d.node)?.name === 'list') ||
          (d.node.type === 'CallExpression' &&
            (d.node['callee'] as JNode).type === 'Identifier' &&
            (d.node['callee'] as JNode)['value'] === 'range')),
    );
  };
  /** Whether a macro's body, or a macro it calls, holds a `set` (only those need walking for gathered values). */
  const setsMemo = new Map<string, boolean>();
  const setsInside = (name: string): boolean => {
    const known = setsMemo.get(name);
    if (known !== undefined) return known;
    setsMemo.set(name, false);
    let found = false;
    const st: unknown[] = [macros.get(name)?.['body']];
    while (st.length && !found) {
      const v = st.pop();
      if (Array.isArray(v)) for (const x of v) st.push(x);
      else if (isNode(v)) {
        if (v.type === 'Set') found = true;
        else if (v.type === 'CallExpression' && isNode(v['callee']) && (v['callee'] as JNode).type === 'Identifier') {
          const callee = (v['callee'] as JNode)['value'] as string;
          if (macros.has(callee) && setsInside(callee)) found = true;
        }
        for (const c of children(v)) st.push(c);
      }
    }
    setsMemo.set(name, found);
    return found;
  };
  /** Macros already read from a place of the walk, by its frames. */
  const collected = new WeakMap<readonly Frame[], Set<string>>();
  const collect = (root: unknown, frames: readonly Frame[], depth: number): void => {
    if (depth > m.maxNesting) return;
    const st: unknown[] = [root];
    while (st.length) {
      const n = st.pop();
      if (Array.isArray(n)) {
        for (const x of n) st.push(x);
        continue;
      }
      if (!isNode(n) || n.type === 'Macro') continue;
      if (n.type === 'For') {
        collect(n['iterable'], frames, depth + 1);
        collect(n['defaultBlock'], frames, depth + 1);
        const vars = loopVars(n['loopvar']);
        const loop = { vars, times: m.iterations(n['iterable'] as JNode, env), iterable: n['iterable'] as JNode };
        collect(n['body'], [...frames, { loop, node: n, body: n['body'] }], depth + 1);
        continue;
      }
      if (n.type === 'CallExpression' && (n['callee'] as JNode).type === 'Identifier') {
        const name = (n['callee'] as JNode)['value'] as string;
        const mac = macros.get(name);
        // A macro called again from the same place of the walk (the same frames) gives the same visits: it is read
        // once there (a chain of macros each calling the one below twice would otherwise be read 2^levels times).
        let called = collected.get(frames);
        if (called === undefined) collected.set(frames, (called = new Set()));
        if (mac && !collectVisiting.has(name) && !called.has(name) && setsInside(name)) {
          called.add(name);
          collectVisiting.add(name);
          collect(mac['body'], [...frames, { body: mac['body'] }], depth + 1);
          collectVisiting.delete(name);
        }
      }
      if (n.type === 'Set') visitSet(n, frames);
      for (const c of children(n)) st.push(c);
    }
  };
  collect(program['body'], [{ body: program['body'] }], 0);
  // The size a target reaches: its first value, what each pass adds over the loops it gathers over, and the caller's
  // parts it takes in; each run of a set copies it as many times as the value reads it.
  const firstSize = new Map<string, number>();
  const initial = (key: string): number => {
    let v = firstSize.get(key);
    if (v !== undefined) return v;
    v = 0;
    const defs = key.startsWith('.') ? env.attrs.get(key.slice(1)) : env.vars.get(key);
    const madeMemo = new Map<JNode, number>();
    const madeHere = (x: unknown, seen: Set<string>, depth: number): number => made(x, seen, depth, madeMemo);
    for (const d of defs ?? [])
      if (d.kind === 'value' && !readsKey(d.node, key))
        v = Math.max(v, madeHere(d.node, new Set([key]), 0) + (readsCaller(d.node) ? m.dataChars : 0));
    firstSize.set(key, v);
    return v;
  };
  const sameSpan = (a: readonly JNode[], b: readonly JNode[]): boolean =>
    a.length === b.length && a.every((x, i) => x === b[i]);
  for (const v of visits) {
    let own = 0;
    let parts = 0;
    for (const w of visits) {
      if (w.key !== v.key) continue;
      // A set in the same loops adds before the pass's copy on average half the passes; one elsewhere all of its.
      own += w.perPass * (sameSpan(w.spanLoops, v.spanLoops) ? (v.span + 1) / 2 : w.span);
      parts += w.parts;
    }
    const list = visits.some((w) => w.key === v.key && w.list);
    let reach = initial(v.key);
    for (const w of visits) if (w.key === v.key) reach += w.perPass * w.span;
    const weight = list ? COPY_ITEM_WORK : COPY_CHAR_WORK;
    const size = initial(v.key) + own;
    const amount = weight * v.copies * (v.runs * size + parts * v.span);
    charge(
      v.set,
      amount,
      1,
      `copies a value it gathers from its own old value on each of ${v.runs} passes ` +
        `(it reaches ${Number(reach.toPrecision(3))} ${list ? 'items' : 'characters'} of its own, besides the caller's content it takes in)`,
    );
  }

  walk(program['body'], [], 0);
  if (total > MAX_RENDER_WORK && out.length === 0)
    out.push({
      where: program,
      amount: total,
      what: `makes calls that together cost an estimated ${total.toExponential(2)} units of CPU work (about 4 ns each; limit ${MAX_RENDER_WORK})`,
    });
  return out;
}
