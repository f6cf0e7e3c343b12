// Allowlist-extension discipline: policy `also_allow` / `torch_safe_globals` entries are
// fully-qualified `module.name`; whole modules, the forbidden modules and their aliases, and any name the
// dangerous-call table marks dangerous are refused with the reason. Accepted entries apply to one scan only. The
// rules use the same check so that the policy lines a finding suggests are lines the policy loader accepts.
import { canonicalModule, resolveImportName } from '../analyzers/pickle/names.js';
import type { ImportFact } from '../analyzers/pickle/facts.js';
import { classifyImport } from './classify.js';

/** Default justification for a bare-string entry (the same fact fickling states). */
export const DEFAULT_JUSTIFICATION = 'Import explicitly allowed by user';

/** Modules no extension may ever name, with why. */
export const FORBIDDEN_MODULES: Readonly<Record<string, string>> = {
  os: 'runs shell commands and programs (os.system, popen, exec*, spawn*) and touches files and the environment',
  subprocess: 'starts processes (Popen, run, call, check_output)',
  sys: 'reaches interpreter state and code hooks (sys.modules, settrace, setprofile)',
  builtins: 'holds eval, exec, compile, __import__, getattr, setattr and open',
  eval: 'evaluates Python source',
  exec: 'executes Python source',
  shutil: 'copies, moves and deletes files and unpacks archives',
  socket: 'opens network connections',
  pickle: 'loads nested pickles (pickle.loads, Unpickler)',
  _pickle: 'the C pickle implementation: loads nested pickles',
  code: 'its interactive interpreter executes source (InteractiveInterpreter.runsource)',
  pty: 'pty.spawn runs a program on a terminal',
};

/** Aliases beyond the import-name canonicalisation table that reach a forbidden module. */
const EXTRA_ALIASES: Readonly<Record<string, string>> = {
  _posixsubprocess: 'subprocess',
  _subprocess: 'subprocess',
  _winapi: 'subprocess',
  _socket: 'socket',
  cPickle: 'pickle',
};

export type AllowCheck =
  | { readonly ok: true; readonly canonical: string; readonly module: string; readonly name: string }
  | { readonly ok: false; readonly reason: string };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Where a module name leads: the first forbidden module reached through aliases, or undefined. */
function forbiddenTarget(module: string): { forbidden: string; via?: string } | undefined {
  const head = module.split('.')[0]!;
  if (Object.hasOwn(FORBIDDEN_MODULES, head)) return { forbidden: head };
  const extra = Object.hasOwn(EXTRA_ALIASES, head) ? EXTRA_ALIASES[head] : undefined;
  if (extra !== undefined) return { forbidden: extra, via: head };
  const canon = canonicalModule(module).split('.')[0]!;
  if (canon !== head && Object.hasOwn(FORBIDDEN_MODULES, canon)) return { forbidden: canon, via: head };
  return undefined;
}

/**
 * Checks one extension entry. `what` names the policy list in messages (`also_allow`, `torch_safe_globals`).
 * Accepted entries come back with the canonical `module.name` the classifier matches.
 */
export function checkAllowEntry(entry: string, what = 'also_allow'): AllowCheck {
  const s = entry.trim();
  if (s.includes('*')) {
    return { ok: false, reason: `wildcards are refused: ${what} takes one fully-qualified module.name per entry` };
  }
  const dot = s.lastIndexOf('.');
  if (dot < 0) {
    return {
      ok: false,
      reason: `"${s}" is a whole module: ${what} takes a fully-qualified module.name (the last dot separates the name), never a whole module`,
    };
  }
  const module = s.slice(0, dot);
  const name = s.slice(dot + 1);
  const parts = [...module.split('.'), name];
  if (parts.some((p) => !IDENT.test(p))) {
    return { ok: false, reason: `"${s}" is not a dotted Python name (module.name)` };
  }
  const hit = forbiddenTarget(module) ?? (Object.hasOwn(FORBIDDEN_MODULES, name) ? { forbidden: name } : undefined);
  if (hit !== undefined) {
    const via = hit.via !== undefined ? `"${hit.via}" is an alias of "${hit.forbidden}", which ` : '';
    const subject = hit.via !== undefined ? via : `"${hit.forbidden}" `;
    return {
      ok: false,
      reason:
        `${subject}${FORBIDDEN_MODULES[hit.forbidden]}; the allowlist discipline never allows names from ` +
        `${Object.keys(FORBIDDEN_MODULES).join(', ')} (or their aliases)`,
    };
  }
  const imp = resolveImportName(module, name, 4);
  const fact: ImportFact = { ...imp, opcode: 'STACK_GLOBAL', offset: 0, protocol: 4, afterError: false };
  const verdict = classifyImport(fact);
  if (verdict.kind === 'dangerous') {
    return {
      ok: false,
      reason: `the dangerous-call table marks ${imp.canonical} dangerous (${verdict.category}: entry "${verdict.matched}" — ${verdict.reason})`,
    };
  }
  return { ok: true, canonical: imp.canonical, module, name };
}
