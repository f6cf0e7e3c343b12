// Import classification, dangerous-first: a dangerous module/name on ANY dotted component of the module
// path or the attribute path wins; then the exact-pair allowlist; everything else is unexpected.
// Also the per-pickle safety level on the six-level scale.
import type { ImportFact, PickleRun } from '../analyzers/pickle/facts.js';
import { maxSafety, type SafetyLevel } from '../core/severity.js';
import { Memo2 } from '../core/memo2.js';
import { allowEntry, refusedBy, type AllowedCalls, type AllowEntry } from './data/allowlist.js';
import {
  DANGEROUS_METHODS,
  DANGEROUS_MODULE_COMPONENTS,
  DANGEROUS_MODULES,
  DANGEROUS_NAME_COMPONENTS,
  DANGEROUS_NAMES,
  type DangerCategory,
} from './data/dangerous.js';

export type Verdict =
  | {
      readonly kind: 'dangerous';
      readonly category: DangerCategory;
      readonly reason: string;
      readonly matched: string;
      /** Set for classes that are harmless when named but not called (DangerEntry.harmlessUnlessCalled). */
      readonly harmlessUnlessCalled?: string;
    }
  | {
      readonly kind: 'allowed';
      readonly reason: string;
      readonly source: string;
      /** Set when the pack admits the name only in some roles (see AllowedCalls). */
      readonly calls?: AllowedCalls;
      /** The library versions the admitting pack entry was reviewed in (AllowEntry.versions). */
      readonly versions?: string;
      /** The loader reading the admitting review covers (AllowEntry.reading). */
      readonly reading?: string;
    }
  | {
      readonly kind: 'unknown';
      readonly framework: boolean;
      /** Why a pack does not admit it (its review log, or the role the pack admits it in). */
      readonly note?: string;
      /** Set when a policy `also_allow` line would admit it (no note, or a pack's refusal the policy may override). */
      readonly policyMayAdmit?: boolean;
    }
  | { readonly kind: 'unresolved'; readonly reason: string };

/** Top-level packages of ML frameworks: unknown names inside them are "possibly unsafe", not "likely unsafe". */
const FRAMEWORK_PACKAGES = new Set([
  'torch',
  'torchvision',
  'torchaudio',
  'torchtext',
  'numpy',
  'scipy',
  'sklearn',
  'pandas',
  'transformers',
  'tokenizers',
  'accelerate',
  'lightning',
  'pytorch_lightning',
  'xgboost',
  'lightgbm',
  'catboost',
  'sentence_transformers',
  'timm',
  'peft',
  'diffusers',
  'datasets',
  'joblib',
  'collections',
  'datetime',
  'enum',
  'typing',
]);

/** Dunder components that only name how an object is called or created. */
const TRANSPARENT_DUNDERS = new Set(['__call__', '__new__', '__init__']);

export interface ClassifyOptions {
  /** Extra allowlist entries for this scan (policy `also_allow`), canonical `module.name` → entry. */
  readonly extraAllow?: ReadonlyMap<string, AllowEntry>;
  /** Allowlist packs turned off by the policy (`allow_packs: {pandas: false}`). */
  readonly disabledPacks?: ReadonlySet<string>;
  /**
   * Loader semantics of the stream. In TorchScript archives `__torch__.*` names are classes the TorchScript
   * runtime compiles from the archive's own code/ files (scanned by TORCH-SCRIPT-CUSTOM-OP), not Python imports.
   */
  readonly context?: string;
}

const TORCHSCRIPT_CLASS: Verdict = {
  kind: 'allowed',
  reason: "TorchScript class compiled from the archive's code/ by the TorchScript runtime (not a Python import)",
  source: 'torchscript',
};

function splitCanonical(imp: ImportFact): { modParts: string[]; nameParts: string[] } {
  const module = imp.canonicalModule;
  const name = imp.canonical.slice(module.length + 1);
  return { modParts: module.split('.'), nameParts: name === '<module>' || name === '' ? [] : name.split('.') };
}

function dangerous(category: DangerCategory, reason: string, matched: string): Extract<Verdict, { kind: 'dangerous' }> {
  return { kind: 'dangerous', category, reason, matched };
}

export function classifyImport(imp: ImportFact, opts: ClassifyOptions = {}): Verdict {
  if (imp.unresolved !== undefined && imp.module === '?') return { kind: 'unresolved', reason: imp.unresolved };
  // A verdict depends only on the canonical name and its module split, the loader context and the policy's pack
  // options; without pack options it is remembered (the same names recur object after object, file after file).
  if (opts.extraAllow?.size || opts.disabledPacks?.size) return classifyFresh(imp, opts);
  const ctx = opts.context ?? '';
  const seen = rememberedVerdicts.get(ctx, imp.canonical);
  if (seen !== undefined && seen.module === imp.canonicalModule) return seen.verdict;
  const verdict = classifyFresh(imp, opts);
  if (seen !== undefined) return verdict; // the same canonical name split elsewhere: not remembered
  rememberedVerdicts.set(ctx, imp.canonical, { module: imp.canonicalModule, verdict: Object.freeze(verdict) });
  return verdict;
}

/** classifyImport's verdicts without pack options, by loader context, then canonical name (bounded: names come from streams). */
const rememberedVerdicts = new Memo2<string, string, { readonly module: string; readonly verdict: Verdict }>(50_000);

function classifyFresh(imp: ImportFact, opts: ClassifyOptions): Verdict {
  const { modParts, nameParts } = splitCanonical(imp);
  const full = [...modParts, ...nameParts];
  // 1. Every prefix of module + attribute path against whole-module and exact-name entries.
  for (let i = 1; i <= full.length; i++) {
    const prefix = full.slice(0, i).join('.');
    const mod = Object.hasOwn(DANGEROUS_MODULES, prefix) ? DANGEROUS_MODULES[prefix] : undefined;
    if (mod !== undefined) {
      const rest = full.slice(i);
      const dotted = full.join('.');
      const exempt =
        (mod.except !== undefined && rest.length === 1 && mod.except.includes(rest[0]!)) ||
        (mod.exceptSubmodules?.some((sub) => dotted.startsWith(sub + '.') && nameParts.length === 1) ?? false);
      if (!exempt) return dangerous(mod.category, mod.reason, prefix);
    }
    const named = Object.hasOwn(DANGEROUS_NAMES, prefix) ? DANGEROUS_NAMES[prefix] : undefined;
    if (named !== undefined && i > 1) {
      const v = dangerous(named.category, named.reason, prefix);
      return named.harmlessUnlessCalled !== undefined && prefix === full.join('.')
        ? { ...v, harmlessUnlessCalled: named.harmlessUnlessCalled }
        : v;
    }
  }
  // 2. Module path components that are dangerous modules (`pkg.os`), first component excluded (handled above).
  for (const comp of modParts.slice(1)) {
    if (DANGEROUS_MODULE_COMPONENTS.has(comp))
      return dangerous('dynamic-import', `module path passes through '${comp}'`, comp);
  }
  // 3. Attribute path components: dangerous names anywhere, dangerous modules reached as attributes,
  //    I/O or execution methods reached on a class, and special attributes.
  for (let j = 0; j < nameParts.length; j++) {
    const comp = nameParts[j]!;
    const named = Object.hasOwn(DANGEROUS_NAME_COMPONENTS, comp) ? DANGEROUS_NAME_COMPONENTS[comp] : undefined;
    if (named !== undefined) return dangerous(named.category, named.reason, comp);
    if (DANGEROUS_MODULE_COMPONENTS.has(comp)) {
      return dangerous('dynamic-import', `attribute path reaches the '${comp}' module`, comp);
    }
    if (j >= 1 && DANGEROUS_METHODS.has(comp)) {
      return dangerous(
        'code-execution',
        `attribute path reaches the method '${comp}' (performs I/O or runs code)`,
        comp,
      );
    }
    if (comp.length > 4 && comp.startsWith('__') && comp.endsWith('__') && !TRANSPARENT_DUNDERS.has(comp)) {
      return dangerous('attribute-access', `attribute path reaches the special attribute '${comp}'`, comp);
    }
  }
  // 4. TorchScript classes inside TorchScript archives, the allowlist (exact canonical pairs), then extensions.
  if (opts.context === 'torchscript' && modParts[0] === '__torch__' && nameParts.length > 0) return TORCHSCRIPT_CLASS;
  const allowed = allowEntry(imp.canonical, opts.disabledPacks) ?? opts.extraAllow?.get(imp.canonical);
  if (allowed !== undefined && nameParts.length > 0) {
    return {
      kind: 'allowed',
      reason: allowed.reason,
      source: allowed.source,
      ...(allowed.calls ? { calls: allowed.calls } : {}),
      ...(allowed.versions ? { versions: allowed.versions } : {}),
      ...(allowed.reading ? { reading: allowed.reading } : {}),
    };
  }
  const framework = FRAMEWORK_PACKAGES.has(modParts[0]!);
  const refused = refusedBy(imp.canonical);
  if (refused)
    return {
      kind: 'unknown',
      framework,
      note: `not admitted by the ${refused.pack} pack: ${refused.reason}`,
      policyMayAdmit: true,
    };
  if (opts.disabledPacks?.size && allowEntry(imp.canonical)) {
    return {
      kind: 'unknown',
      framework,
      note: `its pack (${allowEntry(imp.canonical)!.source}) is turned off by the policy`,
    };
  }
  return { kind: 'unknown', framework, policyMayAdmit: true };
}

/** Invocations that run a class's constructor or call a function (NEWOBJ runs only `cls.__new__`). */
const CONSTRUCTOR_CALLS = new Set(['REDUCE', 'INST', 'OBJ']);

/**
 * Verdicts for every import of a run. An import whose danger lies only in calling it (numpy.memmap opens a file)
 * is allowed when the run never invokes it: it was only named, e.g. as the subtype numpy's _reconstruct rebuilds.
 */
export function classifyRun(run: PickleRun, opts: ClassifyOptions = {}): Map<ImportFact, Verdict> {
  const called = new Set<ImportFact>();
  const constructed = new Map<ImportFact, string>();
  for (const c of run.calls) {
    if (!c.callee) continue;
    called.add(c.callee);
    if (!c.direct || c.kind === 'BUILD') continue;
    // The first invocation, unless a later one runs the constructor (NEWOBJ of a name, then a REDUCE of it). A call
    // the library's own code makes on what the stream gave it (a modelled call) says which code makes it.
    const prev = constructed.get(c.callee);
    if (prev === undefined || (!CONSTRUCTOR_CALLS.has(prev.split(':')[0]!) && CONSTRUCTOR_CALLS.has(c.kind)))
      constructed.set(c.callee, c.detail !== undefined ? `${c.kind}: ${c.detail}` : c.kind);
  }
  const out = new Map<ImportFact, Verdict>();
  const vetted = run.vetted;
  for (const imp of run.imports) {
    // Every use of it in this stream is one library's exact shape, proven by the VM (its pack owns the shape).
    const why = vetted?.get(imp);
    if (why !== undefined && !opts.disabledPacks?.has(why.pack)) {
      // A vetted partial carries the versions of the function it wraps (that function's pack entry).
      // and the loader reading that entry's review covers; a shape with no wrapped function is read by pickle.load.
      const via = why.via !== undefined ? allowEntry(why.via, opts.disabledPacks) : undefined;
      // A shape that names its own versions (a partial its library calls while loading: the function's releases).
      const versions = via?.versions ?? why.versions;
      // A shape that holds only for a pack's stored reference (a class function getattr takes): that entry's pack.
      const referenceOk = why.viaReference !== true || (via !== undefined && via.calls === 'none');
      if ((why.via === undefined || versions !== undefined) && referenceOk) {
        const reading = via?.reading ?? 'pickle.load';
        out.set(imp, {
          kind: 'allowed',
          reason: why.why,
          source: why.viaReference === true ? via!.source : why.pack,
          ...(versions ? { versions } : {}),
          reading,
        });
        continue;
      }
    }
    const v = classifyImport(imp, opts);
    out.set(
      imp,
      v.kind === 'dangerous' && v.harmlessUnlessCalled !== undefined && !called.has(imp)
        ? { kind: 'allowed', reason: v.harmlessUnlessCalled, source: 'usage' }
        : v.kind === 'allowed' && v.calls !== undefined
          ? roleChecked(v, constructed.get(imp), imp)
          : v,
    );
  }
  return out;
}

/** A pack entry admitted only as a value / through `__new__`: the stream's own invocation of it is not admitted. */
function roleChecked(v: Extract<Verdict, { kind: 'allowed' }>, how: string | undefined, imp: ImportFact): Verdict {
  if (how === undefined) return v;
  const framework = FRAMEWORK_PACKAGES.has(imp.canonicalModule.split('.')[0]!);
  if (v.calls === 'none') {
    return {
      kind: 'unknown',
      framework,
      note: `the ${v.source} pack admits it only as a stored reference (the library calls it later); this stream calls it (${how})`,
    };
  }
  if (CONSTRUCTOR_CALLS.has(how.split(':')[0]!)) {
    return {
      kind: 'unknown',
      framework,
      note: `the ${v.source} pack admits it only rebuilt through __new__ (its constructor was not reviewed as data-only); this stream calls it (${how})`,
    };
  }
  return v;
}

/**
 * Whether importing `imp` has an effect worth a scan: a dangerous name, an allowlisted name, or a module of a known
 * framework. A name outside all three (`at.dog` read from a text file) is most likely no installed module at all.
 */
export function importMatters(imp: ImportFact): boolean {
  const v = classifyImport(imp);
  return v.kind !== 'unknown' || v.framework;
}

/** Safety level of one pickle run (six-level scale), from its imports, invocations and anomalies. */
export function pickleSafety(
  run: PickleRun,
  verdicts: ReadonlyMap<ImportFact, Verdict>,
  childLevels: SafetyLevel[] = [],
): SafetyLevel {
  let level: SafetyLevel = 'LIKELY_SAFE';
  for (const v of verdicts.values()) {
    if (v.kind === 'dangerous' || v.kind === 'unresolved') level = maxSafety(level, 'LIKELY_OVERTLY_MALICIOUS');
    else if (v.kind === 'unknown') level = maxSafety(level, v.framework ? 'POSSIBLY_UNSAFE' : 'LIKELY_UNSAFE');
  }
  for (const c of run.calls) {
    if (c.kind === 'BUILD_GLOBAL') level = maxSafety(level, 'OVERTLY_MALICIOUS');
    const v = c.callee ? verdicts.get(c.callee) : undefined;
    if (v?.kind === 'dangerous') level = maxSafety(level, 'OVERTLY_MALICIOUS');
  }
  for (const a of run.anomalies) {
    // After the last STOP (no loader reads them), or in a record the loader reads only when asked: evidence only.
    if (a.code === 'TRAILING_BYTES' || a.code === 'RECORD_READ_ON_REQUEST') continue;
    if (a.code === 'LIMIT' || a.code === 'INTERNAL_ERROR') level = maxSafety(level, 'LIKELY_OVERTLY_MALICIOUS');
    else if (a.fatal) level = maxSafety(level, 'LIKELY_UNSAFE');
    else if (
      a.code === 'PROTO_DUPLICATE' ||
      a.code === 'PROTO_MISPLACED' ||
      a.code === 'FRAME_STRADDLE' ||
      a.code === 'EXT_CODE'
    ) {
      level = maxSafety(level, 'LIKELY_UNSAFE');
    } else level = maxSafety(level, 'SUSPICIOUS');
  }
  for (const c of childLevels) level = maxSafety(level, c);
  return level;
}
