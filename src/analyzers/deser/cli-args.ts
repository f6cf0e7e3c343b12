// Command-line arguments as the names of files (or the bytes) an executable loader reads. Whoever runs a script picks
// its arguments, and people run scripts on files they were sent or downloaded (`predict.py --model model.pkl`): a
// loader of such a file is the same trust relation as a library API loading the file its caller names, and is
// graded the same way (DESER-UNSAFE-LOADER, MEDIUM), whether or not the module also serves.
//
// Recognised, from each library's documented API: `sys.argv` (and `from sys import argv`); the namespace
// `parse_args()` / `parse_known_args()` / `parse_intermixed_args()` of an argparse parser (also optparse's
// `(options, args)`), whose attributes are the options — except those `add_argument` declares as numbers, flags or
// counts in the same module (`type=int`, `action="store_true"`): an integer is a descriptor or a count, never a path;
// the parameters of a click command (`@click.command()` with `@click.option` / `@click.argument`, also on a group's
// `@cli.command()`) and of a typer command (`@app.command()` on a `typer.Typer()`, `typer.run(fn)`), except those
// declared numeric or boolean (`type=int`, `is_flag=True`, an `int`/`float`/`bool` annotation).
import type { CallSite, ExpressionFact, FunctionFact } from '../python/module-model.js';
import type { ModuleIndex } from './module-index.js';

export type { CliArg } from './value.js';

const PARSE_METHODS: ReadonlySet<string> = new Set(['parse_args', 'parse_known_args', 'parse_intermixed_args']);

/** A call that returns the parsed command line (`parser.parse_args()`), by the parser's type or, unresolved, by name. */
export function parsesCommandLine(c: CallSite, targets: readonly string[], idx: ModuleIndex): boolean {
  const a = c.callee.access;
  const last = a?.steps[a.steps.length - 1];
  if (last?.kind !== 'attr' || !PARSE_METHODS.has(last.name)) return false;
  for (const t of targets)
    if ((t.startsWith('argparse.') || t.startsWith('optparse.')) && t.endsWith(`.${last.name}`)) return true;
  // A parser built by a helper of the project (`parser = build_parser()`): the module still speaks argparse.
  return targets.length === 0 && (idx.importedRoots.has('argparse') || idx.importedRoots.has('optparse'));
}

/** `sys.argv` (or the name imported from it): how many access steps it takes. */
export function argvAccess(qualifiedNames: readonly string[], firstAttr: string | undefined): number | undefined {
  for (const q of qualifiedNames) {
    if (q === 'sys.argv') return 0;
    if (q === 'sys' && firstAttr === 'argv') return 1;
  }
  return undefined;
}

const NUMERIC_TYPES: ReadonlySet<string> = new Set(['int', 'float', 'bool', 'complex']);
const NON_VALUE_ACTIONS: ReadonlySet<string> = new Set([
  'store_true',
  'store_false',
  'store_const',
  'append_const',
  'count',
  'help',
  'version',
]);

const NOT_PATHS = new WeakMap<ModuleIndex, ReadonlySet<string>>();

/**
 * The option names (`dest`) this module's `add_argument` / `add_option` calls declare as numbers, flags or counts:
 * their values name no file. Options declared elsewhere are not known and stay arguments.
 */
export function nonPathOptions(idx: ModuleIndex): ReadonlySet<string> {
  let out = NOT_PATHS.get(idx);
  if (out !== undefined) return out;
  const set = new Set<string>();
  for (const c of idx.mod.calls) {
    const a = c.callee.access;
    const last = a?.steps[a.steps.length - 1];
    if (last?.kind !== 'attr' || (last.name !== 'add_argument' && last.name !== 'add_option')) continue;
    const kw = (n: string): ExpressionFact | undefined => c.keywords.find((k) => k.name === n)?.value;
    const type = kw('type');
    const action = kw('action')?.constant;
    const numeric =
      (type !== undefined && NUMERIC_TYPES.has(type.text)) ||
      (action?.type === 'str' && NON_VALUE_ACTIONS.has(action.value));
    if (!numeric) continue;
    const dest = kw('dest')?.constant;
    if (dest?.type === 'str') {
      set.add(dest.value);
      continue;
    }
    const names = c.positional.flatMap((p) => (p.constant?.type === 'str' ? [p.constant.value] : []));
    const long = names.find((n) => n.startsWith('--')) ?? names.find((n) => !n.startsWith('-')) ?? names[0];
    if (long !== undefined) set.add(long.replace(/^-+/, '').replace(/-/g, '_'));
  }
  out = set;
  NOT_PATHS.set(idx, out);
  return out;
}

/** How a command function is declared: by click or typer, and its options by parameter name. */
interface CommandDecl {
  framework: string;
  /** Parameters declared numeric or boolean (they name no file). */
  numeric: Set<string>;
}

const isClick = (q: string | null, text: string): boolean =>
  (q !== null && q.startsWith('click.')) || /^\w+\.(?:command|group)\b/.test(text);

/**
 * The click or typer command `f` is (its parameters are the command line), or undefined. A `@<group>.command()`
 * decorator counts only with a click decorator on the same function or a module that imports click or typer.
 */
export function commandOf(
  f: FunctionFact,
  idx: ModuleIndex,
  typerRunners: ReadonlySet<number>,
): CommandDecl | undefined {
  if (f.kind !== 'function') return undefined;
  const usesClick = idx.importedRoots.has('click');
  const usesTyper = idx.importedRoots.has('typer');
  if (!usesClick && !usesTyper) return undefined;
  let framework: string | undefined;
  const numeric = new Set<string>();
  for (const d of f.decorators) {
    const q = d.qualifiedName;
    if (usesTyper && q !== null && q.startsWith('typer.') && /\.(?:command|callback)$/.test(q)) framework = 'typer';
    else if (usesClick && isClick(q, d.text)) {
      framework ??= 'click';
      const call = d.isCall && d.callId !== undefined ? idx.mod.calls[d.callId] : undefined;
      if (call === undefined || !/\.(?:option|argument)$/.test(q ?? d.text.replace(/\(.*$/s, ''))) continue;
      const kw = (n: string): ExpressionFact | undefined => call.keywords.find((k) => k.name === n)?.value;
      const type = kw('type');
      const flag = kw('is_flag')?.constant;
      const count = kw('count')?.constant;
      const isNumeric =
        (type !== undefined &&
          (NUMERIC_TYPES.has(type.text) || /^click\.(?:INT|FLOAT|BOOL|IntRange|FloatRange)\b/.test(type.text))) ||
        (flag?.type === 'bool' && flag.value) ||
        (count?.type === 'bool' && count.value);
      if (!isNumeric) continue;
      const names = call.positional.flatMap((p) => (p.constant?.type === 'str' ? [p.constant.value] : []));
      const plain = names.find((n) => !n.startsWith('-'));
      const long = names.find((n) => n.startsWith('--')) ?? names[0];
      const name = plain ?? long;
      if (name !== undefined) numeric.add(name.replace(/^-+/, '').replace(/-/g, '_').split('/')[0]!.toLowerCase());
    } else if (usesTyper && d.isCall && /^\w+\.command\b/.test(d.text) && q === null) framework ??= 'typer';
  }
  if (framework === undefined && typerRunners.has(f.id)) framework = 'typer';
  if (framework === undefined) return undefined;
  if (framework === 'typer')
    for (const p of f.parameters) {
      const t = (p.annotation ?? '').replace(/\s/g, '');
      if (NUMERIC_TYPES.has(t) || /^(?:Optional\[|typing\.Optional\[)?(?:int|float|bool)\]?$/.test(t))
        numeric.add(p.name);
      const d = p.default?.constant;
      if (d?.type === 'bool' || d?.type === 'int' || d?.type === 'float') numeric.add(p.name);
    }
  return { framework, numeric };
}

const RUNNERS = new WeakMap<ModuleIndex, ReadonlySet<number>>();

/** Functions handed to `typer.run(fn)` in this module. */
export function typerRunners(idx: ModuleIndex): ReadonlySet<number> {
  let out = RUNNERS.get(idx);
  if (out !== undefined) return out;
  const set = new Set<number>();
  if (idx.importedRoots.has('typer'))
    for (const c of idx.mod.calls) {
      if (c.callee.qualifiedName !== 'typer.run' || c.positional[0] === undefined) continue;
      const lf = idx.localFunction(c.positional[0], c.scopeId);
      if (lf !== undefined) set.add(lf.fn.id);
    }
  out = set;
  RUNNERS.set(idx, out);
  return out;
}
