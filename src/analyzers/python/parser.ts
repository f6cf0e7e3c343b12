// Lazy, once-per-process loading of the tree-sitter Python grammar (web-tree-sitter 0.27 + tree-sitter-python
// 0.25 wasm), and parsing with a size cap and a deadline. Trees must be freed: use withPythonTree.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree, type TreeCursor } from 'web-tree-sitter';
import { LimitError, UnsupportedError, errorMessage } from '../../core/errors.js';
import { blankLargeLiterals } from './large-literals.js';
import { runPythonParserLoadHook } from './parser-load-hook.js';

/** Budgets for one parse. */
export interface ParseBudget {
  /** Largest accepted source, in UTF-16 code units (default 16 Mi). */
  maxSourceChars?: number;
  /** Give up parsing after this many milliseconds (default 30 000). */
  timeoutMs?: number;
  /**
   * Deepest combined nesting accepted (SourceShape.recursion): brackets, operators and postfix operations summed along
   * one path. Unbounded by default; TorchScript code is held to MAX_TORCHSCRIPT_RECURSION.
   */
  maxRecursion?: number;
}

/**
 * Milliseconds from a monotonic clock. Not `performance.now()`: the `performance` global loads Node's perf_hooks
 * modules on first use, which a short CLI run would compile for a few clock reads.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export const DEFAULT_MAX_SOURCE_CHARS = 16 * 1024 * 1024;
export const DEFAULT_PARSE_TIMEOUT_MS = 30_000;

let pending: Promise<Parser> | undefined;
let initMs: number | undefined;

/**
 * The options object handed to `Parser.init`: web-tree-sitter passes it to its Emscripten module factory, which
 * fills it in as the module itself (the wasm exports, `setValue`/`getValue`). Kept for treeCursorCalls.
 */
const wasmModule: Record<string, unknown> = {};
let cursorCalls: TreeCursorCalls | null | undefined;

/**
 * A tree cursor's moves and reads, called on the grammar module's wasm exports directly. web-tree-sitter's
 * TreeCursor copies its four-word state into the module's transfer buffer before every call and back after every
 * move (eight `setValue`/`getValue` calls, each switching on a type name); the wasm side reads the state from that
 * buffer and writes it back after a move, so a walk that makes no other tree-sitter call in between can leave the
 * state there: `load` puts a cursor's state in the buffer, `store` copies it back to the cursor (before anything else
 * uses the cursor: a move can reallocate the cursor's stack, changing its first word). The calls made between
 * `load` and `store` must be these, or ones that leave the buffer alone (`Language.nodeTypeIsNamed` passes its
 * arguments directly). Undefined when the module lacks any of these exports (another web-tree-sitter build): callers
 * then use the TreeCursor API.
 */
export interface TreeCursorCalls {
  /** Puts the cursor's state in the transfer buffer; returns the tree's address the calls below take. */
  load(cursor: TreeCursor): number;
  /** Copies the state back to the cursor. */
  store(cursor: TreeCursor): void;
  typeId(tree: number): number;
  fieldId(tree: number): number;
  startIndex(tree: number): number;
  endIndex(tree: number): number;
  /** Moves: 1 when the cursor moved, 0 when there was nowhere to go. */
  firstChild(tree: number): number;
  nextSibling(tree: number): number;
  parent(tree: number): number;
}

/** The calls, once the grammar is loaded (undefined before, or when this web-tree-sitter build lacks them). */
export function treeCursorCalls(): TreeCursorCalls | undefined {
  if (cursorCalls !== undefined) return cursorCalls ?? undefined;
  if (pending === undefined) return undefined;
  const m = wasmModule;
  const fn = (name: string): ((...a: number[]) => number) | undefined =>
    typeof m[name] === 'function' ? (m[name] as (...a: number[]) => number) : undefined;
  const init = fn('_ts_init');
  const setValue = m['setValue'] as ((ptr: number, v: number, t: string) => void) | undefined;
  const getValue = m['getValue'] as ((ptr: number, t: string) => number) | undefined;
  const typeId = fn('_ts_tree_cursor_current_node_type_id_wasm');
  const fieldId = fn('_ts_tree_cursor_current_field_id_wasm');
  const startIndex = fn('_ts_tree_cursor_start_index_wasm');
  const endIndex = fn('_ts_tree_cursor_end_index_wasm');
  const firstChild = fn('_ts_tree_cursor_goto_first_child_wasm');
  const nextSibling = fn('_ts_tree_cursor_goto_next_sibling_wasm');
  const parent = fn('_ts_tree_cursor_goto_parent_wasm');
  if (
    init === undefined ||
    typeof setValue !== 'function' ||
    typeof getValue !== 'function' ||
    typeId === undefined ||
    fieldId === undefined ||
    startIndex === undefined ||
    endIndex === undefined ||
    firstChild === undefined ||
    nextSibling === undefined ||
    parent === undefined
  ) {
    cursorCalls = null;
    return undefined;
  }
  // The transfer buffer's address (ts_init returns the same static buffer web-tree-sitter uses; it rewrites only
  // the two version words web-tree-sitter read once at its own init).
  const buffer = init();
  const words = (c: TreeCursor): Record<number, number> & { tree: Record<number, number> } =>
    c as unknown as Record<number, number> & { tree: Record<number, number> };
  cursorCalls = {
    load(c) {
      const w = words(c);
      for (let i = 0; i < 4; i++) setValue(buffer + 4 * i, w[i]!, 'i32');
      return w.tree[0]!;
    },
    store(c) {
      const w = words(c);
      for (let i = 0; i < 4; i++) w[i] = getValue(buffer + 4 * i, 'i32');
    },
    typeId,
    fieldId,
    startIndex,
    endIndex,
    firstChild,
    nextSibling,
    parent,
  };
  return cursorCalls;
}

/**
 * The shared Python parser. The first call loads both wasm modules (about 20–50 ms); later calls reuse it.
 * Parsing is synchronous, so one parser serves every caller in the process.
 */
export function getPythonParser(): Promise<Parser> {
  pending ??= loadParser().catch((e: unknown) => {
    pending = undefined;
    throw new UnsupportedError('cannot load the tree-sitter Python grammar: ' + errorMessage(e), 'python-parser');
  });
  return pending;
}

/** Milliseconds the one-time parser initialisation took, once it has happened. */
export function pythonParserInitMs(): number | undefined {
  return initMs;
}

async function loadParser(): Promise<Parser> {
  const t0 = monotonicMs();
  runPythonParserLoadHook();
  await Parser.init(wasmModule);
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve('tree-sitter-python/tree-sitter-python.wasm');
  // Bytes, not a path: given a path, web-tree-sitter reads it through `import('fs/promises')`, which on Node 20
  // loads the ES module loader, fs/promises and readline (~60 internal modules compiled at every Python run).
  const language = await Language.load(readFileSync(wasmPath));
  const parser = new Parser();
  parser.setLanguage(language);
  initMs = monotonicMs() - t0;
  return parser;
}

/**
 * Parse `text` and hand the root node to `fn` while the tree is alive; the tree is deleted afterwards,
 * so `fn` must not keep nodes. Throws LimitError (`maxSourceChars`, `maxFileSeconds`) when a budget is hit.
 */
export async function withPythonTree<T>(
  text: string,
  fn: (root: Node, tree: Tree) => T,
  budget?: ParseBudget,
): Promise<T> {
  const parser = await getPythonParser();
  const tree = parseWithBudget(parser, text, budget);
  try {
    return fn(tree.rootNode, tree);
  } finally {
    tree.delete();
  }
}

function parseWithBudget(parser: Parser, text: string, budget: ParseBudget | undefined): Tree {
  const maxChars = budget?.maxSourceChars ?? DEFAULT_MAX_SOURCE_CHARS;
  if (text.length > maxChars) {
    throw new LimitError('maxSourceChars', `Python source of ${text.length} characters exceeds ${maxChars}`);
  }
  // Large constant displays are blanked first (same offsets): their elements never become parser nodes.
  const parsed = blankLargeLiterals(text);
  const shape = sourceShape(parsed);
  if (shape.nesting > MAX_NESTING)
    throw new LimitError(
      'maxPythonNesting',
      `Python source nests brackets ${shape.nesting} deep (CPython refuses more than ${MAX_NESTING}: "too many nested parentheses")`,
    );
  if (shape.chain > MAX_ATTRIBUTE_CHAIN)
    throw new LimitError(
      'maxPythonNesting',
      `Python source chains ${shape.chain} attribute accesses, calls or subscripts on one value (more than ${MAX_ATTRIBUTE_CHAIN})`,
    );
  if (shape.operators > MAX_OPERATOR_CHAIN)
    throw new LimitError(
      'maxPythonNesting',
      `Python source chains ${shape.operators} operators in one expression (more than ${MAX_OPERATOR_CHAIN}; CPython fails to compile a few thousand: "maximum recursion depth exceeded during compilation")`,
    );
  if (budget?.maxRecursion !== undefined && shape.recursion > budget.maxRecursion)
    throw new LimitError(
      'maxPythonNesting',
      `Python source nests brackets, operators and chained accesses ${shape.recursion} deep together (more than ` +
        `${budget.maxRecursion}; a recursive-descent parser recurses once per level of each, and torch's TorchScript ` +
        'parser overflows its stack at a few thousand such levels)',
    );
  if (sourceWeight(shape) > MAX_TOKENS)
    throw new LimitError(
      'maxPythonTokens',
      `Python source has ${shape.tokens} tokens and ${shape.statements} statements outside large constant tables ` +
        `(tokens + ${STATEMENT_WEIGHT} per statement = ${sourceWeight(shape)}, more than ${MAX_TOKENS})`,
    );
  const timeoutMs = budget?.timeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
  const deadline = monotonicMs() + timeoutMs;
  // Returning true from the progress callback cancels the parse (parse() then returns null).
  const progressCallback = (): boolean => monotonicMs() > deadline;
  let tree: Tree | null;
  try {
    tree = parser.parse(parsed, null, { progressCallback });
  } catch (e) {
    parser.reset();
    throw new UnsupportedError('tree-sitter failed to parse the source: ' + errorMessage(e), 'python-parser');
  }
  if (tree === null) {
    parser.reset();
    throw new LimitError('maxFileSeconds', `parsing Python source took longer than ${timeoutMs} ms`);
  }
  return tree;
}

/** CPython's tokenizer limit on nested parentheses, brackets and braces (MAXLEVEL): deeper is a SyntaxError. */
export const MAX_NESTING = 200;
/**
 * Combined nesting (SourceShape.recursion) accepted in TorchScript code. torch 1.13's TorchScript parser parses every
 * method of an archive's code files at torch.jit.load (torch.load and weights_only=True hand the archive to it), called
 * or not, recursing once per level of every construct along a path, on the default 8 MiB stack. Measured with
 * scripts/fixtures/torchscript-parse-depth.py (one construct repeated, loaded in a throwaway process): the process
 * dies with SIGSEGV at about 2,880 nested lists, 3,660 nested calls, 3,850 chained conditional expressions, 3,950
 * nested dicts, 4,440 nested comprehensions, 5,370 nested parentheses or unary minus signs, 8,790 chained binary
 * operators, 11,700 `not`s, 12,900 subscripts, 19,500 calls and 52,000 attribute accesses on one value, and at 3,760
 * levels of unary minus and list brackets alternated. A third of the cheapest crash leaves room for the deeper frames
 * of other constructs; what torch.jit.save writes nests a few dozen levels at most.
 */
export const MAX_TORCHSCRIPT_RECURSION = 1000;
/** Attribute accesses, calls and subscripts chained on one value; CPython 3.11 fails to compile a few thousand (RecursionError). */
export const MAX_ATTRIBUTE_CHAIN = 1000;
/**
 * Operators chained in one expression (`a + a + ...`, `- - ... 1`, `not not ...`): each nests the parser's tree one
 * level deeper. CPython 3.11 compiles 2,900 and fails at 3,000 ("maximum recursion depth exceeded during compilation").
 */
export const MAX_OPERATOR_CHAIN = 3000;
/**
 * Tokens in one source, large constant tables (blanked before parsing) not counted. The parser's tree costs a few
 * hundred bytes a token and the analysis about as much again; this keeps one file well under 512 MB.
 */
export const MAX_TOKENS = 600_000;
/**
 * What a statement costs beyond its tokens, in tokens: each one is a binding, facts and scope entries in the
 * analysis. Measured peak memory, one file: ~0.65 KB a token and ~1.8 KB more a statement, so a file of short
 * statements (`a1 = 1` per line) at the token limit alone would take ~800 MB; counted this way it stops at ~100,000
 * such lines (~430 MB), while large real modules (generated API clients of 400,000 tokens and 30,000 statements,
 * ~380 MB) stay within it. Other shapes within the weight, in a module the DESER analysis reads, peak at 240-460 MB
 * (nested lambdas, lists of calls, one-line statements); a few hundred long call chains at about 575 MB.
 */
export const STATEMENT_WEIGHT = 3;

/** The cost a source is held to: its tokens, plus STATEMENT_WEIGHT per statement. */
export function sourceWeight(shape: SourceShape): number {
  return shape.tokens + STATEMENT_WEIGHT * shape.statements;
}

/**
 * One linear pass over the text outside strings and comments: the deepest bracket nesting, the longest run of
 * postfix operations on one value (`.name`, calls and subscripts: `a.b(c)[d]` is 3), the longest chain of operators
 * in one expression (at one bracket depth, between commas, assignments and statements; inside an f-string's
 * replacement fields too) and the number of tokens (a string counts 3 and each replacement field of an f-string 3
 * more, as the parser makes nodes for them). Deep or huge inputs would otherwise cost the parser, the tree
 * conversion and the analysis time and memory far out of proportion to the file's size.
 */
export function sourceShape(text: string): SourceShape {
  let depth = 0;
  let nesting = 0;
  let chain = 0;
  let run = 0;
  let operators = 0;
  let ops = 0;
  let tokens = 0;
  let statements = 0;
  // Combined nesting, as the depth of the expression tree built bottom-up: at the current bracket level, the deepest
  // bracketed value closed since the last comma (`lvMax`) under the operators and postfix operations that apply to
  // it, and the deepest such depth anywhere inside the current bracket (`inMax`); a closed bracket is one deeper.
  let lvMax = 0;
  let inMax = 0;
  let recursion = 0;
  const outers: number[] = [];
  // A token was read since the last logical line ended.
  let inLine = false;
  // Per open bracket: the postfix run and the operator count of the expression it interrupts.
  const runs: number[] = [];
  const opStack: number[] = [];
  // The last significant character ended a value (a name, number, string or closing bracket).
  let afterValue = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9) continue;
    if (c === 35 /* # */) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      i--;
      continue;
    }
    if (c === 10 || c === 13) {
      if (depth === 0 && text.charCodeAt(i - 1) !== 92 && !(c === 10 && text.charCodeAt(i - 2) === 92)) {
        if (inLine) statements++;
        inLine = false;
        ops = 0;
        run = 0;
        lvMax = 0;
        afterValue = false;
      }
      continue;
    }
    if (c === 34 || c === 39 /* " ' */) {
      const triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
      const q = triple ? text.slice(i, i + 3) : text[i]!;
      const fString = isFPrefix(text, i);
      inLine = true;
      let field = 0;
      let fieldOps = 0;
      tokens += 3;
      i += q.length;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \\ */) i += 2;
        else if (text.startsWith(q, i)) break;
        else if (!triple && d === 10) break;
        else {
          if (fString) {
            if (d === 123 /* { */) {
              if (field === 0 && text.charCodeAt(i + 1) === 123) i++;
              else if (field++ === 0) {
                tokens += 3;
                fieldOps = 0;
              }
            } else if (d === 125 /* } */ && field > 0) field--;
            else if (field > 0 && isOperatorChar(d)) operators = Math.max(operators, ++fieldOps);
          }
          i++;
        }
      }
      i += q.length - 1;
      run = 0;
      afterValue = true;
      continue;
    }
    tokens++;
    inLine = true;
    if (c === 40 || c === 91 || c === 123) {
      // A call or subscript continues the run of postfix operations on the value before it.
      if (c !== 123 && afterValue) {
        chain = Math.max(chain, ++run);
        inMax = Math.max(inMax, lvMax + ops + run);
        recursion = Math.max(recursion, inMax);
      } else run = 0;
      runs.push(run);
      opStack.push(ops);
      outers.push(lvMax, inMax);
      lvMax = 0;
      inMax = 0;
      nesting = Math.max(nesting, ++depth);
      run = 0;
      ops = 0;
      afterValue = false;
      continue;
    }
    if (c === 41 || c === 93 || c === 125) {
      depth = Math.max(0, depth - 1);
      const inner = Math.max(inMax, lvMax + ops + run) + 1;
      inMax = outers.pop() ?? 0;
      lvMax = Math.max(outers.pop() ?? 0, inner);
      run = runs.pop() ?? 0;
      ops = opStack.pop() ?? 0;
      inMax = Math.max(inMax, lvMax + ops + run);
      recursion = Math.max(recursion, inMax);
      afterValue = true;
      continue;
    }
    if (c === 46 /* . */ && !isDigit(text.charCodeAt(i + 1))) {
      chain = Math.max(chain, ++run);
      inMax = Math.max(inMax, lvMax + ops + run);
      recursion = Math.max(recursion, inMax);
      afterValue = false;
      continue;
    }
    if (isNameChar(c) || c === 46) {
      const from = i;
      while (i + 1 < n && (isNameChar(text.charCodeAt(i + 1)) || (isDigit(c) && text.charCodeAt(i + 1) === 46))) i++;
      // A string's prefix is read with the string.
      const next = text.charCodeAt(i + 1);
      if ((next === 34 || next === 39) && i - from < 2) {
        tokens--;
        continue;
      }
      if (i - from < 6 && OPERATOR_WORD_START.has(c) && OPERATOR_WORDS.has(text.slice(from, i + 1))) {
        operators = Math.max(operators, ++ops);
        inMax = Math.max(inMax, lvMax + ops + run);
        recursion = Math.max(recursion, inMax);
        run = 0;
        afterValue = false;
      } else afterValue = true;
      continue;
    }
    run = 0;
    afterValue = false;
    if (c === 44 /* , */ || c === 59 /* ; */) {
      ops = 0;
      lvMax = 0;
      // `a = 1; b = 2` is two statements on one line.
      if (c === 59 && depth === 0) statements++;
    } else if (c === 61 /* = */) {
      const p = text.charCodeAt(i - 1);
      if (p === 61 || p === 60 || p === 62 || p === 33) continue;
      if (text.charCodeAt(i + 1) === 61) {
        operators = Math.max(operators, ++ops);
        inMax = Math.max(inMax, lvMax + ops + run);
        recursion = Math.max(recursion, inMax);
        i++;
      } else {
        ops = 0;
        lvMax = 0;
      }
    } else if (c === 45 /* - */ && text.charCodeAt(i + 1) === 62 /* > */) {
      ops = 0;
      i++;
    } else if (isOperatorChar(c)) {
      // `**`, `//`, `<<`, `>>` are one operator.
      if (c === text.charCodeAt(i - 1) && (c === 42 || c === 47 || c === 60 || c === 62)) continue;
      operators = Math.max(operators, ++ops);
      inMax = Math.max(inMax, lvMax + ops + run);
      recursion = Math.max(recursion, inMax);
    }
  }
  if (inLine) statements++;
  inMax = Math.max(inMax, lvMax + ops + run);
  recursion = Math.max(recursion, inMax);
  return { nesting, chain, operators, tokens, statements, recursion };
}

export interface SourceShape {
  /** Deepest bracket nesting. */
  nesting: number;
  /** Longest run of attribute accesses, calls and subscripts on one value. */
  chain: number;
  /** Longest chain of operators in one expression. */
  operators: number;
  /** Tokens, about as many as the parser makes leaves. */
  tokens: number;
  /** Simple statements and compound statements' headers (logical lines, and `;`-separated statements). */
  statements: number;
  /**
   * Deepest combined nesting: the depth of the expression tree, brackets, operators and postfix operations (`.name`,
   * calls, subscripts) each one level, summed along one path (siblings, arguments and statements do not add up).
   */
  recursion: number;
}

/** Keywords that are operators (`not`, `and`, `if`/`else` of a conditional expression, `lambda`, ...). */
const OPERATOR_WORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else', 'lambda', 'await']);
const OPERATOR_WORD_START: ReadonlySet<number> = new Set([...OPERATOR_WORDS].map((w) => w.charCodeAt(0)));

function isOperatorChar(c: number): boolean {
  // + - * / % @ & | ^ ~ < > !
  return (
    c === 43 ||
    c === 45 ||
    c === 42 ||
    c === 47 ||
    c === 37 ||
    c === 64 ||
    c === 38 ||
    c === 124 ||
    c === 94 ||
    c === 126 ||
    c === 60 ||
    c === 62 ||
    c === 33
  );
}

/** Whether the quote at `i` opens an f-string (its prefix, directly before it, holds an `f`). */
function isFPrefix(text: string, i: number): boolean {
  for (let k = i - 1; k >= 0 && k >= i - 2; k--) {
    const c = text.charCodeAt(k) | 32;
    if (c === 102 /* f */) return !isNameChar(text.charCodeAt(k - 1)) || (text.charCodeAt(k - 1) | 32) === 114;
    if (c !== 114 /* r */) return false;
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c > 127;
}
