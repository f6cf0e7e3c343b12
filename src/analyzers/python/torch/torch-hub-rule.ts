// TORCH-HUB-DYNAMIC-IMPORT for torch.hub.load/list/help calls: a GitHub `owner/repo[:ref]` not pinned to a
// full 40-hex commit, trust_repo=True, skip_validation=True, or a repo computed at run time. source='local'
// with a literal directory is not reported (that directory's hubconf.py is scanned as code in its own right).
import { argumentFor, effectiveArguments, truthOutcomes } from '../call-arguments.js';
import { capConfidence, signalAt, type CodeSignal, type Confidence, type TorchFileKind } from '../code-signal.js';
import type { ExpressionFact, PythonModule } from '../module-model.js';
import { TORCH_HUB_APIS } from './torch-apis.js';
import { callTargets, runContext } from './torch-call-targets.js';

const hubByName = new Map(TORCH_HUB_APIS.map((a) => [a.qualifiedName, a]));

export interface RepoRef {
  owner: string;
  repo: string;
  ref?: string;
  /** True when the ref is a full 40-hex commit SHA. */
  pinned: boolean;
  /** False when the string is not `owner/repo[:ref]`. */
  wellFormed: boolean;
}

/** Parse torch.hub's `owner/repo[:ref]` (the ref is everything after the first colon). */
export function parseRepoRef(value: string): RepoRef {
  const colon = value.indexOf(':');
  const repoPart = colon >= 0 ? value.slice(0, colon) : value;
  const ref = colon >= 0 ? value.slice(colon + 1) : undefined;
  const slash = repoPart.indexOf('/');
  const owner = slash >= 0 ? repoPart.slice(0, slash) : repoPart;
  const repo = slash >= 0 ? repoPart.slice(slash + 1) : '';
  const wellFormed =
    owner.length > 0 && repo.length > 0 && !repo.includes('/') && (ref === undefined || ref.length > 0);
  return {
    owner,
    repo,
    ...(ref !== undefined ? { ref } : {}),
    pinned: ref !== undefined && isFullSha(ref),
    wellFormed,
  };
}

export function isFullSha(ref: string): boolean {
  if (ref.length !== 40) return false;
  for (const ch of ref.toLowerCase()) if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
  return true;
}

/** Truthy in every possible value (torch tests `if not skip_validation`). */
function isTruthy(e: ExpressionFact | undefined): boolean {
  if (e === undefined) return false;
  const o = truthOutcomes(e);
  return o.true && !o.false && !o.none && !o.unknown;
}

/**
 * torch.hub prompts only for `trust_repo is False` or `== "check"` (untrusted repo) and merely warns for None;
 * any other value (True, but also 1 or "yes") trusts the repository silently. True when every possible value does.
 */
function trustsWithoutPrompt(e: ExpressionFact | undefined): boolean {
  if (e === undefined || e.values.length === 0) return false;
  return e.values.every((v) => {
    if (v.kind !== 'constant') return false;
    const c = v.value;
    if (c.type === 'none') return false;
    if (c.type === 'bool') return c.value;
    return !(c.type === 'str' && c.value === 'check');
  });
}

export function detectTorchHub(mod: PythonModule, fileKind: TorchFileKind): CodeSignal[] {
  const out: CodeSignal[] = [];
  for (const call of mod.calls) {
    const target = callTargets(call, fileKind).find((t) => hubByName.has(t.qualifiedName));
    if (target === undefined) continue;
    const api = hubByName.get(target.qualifiedName)!;
    const args = effectiveArguments(call, target.partial);
    const repoArg = argumentFor(args, api.repoParameter, 0);
    const source = api.acceptsSource ? args.keywords.get('source') : undefined;
    const sourceValue = source?.constant;
    const reasons: string[] = [];
    const details: CodeSignal['details'] = { api: api.qualifiedName, callee: call.callee.raw };
    let confidence: Confidence = 'low';
    const raise = (c: Confidence): void => {
      if (c === 'high' || (c === 'medium' && confidence === 'low')) confidence = c;
    };

    if (sourceValue?.type === 'str' && sourceValue.value === 'local') {
      // A local directory: nothing is fetched. Only a directory chosen at run time is worth a note.
      if (repoArg === undefined || repoArg.constant?.type === 'str') continue;
      details.source = 'local';
      details.repo = repoArg.text;
      reasons.push(`the hubconf.py directory ${repoArg.text} is chosen at run time and its code is executed`);
      raise('low');
    } else {
      if (source !== undefined && sourceValue === undefined) details.source = source.text;
      if (repoArg === undefined) {
        if (!args.unresolvedStarArgs && !args.unresolvedKwargs) continue;
        reasons.push('the repository comes from *args/**kwargs and cannot be checked');
        raise('medium');
      } else {
        details.repo = repoArg.text;
        const literals = repoArg.values.flatMap((v) =>
          v.kind === 'constant' && v.value.type === 'str' ? [v.value.value] : [],
        );
        const nonLiteral = repoArg.values.some((v) => v.kind !== 'constant' || v.value.type !== 'str');
        for (const lit of literals) {
          const r = parseRepoRef(lit);
          if (!r.wellFormed) {
            reasons.push(`'${lit}' is not a GitHub owner/repo[:ref] reference`);
            raise('low');
          } else if (r.ref === undefined) {
            reasons.push(`'${lit}' has no ref, so torch.hub fetches the moving default branch (main, else master)`);
            raise('high');
          } else if (!r.pinned) {
            reasons.push(`'${lit}' names ref '${r.ref}', a branch or tag that can be moved, not a 40-hex commit SHA`);
            raise('high');
          }
          details.ref = r.ref ?? '';
          details.pinned = r.pinned;
        }
        if (nonLiteral) {
          reasons.push(`the repository ${repoArg.text} is computed at run time, so its pin cannot be verified`);
          raise('medium');
        }
      }
      const trust = argumentFor(args, 'trust_repo', api.trustRepoPosition);
      if (trustsWithoutPrompt(trust)) {
        reasons.push(`trust_repo=${trust!.text} adds the repository to the trusted list without asking`);
        details.trustRepo = true;
        raise('high');
      }
      const skip = argumentFor(args, 'skip_validation', api.skipValidationPosition);
      if (isTruthy(skip)) {
        reasons.push(
          'skip_validation=True skips the check that the ref belongs to the named repository (fork commits)',
        );
        details.skipValidation = true;
        raise('high');
      }
      if (reasons.length === 0 && args.unresolvedKwargs) {
        reasons.push('**kwargs that cannot be resolved may set trust_repo or skip_validation');
        raise('low');
      }
    }
    if (reasons.length === 0) continue;
    let message =
      `${api.qualifiedName}(...) downloads and executes hubconf.py from a repository: ` + reasons.join('; ') + '.';
    if (fileKind === 'hubconf') {
      const rc = runContext(call, mod);
      if (rc.kind === 'main-guard') continue;
      details.runsAt = rc.kind;
      if (rc.name !== undefined) details.entrypoint = rc.name;
      message += ` This hubconf.py runs the load ${rc.phrase}, chaining another repository's code.`;
    }
    details.reasons = reasons;
    out.push(
      signalAt(
        'TORCH-HUB-DYNAMIC-IMPORT',
        call.span,
        call.text,
        message,
        capConfidence(confidence, target.confidenceCap),
        details,
      ),
    );
  }
  return out;
}
