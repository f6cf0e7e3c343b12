// Chat templates (Jinja, as transformers, llama.cpp and vLLM render them): decided on the parsed AST from
// @huggingface/jinja, never on the text. A template is a server-side template-injection payload when it reaches
// Python object internals: attribute names that are dunders or private (`__class__`, `_TemplateReference__context`
// — jinja2's sandbox refuses every `_` attribute, an unsandboxed renderer does not), the escape gadgets the jinja2
// globals and web frameworks provide (`cycler`, `joiner`, `namespace`, `lipsum`, `self`, `request`, `config` used as
// objects), `attr()` with a computed name, and such names assembled from string pieces (constant-folded here:
// `~`, `+`, `*`, `join`, `reverse`, slices, `replace`, `format`, `lower`/`upper`, `set` variables). A template the
// parser cannot read is never clean: a conservative token check runs instead and says so. Verdicts hold for an
// unsandboxed jinja2.Environment (llama-cpp-python before CVE-2024-34359, and other runtimes): str.format and
// format_map replacement fields (`"{0.__class__}".format(x)`) read attributes with Python's getattr there, and a
// reference to a string's format method is the way around the sandbox's own format check (CVE-2024-56326).
import { parse, tokenize } from '@huggingface/jinja';
import { jinjaSyntax, restoreTests } from './template-statements.js';
import {
  buildEnv,
  foldBudgetExhausted,
  foldString,
  startFoldBudget,
  TEMPLATE_FOLD_BUDGET,
  type FoldEnv,
} from './template-fold.js';
import { DATA_CHARS, DATA_ENTRIES, MAX_RENDER_ITERATIONS, MAX_RENDER_OUTPUT, renderCost } from './template-cost.js';
import { parserLiterals, tupleLiterals, withTupleMarkers } from './template-literals.js';
import { children, isNode, printNode, TEMPLATE_LIMITS, type JNode } from './template-print.js';

export type TemplateSignalKind =
  | 'internal-attribute'
  | 'gadget'
  | 'computed-attr'
  | 'assembled-name'
  | 'unknown-name'
  | 'format-field'
  | 'render-cost'
  | 'request-cost'
  | 'token-check';

export interface TemplateSignal {
  readonly kind: TemplateSignalKind;
  readonly message: string;
  /** The expression as written (reconstructed from the AST; the raw text for token checks). */
  readonly snippet: string;
  /** The internal name or gadget reached. */
  readonly name: string;
  /** 1-based line/column of the name's first occurrence in the template text. */
  readonly line?: number;
  readonly column?: number;
  readonly confidence: 'high' | 'medium' | 'low';
}

export interface TemplateAnalysis {
  readonly parsed: boolean;
  /** Set when a work budget stopped the analysis short (some expressions were not folded): never a clean pass. */
  readonly incomplete?: string;
  /** The limit `incomplete` names: the fold budget, or the node walk's bound. */
  readonly incompleteLimit?: 'templateFoldBudget' | 'templateNodes';
  /** The parser's message when it refused the template. */
  readonly parseError?: string;
  readonly signals: readonly TemplateSignal[];
}

/** Python internals reachable through attributes (besides any dunder and any name-mangled private). */
const INTERNAL_NAMES = new Set([
  'mro',
  'func_globals',
  'func_code',
  'f_globals',
  'f_locals',
  'f_back',
  'f_builtins',
  'gi_frame',
  'gi_code',
  'ag_frame',
  'cr_frame',
  'tb_frame',
  'tb_next',
  'co_code',
  'im_func',
  'im_self',
  'im_class',
]);

/** Globals jinja2 and web frameworks hand to templates whose attributes lead to module globals. */
const GADGETS = new Set(['cycler', 'joiner', 'namespace', 'lipsum', 'self', 'request', 'config', 'range', 'dict']);
/** Gadgets whose mere attribute access is the escape (the others are flagged through the attribute reached). */
const ALWAYS_GADGET = new Set(['cycler', 'joiner', 'namespace', 'lipsum', 'self', 'request', 'config']);

/**
 * Filters that read an attribute named by an argument (jinja2 resolves it with getattr, a dotted path part by
 * part): the argument's position and keyword.
 */
const ATTRIBUTE_FILTERS: ReadonlyMap<string, { readonly at: number; readonly keyword: string }> = new Map([
  ['attr', { at: 0, keyword: 'name' }],
  ['map', { at: -1, keyword: 'attribute' }],
  ['selectattr', { at: 0, keyword: '' }],
  ['rejectattr', { at: 0, keyword: '' }],
  ['sort', { at: 2, keyword: 'attribute' }],
  ['groupby', { at: 0, keyword: 'attribute' }],
  ['unique', { at: 1, keyword: 'attribute' }],
  ['sum', { at: 0, keyword: 'attribute' }],
  ['min', { at: 1, keyword: 'attribute' }],
  ['max', { at: 1, keyword: 'attribute' }],
]);

/** Python builtins no renderer defines as template globals: a template calling one expects a renderer that does. */
const PYTHON_BUILTINS = new Set([
  'getattr',
  'setattr',
  'delattr',
  'eval',
  'exec',
  'compile',
  '__import__',
  'open',
  'globals',
  'locals',
  'vars',
  'breakpoint',
  'input',
  'type',
  'object',
]);

/** A name that reaches interpreter internals as an attribute. */
export function isInternalName(name: string): boolean {
  if (name.length > 4 && name.startsWith('__') && name.endsWith('__')) return true;
  if (/^_[A-Za-z]\w*__\w+$/.test(name)) return true;
  return INTERNAL_NAMES.has(name);
}

/** Private attribute (refused by the sandbox; harmless only inside it). */
function isPrivateName(name: string): boolean {
  return name.startsWith('_');
}

function lineColumn(text: string, needle: string): { line?: number; column?: number } {
  const at = needle ? text.indexOf(needle) : -1;
  if (at < 0) return {};
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

/** Set when a walk of the template's tree stopped at TEMPLATE_LIMITS.nodes (reset for each template). */
let nodesCapped = false;

/** Every node of the tree, iteratively (deep templates must not overflow the stack); at most TEMPLATE_LIMITS.nodes. */
function allNodes(root: JNode): JNode[] {
  const out: JNode[] = [];
  const stack: unknown[] = [root];
  while (stack.length) {
    if (out.length >= TEMPLATE_LIMITS.nodes) {
      nodesCapped = true;
      break;
    }
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else if (isNode(v)) {
      out.push(v);
      const kids = children(v);
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
  }
  return out;
}

/** Names the template binds itself (set, for, macro, call-block parameters): those are not gadgets. */
function boundNames(nodes: readonly JNode[]): { bound: Set<string>; env: FoldEnv } {
  const env = buildEnv(nodes);
  return { bound: new Set(env.vars.keys()), env };
}

function filterName(f: unknown): { name: string; args: JNode[] } | undefined {
  if (!isNode(f)) return undefined;
  if (f.type === 'Identifier') return { name: f['value'] as string, args: [] };
  if (f.type === 'CallExpression' && isNode(f['callee']) && (f['callee'] as JNode).type === 'Identifier')
    return { name: (f['callee'] as JNode)['value'] as string, args: (f['args'] as JNode[]) ?? [] };
  return undefined;
}

/**
 * The tokens without the `recursive` mark of `{% for ... recursive %}`, which the parser does not read. Nothing else
 * changes: the loop's body calling `loop(items)` re-enters the loop over those items, which the render-cost bound
 * charges (template-cost.ts); `loop(...)` in a loop that is not recursive is an error in jinja2.
 */
function withoutRecursiveMarks<T extends { value: string; type: string }>(tokens: T[]): T[] {
  const drop = new Set<number>();
  let start = -1;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.type === 'OpenStatement') start = i;
    else if (t.type === 'CloseStatement') {
      const prev = tokens[i - 1];
      const first = tokens[start + 1];
      if (
        start >= 0 &&
        i - start > 4 &&
        first?.type === 'Identifier' &&
        first.value === 'for' &&
        prev?.type === 'Identifier' &&
        prev.value === 'recursive' &&
        !(tokens[i - 2]?.type === 'Identifier' && tokens[i - 2]!.value === 'in')
      )
        drop.add(i - 1);
      start = -1;
    }
  }
  return drop.size ? tokens.filter((_, i) => !drop.has(i)) : tokens;
}

/**
 * transformers' `{% generation %}` / `{% endgeneration %}` (its chat templates mark the assistant's text with them) as
 * a block that renders its body once: `{% if true %}` / `{% endif %}`, with the same whitespace control. The Jinja
 * parser deletes those tags from the text before it reads it, with the whitespace they strip, so the characters on
 * both sides meet: `{` then `#` became a comment opener and hid what jinja2, which reads the tag as a tag, renders.
 * Replaced by a tag it keeps, the text splits where jinja2 splits it.
 */
export function keepGenerationBlocks(text: string): string {
  if (!text.includes('generation')) return text;
  return text.replace(
    /{%(-?)\s*(end)?generation\s*(-?)%}/g,
    (_, lstrip: string, end: string | undefined, rstrip: string) =>
      `{%${lstrip} ${end ? 'endif' : 'if true'} ${rstrip}%}`,
  );
}

/** The escapes a string literal of the Jinja parser reads, for the characters written with one. */
const LITERAL_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

/**
 * `{% raw %}...{% endraw %}` as jinja2 renders it, its text written out verbatim, as an output of that text as a string
 * literal: the Jinja parser has no raw block and refused such a template, which then could only be checked token by
 * token (and was reported as not scanned). Whitespace control as jinja2 applies it: `{%- raw` strips before the
 * block, `raw -%}` the text's leading blanks, `{%- endraw` its trailing blanks, `endraw -%}` what follows.
 */
export function rawAsText(text: string): string {
  if (!text.includes('raw')) return text;
  let out = '';
  let done = 0;
  let i = 0;
  // Data, then a comment, expression or statement, as jinja2's lexer meets them: a raw block opens only in data, and
  // a comment or tag ends at its closing delimiter outside the string literals it holds.
  for (;;) {
    const open = text.indexOf('{', i);
    if (open < 0 || open + 1 >= text.length) break;
    const kind = text[open + 1];
    if (kind !== '#' && kind !== '{' && kind !== '%') {
      i = open + 1;
      continue;
    }
    if (kind === '#') {
      const close = text.indexOf('#}', open + 2);
      if (close < 0) break;
      i = close + 2;
      continue;
    }
    if (kind === '%') {
      const raw = /^{%(-?)\s*raw\s*(-?)%}/.exec(text.slice(open, open + 64));
      if (raw) {
        const endRe = /{%(-?)\s*endraw\s*(-?)%}/g;
        endRe.lastIndex = open + raw[0].length;
        const end = endRe.exec(text);
        if (!end) break;
        let body = text.slice(open + raw[0].length, end.index);
        if (raw[2]) body = body.replace(/^\s+/, '');
        else if (body.startsWith('\n')) body = body.slice(1); // trim_blocks: the line end after the tag
        if (end[1]) body = body.replace(/\s+$/, '');
        const literal = body.replace(/[\\'\n\r\t\b\f\v]/g, (c) => LITERAL_ESCAPES[c]!);
        out += text.slice(done, open) + `{{${raw[1]!} '${literal}' ${end[2]!}}}`;
        i = done = end.index + end[0].length;
        continue;
      }
    }
    // An expression or statement: its closing delimiter outside string literals.
    const closer = kind === '{' ? '}}' : '%}';
    let k = open + 2;
    let quote = '';
    for (; k < text.length; k++) {
      const c = text[k]!;
      if (quote) {
        if (c === '\\') k++;
        else if (c === quote) quote = '';
      } else if (c === "'" || c === '"') quote = c;
      else if (text.startsWith(closer, k)) break;
    }
    if (k >= text.length) break;
    i = k + 2;
  }
  return done === 0 ? text : out + text.slice(done);
}

/**
 * The syntax tree of a template as jinja2 reads it: raw blocks as their text, generation tags as blocks, literals in
 * the forms the parser reads, tuples it does not read marked and restored. Throws what the parser throws.
 */
export function parseTemplate(text: string): JNode {
  const tokens = jinjaSyntax(
    withoutRecursiveMarks(
      tokenize(keepGenerationBlocks(parserLiterals(rawAsText(text))), { lstrip_blocks: true, trim_blocks: true }),
    ),
    (t, type, value) => ({ ...t, type, value }) as typeof t,
  );
  return restoreTests(
    tupleLiterals(
      parse(withTupleMarkers(tokens, (t, value) => ({ ...t, type: 'Identifier', value }))) as unknown as JNode,
    ),
  );
}

/** Templates handed to the Jinja parser in this process, and their characters (for tests and the bench). */
export const templateParses = { templates: 0, chars: 0 };

/** Analyses one chat template (this module, and the Jinja parser with it, is imported when a template is met). */
export async function analyzeChatTemplate(text: string): Promise<TemplateAnalysis> {
  templateParses.templates++;
  templateParses.chars += text.length;
  let program: JNode;
  try {
    program = parseTemplate(text);
  } catch (e) {
    const parseError = e instanceof Error ? e.message : String(e);
    return { parsed: false, parseError, signals: tokenCheck(text) };
  }
  startFoldBudget();
  nodesCapped = false;
  const signals = astCheck(program, text);
  if (!foldBudgetExhausted() && !nodesCapped) return { parsed: true, signals };
  // A budget stopped the analysis: the token check runs too (it does not fold), and the analysis says so.
  const seen = new Set(signals.map((s) => s.name));
  return {
    parsed: true,
    signals: [...signals, ...tokenCheck(text).filter((s) => !seen.has(s.name))],
    incompleteLimit: nodesCapped ? 'templateNodes' : 'templateFoldBudget',
    incomplete: nodesCapped
      ? `the template has more than ${TEMPLATE_LIMITS.nodes} syntax nodes; the rest was checked token by token`
      : `folding the template's string expressions took more than ${TEMPLATE_FOLD_BUDGET} steps; the rest was checked token by token`,
  };
}

function astCheck(program: JNode, text: string): TemplateSignal[] {
  const nodes = allNodes(program);
  const { bound, env } = boundNames(nodes);
  const out: TemplateSignal[] = [];
  const seen = new Set<string>();
  const emit = (s: Omit<TemplateSignal, 'line' | 'column'>, needle = s.name): void => {
    const key = `${s.kind}\0${s.name}\0${s.snippet}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ ...s, ...lineColumn(text, needle) });
  };
  /**
   * A computed attribute or subscript name: every value it may take must be worked out and be no internal name;
   * a name the folder cannot prove is a finding (its pieces may come from anywhere: a global's string form holds
   * underscores). Names from the caller's data and numbers are no choice of the template. `dotted`: jinja2 reads
   * the name as a path (`a.b`), part by part.
   */
  const attributeName = (expr: JNode, where: JNode, how: string, dotted = false): void => {
    const f = foldString(expr, env);
    for (const whole of f.values)
      for (const v of dotted ? whole.split('.') : [whole]) {
        if (isInternalName(v))
          emit(
            {
              kind: f.assembled ? 'assembled-name' : 'internal-attribute',
              name: v,
              snippet: printNode(where),
              confidence: 'high',
              message: f.assembled
                ? `${how} reaches ${JSON.stringify(v)}, assembled from string pieces to hide it`
                : `${how} reaches the Python internal ${JSON.stringify(v)}`,
            },
            f.assembled ? (f.pieces[0] ?? v) : v,
          );
        else if (isPrivateName(v))
          emit(
            {
              kind: 'internal-attribute',
              name: v,
              snippet: printNode(where),
              confidence: 'medium',
              message: `${how} reaches the private name ${JSON.stringify(v)}: the jinja2 sandbox refuses it, an unsandboxed renderer reads it`,
            },
            v,
          );
      }
    if (f.unknown)
      emit(
        {
          kind: 'unknown-name',
          name: f.pieces.length ? f.pieces.join('…') : printNode(expr),
          snippet: printNode(where),
          confidence: 'high',
          message:
            `${how} takes a name the template computes and that cannot be worked out statically` +
            (f.pieces.length ? ` (pieces: ${f.pieces.map((p) => JSON.stringify(p)).join(', ')})` : '') +
            ': jinja2 falls back from an item to an attribute, so any name is reachable, Python internals included',
        },
        f.pieces[0] ?? '',
      );
  };
  const callees = new Set<unknown>();
  for (const n of nodes) if (n.type === 'CallExpression') callees.add(n['callee']);
  /** `receiver.format(...)` / `.format_map(...)`: the replacement fields of the receiver string read attributes. */
  const formatCall = (receiver: JNode, where: JNode, method: string): void => {
    const fold = receiver.type === 'StringLiteral' ? undefined : foldString(receiver, env);
    const texts = fold ? fold.values : [receiver['value'] as string];
    for (const t of texts)
      for (const part of formatFieldParts(t)) {
        if (!isInternalName(part) && !isPrivateName(part)) continue;
        emit(
          {
            kind: 'format-field',
            name: part,
            snippet: printNode(where),
            confidence: 'high',
            message:
              `str.${method} replacement field reads ${JSON.stringify(part)}: an unsandboxed jinja2 renderer ` +
              'resolves it with getattr, reaching Python internals',
          },
          part,
        );
      }
    if (fold && fold.unknown && fold.values.length === 0)
      emit({
        kind: 'format-field',
        name: method,
        snippet: printNode(where),
        confidence: 'medium',
        message:
          `str.${method} on a string decided at render time: its replacement fields may read any attribute in an ` +
          'unsandboxed renderer',
      });
  };
  for (const n of nodes) {
    if (n.type === 'CallExpression') {
      const callee = n['callee'];
      if (isNode(callee) && callee.type === 'Identifier') {
        const g = callee['value'] as string;
        if (PYTHON_BUILTINS.has(g) && !bound.has(g))
          emit({
            kind: 'gadget',
            name: g,
            snippet: printNode(n),
            confidence: 'high',
            message: `calls the Python builtin ${g}(), which no chat-template renderer defines: the template expects a renderer that hands it Python's builtins`,
          });
      }
      if (isNode(callee) && callee.type === 'MemberExpression' && !callee['computed']) {
        const prop = callee['property'] as JNode;
        const method = prop.type === 'Identifier' ? (prop['value'] as string) : '';
        if (FORMAT_METHODS.has(method)) formatCall(callee['object'] as JNode, n, method);
      }
      continue;
    }
    if (n.type === 'MemberExpression') {
      const prop = n['property'] as JNode;
      const obj = n['object'] as JNode;
      if (
        !n['computed'] &&
        prop.type === 'Identifier' &&
        FORMAT_METHODS.has(prop['value'] as string) &&
        !callees.has(n)
      )
        emit({
          kind: 'format-field',
          name: prop['value'] as string,
          snippet: printNode(n),
          confidence: 'high',
          message:
            `a reference to a string's .${prop['value'] as string} method: called later (a variable, a filter), it ` +
            'escapes the sandbox check on format calls (CVE-2024-56326) and reads any attribute unsandboxed',
        });
      if (!n['computed'] && prop.type === 'Identifier') {
        const name = prop['value'] as string;
        if (isInternalName(name))
          emit({
            kind: 'internal-attribute',
            name,
            snippet: printNode(n),
            confidence: 'high',
            message: `attribute .${name} reaches Python object internals`,
          });
        else if (isPrivateName(name))
          emit({
            kind: 'internal-attribute',
            name,
            snippet: printNode(n),
            confidence: 'medium',
            message: `private attribute .${name}: the jinja2 sandbox refuses it, an unsandboxed renderer reads it`,
          });
      } else if (n['computed'] && prop.type !== 'SliceExpression') attributeName(prop, n, 'subscript');
      if (obj.type === 'Identifier') {
        const g = obj['value'] as string;
        if (ALWAYS_GADGET.has(g) && !bound.has(g))
          emit({
            kind: 'gadget',
            name: g,
            snippet: printNode(n),
            confidence: 'high',
            message: `${g} is a template global whose attributes lead to Python module globals (a known escape gadget)`,
          });
      }
    } else if (n.type === 'FilterExpression' || n.type === 'FilterStatement') {
      const f = filterName(n['filter']);
      if (!f) continue;
      const spec = ATTRIBUTE_FILTERS.get(f.name);
      if (!spec) continue;
      const operand = n['operand'];
      if (f.name === 'attr' && isNode(operand) && operand.type === 'Identifier') {
        const g = operand['value'] as string;
        if (GADGETS.has(g) && !bound.has(g))
          emit({
            kind: 'gadget',
            name: g,
            snippet: printNode(n),
            confidence: 'high',
            message: `attr() on the template global ${g} (a known escape gadget)`,
          });
      }
      const positional = f.args.filter((a) => a.type !== 'KeywordArgumentExpression');
      const named = f.args.find(
        (a) => a.type === 'KeywordArgumentExpression' && (a['key'] as JNode)['value'] === spec.keyword,
      );
      const names: JNode[] = [];
      if (named) names.push(named['value'] as JNode);
      else if (spec.at >= 0 && positional[spec.at]) names.push(positional[spec.at]!);
      if (f.name === 'map' && !named && positional[0]) {
        // map('attr', name) applies the attr filter; any other filter name is not an attribute read, but a
        // filter name the template computes may be 'attr'.
        const fn = foldString(positional[0], env);
        if (fn.values.includes('attr') && positional[1]) names.push(positional[1]);
        if (fn.unknown || fn.safe || fn.items) attributeName(positional[0], n, 'map() filter name');
      }
      for (const arg of names) {
        const fold = foldString(arg, env);
        if (f.name === 'attr' && fold.values.some((v) => FORMAT_METHODS.has(v)))
          emit({
            kind: 'format-field',
            name: 'format',
            snippet: printNode(n),
            confidence: 'high',
            message:
              "attr() fetches a string's format method: called, it escapes the sandbox check on format calls " +
              '(CVE-2025-27516) and reads any attribute unsandboxed',
          });
        if (f.name === 'attr' && (fold.unknown || fold.safe || fold.items) && arg.type !== 'StringLiteral')
          emit(
            {
              kind: 'computed-attr',
              name: 'attr',
              snippet: printNode(n),
              confidence: 'high',
              message: 'attr() with a computed attribute name: the name is decided at render time',
            },
            'attr',
          );
        attributeName(arg, n, `${f.name}()`, f.name !== 'attr');
      }
    } else if (n.type === 'Set') {
      // A variable assembled from pieces into an internal name is the payload even before it is used.
      const value = n['value'];
      if (isNode(value) && value.type !== 'StringLiteral') {
        const f = foldString(value, env);
        for (const v of f.values)
          if (isInternalName(v) && f.assembled)
            emit(
              {
                kind: 'assembled-name',
                name: v,
                snippet: printNode(n),
                confidence: 'high',
                message: `a variable is assembled from string pieces into ${JSON.stringify(v)}`,
              },
              f.pieces[0] ?? v,
            );
      }
    }
  }
  let costs: ReturnType<typeof renderCost>;
  try {
    costs = renderCost(program, env);
  } catch (e) {
    // A tree deeper than the stack allows: its cost is not bounded here, and such a template is no published one.
    if (!(e instanceof RangeError)) throw e;
    costs = [{ where: program, amount: Infinity, what: 'is nested too deeply for its render cost to be bounded' }];
  }
  // A cost over the limit only through the caller's content (a message as long as the request bound allows) is the
  // request's doing as much as the template's: reported as depending on the request, at medium confidence.
  const ownCost = costs.some((c) => !c.request);
  for (const c of costs)
    emit(
      c.request && !ownCost
        ? {
            kind: 'request-cost',
            name: 'request-cost',
            snippet: printNode(c.where),
            confidence: 'medium',
            message:
              `rendering cost grows with the request: the template ${c.what}. A request within the bounds (at most ` +
              `${DATA_ENTRIES} entries per list and ${DATA_CHARS} characters per string) can make one render run ` +
              'for minutes, sandboxed or not; a caller that bounds the length of what users send bounds it',
          }
        : {
            kind: 'render-cost',
            name: 'render-cost',
            snippet: printNode(c.where),
            confidence: 'high',
            message:
              `rendering is unbounded or too costly: the template ${c.what} (limits: ${MAX_RENDER_ITERATIONS} loop ` +
              `iterations, ${MAX_RENDER_OUTPUT} characters per value, for a request of at most ${DATA_ENTRIES} entries per ` +
              `list and ${DATA_CHARS} characters per string) — a ` +
              'sandboxed renderer hangs or exhausts memory too',
          },
      '',
    );
  return out;
}

const FORMAT_METHODS: ReadonlySet<string> = new Set(['format', 'format_map']);
const MAX_FORMAT_FIELDS = 256;

/**
 * Attribute names and item keys the replacement fields of a str.format string read (Python's format-string
 * grammar: `{{` is a literal brace, a field name runs to `!`, `:` or `}` outside brackets, then `.attr` / `[key]`
 * parts; fields nested in a format spec are found too).
 */
export function formatFieldParts(s: string): string[] {
  const out: string[] = [];
  let fields = 0;
  for (let i = 0; i < s.length && fields < MAX_FORMAT_FIELDS; i++) {
    if (s[i] !== '{') continue;
    if (s[i + 1] === '{') {
      i++;
      continue;
    }
    fields++;
    let j = i + 1;
    let name = '';
    while (j < s.length && s[j] !== '}' && s[j] !== '!' && s[j] !== ':' && s[j] !== '{') {
      if (s[j] === '[') {
        const k = s.indexOf(']', j);
        if (k < 0) break;
        name += s.slice(j, k + 1);
        j = k + 1;
      } else name += s[j++];
    }
    for (const m of name.matchAll(/\.([^.[]*)|\[([^\]]*)\]/g)) out.push(m[1] ?? m[2] ?? '');
    i = j - 1;
  }
  return out;
}

/** Jinja delimiters the token check reads inside (comments are skipped). */
const TAG = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const STRINGS = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g;

/**
 * Conservative token-level check for templates the parser refused: any dunder, name-mangled private, escaped
 * underscore, attr filter, gadget used as an object, template loading statement or underscore string building
 * inside the template's tags.
 */
export function tokenCheck(text: string): TemplateSignal[] {
  const tags = text.match(TAG) ?? [];
  const regions = tags.length ? tags : [text];
  const out: TemplateSignal[] = [];
  const seen = new Set<string>();
  const hit = (name: string, what: string, snippet: string): void => {
    if (seen.has(name) || out.length >= 32) return;
    seen.add(name);
    out.push({
      kind: 'token-check',
      name,
      snippet: snippet.length > 200 ? snippet.slice(0, 197) + '...' : snippet,
      confidence: 'medium',
      message: what,
      ...lineColumn(text, name),
    });
  };
  for (const r of regions) {
    for (const m of r.matchAll(/\b__\w+__\b|\b_[A-Za-z]\w*__\w+\b/g)) hit(m[0], `${m[0]} (Python internals)`, r);
    for (const m of r.matchAll(/\\x5f|\\u005f|\\137|\\N\{LOW LINE\}/gi)) hit(m[0], 'escaped underscore', r);
    const code = r.replace(STRINGS, "''");
    for (const m of code.matchAll(/\|\s*attr\b|\battr\s*\(/g)) hit(m[0].replace(/\s+/g, ''), 'attr filter', r);
    for (const m of code.matchAll(/\b(cycler|joiner|namespace|lipsum|self|request|config)\s*[.[|]/g))
      hit(m[1]!, `${m[1]} used as an object (escape gadget)`, r);
    for (const m of code.matchAll(/\b(mro|func_globals|f_globals|gi_frame|tb_frame|f_back)\b/g))
      hit(m[1]!, `${m[1]} (Python internals)`, r);
    for (const m of r.matchAll(/^\{%-?\s*(include|import|extends|from)\b/g))
      hit(m[1]!, `{% ${m[1]} %} loads another template`, r);
    for (const m of r.matchAll(/(['"])_{1,2}\1\s*[*~+]|[*~+]\s*(['"])_{1,2}\2/g))
      hit(m[0], 'underscore string building', r);
  }
  return out;
}
