// Render cost of the builtin filters, string methods and format paths whose work is set by an argument, and the call
// edge `caller()` makes. Each entry below is a size function of its arguments, taken from jinja2's filter signatures
// and CPython's string methods; an argument the template states counts its value, one read from the caller counts the
// request bound (DATA_CHARS), and one the analysis cannot work out counts as unbounded. Filters and tests not listed
// here have no size or iteration parameter: their work is linear in their operand, which is charged where it is made
// (map, select, reject, selectattr, rejectattr, groupby, dictsort, sort, unique, sum, min, max, list, reverse, items,
// first, last, length, string, title, upper, lower, capitalize, trim, striptags, escape, urlencode, urlize, xmlattr,
// pprint, int, float, round, abs, filesizeformat, default, attr, random, wordcount, truncate, and every test).
// Padding filters (center, ljust, rjust, zfill, indent), replace, join, range() and lipsum() are sized by the render
// cost model itself; here they add only the case it leaves open, a width it cannot work out.
import type { FoldEnv } from './template-fold.js';
import { foldString } from './template-fold.js';
import { callArg, children, isNode, keywordArg, type JNode } from './template-print.js';

/** The render cost model's own measures, passed in so that both read the template the same way. */
export interface CostModel {
  readonly maxOutput: number;
  readonly maxIterations: number;
  /** What an integer read from the caller counts. */
  readonly dataInt: number;
  /** What the length of one of the caller's lists counts. */
  readonly dataEntries: number;
  intValue(n: JNode, env: FoldEnv): number | 'data' | 'entries' | undefined;
  sizeOf(n: JNode, env: FoldEnv): number;
  callParts(n: JNode): { operand: JNode; name: string; args: JNode[] } | undefined;
}

export interface FilterCostSignal {
  readonly what: string;
  readonly where: JNode;
  readonly amount: number;
}

/** A count argument: its value, the request bound when it comes from the caller, unbounded when unknown. */
function count(n: JNode | undefined, env: FoldEnv, m: CostModel): number {
  if (!n) return 0;
  const v = m.intValue(n, env);
  if (v === undefined) return Infinity;
  return v === 'data' ? m.dataInt : v === 'entries' ? m.dataEntries : Math.abs(v);
}

/** Printf specs of a %-format string: for each, whether its width and precision are taken from the arguments. */
function percentStars(s: string): { width: boolean; precision: boolean }[] {
  const out: { width: boolean; precision: boolean }[] = [];
  for (const m of s.matchAll(/%(?:\([^)]*\))?[-+ #0]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?([diouxXeEfFgGcrsa%])/g)) {
    if (m[3] === '%') continue;
    out.push({ width: m[1] === '*', precision: m[2] === '*' });
  }
  return out;
}

/**
 * The arguments str.format reads as widths or precisions (replacement fields nested in a format spec, `{:{}}`,
 * `{:>{w}}`): a positional index, a keyword name, or 'unknown' for a field that indexes or reads an attribute.
 */
function nestedFields(s: string): (number | string)[] {
  const out: (number | string)[] = [];
  let auto = 0;
  const ref = (name: string): number | string => {
    if (name === '') return auto++;
    if (/^\d+$/.test(name)) return Number(name);
    if (/^[A-Za-z_]\w*$/.test(name)) return name;
    return 'unknown';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '}' && s[i + 1] === '}') {
      i++;
      continue;
    }
    if (c !== '{') continue;
    if (s[i + 1] === '{') {
      i++;
      continue;
    }
    // A field: name up to ':' or '!' or '}', then a spec that may hold one level of nested fields.
    let j = i + 1;
    while (j < s.length && s[j] !== ':' && s[j] !== '!' && s[j] !== '}') j++;
    ref(s.slice(i + 1, j).split(/[.[]/)[0]!);
    let depth = 1;
    while (j < s.length && depth > 0) {
      if (s[j] === '{') {
        let k = j + 1;
        while (k < s.length && s[k] !== '}') k++;
        out.push(ref(s.slice(j + 1, k)));
        j = k + 1;
        continue;
      }
      if (s[j] === '}') depth--;
      j++;
    }
    i = j - 1;
  }
  return out;
}

/** The folded values of a format string, or none when the fold does not know them. */
function formatStrings(n: JNode, env: FoldEnv): readonly string[] {
  if (n.type === 'StringLiteral') return [n['value'] as string];
  const f = foldString(n, env);
  return f.unknown ? [] : f.values;
}

/** Widths a %-format takes from its arguments (`'%*s' % (n, x)`, `'%.*f'|format(n, x)`). */
function percentCost(fmt: JNode, args: readonly JNode[] | undefined, env: FoldEnv, m: CostModel): number {
  let worst = 0;
  for (const s of formatStrings(fmt, env)) {
    const specs = percentStars(s);
    if (!specs.some((x) => x.width || x.precision)) continue;
    if (!args) return Infinity;
    let i = 0;
    for (const spec of specs) {
      // A missing argument is a TypeError in Python: no output.
      if (spec.width) worst = Math.max(worst, count(args[i++], env, m));
      if (spec.precision) worst = Math.max(worst, count(args[i++], env, m));
      i++;
    }
  }
  return worst;
}

/** Widths str.format takes from its arguments through nested replacement fields. */
function formatMethodCost(fmt: JNode, args: readonly JNode[], env: FoldEnv, m: CostModel): number {
  let worst = 0;
  const pos = args.filter((a) => a.type !== 'KeywordArgumentExpression');
  for (const s of formatStrings(fmt, env))
    for (const r of nestedFields(s)) {
      const a = r === 'unknown' ? undefined : typeof r === 'number' ? pos[r] : keywordArg(args, r);
      worst = Math.max(worst, a ? count(a, env, m) : Infinity);
    }
  return worst;
}

/**
 * Signals for the filters, string methods and format paths whose size or work an argument sets, over
 * MAX_RENDER_OUTPUT characters or items or MAX_RENDER_ITERATIONS passes, or unbounded.
 */
/**
 * The characters json.dumps writes per item for a `separators` argument: both separators of a pair the template
 * writes (a tuple or list of two), the size of any other value (unbounded when it cannot be sized).
 */
function separatorsSize(sep: JNode, env: FoldEnv, m: CostModel): number {
  const parts = sep.type === 'TupleLiteral' || sep.type === 'ArrayLiteral' ? (sep['value'] as JNode[]) : [sep];
  let total = 0;
  for (const p of parts) total += m.sizeOf(p, env);
  return total;
}

export function filterCost(all: readonly JNode[], env: FoldEnv, m: CostModel): FilterCostSignal[] {
  const out: FilterCostSignal[] = [];
  const over = (where: JNode, amount: number, what: string, limit = m.maxOutput): void => {
    if (amount > limit)
      out.push({
        where,
        amount,
        what: amount === Infinity ? `${what}, by an argument that cannot be bounded` : `${what} (${amount})`,
      });
  };
  for (const n of all) {
    if (n.type === 'BinaryExpression' && (n['operator'] as { value?: string })?.value === '%') {
      const r = n['right'] as JNode;
      const args = r.type === 'TupleLiteral' || r.type === 'ArrayLiteral' ? (r['value'] as JNode[]) : [r];
      over(n, percentCost(n['left'] as JNode, args, env, m), 'pads a %-format to a width taken from its arguments');
    }
    const call = m.callParts(n);
    if (!call) continue;
    const a = call.args;
    switch (call.name) {
      case 'format':
        if (n.type === 'FilterExpression')
          over(n, percentCost(call.operand, a, env, m), 'pads a %-format to a width taken from its arguments');
        else
          over(
            n,
            formatMethodCost(call.operand, a, env, m),
            'pads a str.format field to a width taken from its arguments',
          );
        break;
      case 'slice':
        // jinja2's slice runs one pass per slice, however short its input.
        if (n.type === 'FilterExpression')
          over(n, count(callArg(a, 0, 'slices'), env, m), 'slices into a count of parts', m.maxIterations);
        break;
      case 'batch': {
        // With a fill value the last row is filled up to the row length.
        const fill = callArg(a, 1, 'fill_with');
        if (n.type === 'FilterExpression' && fill)
          over(n, count(callArg(a, 0, 'linecount'), env, m), 'fills a batch row to a length');
        break;
      }
      case 'wordwrap': {
        // At most one line per character of the input, each ended by the wrap string.
        const ws = callArg(a, 2, 'wrapstring');
        if (n.type === 'FilterExpression' && ws) {
          const base = m.sizeOf(call.operand, env);
          over(n, base + base * m.sizeOf(ws, env), 'wraps text with a separator of a size');
        }
        break;
      }
      case 'expandtabs':
        if (n.type === 'CallExpression')
          over(n, m.sizeOf(call.operand, env) * Math.max(1, count(callArg(a, 0, 'tabsize'), env, m)), 'expands tabs');
        break;
      case 'tojson': {
        // Each item of the value starts a line indented by the indent (a number of spaces or a string), and is
        // followed by the item separator; each key by the key separator (transformers' tojson passes both to
        // json.dumps: its positional arguments are ensure_ascii, indent, separators; jinja2's own takes indent first).
        if (n.type !== 'FilterExpression') break;
        const indents = [keywordArg(a, 'indent'), callArg(a, 0, ''), callArg(a, 1, '')].filter(
          (x): x is JNode =>
            !!x &&
            !(
              x.type === 'Identifier' &&
              ['true', 'false', 'True', 'False', 'none', 'None'].includes(x['value'] as string)
            ),
        );
        const sep = callArg(a, 2, 'separators');
        let width = 0;
        for (const ind of indents)
          width = Math.max(width, ind.type === 'StringLiteral' ? m.sizeOf(ind, env) : count(ind, env, m));
        const between = !sep ? 0 : separatorsSize(sep, env, m);
        if (width || between)
          over(
            n,
            m.sizeOf(call.operand, env) * Math.max(1, width + between),
            between ? 'writes JSON with separators of a size' : 'indents JSON by a width',
          );
        break;
      }
      case 'center':
      case 'ljust':
      case 'rjust':
      case 'zfill': {
        const w = callArg(a, 0, 'width');
        if (w && isNode(w) && m.intValue(w, env) === undefined)
          over(n, Infinity, `pads output by ${call.name} to a width`);
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/**
 * The call edges `caller()` makes: inside a macro invoked by `{% call %}`, `caller(...)` runs the call block's body,
 * so the macro calls every macro that body calls. Each edge carries the `caller(...)` call, whose arguments are what
 * the body receives.
 */
export function callerEdges(
  macros: ReadonlyMap<string, JNode>,
  all: readonly JNode[],
): Map<string, { callee: string; node: JNode }[]> {
  const bodiesOf = new Map<string, unknown[]>();
  for (const n of all) {
    if (n.type !== 'CallStatement') continue;
    const callee = (n['call'] as JNode | undefined)?.['callee'] as JNode | undefined;
    if (callee?.type !== 'Identifier') continue;
    const name = callee['value'] as string;
    bodiesOf.set(name, [...(bodiesOf.get(name) ?? []), n['body']]);
  }
  const macrosIn = (root: unknown): string[] => {
    const found: string[] = [];
    const st: unknown[] = [root];
    while (st.length) {
      const v = st.pop();
      if (Array.isArray(v)) for (const x of v) st.push(x);
      else if (isNode(v)) {
        if (v.type === 'CallExpression' && (v['callee'] as JNode).type === 'Identifier') {
          const c = (v['callee'] as JNode)['value'] as string;
          if (macros.has(c)) found.push(c);
        }
        for (const x of children(v)) st.push(x);
      }
    }
    return found;
  };
  const edges = new Map<string, { callee: string; node: JNode }[]>();
  for (const [name, macro] of macros) {
    const bodies = bodiesOf.get(name);
    if (!bodies) continue;
    const targets = [...new Set(bodies.flatMap(macrosIn))];
    const st: unknown[] = [macro['body']];
    const list: { callee: string; node: JNode }[] = [];
    while (st.length) {
      const v = st.pop();
      if (Array.isArray(v)) for (const x of v) st.push(x);
      else if (isNode(v)) {
        if (v.type === 'Macro') continue;
        const c = v['callee'] as JNode | undefined;
        if (v.type === 'CallExpression' && c?.type === 'Identifier' && c['value'] === 'caller')
          for (const t of targets) list.push({ callee: t, node: v });
        for (const x of children(v)) st.push(x);
      }
    }
    if (list.length) edges.set(name, list);
  }
  return edges;
}
