// Lazy, once-per-process loading of the tree-sitter Python grammar (web-tree-sitter 0.27 + tree-sitter-python
// 0.25 wasm), and parsing with a size cap and a deadline. Trees must be freed: use withPythonTree.
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';
import { LimitError, UnsupportedError, errorMessage } from '../../core/errors.js';

/** Budgets for one parse. */
export interface ParseBudget {
  /** Largest accepted source, in UTF-16 code units (default 16 Mi). */
  maxSourceChars?: number;
  /** Give up parsing after this many milliseconds (default 30 000). */
  timeoutMs?: number;
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
  const t0 = performance.now();
  await Parser.init();
  const require = createRequire(import.meta.url);
  const wasmPath = require.resolve('tree-sitter-python/tree-sitter-python.wasm');
  const language = await Language.load(wasmPath);
  const parser = new Parser();
  parser.setLanguage(language);
  initMs = performance.now() - t0;
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
  const timeoutMs = budget?.timeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS;
  const deadline = performance.now() + timeoutMs;
  // Returning true from the progress callback cancels the parse (parse() then returns null).
  const progressCallback = (): boolean => performance.now() > deadline;
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
