// What a call or reference may stand for, normalised for the TORCH rules: qualified callee names (with any
// functools.partial), TorchScript spellings (`ops.ns.op`, `__torch__.torch.classes...`), star-import guesses,
// and where in a hubconf.py a call runs (import time or which entrypoint).
import type { CallSite, FunctionFact, PartialFact, PythonModule, Resolution } from '../module-model.js';
import type { Confidence, TorchFileKind } from '../code-signal.js';

export interface CallTarget {
  qualifiedName: string;
  partial?: PartialFact;
  /** Upper bound on confidence given how the name was resolved. */
  confidenceCap: Confidence;
  via: Resolution | 'star-import';
}

/** Canonical form of a qualified name in the given file kind. */
export function normaliseName(name: string, resolution: Resolution, fileKind: TorchFileKind): string {
  let n = name.startsWith('__torch__.') ? name.slice('__torch__.'.length) : name;
  if (fileKind === 'torchscript' && n.startsWith('ops.') && (resolution === 'unbound' || resolution === 'implicit')) {
    n = 'torch.' + n;
  }
  return n;
}

export function capForResolution(resolution: Resolution): Confidence {
  return resolution === 'unbound' ? 'medium' : 'high';
}

/** Every qualified name the callee of `call` may be. */
export function callTargets(call: CallSite, fileKind: TorchFileKind): CallTarget[] {
  const out: CallTarget[] = [];
  const res = call.callee.resolution;
  for (const v of call.callee.values) {
    if (v.kind !== 'qualified') continue;
    const t: CallTarget = {
      qualifiedName: normaliseName(v.name, res, fileKind),
      confidenceCap: capForResolution(res),
      via: res,
    };
    if (v.partial !== undefined) {
      t.partial = v.partial;
      t.qualifiedName = normaliseName(v.partial.qualifiedName, res, fileKind);
    }
    out.push(t);
  }
  for (const m of call.callee.starImportModules ?? []) {
    out.push({ qualifiedName: m + '.' + call.callee.raw, confidenceCap: 'low', via: 'star-import' });
  }
  return out;
}

export interface RunContext {
  /** `import`, `entrypoint`, `helper`, `class`, or `main-guard` (not run when torch.hub imports the file). */
  kind: 'import' | 'entrypoint' | 'helper' | 'class' | 'main-guard';
  /** The top-level def/class the call is in, if any. */
  name?: string;
  /** Human phrase: `at import time`, ``in entrypoint `resnet` ``. */
  phrase: string;
}

/** Where a call in a hubconf.py runs when torch.hub uses the file. */
export function runContext(call: CallSite, mod: PythonModule): RunContext {
  if (call.underMainGuard) return { kind: 'main-guard', phrase: 'under `if __name__ == "__main__"`' };
  const start: FunctionFact | undefined =
    call.enclosingFunction !== null ? mod.functions[call.enclosingFunction.id] : undefined;
  if (start === undefined) {
    // Module level or a class body: runs when the file is imported.
    return { kind: 'import', phrase: 'at import time' };
  }
  let f: FunctionFact = start;
  while (f.parentId !== null && f.parentId !== 0) {
    const parent: FunctionFact | undefined = mod.functions[f.parentId];
    if (parent === undefined) break;
    f = parent;
  }
  if (f.kind === 'class') return { kind: 'class', name: f.name, phrase: `in class \`${f.name}\`` };
  if (f.name.startsWith('_')) return { kind: 'helper', name: f.name, phrase: `in helper \`${f.name}\`` };
  return { kind: 'entrypoint', name: f.name, phrase: `in entrypoint \`${f.name}\`` };
}

/** True when the file imports torch (or anything under it) anywhere. */
export function importsTorch(mod: PythonModule): boolean {
  return mod.imports.some((i) => i.qualifiedName === 'torch' || i.qualifiedName.startsWith('torch.'));
}
