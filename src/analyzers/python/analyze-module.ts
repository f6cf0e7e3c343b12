// Entry point of the Python source analyser: parse once with tree-sitter, build scopes and bindings, resolve
// names, extract facts, free the tree. Produces a serialisable PythonModule; never decides what is dangerous.
import type { Node } from 'web-tree-sitter';
import type { BindingFact, ParseErrorFact, PythonModule } from './module-model.js';
import { collectBindings } from './binding-collector.js';
import { collectFacts } from './fact-collector.js';
import { NameResolver, agreedConstant } from './name-resolver.js';
import { monotonicMs, withPythonTree, type ParseBudget } from './parser.js';

export { MAX_TORCHSCRIPT_RECURSION } from './parser.js';
import { excerpt, spanOf } from './source-span.js';
import { toSyntaxTree } from './syntax-tree.js';
import { pruneDeadVersionBranches } from './version-branches.js';

export interface AnalyzeOptions extends ParseBudget {
  /**
   * Names the file uses without binding them, with what they stand for. TorchScript `code/` files use
   * `torch` and `ops` this way (see TORCHSCRIPT_IMPLICIT_GLOBALS in torch/torch-code.ts).
   */
  implicitGlobals?: Readonly<Record<string, string>>;
  /** Most parse-error facts kept (default 100). */
  maxParseErrors?: number;
  /** Budget of name-resolution steps (default 2 000 000); past it values become `unknown` (see stats). */
  maxResolveSteps?: number;
  /** Record the operands used through a protocol of their type (ProtocolUseFact): item access, `in`, truth tests... */
  protocolUses?: boolean;
}

/**
 * Analyse one Python source text. Throws LimitError when the source exceeds `maxSourceChars` or parsing
 * exceeds `timeoutMs`, and UnsupportedError when the grammar cannot be loaded. Syntax errors are facts.
 */
export async function analyzePythonModule(text: string, opts: AnalyzeOptions = {}): Promise<PythonModule> {
  return (await analyzePythonModuleUnless(text, opts, () => false))!;
}

/**
 * analyzePythonModule, except that `skip` sees the parse tree first: when it returns true the module is not
 * analysed (undefined). For cheap tree-level gates.
 */
export async function analyzePythonModuleUnless(
  text: string,
  opts: AnalyzeOptions,
  skip: (root: Node, source: string) => boolean,
): Promise<PythonModule | undefined> {
  const t0 = monotonicMs();
  const source = normaliseLoneCarriageReturns(text);
  return withPythonTree(
    source,
    (root) => {
      if (skip(root, source)) return undefined;
      const t1 = monotonicMs();
      const mod = analyzeTree(root, source, opts);
      mod.stats.parseMs = t1 - t0;
      mod.stats.analyseMs = monotonicMs() - t1;
      return mod;
    },
    opts,
  );
}

/**
 * Python reads a lone `\r` as a line break (universal newlines); tree-sitter does not. Replacing it with `\n`
 * keeps every offset and makes lines count the way Python counts them.
 */
export function normaliseLoneCarriageReturns(text: string): string {
  if (!text.includes('\r')) return text;
  let out = '';
  let from = 0;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) {
    if (text[i + 1] === '\n') continue;
    out += text.slice(from, i) + '\n';
    from = i + 1;
  }
  return out + text.slice(from);
}

/**
 * Analyse an already parsed tree (for callers that hold the tree for their own visitor). The tree must stay
 * alive during the call; the result holds no tree-sitter objects.
 */
export function analyzeTree(wasmRoot: Node, text: string, opts: AnalyzeOptions = {}): PythonModule {
  const parseErrors = collectParseErrors(wasmRoot, text, opts.maxParseErrors ?? 100);
  const tree = toSyntaxTree(wasmRoot, text);
  const root = tree.root;
  const dead = pruneDeadVersionBranches(root, text);
  const index = collectBindings(root, text);
  for (const s of [index.module, ...index.byNode.values()]) {
    for (const list of s.bindings.values()) list.sort((a, b) => a.position - b.position);
  }
  const callNodes = dead.size === 0 ? tree.calls : tree.calls.filter((n) => !dead.has(n.id));
  const callIds = new Map<number, number>();
  callNodes.forEach((n, i) => callIds.set(n.id, i));
  const implicit = new Map(Object.entries(opts.implicitGlobals ?? {}));
  const resolver = new NameResolver(text, index, implicit, (n) => callIds.get(n.id), opts.maxResolveSteps);
  // Resolve bindings in source order first, so chains (`a = torch.load; b = a; ...`) memoise step by step.
  const bindingValues = index.bindings.map((b) => resolver.bindingValue(b).values);
  const facts = collectFacts(root, text, index, resolver, callNodes, callIds, opts.protocolUses === true);

  const bindings: BindingFact[] = index.bindings.map((b, i) => {
    const values = bindingValues[i]!;
    const fact: BindingFact = { name: b.name, scopeId: b.scope.fact.id, kind: b.kind, span: spanOf(b.site), values };
    const constant = agreedConstant(values);
    if (constant !== undefined) fact.constant = constant;
    return fact;
  });

  return {
    lineCount: tree.lines.lineCount,
    hasErrors: wasmRoot.hasError,
    parseErrors,
    imports: index.imports,
    starImports: index.starImports,
    bindings,
    functions: index.functions,
    calls: facts.calls,
    attributeReferences: facts.attributeReferences,
    strings: facts.strings,
    assignments: facts.assignments,
    tries: facts.tries,
    loops: facts.loops,
    branches: facts.branches,
    divisions: facts.divisions,
    operators: facts.operators,
    protocolUses: facts.protocolUses,
    stats: {
      parseMs: 0,
      analyseMs: 0,
      nodes: tree.nodes,
      resolveSteps: resolver.steps,
      resolveBudgetExhausted: resolver.budgetExhausted,
    },
  };
}

/** ERROR (outermost only) and MISSING nodes in source order, descending only into subtrees that contain errors. */
function collectParseErrors(root: Node, text: string, max: number): ParseErrorFact[] {
  const out: ParseErrorFact[] = [];
  if (!root.hasError) return out;
  const stack: Node[] = [root];
  while (stack.length > 0 && out.length < max) {
    const n = stack.pop()!;
    if (n.isMissing) {
      out.push({ kind: 'missing', span: spanOf(n), text: n.type });
      continue;
    }
    if (n.isError) {
      out.push({ kind: 'error', span: spanOf(n), text: excerpt(text, n.startIndex, n.endIndex) });
      continue;
    }
    if (!n.hasError) continue;
    const kids = n.children;
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i]!;
      if (k.hasError || k.isMissing) stack.push(k);
    }
  }
  return out;
}
