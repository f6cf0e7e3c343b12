// Lazy, once-per-process loading of the tree-sitter Python grammar (web-tree-sitter 0.27 + tree-sitter-python
// 0.25 wasm), and parsing with a size cap and a deadline. Trees must be freed: use withPythonTree.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';
import { LimitError, UnsupportedError, errorMessage } from '../../core/errors.js';
import { runPythonParserLoadHook } from './parser-load-hook.js';

/** Budgets for one parse. */
export interface ParseBudget {
  /** Largest accepted source, in UTF-16 code units (default 16 Mi). */
  maxSourceChars?: number;
  /** Give up parsing after this many milliseconds (default 30 000). */
  timeoutMs?: number;
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
  await Parser.init();
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
  const shape = sourceShape(text);
  if (shape.nesting > MAX_NESTING)
    throw new LimitError(
      'maxPythonNesting',
      `Python source nests brackets ${shape.nesting} deep (CPython refuses more than ${MAX_NESTING}: "too many nested parentheses")`,
    );
  if (shape.chain > MAX_ATTRIBUTE_CHAIN)
    throw new LimitError(
      'maxPythonNesting',
      `Python source chains ${shape.chain} attribute accesses in one expression (more than ${MAX_ATTRIBUTE_CHAIN})`,
    );
  const timeoutMs = budget?.timeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
  const deadline = monotonicMs() + timeoutMs;
  // Returning true from the progress callback cancels the parse (parse() then returns null).
  const progressCallback = (): boolean => monotonicMs() > deadline;
  let tree: Tree | null;
  try {
    tree = parser.parse(text, null, { progressCallback });
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
/** Attribute accesses chained in one expression; CPython 3.11 fails to compile a few thousand (RecursionError). */
export const MAX_ATTRIBUTE_CHAIN = 1000;

/**
 * One linear pass over the text outside strings and comments: the deepest bracket nesting and the longest run of
 * `.name` accesses. Deep inputs would otherwise cost the tree conversion and the analysis time and memory far out
 * of proportion to the file's size.
 */
export function sourceShape(text: string): { nesting: number; chain: number } {
  let depth = 0;
  let nesting = 0;
  let chain = 0;
  let run = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 35 /* # */) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 34 || c === 39 /* " ' */) {
      const triple = text.charCodeAt(i + 1) === c && text.charCodeAt(i + 2) === c;
      const q = triple ? text.slice(i, i + 3) : text[i]!;
      i += q.length;
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \\ */) i += 2;
        else if (text.startsWith(q, i)) break;
        else if (!triple && d === 10) break;
        else i++;
      }
      i += q.length - 1;
      run = 0;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) nesting = Math.max(nesting, ++depth);
    else if (c === 41 || c === 93 || c === 125) depth = Math.max(0, depth - 1);
    else if (c === 46 /* . */) {
      chain = Math.max(chain, ++run);
      continue;
    }
    if (c !== 46 && !isNameChar(c) && c !== 32) run = 0;
  }
  return { nesting, chain };
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c > 127;
}
