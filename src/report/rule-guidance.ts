// Guidance derived from rule metadata (the per-rule record): when the rule fires, its evidence format,
// false-positive notes, triage steps, fix, retest command, policy example and related rules. One source for
// `sentinel explain`, docs/rules/<ID>.md and SARIF rule help, so they cannot drift apart.
import type { RuleMeta } from '../core/finding.js';

export interface RuleGuidance {
  readonly meta: RuleMeta;
  readonly whenItFires: string;
  readonly evidenceFormat: string;
  readonly expectedEvidence: string;
  readonly falsePositives: string;
  readonly triage: readonly string[];
  readonly retest: string;
  readonly related: readonly { readonly id: string; readonly title: string }[];
  /** YAML for sentinel-policy.yml. */
  readonly policyExample: string;
  /** The seed's three-line text output. */
  readonly expectedOutput: string;
}

const FP_NOTES: Record<RuleMeta['fpRisk'], string> = {
  LOW:
    'False-positive probability is low. When the evidence points at a file, opcode, archive entry or code line, ' +
    'treat it as real and require closure evidence.',
  MEDIUM:
    'False-positive probability is medium. Verify the source, the expected use and the owner first; extend the ' +
    'allowlist (also_allow) or record an expiring acceptance if needed, but never remove evidence from the report.',
  HIGH:
    'False-positive probability is high. Review the evidence before acting and record the outcome as an expiring ' +
    'acceptance so the next run does not raise it again.',
};

/** Lower-cases a leading ordinary word ("A limit hit" → "a limit hit"); keeps "GLOBAL", "AST", "TorchScript". */
function sentenceCase(s: string): string {
  const word = /^\S+/.exec(s)?.[0] ?? '';
  return /^[A-Z][a-z]*$/.test(word) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/** The retest command for a rule (the target placeholder is the rule docs' ./models/). */
export function retestCommand(meta: RuleMeta, target = './models/'): string {
  return `sentinel scan ${target} --rule ${meta.category}`;
}

export function guidanceFor(meta: RuleMeta, all: readonly RuleMeta[]): RuleGuidance {
  const retest = retestCommand(meta);
  const firesOn = meta.firesOn.replace(/\.+$/, '');
  return {
    meta,
    whenItFires:
      `Sentinel fires ${meta.id} in the ${meta.category} category when it sees: ${sentenceCase(firesOn)}. ` +
      'The finding carries reproducible evidence (file, archive entry, byte offset, opcode, code line) and a ' +
      'fingerprint that stays the same across runs and machines.',
    evidenceFormat: `${firesOn}.`,
    expectedEvidence:
      'The report names the affected file and the location chain inside containers, the observed signal, the rule ' +
      'ID, severity, owner, release decision and the retest command required for closure.',
    falsePositives: FP_NOTES[meta.fpRisk],
    triage: [
      `Owner: ${meta.owner}.`,
      `Decision: ${meta.decision}`,
      `Evidence: ${firesOn}.`,
      `Closure: \`${retest}\` must return clean output (with --baseline, the finding is listed as closed).`,
    ],
    retest,
    related: all
      .filter((r) => r.category === meta.category && r.id !== meta.id)
      .map((r) => ({ id: r.id, title: r.title })),
    policyExample: [
      'rules:',
      `  ${meta.id}:`,
      `    owner: "${meta.owner}"`,
      '    fail_on: [CRITICAL, HIGH]',
      `    retest: "${retest}"`,
    ].join('\n'),
    expectedOutput: [`${meta.id} ${meta.severity}`, meta.title, meta.fixHint].join('\n'),
  };
}
