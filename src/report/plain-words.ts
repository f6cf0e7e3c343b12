// The verdict in plain words, shared by the text, Markdown and HTML reports: what loading a file would do (one line
// per finding), the release decision as a phrase, the policy's reason without its configuration keys, locations
// without the stream offset a second mention would repeat, counts with correct plurals, and the gate's verdict as
// one sentence built from its counts. Machine formats (JSON, SARIF) keep the policy's own wording.
import type { ClosureKind, GatedFinding, GateResult } from '../policy/gate.js';
import type { Decision } from '../core/finding.js';

/** Why a baseline finding counts as closed, in words. */
export const CLOSURE_WORDS: Record<ClosureKind, string> = {
  'signal-gone': 'the signal is gone',
  'rescan-incomplete': 'the file was not fully rescanned: not proven closed',
  'file-removed': 'the file was removed',
  'file-not-scanned': 'the file was not part of this scan',
};

/** `1 file`, `2 files`; `1 entry`, `3 entries` when the plural is given. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const DECISION_WORDS: Record<Decision, string> = {
  block: 'blocks the release',
  gate: 'fails the gate',
  ticket: 'ticket (does not fail the gate)',
  pass: 'passes',
};

/** The release decision as a phrase: `blocks the release`, `fails the gate`, … */
export function decisionWords(d: Decision): string {
  return DECISION_WORDS[d];
}

const FROM: [RegExp, string][] = [
  [/^default$/, ''],
  [/^category (\S+)$/, ' in category $1'],
  [/^rule (\S+)$/, ' of rule $1'],
];

function levelWords(from: string): string {
  for (const [re, out] of FROM) if (re.test(from)) return from.replace(re, out);
  return ` (${from})`;
}

/**
 * The policy's reason for a decision with the configuration keys said in words: `CRITICAL is in fail_on (default)`
 * → `the policy fails the release on CRITICAL findings`. Parts it does not know are kept as they are.
 */
export function plainReason(reason: string): string {
  return reason
    .replace(
      /\b([A-Z]+) is in fail_on \(([^)]+)\)/g,
      (_m, sev: string, from: string) => `the policy fails the release on ${sev} findings${levelWords(from)}`,
    )
    .replace(
      /\b([A-Z]+) is in ticket_on \(([^)]+)\)/g,
      (_m, sev: string, from: string) => `the policy files a ticket for ${sev} findings${levelWords(from)}`,
    )
    .replace(/\b([A-Z]+) is in neither fail_on nor ticket_on/g, 'the policy neither fails nor tickets $1 findings')
    .replace(/within max_acceptable_severity (\w+)/g, 'within the accepted pickle safety level $1')
    .replace(/above max_acceptable_severity (\w+)/g, 'above the accepted pickle safety level $1');
}

/**
 * A location for people: the byte offset a `where` ends with (`model.bin@2`) is dropped, so a file is named the
 * same way by its findings and by its pickle's safety line; nested locations keep their `!` chain.
 */
export function plainWhere(where: string): string {
  return where.replace(/@\d+$/, '');
}

/** The safety line's location: the file, and the stream's byte offset only when the stream does not start it. */
export function streamWhere(where: string): string {
  const m = /^(.*)@(\d+)$/.exec(where);
  if (!m) return where;
  return m[2] === '0' ? m[1]! : `${m[1]!} (pickle at byte ${m[2]!})`;
}

function quoteName(s: string): string {
  return `\`${s}\``;
}

/**
 * What would happen on load, in one clause (`loading this file runs \`os.system\``), or undefined when the rule's
 * title already says it.
 */
export function onLoad(f: GatedFinding): string | undefined {
  const d = f.evidence.details ?? {};
  const name = typeof d['canonical'] === 'string' ? d['canonical'] : undefined;
  const invoked = d['invoked'] === true || /\binvoked by\b/.test(f.evidence.signal);
  switch (f.ruleId) {
    case 'PICKLE-EXEC':
      if (!name) return 'loading this file imports a dangerous callable';
      return invoked ? `loading this file runs ${quoteName(name)}` : `loading this file imports ${quoteName(name)}`;
    case 'PICKLE-GLOBAL-IMPORT':
      if (!name) return 'loading this file imports a name that cannot be known before it runs';
      if (typeof d['toolCache'] === 'string')
        return `loading this file ${invoked ? 'calls' : 'imports'} ${quoteName(name)}: it is ${d['toolCache']}`;
      return invoked
        ? `loading this file calls ${quoteName(name)}, which is not on the trusted list`
        : `loading this file imports ${quoteName(name)}, which is not on the trusted list`;
    case 'PICKLE-STRUCT':
      return 'this pickle is malformed: loaders and scanners may read it differently';
    case 'TORCH-LOAD-UNTRUSTED':
      return f.category === 'TORCH' && /\.py\b|:\d+/.test(f.where)
        ? 'this code loads checkpoints with pickle enabled: a hostile checkpoint runs code'
        : 'torch.load refuses this file with weights_only=True; loading it with pickle enabled runs what it names';
    case 'TORCH-SCRIPT-CUSTOM-OP':
      return 'loading this model runs operators or native code from outside PyTorch';
    case 'TORCH-HUB-DYNAMIC-IMPORT':
      return 'torch.hub runs code from a repository revision that is not pinned';
    case 'MODEL-TEMPLATE-INJECTION': {
      const kinds = Array.isArray(d['kinds']) ? (d['kinds'] as readonly string[]) : [];
      if (kinds.length && kinds.every((k) => k === 'request-cost'))
        return 'a long request can make rendering this chat template run for minutes';
      if (kinds.length && kinds.every((k) => k === 'render-cost' || k === 'request-cost'))
        return 'rendering this chat template can hang the renderer or exhaust its memory';
      return 'rendering this chat template can reach Python internals';
    }
    case 'MODEL-LAMBDA-CODE':
      return 'loading this model runs code stored in it';
    case 'MODEL-REMOTE-CODE':
      return 'loading this model with trust_remote_code=True runs the Python modules it names';
    case 'MODEL-EXTERNAL-DATA':
      return 'loading this model reads a file outside the model folder';
    case 'MODEL-CUSTOM-OP':
      return 'running this model needs operators outside the standard ONNX domains';
    case 'MODEL-STRUCT':
      return 'the reference loader refuses this file, or readers may read it differently';
    case 'ARCHIVE-TAMPER':
      return 'loaders and scanners may see different content in this container';
    case 'SCAN-INCOMPLETE':
      return 'this file could not be read completely, so it is not known to be safe';
    default:
      if (f.category === 'DESER')
        return 'this code deserializes data that may come from outside: a hostile payload runs code';
      if (f.category === 'SIGN') return 'the signature does not vouch for these bytes';
      return undefined;
  }
}

/** Why the gate failed, one clause each (none when it passed): the text, Markdown and HTML reports say the same. */
export function gateReasons(g: GateResult): string[] {
  if (g.passed) return [];
  const parts: string[] = [];
  if (g.blocking) {
    const fresh = g.baseline ? 'new ' : '';
    parts.push(
      `${g.blocking} ${fresh}${g.blocking === 1 ? 'finding fails' : 'findings fail'} the release` +
        (g.expiredAcceptances ? ` (${count(g.expiredAcceptances, 'acceptance')} expired)` : ''),
    );
  }
  for (const v of g.overThreshold.slice(0, 5))
    parts.push(`the pickle in ${streamWhere(v.where)} is ${v.safety}, above the accepted ${g.maxAcceptableSeverity}`);
  if (g.overThreshold.length > 5)
    parts.push(`${count(g.overThreshold.length - 5, 'more pickle')} above the accepted ${g.maxAcceptableSeverity}`);
  return parts;
}

/** The gate's verdict as one sentence: `PASSED`, or `FAILED: 1 finding fails the release; the pickle in …`. */
export function gateWords(g: GateResult): string {
  return g.passed ? 'PASSED' : `FAILED: ${gateReasons(g).join('; ')}`;
}

/** How the findings were decided, in the words every human-readable report uses (counts that are 0 left out). */
export function decisionCounts(g: GateResult): string[] {
  return [
    g.blocking ? `${g.blocking} ${g.blocking === 1 ? 'fails' : 'fail'} the release` : '',
    g.tickets ? `${g.tickets} to ticket` : '',
    g.accepted ? `${g.accepted} accepted` : '',
    g.expiredAcceptances ? `${g.expiredAcceptances} with an expired acceptance` : '',
    g.thresholdAccepted ? `${g.thresholdAccepted} accepted by the pickle safety level` : '',
  ].filter(Boolean);
}

/** `the policy accepts pickles up to LIKELY_SAFE (preset strict)`. */
export function thresholdWords(g: GateResult): string {
  return `the policy accepts pickles up to ${g.maxAcceptableSeverity} (preset ${g.preset})`;
}
