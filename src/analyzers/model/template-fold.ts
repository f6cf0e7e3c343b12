// What a Jinja expression can evaluate to, worked out on the @huggingface/jinja AST without rendering it: the
// string values the template itself can make (constant folding), whether a value comes from the caller's
// conversation (messages, tools and what is read from them: no name the template chooses), and where the folder
// cannot tell (unknown). Every string operation is folded exactly as CPython and jinja2 evaluate it
// (template-pystr.ts) or yields unknown; containers (list, tuple and dict literals, namespaces) are summarised by
// the union of what they hold, so a name carried through a list, a loop variable, a dict, a namespace attribute,
// items() or a filter that selects elements is still seen. An attribute or subscript name the folder cannot prove
// is a finding in the analyzer (chat-template.ts), whatever its literal pieces look like.
import {
  MAX_FOLD_LENGTH,
  pyBraceFormat,
  pyCase,
  pyFirstLast,
  pyIndex,
  pyIntStr,
  pyPercent,
  pyRepeat,
  pyReplace,
  pyReverse,
  pySlice,
  pyStrip,
  type PyArg,
} from './template-pystr.js';
import { keywordArg, type JNode } from './template-print.js';

/** A definition of a template variable (or of a namespace attribute). */
export type Def =
  | { readonly kind: 'value'; readonly node: JNode }
  | { readonly kind: 'iter'; readonly node: JNode; readonly unpack: boolean }
  | { readonly kind: 'unknown' }
  /** Left undefined (a macro parameter not passed): no string. */
  | { readonly kind: 'none' };

/** What the template binds: variables (set, for, macro parameters) and attributes set on objects (`ns.x = …`). */
export interface FoldEnv {
  readonly vars: Map<string, Def[]>;
  readonly attrs: Map<string, Def[]>;
  readonly macros: Set<string>;
}

export interface Fold {
  /** Possible string values the template makes (at most MAX_VALUES). */
  readonly values: readonly string[];
  /** A string the template makes whose value could not be worked out. */
  readonly unknown: boolean;
  /** The value came from more than one literal or through an operation rather than one literal. */
  readonly assembled: boolean;
  /** Literal pieces seen inside the expression (evidence for partially known names). */
  readonly pieces: readonly string[];
  /** A value that is no string of the template's choosing: a number, a boolean, none, or the caller's data. */
  readonly safe?: boolean;
  /** A container: the union of the elements, keys and values it may hold. */
  readonly items?: Fold;
  /** Exactly this list (a list or tuple literal). */
  readonly list?: readonly Fold[];
}

const MAX_VALUES = 64;
const MAX_DEPTH = 48;

const BOTTOM: Fold = { values: [], unknown: false, assembled: false, pieces: [] };
const SAFE: Fold = { values: [], unknown: false, assembled: false, pieces: [], safe: true };
const UNKNOWN = (pieces: readonly string[] = []): Fold => ({
  values: [],
  unknown: true,
  assembled: true,
  pieces: pieces.slice(0, MAX_VALUES),
});

/** Globals the renderers define (jinja2, transformers, llama.cpp's minja): their string forms are the template's. */
export const ENV_GLOBALS: ReadonlySet<string> = new Set([
  'range',
  'dict',
  'lipsum',
  'cycler',
  'joiner',
  'namespace',
  'raise_exception',
  'strftime_now',
  'self',
  'caller',
  'varargs',
  'kwargs',
  'request',
  'config',
  'url_for',
  'get_flashed_messages',
  'g',
  'session',
]);

const CONSTANTS = new Set(['true', 'false', 'none', 'True', 'False', 'None']);

/**
 * Caller data: a free name that is no renderer global. Special tokens (`bos_token`, `additional_special_tokens`,
 * processor `image_token`) come from the same config files as the template, so they are the template author's.
 */
function isCallerData(name: string): boolean {
  return !ENV_GLOBALS.has(name) && !/_tokens?$/.test(name) && name !== 'loop';
}

/** A UTF-16 surrogate code unit that is not half of a well-formed pair. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Any surrogate code unit. */
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Python strings hold code points and never merge two lone surrogates into one character; JavaScript strings do. A
 * folded value therefore never holds a lone surrogate (it is unknown instead), so no concatenation can pair two of
 * them and every code-point position the folder computes is the one CPython computes.
 */
function known(values: readonly string[], assembled: boolean, pieces: readonly string[]): Fold {
  const v = [...new Set(values)];
  if (v.length > MAX_VALUES || v.some((s) => s.length > MAX_FOLD_LENGTH || LONE_SURROGATE.test(s)))
    return UNKNOWN(pieces);
  return { values: v, unknown: false, assembled, pieces: pieces.slice(0, MAX_VALUES) };
}

/** The union of what two expressions may be. */
export function join(...fs: readonly Fold[]): Fold {
  let values: string[] = [];
  let unknown = false;
  let assembled = false;
  let safe = false;
  const pieces: string[] = [];
  const items: Fold[] = [];
  for (const f of fs) {
    values.push(...f.values);
    unknown ||= f.unknown;
    assembled ||= f.assembled;
    safe ||= f.safe === true;
    pieces.push(...f.pieces);
    if (f.items) items.push(f.items);
  }
  values = [...new Set(values)];
  if (values.length > MAX_VALUES) {
    values = [];
    unknown = true;
  }
  return {
    values,
    unknown,
    assembled: assembled || fs.length > 1,
    pieces: [...new Set(pieces)].slice(0, MAX_VALUES),
    ...(safe ? { safe } : {}),
    ...(items.length ? { items: items.length === 1 ? items[0]! : join(...items) } : {}),
  };
}

/** Only known strings: no unknown, no data, no container. */
function pure(f: Fold): boolean {
  return !f.unknown && !f.safe && !f.items && f.values.length > 0;
}

/** Only caller data or numbers. */
function pureSafe(f: Fold): boolean {
  return f.safe === true && !f.unknown && !f.items && f.values.length === 0;
}

/** The elements of a value (iterating it, indexing it): a container's items, a string's characters. */
export function elementsOf(f: Fold): Fold {
  const parts: Fold[] = [];
  if (f.items) parts.push(f.items);
  if (f.safe) parts.push(SAFE);
  if (f.unknown) parts.push(UNKNOWN(f.pieces));
  if (f.values.length) {
    const chars = new Set<string>();
    for (const v of f.values) for (const c of v) chars.add(c);
    parts.push(known([...chars], true, f.pieces));
  }
  return parts.length ? join(...parts) : BOTTOM;
}

function map(f: Fold, op: (s: string) => string | undefined): Fold {
  if (!pure(f)) return f.unknown || f.values.length || f.items ? UNKNOWN(f.pieces) : f;
  const out: string[] = [];
  for (const s of f.values) {
    const r = op(s);
    if (r === undefined) return UNKNOWN(f.pieces);
    out.push(r);
  }
  return known(out, true, f.pieces);
}

function product(a: Fold, b: Fold, op: (x: string, y: string) => string | undefined): Fold {
  const pieces = [...a.pieces, ...b.pieces];
  if (!pure(a) || !pure(b)) return UNKNOWN(pieces);
  const out: string[] = [];
  for (const x of a.values)
    for (const y of b.values) {
      const r = op(x, y);
      if (r === undefined || out.length >= MAX_VALUES) return UNKNOWN(pieces);
      out.push(r);
    }
  return known(out, true, pieces);
}

export function intOf(n: unknown): number | undefined {
  if (typeof n !== 'object' || n === null) return undefined;
  const node = n as JNode;
  if (node.type === 'IntegerLiteral') {
    const v = node['value'] as number;
    return Number.isSafeInteger(v) ? v : undefined;
  }
  if (node.type === 'UnaryExpression' && (node['operator'] as { value?: string })?.value === '-') {
    const v = intOf(node['argument']);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

/** A string the template states, or an integer in str() form (for `~`). */
function asText(f: Fold, node: JNode): Fold {
  const i = intOf(node);
  if (i !== undefined) {
    const s = pyIntStr(i);
    return s === undefined ? UNKNOWN() : known([s], false, []);
  }
  return f;
}

/** Work budget over every fold of one template (each `set` of a long chain folds its definitions). */
let total = 0;
let totalBudget = Infinity;
let exhausted = false;
export const TEMPLATE_FOLD_BUDGET = 500_000;

export function startFoldBudget(budget = TEMPLATE_FOLD_BUDGET): void {
  total = 0;
  totalBudget = budget;
  exhausted = false;
}

export function foldBudgetExhausted(): boolean {
  return exhausted;
}

const active = new Set<string>();
let steps = 0;
const MAX_STEPS = 20_000;

/** Folds an expression to what it may evaluate to. */
export function foldString(node: JNode, env: FoldEnv): Fold {
  active.clear();
  assumed.clear();
  folded.clear();
  steps = 0;
  const before = total;
  const f = fold(node, env, 0);
  total += steps;
  if (total > totalBudget && before <= totalBudget) exhausted = true;
  return f;
}

/** An empty environment (an expression on its own). */
export function emptyEnv(): FoldEnv {
  return { vars: new Map(), attrs: new Map(), macros: new Set() };
}

function isNode(v: unknown): v is JNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

function addDef(m: Map<string, Def[]>, name: string, d: Def): void {
  const defs = m.get(name);
  if (defs) defs.push(d);
  else m.set(name, [d]);
}

/** The template's bindings, from every node of its tree. */
export function buildEnv(nodes: readonly JNode[]): FoldEnv {
  const env = emptyEnv();
  const macroParams = new Map<string, string[]>();
  const calleeNodes = new Set<JNode>();
  const macroNames = new Set<JNode>();
  for (const n of nodes) if (n.type === 'Macro' && isNode(n['name'])) macroNames.add(n['name'] as JNode);
  const bind = (t: unknown, d: Def): void => {
    if (!isNode(t)) return;
    if (t.type === 'Identifier') addDef(env.vars, t['value'] as string, d);
    else if (t.type === 'TupleLiteral' || t.type === 'ArrayLiteral')
      for (const e of t['value'] as unknown[])
        bind(e, d.kind === 'value' ? { kind: 'iter', node: d.node, unpack: false } : d);
    else if (t.type === 'MemberExpression' && !t['computed'] && isNode(t['property']))
      addDef(env.attrs, (t['property'] as JNode)['value'] as string, d);
    else if (t.type === 'MemberExpression') addDef(env.attrs, '*', { kind: 'unknown' });
  };
  for (const n of nodes) {
    if (n.type === 'Set') {
      const value = n['value'];
      bind(n['assignee'], isNode(value) ? { kind: 'value', node: value } : { kind: 'unknown' });
    } else if (n.type === 'For') {
      const lv = n['loopvar'];
      const unpack = isNode(lv) && lv.type !== 'Identifier';
      if (isNode(lv) && lv.type !== 'Identifier')
        for (const e of lv['value'] as unknown[]) bind(e, { kind: 'iter', node: n['iterable'] as JNode, unpack });
      else bind(lv, { kind: 'iter', node: n['iterable'] as JNode, unpack: false });
    } else if (n.type === 'Macro') {
      const name = (n['name'] as JNode)['value'] as string;
      env.macros.add(name);
      const params: string[] = [];
      for (const a of n['args'] as unknown[]) {
        const kw = isNode(a) && a.type === 'KeywordArgumentExpression';
        const id = kw ? (a['key'] as JNode) : a;
        if (isNode(id) && id.type === 'Identifier') params.push(id['value'] as string);
        // A default value is one of the values; a parameter without one may be left undefined (no string).
        bind(id, kw ? { kind: 'value', node: a['value'] as JNode } : { kind: 'none' });
      }
      macroParams.set(name, params);
    } else if (n.type === 'CallStatement') {
      for (const a of (n['callerArgs'] as unknown[] | null) ?? []) bind(a, { kind: 'unknown' });
    } else if (n.type === 'CallExpression') {
      // namespace(a=…) sets attribute a; a positional argument (a dict) sets any attribute.
      const callee = n['callee'];
      if (isNode(callee) && callee.type === 'Identifier' && callee['value'] === 'namespace')
        for (const a of n['args'] as JNode[]) {
          if (a.type === 'KeywordArgumentExpression')
            addDef(env.attrs, (a['key'] as JNode)['value'] as string, { kind: 'value', node: a['value'] as JNode });
          else addDef(env.attrs, '*', { kind: 'value', node: a });
        }
    }
  }
  // A macro's parameters take the arguments of its calls; a macro used as a value (stored, passed on, called
  // from where the call cannot be read) may be called with anything.
  for (const n of nodes) {
    if (n.type === 'CallExpression') {
      const callee = n['callee'];
      if (!isNode(callee) || callee.type !== 'Identifier') continue;
      const params = macroParams.get(callee['value'] as string);
      if (!params) continue;
      calleeNodes.add(callee);
      let i = 0;
      for (const a of (n['args'] as JNode[]) ?? []) {
        if (a.type === 'KeywordArgumentExpression') {
          const k = (a['key'] as JNode)['value'] as string;
          if (params.includes(k)) addDef(env.vars, k, { kind: 'value', node: a['value'] as JNode });
        } else if (a.type === 'SpreadExpression' || i >= params.length) {
          for (const p of params) addDef(env.vars, p, { kind: 'unknown' });
        } else addDef(env.vars, params[i++]!, { kind: 'value', node: a });
      }
    }
  }
  for (const n of nodes)
    if (n.type === 'Identifier' && macroParams.has(n['value'] as string) && !calleeNodes.has(n) && !macroNames.has(n))
      for (const p of macroParams.get(n['value'] as string)!) addDef(env.vars, p, { kind: 'unknown' });
  return env;
}

function resolve(defs: readonly Def[], env: FoldEnv, depth: number): Fold {
  const parts: Fold[] = [];
  for (const d of defs.slice(0, MAX_VALUES * 4)) {
    if (d.kind === 'unknown') parts.push(UNKNOWN());
    else if (d.kind === 'none') parts.push(SAFE);
    else if (d.kind === 'value') parts.push(fold(d.node, env, depth + 1));
    else {
      const e = elementsOf(fold(d.node, env, depth + 1));
      parts.push(d.unpack ? join(e, elementsOf(e)) : e);
    }
  }
  if (defs.length > MAX_VALUES * 4) parts.push(UNKNOWN());
  return parts.length ? join(...parts) : UNKNOWN();
}

function variable(name: string, env: FoldEnv, depth: number): Fold {
  const defs = env.vars.get(name);
  if (!defs) {
    if (CONSTANTS.has(name)) return SAFE;
    return isCallerData(name) ? SAFE : UNKNOWN();
  }
  if (env.macros.has(name)) return UNKNOWN();
  return fixpoint(name, defs, env, depth);
}

/**
 * Answers of variables folded in the current fold, by name and depth: a value defined from another twice over, level
 * after level, is folded once per level and not once per path.
 */
const folded = new Map<string, Fold>();

/** Values assumed for variables being folded (a definition that refers to the variable itself). */
const assumed = new Map<string, Fold>();
const MAX_PASSES = 8;
let cycleCount = 0;

/**
 * A variable (or attribute) whose definitions refer to itself (`set tool = tool.function`, a counter): folded
 * from nothing, then again with the previous answer, until the answer no longer changes; one that keeps changing
 * (a string growing on each pass) is unknown.
 */
function fixpoint(key: string, defs: readonly Def[], env: FoldEnv, depth: number): Fold {
  if (active.has(key)) {
    cycleCount++;
    return assumed.get(key) ?? BOTTOM;
  }
  const memoKey = `${key}\0${depth}`;
  const known = folded.get(memoKey);
  if (known) return known;
  const cyclesBefore = cycleCount;
  const stepsBefore = steps;
  active.add(key);
  let prev: Fold = BOTTOM;
  let out: Fold = UNKNOWN();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    assumed.set(key, prev);
    const cycles = cycleCount;
    const f = collapse(resolve(defs, env, depth));
    if (cycleCount === cycles || same(f, prev)) {
      out = f;
      break;
    }
    prev = f;
  }
  assumed.delete(key);
  active.delete(key);
  // Kept when no cycle was met and no step limit cut the fold short: the answer then holds wherever it is asked.
  if (cycleCount === cyclesBefore && steps <= MAX_STEPS && total + steps <= totalBudget && steps > stepsBefore)
    folded.set(memoKey, out);
  return out;
}

/** Everything a value holds at any depth, as one level (no items). */
function flatten(f: Fold): Fold {
  const parts: Fold[] = [];
  const st: Fold[] = [f];
  while (st.length && parts.length < 256) {
    const x = st.pop()!;
    parts.push({ ...x, items: undefined, list: undefined });
    if (x.items) st.push(x.items);
  }
  return join(...parts);
}

/**
 * A self-referring value may nest containers one level deeper on each pass (`set x = x|items`): its contents are
 * kept as one level, so the passes reach a fixed point (the summary holds every string at any depth).
 */
function collapse(f: Fold): Fold {
  if (!f.items) return f;
  const { list: _list, ...rest } = f;
  void _list;
  return { ...rest, items: flatten(f.items) };
}

function same(a: Fold, b: Fold): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function attribute(name: string, env: FoldEnv, depth: number): Fold {
  const defs = [...(env.attrs.get(name) ?? []), ...(env.attrs.get('*') ?? [])];
  if (defs.length === 0) return BOTTOM;
  const f = fixpoint(`.${name}`, defs, env, depth);
  // A positional namespace() argument is a mapping: its items are the attributes.
  return env.attrs.has('*') ? join(f, elementsOf(f)) : f;
}

function op(node: JNode): string | undefined {
  return (node['operator'] as { value?: string } | undefined)?.value;
}

function fold(node: JNode, env: FoldEnv, depth: number): Fold {
  if (depth > MAX_DEPTH || ++steps > MAX_STEPS || total + steps > totalBudget) return UNKNOWN();
  const sub = (n: unknown): Fold => (isNode(n) ? fold(n, env, depth + 1) : UNKNOWN());
  switch (node.type) {
    case 'StringLiteral': {
      const v = node['value'] as string;
      // The parser decodes the escapes `\\ud83d\\ude00` into one character where jinja2 keeps two code points, and a
      // literal surrogate pair cannot be told from them here: a literal holding any surrogate is unknown.
      if (SURROGATE.test(v)) return UNKNOWN([v]);
      return { values: [v], unknown: false, assembled: false, pieces: [v] };
    }
    case 'IntegerLiteral':
    case 'FloatLiteral':
      return SAFE;
    case 'Identifier':
      return variable(node['value'] as string, env, depth);
    case 'ArrayLiteral':
    case 'TupleLiteral': {
      const list = (node['value'] as JNode[]).map(sub);
      return { ...BOTTOM, items: list.length ? join(...list) : BOTTOM, list };
    }
    case 'ObjectLiteral': {
      const parts: Fold[] = [];
      for (const [k, v] of node['value'] as Map<JNode, JNode>) parts.push(sub(k), sub(v));
      return { ...BOTTOM, items: parts.length ? join(...parts) : BOTTOM };
    }
    case 'KeywordArgumentExpression':
      return sub(node['value']);
    case 'SelectExpression':
      return sub(node['lhs']);
    case 'TestExpression':
    case 'ComparisonBinaryOperator':
      return SAFE;
    case 'UnaryExpression':
      return op(node) === 'not' || op(node) === '-' || op(node) === '+' ? SAFE : UNKNOWN();
    case 'Ternary':
      return join(sub(node['trueExpr']), sub(node['falseExpr']));
    case 'BinaryExpression':
      return binary(node, env, depth);
    case 'MemberExpression':
      return member(node, env, depth);
    case 'FilterExpression':
      return filter(node, env, depth);
    case 'CallExpression':
      return call(node, env, depth);
    default:
      return UNKNOWN();
  }
}

const NUMERIC_OPS = new Set(['-', '/', '//', '**']);
const BOOLEAN_OPS = new Set(['==', '!=', '<', '>', '<=', '>=', 'in', 'not in', 'is', 'is not']);

function binary(node: JNode, env: FoldEnv, depth: number): Fold {
  const o = op(node);
  const l = node['left'] as JNode;
  const r = node['right'] as JNode;
  if (o !== undefined && BOOLEAN_OPS.has(o)) return SAFE;
  if (o !== undefined && NUMERIC_OPS.has(o)) return SAFE;
  const isNum = (n: JNode): boolean => n.type === 'IntegerLiteral' || n.type === 'FloatLiteral';
  // A number on either side of + makes a number (str + int raises): a counter's own value need not be folded.
  if (o === '+' && (isNum(l) || isNum(r))) return SAFE;
  const a = fold(l, env, depth + 1);
  const b = fold(r, env, depth + 1);
  if (o === 'and' || o === 'or') return join(a, b);
  if (o === '~') {
    const x = asText(a, l);
    const y = asText(b, r);
    if (pureSafe(x) && pureSafe(y)) return SAFE;
    return product(x, y, (p, q) => p + q);
  }
  if (o === '+') {
    if (pureSafe(a) && pureSafe(b)) return SAFE;
    if (a.list && b.list) {
      const list = [...a.list, ...b.list];
      return { ...BOTTOM, items: list.length ? join(...list) : BOTTOM, list };
    }
    if ((a.items || b.items) && !a.values.length && !b.values.length)
      return { ...BOTTOM, items: join(a.items ?? BOTTOM, b.items ?? BOTTOM, a.safe || b.safe ? SAFE : BOTTOM) };
    return product(a, b, (p, q) => p + q);
  }
  if (o === '*') {
    const n = intOf(r) ?? intOf(l);
    const s = intOf(r) !== undefined ? a : b;
    if (n !== undefined && pure(s)) return map(s, (x) => pyRepeat(x, n));
    if (n !== undefined && s.items && !s.values.length) return s;
    if (pureSafe(a) && pureSafe(b)) return SAFE;
    return UNKNOWN([...a.pieces, ...b.pieces]);
  }
  if (o === '%') {
    if (pureSafe(a) && pureSafe(b)) return SAFE;
    if (!pure(a)) return UNKNOWN([...a.pieces, ...b.pieces]);
    const args = r.type === 'TupleLiteral' ? (r['value'] as JNode[]) : [r];
    const vals = percentArgs(args, env, depth);
    if (!vals) return UNKNOWN([...a.pieces, ...b.pieces]);
    return map(a, (x) => pyPercent(x, vals));
  }
  return UNKNOWN([...a.pieces, ...b.pieces]);
}

/** Exactly known positional arguments (strings or integer literals), or undefined. */
function percentArgs(args: readonly JNode[], env: FoldEnv, depth: number): PyArg[] | undefined {
  const out: PyArg[] = [];
  for (const a of args) {
    if (a.type === 'KeywordArgumentExpression') return undefined;
    const i = intOf(a);
    if (i !== undefined) {
      out.push(i);
      continue;
    }
    const f = fold(a, env, depth + 1);
    if (!pure(f) || f.values.length !== 1) return undefined;
    out.push(f.values[0]!);
  }
  return out;
}

function member(node: JNode, env: FoldEnv, depth: number): Fold {
  const obj = node['object'] as JNode;
  const prop = node['property'] as JNode;
  if (node['computed'] && prop.type === 'SliceExpression') {
    const s = fold(obj, env, depth + 1);
    const bound = (k: string): number | undefined | null => {
      const n = prop[k];
      if (!isNode(n)) return undefined;
      return intOf(n) ?? null;
    };
    const start = bound('start');
    const stop = bound('stop');
    const step = bound('step');
    if (start === null || stop === null || step === null) {
      // Sliced by what is not a literal: a part of the same value.
      return join(s.values.length || s.unknown ? UNKNOWN(s.pieces) : BOTTOM, s.safe ? SAFE : BOTTOM, {
        ...BOTTOM,
        ...(s.items ? { items: s.items } : {}),
      });
    }
    const strs = s.values.length
      ? map({ ...s, safe: false, items: undefined, unknown: false }, (x) => pySlice(x, start, stop, step ?? 1))
      : BOTTOM;
    const list = s.list && step === undefined && start === undefined && stop === undefined ? s.list : undefined;
    return join(strs, s.unknown ? UNKNOWN(s.pieces) : BOTTOM, s.safe ? SAFE : BOTTOM, {
      ...BOTTOM,
      ...(s.items ? { items: s.items } : {}),
      ...(list ? { list } : {}),
    });
  }
  if (obj.type === 'Identifier' && obj['value'] === 'loop' && !env.vars.has('loop')) {
    const name = prop.type === 'Identifier' ? (prop['value'] as string) : '';
    return name === 'previtem' || name === 'nextitem' || name === 'cycle' || node['computed'] ? UNKNOWN() : SAFE;
  }
  const o = fold(obj, env, depth + 1);
  if (!node['computed']) {
    const name = prop['value'] as string;
    // Attribute of the caller's data: data. Of a template object: what the template stored under that name (a
    // namespace attribute), or a dict's item (jinja2 falls back to the item).
    // An attribute of a string is one of its methods or undefined: the string form of a method names it and says
    // "of str object at 0x…", so with no underscore in the name it carries none the template could take apart.
    return join(
      o.safe || (o.values.length && !name.includes('_')) ? SAFE : BOTTOM,
      o.unknown || (o.values.length && name.includes('_')) ? UNKNOWN(o.pieces) : BOTTOM,
      o.items ? o.items : BOTTOM,
      o.items || o.unknown ? attribute(name, env, depth) : BOTTOM,
    );
  }
  // Subscript: an exact element when the list and the index are known, else any element (or attribute).
  const i = intOf(prop);
  if (o.list && i !== undefined && !o.safe && !o.unknown && !o.values.length && !o.list.some((x) => x.unknown)) {
    const e = o.list[i < 0 ? i + o.list.length : i];
    return e ? { ...e, assembled: true } : UNKNOWN();
  }
  if (pure(o) && i !== undefined) return map(o, (x) => pyIndex(x, i));
  const k = fold(prop, env, depth + 1);
  const attrs = o.items || o.unknown ? k.values.map((v) => attribute(v, env, depth)) : [];
  return join(elementsOf(o), ...attrs, k.unknown && (o.items || o.unknown) ? attribute('*', env, depth) : BOTTOM);
}

function argNodes(node: JNode): JNode[] {
  return ((node['args'] as JNode[] | undefined) ?? []).filter(isNode);
}

function positional(args: readonly JNode[]): JNode[] {
  return args.filter((a) => a.type !== 'KeywordArgumentExpression');
}

/** An argument folded to exactly one string (undefined: not known). */
function oneString(n: JNode | undefined, env: FoldEnv, depth: number): string | undefined {
  if (!n) return undefined;
  const f = fold(n, env, depth + 1);
  return pure(f) && f.values.length === 1 ? f.values[0] : undefined;
}

/** Filters and methods whose result is one of the operand's elements or a container of them. */
const SELECTING = new Set([
  'first',
  'last',
  'random',
  'min',
  'max',
  'list',
  'sort',
  'unique',
  'reverse',
  'select',
  'reject',
  'selectattr',
  'rejectattr',
  'batch',
  'slice',
  'items',
  'dictsort',
  'groupby',
  'keys',
  'values',
  'get',
  'pop',
  'copy',
  'next',
  'current',
]);

/** Of SELECTING, those that return one element (the others return a new container). */
const ELEMENT_OF = new Set(['first', 'last', 'random', 'min', 'max', 'get', 'pop', 'next', 'current']);

/** Filters and methods whose result on caller data is still caller data (no argument flows into it). */
const DATA_PRESERVING = new Set([
  'string',
  'trim',
  'strip',
  'lstrip',
  'rstrip',
  'lower',
  'upper',
  'title',
  'capitalize',
  'tojson',
  'safe',
  'e',
  'escape',
  'forceescape',
  'striptags',
  'length',
  'count',
  'wordcount',
  'int',
  'float',
  'abs',
  'round',
  'split',
  'startswith',
  'endswith',
  'isdigit',
  'isalpha',
  'isspace',
  'items',
  'keys',
  'values',
  'map',
  'sum',
]);

/** A filter or method applied to the folded operand. */
function apply(name: string, operand: Fold, operandNode: JNode, args: JNode[], env: FoldEnv, depth: number): Fold {
  const pos = positional(args);
  if (pure(operand) || (operand.list && !operand.safe && !operand.unknown && !operand.values.length)) {
    const exact = exactString(name, operand, pos, args, env, depth);
    if (exact) return exact;
  }
  if (name === 'default' || name === 'd') return join(operand, ...pos.slice(0, 1).map((a) => fold(a, env, depth + 1)));
  if (name === 'length' || name === 'count' || name === 'wordcount' || name === 'int' || name === 'float') return SAFE;
  if (pureSafe(operand)) {
    if (name === 'get' || name === 'pop' || name === 'setdefault')
      return join(SAFE, ...pos.slice(1).map((a) => fold(a, env, depth + 1)));
    if (DATA_PRESERVING.has(name) || SELECTING.has(name)) {
      if (name === 'map' && keywordArg(args, 'attribute') === undefined && pos.length > 1) return UNKNOWN();
      if (name === 'sum' && pos.length + args.length > 0) return UNKNOWN();
      return SAFE;
    }
    return UNKNOWN();
  }
  // A selecting filter or method picks among the operand's elements: a container's items, and for a string that
  // may be the operand, its characters (the renderers that accept a string iterate it; jinja2's mapping-only ones,
  // items/keys/values/dictsort, raise on it: no element at all, which the characters over-approximate).
  if (SELECTING.has(name)) {
    if (ELEMENT_OF.has(name)) {
      const e = elementsOf(operand);
      return name === 'get' || name === 'pop' ? join(e, ...pos.slice(1).map((a) => fold(a, env, depth + 1))) : e;
    }
    // A new container of the operand's elements (reverse of a string is a string: not worked out here).
    const c: Fold = { ...BOTTOM, items: elementsOf(operand) };
    return name === 'reverse' && (operand.values.length || operand.unknown) ? join(c, UNKNOWN(operand.pieces)) : c;
  }
  void operandNode;
  return UNKNOWN(operand.pieces);
}

/** The exactly modelled string operations on known strings (undefined: not one of them). */
function exactString(
  name: string,
  operand: Fold,
  pos: JNode[],
  args: JNode[],
  env: FoldEnv,
  depth: number,
): Fold | undefined {
  const str = (i: number): string | undefined => oneString(pos[i], env, depth);
  const kw = args.length !== pos.length;
  switch (name) {
    case 'join': {
      if (kw || pos.length > 1 || !operand.list) return undefined;
      const sep = pos.length ? str(0) : '';
      if (sep === undefined) return UNKNOWN(operand.pieces);
      let acc: Fold = known([''], true, []);
      operand.list.forEach((p, i) => {
        acc = product(acc, p, (x, y) => (i === 0 ? x + y : x + sep + y));
      });
      return acc;
    }
    case 'reverse':
      return pos.length || !pure(operand) ? undefined : map(operand, pyReverse);
    case 'first':
    case 'last':
      if (pos.length || kw) return undefined;
      if (operand.list) {
        // Every element is evaluated first: one that may raise leaves the result unknown.
        if (operand.list.some((x) => x.unknown)) return UNKNOWN(operand.pieces);
        const e = name === 'first' ? operand.list[0] : operand.list[operand.list.length - 1];
        return e ? { ...e, assembled: true } : UNKNOWN();
      }
      return map(operand, (x) => pyFirstLast(x, name));
    case 'lower':
    case 'upper':
      return pos.length || kw ? UNKNOWN(operand.pieces) : map(operand, (x) => pyCase(x, name));
    case 'string':
      return pos.length || kw || !pure(operand) ? UNKNOWN(operand.pieces) : operand;
    case 'trim':
    case 'strip':
    case 'lstrip':
    case 'rstrip': {
      if (kw || pos.length > 1) return UNKNOWN(operand.pieces);
      let chars: string | null = null;
      if (pos.length) {
        const c = fold(pos[0]!, env, depth + 1);
        if (pure(c) && c.values.length === 1) chars = c.values[0]!;
        else if (!(pos[0]!.type === 'Identifier' && /^(none|None)$/.test(pos[0]!['value'] as string)))
          return UNKNOWN(operand.pieces);
      }
      const side = name === 'lstrip' ? 'left' : name === 'rstrip' ? 'right' : 'both';
      return map(operand, (x) => pyStrip(x, chars, side));
    }
    case 'replace': {
      if (kw || pos.length < 2 || pos.length > 3) return UNKNOWN(operand.pieces);
      const a = str(0);
      const b = str(1);
      const count = pos.length === 3 ? intOf(pos[2]) : -1;
      if (a === undefined || b === undefined || count === undefined) return UNKNOWN(operand.pieces);
      return map(operand, (x) => pyReplace(x, a, b, count));
    }
    default:
      return undefined;
  }
}

function filter(node: JNode, env: FoldEnv, depth: number): Fold {
  const f = node['filter'] as JNode;
  const operandNode = node['operand'] as JNode;
  let name: string;
  let args: JNode[] = [];
  if (f.type === 'Identifier') name = f['value'] as string;
  else if (f.type === 'CallExpression' && (f['callee'] as JNode | undefined)?.type === 'Identifier') {
    name = (f['callee'] as JNode)['value'] as string;
    args = argNodes(f);
  } else return UNKNOWN();
  const operand = fold(operandNode, env, depth + 1);
  if (name === 'format') {
    // jinja2's format filter: value % args (keyword arguments: value % kwargs, not modelled).
    if (pureSafe(operand) && args.every((a) => pureSafe(fold(a, env, depth + 1)))) return SAFE;
    if (!pure(operand)) return UNKNOWN(operand.pieces);
    const vals = percentArgs(args, env, depth);
    return vals ? map(operand, (x) => pyPercent(x, vals)) : UNKNOWN(operand.pieces);
  }
  if (name === 'join' && !operand.list && pureSafe(elementsOf(operand)) && args.length <= 1) {
    const sep = args.length ? fold(args[0]!, env, depth + 1) : SAFE;
    return pureSafe(sep) ? SAFE : UNKNOWN(sep.pieces);
  }
  return apply(name, operand, operandNode, args, env, depth);
}

function call(node: JNode, env: FoldEnv, depth: number): Fold {
  const callee = node['callee'] as JNode;
  const args = argNodes(node);
  const pos = positional(args);
  const argFolds = (): Fold[] => args.map((a) => fold(a, env, depth + 1));
  if (callee.type === 'MemberExpression' && !callee['computed']) {
    const method = (callee['property'] as JNode)['value'] as string;
    const selfNode = callee['object'] as JNode;
    if (selfNode.type === 'Identifier' && selfNode['value'] === 'loop' && !env.vars.has('loop'))
      return method === 'cycle' ? (args.length ? join(...argFolds()) : BOTTOM) : SAFE;
    const self = fold(selfNode, env, depth + 1);
    if (method === 'format') {
      if (pureSafe(self) && argFolds().every(pureSafe)) return SAFE;
      if (!pure(self) || pos.length !== args.length) return UNKNOWN(self.pieces);
      const vals = percentArgs(args, env, depth);
      return vals ? map(self, (x) => pyBraceFormat(x, vals)) : UNKNOWN(self.pieces);
    }
    if (method === 'join') {
      const list = pos[0] ? fold(pos[0], env, depth + 1) : UNKNOWN();
      if (pureSafe(self) && pureSafe(elementsOf(list))) return SAFE;
      if (!pure(self) || self.values.length !== 1 || !list.list || pos.length !== 1 || args.length !== 1)
        return UNKNOWN([...self.pieces, ...list.pieces]);
      const sep = self.values[0]!;
      let acc: Fold = known([''], true, []);
      list.list.forEach((p, i) => {
        acc = product(acc, p, (x, y) => (i === 0 ? x + y : x + sep + y));
      });
      return acc;
    }
    if (method === 'startswith' || method === 'endswith' || /^is[a-z]+$/.test(method)) return SAFE;
    return apply(method, self, selfNode, args, env, depth);
  }
  if (callee.type === 'Identifier') {
    const name = callee['value'] as string;
    if (env.vars.has(name)) {
      if (env.macros.has(name)) return UNKNOWN();
      // A template object called (a joiner, a cycler's method bound to a variable): what it was made from.
      const v = variable(name, env, depth);
      return join(v, elementsOf(v));
    }
    switch (name) {
      case 'range':
        return { ...SAFE, items: SAFE };
      case 'lipsum':
      case 'raise_exception':
        return SAFE;
      case 'dict': {
        const parts: Fold[] = [];
        for (const a of args)
          if (a.type === 'KeywordArgumentExpression')
            parts.push(known([(a['key'] as JNode)['value'] as string], false, []), fold(a, env, depth + 1));
          else parts.push(elementsOf(fold(a, env, depth + 1)));
        return { ...BOTTOM, items: parts.length ? join(...parts) : BOTTOM };
      }
      case 'namespace':
      case 'cycler':
      case 'joiner': {
        const parts = argFolds();
        return join({ ...BOTTOM, items: parts.length ? join(...parts) : BOTTOM }, ...parts);
      }
      case 'strftime_now': {
        const parts = argFolds();
        return parts.every((p) => pure(p) && p.values.every((v) => !v.includes('_'))) ? SAFE : UNKNOWN();
      }
      default:
        return UNKNOWN();
    }
  }
  return UNKNOWN();
}
