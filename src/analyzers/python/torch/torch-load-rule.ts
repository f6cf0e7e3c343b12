// TORCH-LOAD-UNTRUSTED over Python facts: checkpoint loads (torch.load and friends, any alias or partial) that
// are not provably weights_only=True, pickle_module overrides, the try-weights_only=True-then-False fallback,
// unused partials and loaders passed around as callables. Decision on PyTorch >= 2.6: see the rule's messages.
import {
  argumentFor,
  effectiveArguments,
  isNoneLiteral,
  truthOutcomes,
  type EffectiveArguments,
} from '../call-arguments.js';
import { capConfidence, signalAt, type CodeSignal, type Confidence, type TorchFileKind } from '../code-signal.js';
import type { CallSite, ExpressionFact, PythonModule, SourceSpan } from '../module-model.js';
import { TORCH_LOAD_APIS, type TorchLoadApi } from './torch-apis.js';
import { callTargets, normaliseName, runContext } from './torch-call-targets.js';

export type WeightsOnlyState = 'true' | 'false' | 'missing' | 'kwargs' | 'unresolved' | 'no-mode';

export interface Assessment {
  safe: boolean;
  state: WeightsOnlyState;
  pickleModule?: ExpressionFact;
  weightsOnly?: ExpressionFact;
  confidence: Confidence;
  message: string;
}

const apiByName = new Map(TORCH_LOAD_APIS.map((a) => [a.qualifiedName, a]));

/** The checkpoint-loading API a qualified name stands for, if any. */
export function torchLoadApi(qualifiedName: string): TorchLoadApi | undefined {
  return apiByName.get(qualifiedName);
}

/** Call-free callees whose arguments are only inspected, never called. */
const INSPECTING_CALLEES: ReadonlySet<string> = new Set([
  'functools.partial',
  'builtins.getattr',
  'builtins.hasattr',
  'builtins.setattr',
  'builtins.isinstance',
  'builtins.callable',
  'builtins.id',
  'builtins.repr',
  'builtins.str',
  'builtins.print',
  'builtins.type',
]);

function describeValue(e: ExpressionFact): string {
  const lit = e.nodeType === 'true' || e.nodeType === 'false' || e.nodeType === 'none';
  if (lit || e.constant === undefined) return e.text;
  const c = e.constant;
  const shown = c.type === 'bool' ? (c.value ? 'True' : 'False') : c.type === 'none' ? 'None' : e.text;
  return `${e.text} (bound to ${shown})`;
}

/** Whether a call of a checkpoint loader with these arguments is provably weights-only (shared with DESER). */
export function assessTorchLoad(api: TorchLoadApi, args: EffectiveArguments): Assessment {
  return assess(api, args);
}

function assess(api: TorchLoadApi, args: EffectiveArguments): Assessment {
  const name = api.display + '(...)';
  if (!api.hasWeightsOnly) {
    return {
      safe: false,
      state: 'no-mode',
      confidence: 'high',
      message: `${name} unpickles its input and ${api.defaultNote}: a crafted archive can run code when it is loaded.`,
    };
  }
  const wo = argumentFor(args, 'weights_only', api.weightsOnlyPosition);
  const pm =
    api.pickleModulePosition !== undefined ? argumentFor(args, 'pickle_module', api.pickleModulePosition) : undefined;
  const pmGiven = pm !== undefined && !isNoneLiteral(pm);
  let state: WeightsOnlyState;
  if (wo === undefined || isNoneLiteral(wo)) state = args.unresolvedKwargs ? 'kwargs' : 'missing';
  else {
    const o = truthOutcomes(wo);
    if (o.false) state = 'false';
    else if (o.unknown || (o.none && o.true)) state = 'unresolved';
    else if (o.none) state = args.unresolvedKwargs ? 'kwargs' : 'missing';
    else state = 'true';
  }
  const base = {
    state,
    ...(pm !== undefined ? { pickleModule: pm } : {}),
    ...(wo !== undefined ? { weightsOnly: wo } : {}),
  };
  const pmNote = pmGiven
    ? ` It also passes pickle_module=${pm.text}: since PyTorch 2.6 weights_only defaults to True only when ` +
      'pickle_module is not passed, and a custom unpickler decides itself what it may construct.'
    : '';
  switch (state) {
    case 'true':
      if (!pmGiven) return { ...base, safe: true, confidence: 'high', message: '' };
      return {
        ...base,
        safe: false,
        confidence: 'low',
        message:
          `${name} passes pickle_module=${pm.text} together with weights_only=True. torch refuses that combination ` +
          '("Can not safely load weights when explicit pickle_module is specified"), so this path only works where ' +
          'weights-only loading is not in effect; drop pickle_module.',
      };
    case 'false':
      return {
        ...base,
        safe: false,
        confidence: 'high',
        message:
          `${name} is called with weights_only=${describeValue(wo!)}: the checkpoint is unpickled with the full ` +
          `pickle machinery, which runs whatever callables the file names.${pmNote}`,
      };
    case 'missing':
      return {
        ...base,
        safe: false,
        confidence: 'high',
        message:
          `${name} is called without weights_only=True; ${api.defaultNote}. The gate cannot know the consumer's ` +
          `PyTorch version, so the load may unpickle arbitrary objects: pass weights_only=True explicitly.${pmNote}`,
      };
    case 'kwargs':
      return {
        ...base,
        safe: false,
        confidence: pmGiven ? 'high' : 'medium',
        message:
          `${name} receives **kwargs that cannot be resolved statically and no explicit weights_only=True; ` +
          `${api.defaultNote}.${pmNote}`,
      };
    default:
      return {
        ...base,
        safe: false,
        confidence: pmGiven ? 'high' : 'low',
        message:
          `${name} is called with weights_only=${wo!.text}, which cannot be proven True statically; ` +
          `${api.defaultNote}.${pmNote}`,
      };
  }
}

interface Evaluated {
  call: CallSite;
  api: TorchLoadApi;
  assessment: Assessment;
  viaPartial: boolean;
  partialLine?: number;
  cap: Confidence;
  via: string;
}

export function detectTorchLoad(mod: PythonModule, fileKind: TorchFileKind): CodeSignal[] {
  const evaluated: Evaluated[] = [];
  const usedPartials = new Set<number>();
  for (const call of mod.calls) {
    let worst: Evaluated | undefined;
    for (const t of callTargets(call, fileKind)) {
      const api = apiByName.get(t.qualifiedName);
      if (api === undefined) continue;
      if (t.partial !== undefined) usedPartials.add(t.partial.span.startIndex);
      const assessment = assess(api, effectiveArguments(call, t.partial));
      const e: Evaluated = {
        call,
        api,
        assessment,
        viaPartial: t.partial !== undefined,
        ...(t.partial !== undefined ? { partialLine: t.partial.span.line } : {}),
        cap: t.confidenceCap,
        via: t.via,
      };
      if (worst === undefined || (worst.assessment.safe && !assessment.safe)) worst = e;
    }
    if (worst !== undefined) evaluated.push(worst);
  }

  // Try statements whose body performs a weights-only load.
  const safeTryBodies = new Set<number>();
  for (const e of evaluated) {
    if (!e.assessment.safe) continue;
    for (const f of e.call.tryFrames) if (f.part === 'body') safeTryBodies.add(f.tryId);
  }

  const signals: CodeSignal[] = [];
  for (const e of evaluated) {
    if (e.assessment.safe) continue;
    const fallback = e.call.tryFrames.find((f) => f.part === 'handler' && safeTryBodies.has(f.tryId));
    let message = e.assessment.message;
    let confidence = e.assessment.confidence;
    const raw = e.call.callee.raw;
    if (raw !== e.api.display && raw !== e.api.qualifiedName) {
      message = `\`${raw}\` is ${e.viaPartial ? 'a functools.partial of ' : ''}${e.api.qualifiedName} here. ` + message;
    }
    if (fallback !== undefined) {
      const caught = fallback.handlerTypes.length > 0 ? fallback.handlerTypes.join(', ') : 'any exception';
      message =
        `${e.api.display}(...) retries without weights-only protection after a weights_only=True load failed ` +
        `(except ${caught}): whoever crafts the checkpoint controls that error, so the safe load is bypassed. ` +
        message;
      confidence = 'high';
    }
    const details: CodeSignal['details'] = {
      api: e.api.qualifiedName,
      callee: e.call.callee.raw,
      resolution: e.via,
      weightsOnly: e.assessment.state,
      viaPartial: e.viaPartial,
      fallbackAfterWeightsOnly: fallback !== undefined,
    };
    if (e.assessment.weightsOnly !== undefined) details.weightsOnlyText = e.assessment.weightsOnly.text;
    if (e.assessment.pickleModule !== undefined) details.pickleModule = e.assessment.pickleModule.text;
    if (e.partialLine !== undefined) details.partialLine = e.partialLine;
    if (fallback !== undefined) details.handlerTypes = fallback.handlerTypes;
    addRunContext(details, e.call, mod, fileKind);
    if (fileKind === 'hubconf') message += ` hubconf.py runs this ${String(details.runsAtPhrase)}.`;
    signals.push(
      signalAt('TORCH-LOAD-UNTRUSTED', e.call.span, e.call.text, message, capConfidence(confidence, e.cap), details),
    );
  }

  signals.push(...forcedUnsafeDefault(mod));
  signals.push(...unusedPartials(mod, fileKind, usedPartials));
  signals.push(...loadersPassedAsValues(mod, fileKind));
  return signals;
}

const FORCE_NO_WEIGHTS_ONLY = 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD';
/** torch.serialization reads the variable with `os.getenv(name, "0") in ["1", "y", "yes", "true"]` (case-sensitive). */
const ENV_TRUE: ReadonlySet<string> = new Set(['1', 'y', 'yes', 'true']);

/**
 * Code that sets TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD (os.environ[...] = v, os.environ.setdefault/update, os.putenv):
 * from PyTorch 2.6 on it turns weights_only off for every torch.load that does not pass it explicitly.
 */
function forcedUnsafeDefault(mod: PythonModule): CodeSignal[] {
  const out: CodeSignal[] = [];
  const judge = (value: ExpressionFact | null | undefined): Confidence | undefined => {
    if (value === null || value === undefined) return 'medium';
    const c = value.constant;
    if (c === undefined) return 'medium';
    return c.type === 'str' && ENV_TRUE.has(c.value) ? 'high' : undefined;
  };
  const report = (span: SourceSpan, snippet: string, value: ExpressionFact | null | undefined, how: string): void => {
    const confidence = judge(value);
    if (confidence === undefined) return;
    const message =
      `${how} sets ${FORCE_NO_WEIGHTS_ONLY}${value ? '=' + value.text : ''}: from PyTorch 2.6 on this turns ` +
      'weights_only off for every torch.load in the process that does not pass weights_only=True explicitly.';
    out.push(
      signalAt('TORCH-LOAD-UNTRUSTED', span, snippet, message, confidence, {
        kind: 'env-override',
        variable: FORCE_NO_WEIGHTS_ONLY,
      }),
    );
  };
  for (const a of mod.assignments) {
    for (const t of a.targets) {
      if (t.kind !== 'subscript' || t.objectQualifiedName !== 'os.environ') continue;
      if (t.key?.type === 'str' && t.key.value === FORCE_NO_WEIGHTS_ONLY)
        report(a.span, t.objectText + '[...] = ...', a.value, 'os.environ[...]');
    }
  }
  for (const call of mod.calls) {
    const name = call.callee.qualifiedName;
    if (name === 'os.environ.setdefault' || name === 'os.putenv') {
      const key = call.positional[0]?.constant;
      if (key?.type === 'str' && key.value === FORCE_NO_WEIGHTS_ONLY)
        report(call.span, call.text, call.positional[1], name);
    } else if (name === 'os.environ.update') {
      const entries = [...(call.positional[0]?.dictEntries ?? []), ...call.keywords];
      const hit = entries.find((e) => e.name === FORCE_NO_WEIGHTS_ONLY);
      if (hit !== undefined) report(call.span, call.text, hit.value, name);
    }
  }
  return out;
}

/** `functools.partial(torch.load, ...)` never called in this file: judge the bound arguments at the partial. */
function unusedPartials(mod: PythonModule, fileKind: TorchFileKind, used: ReadonlySet<number>): CodeSignal[] {
  const out: CodeSignal[] = [];
  for (const call of mod.calls) {
    if (used.has(call.span.startIndex)) continue;
    if (!callTargets(call, fileKind).some((t) => t.qualifiedName === 'functools.partial' && t.partial === undefined))
      continue;
    const target = call.positional[0];
    if (target === undefined) continue;
    for (const v of target.values) {
      if (v.kind !== 'qualified') continue;
      const api = apiByName.get(normaliseName(v.partial?.qualifiedName ?? v.name, call.callee.resolution, fileKind));
      if (api === undefined) continue;
      const args = effectiveArguments({ ...call, positional: call.positional.slice(1) }, v.partial);
      const a = assess(api, args);
      if (a.safe) break;
      const details: CodeSignal['details'] = {
        api: api.qualifiedName,
        callee: call.callee.raw,
        weightsOnly: a.state,
        viaPartial: true,
        fallbackAfterWeightsOnly: false,
      };
      if (a.weightsOnly !== undefined) details.weightsOnlyText = a.weightsOnly.text;
      if (a.pickleModule !== undefined) details.pickleModule = a.pickleModule.text;
      addRunContext(details, call, mod, fileKind);
      const message = `functools.partial binds ${api.display} and every call through it inherits this: ${a.message}`;
      out.push(signalAt('TORCH-LOAD-UNTRUSTED', call.span, call.text, message, a.confidence, details));
      break;
    }
  }
  return out;
}

/** A loader handed to other code (`map(torch.load, paths)`): whoever calls it will not pass weights_only=True. */
function loadersPassedAsValues(mod: PythonModule, fileKind: TorchFileKind): CodeSignal[] {
  const out: CodeSignal[] = [];
  for (const call of mod.calls) {
    const targets = callTargets(call, fileKind).map((t) => t.qualifiedName);
    if (targets.some((t) => INSPECTING_CALLEES.has(t) || t.startsWith('inspect.') || t.startsWith('unittest.mock.'))) {
      continue;
    }
    const args = [...call.positional, ...call.keywords.map((k) => k.value)];
    for (const arg of args) {
      const hit = arg.values.find(
        (v) =>
          v.kind === 'qualified' && v.partial === undefined && apiByName.has(normaliseName(v.name, 'import', fileKind)),
      );
      if (hit === undefined || hit.kind !== 'qualified') continue;
      const api = apiByName.get(normaliseName(hit.name, 'import', fileKind))!;
      const details: CodeSignal['details'] = {
        api: api.qualifiedName,
        callee: call.callee.raw,
        weightsOnly: 'missing',
        viaPartial: false,
        passedAsValue: true,
        fallbackAfterWeightsOnly: false,
      };
      addRunContext(details, call, mod, fileKind);
      const message =
        `${api.display} is passed to ${call.callee.raw}(...) as a callable; whoever calls it will not pass ` +
        `weights_only=True, and ${api.defaultNote}. Pass functools.partial(${api.display}, weights_only=True) instead.`;
      out.push(signalAt('TORCH-LOAD-UNTRUSTED', arg.span, arg.text, message, 'medium', details));
    }
  }
  return out;
}

function addRunContext(
  details: CodeSignal['details'],
  call: CallSite,
  mod: PythonModule,
  fileKind: TorchFileKind,
): void {
  if (fileKind !== 'hubconf') return;
  const rc = runContext(call, mod);
  details.runsAt = rc.kind;
  details.runsAtPhrase = rc.phrase;
  if (rc.name !== undefined) details.entrypoint = rc.name;
}
