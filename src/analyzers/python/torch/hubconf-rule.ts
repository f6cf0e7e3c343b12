// hubconf.py review (TORCH-HUB-DYNAMIC-IMPORT): what torch.hub runs when it imports the file or calls an
// entrypoint — processes, exec/eval/compile, imports of run-time names, downloads, pip installs.
// Code under `if __name__ == "__main__":` is skipped: torch.hub imports the module as `hubconf`.
import { capConfidence, signalAt, type CodeSignal, type Confidence } from '../code-signal.js';
import type { CallSite, PythonModule } from '../module-model.js';
import { HUBCONF_DANGEROUS_APIS, matchesPattern, type HubconfDangerousApi } from './torch-apis.js';
import { callTargets, runContext } from './torch-call-targets.js';

const CONFIDENCE: Record<HubconfDangerousApi['category'], Confidence> = {
  process: 'high',
  code: 'high',
  'pip-install': 'high',
  'dynamic-import': 'medium',
  download: 'medium',
};

/** String literals inside the call's source range (arguments, list elements). */
function stringsInCall(call: CallSite, mod: PythonModule): string[] {
  const out: string[] = [];
  for (const s of mod.strings) {
    if (s.value === null) continue;
    if (s.span.startIndex >= call.span.startIndex && s.span.endIndex <= call.span.endIndex) out.push(s.value);
  }
  return out;
}

/** True when the call's literals read as a pip install (`pip install x`, `[sys.executable, "-m", "pip", "install"]`). */
function looksLikePipInstall(call: CallSite, mod: PythonModule): boolean {
  const words = stringsInCall(call, mod).flatMap((s) => s.split(' ').filter((w) => w.length > 0));
  const pip = words.some((w) => w === 'pip' || w === 'pip3' || w.endsWith('/pip') || w.endsWith('/pip3'));
  return pip && words.includes('install');
}

export function detectHubconf(mod: PythonModule): CodeSignal[] {
  const out: CodeSignal[] = [];
  for (const call of mod.calls) {
    const rc = runContext(call, mod);
    if (rc.kind === 'main-guard') continue;
    let match: { api: HubconfDangerousApi; name: string; cap: Confidence } | undefined;
    for (const t of callTargets(call, 'hubconf')) {
      const api = HUBCONF_DANGEROUS_APIS.find((a) => matchesPattern(t.qualifiedName, a.pattern));
      if (api !== undefined) {
        match = { api, name: t.qualifiedName, cap: t.confidenceCap };
        break;
      }
    }
    if (match === undefined) continue;
    let { category, what } = match.api;
    if (category === 'dynamic-import') {
      const first = call.positional[0] ?? call.keywords.find((k) => k.name === 'name')?.value;
      if (first?.constant?.type === 'str') continue;
    }
    if (category === 'process' && looksLikePipInstall(call, mod)) {
      category = 'pip-install';
      what = 'installs packages with pip';
    }
    const confidence = capConfidence(CONFIDENCE[category], match.cap);
    const message =
      `hubconf.py ${what} ${rc.phrase} via ${call.callee.raw}(...): torch.hub executes hubconf.py on every ` +
      'hub.load/list/help of this repository, so this code runs on the consumer machine.';
    const details: CodeSignal['details'] = {
      category,
      api: match.name,
      callee: call.callee.raw,
      runsAt: rc.kind,
    };
    if (rc.name !== undefined) details.entrypoint = rc.name;
    out.push(signalAt('TORCH-HUB-DYNAMIC-IMPORT', call.span, call.text, message, confidence, details));
  }
  return out;
}
