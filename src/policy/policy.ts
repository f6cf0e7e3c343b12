// The resolved release-gate policy: defaults, per-category and per-rule gates (rule beats category beats
// default), the pickle threshold (preset / max_acceptable_severity), per-scan allowlist extensions, acceptances
// and limits. Built from sentinel-policy.yml by load-policy.ts; CLI flags are applied with withCliOverrides.
import type { Limits } from '../core/limits.js';
import type { SafetyLevel, Severity } from '../core/severity.js';
import type { AllowEntry } from '../rules/data/allowlist.js';
import { withDerivedThreshold } from './derived-threshold.js';
import { DEFAULT_PRESET, PRESETS, type PresetName } from './presets.js';
import type { SignaturePolicy } from './signature-policy.js';

/** fail_on / ticket_on / retest / owner at one level (default, category or rule). */
export interface GateLevel {
  readonly failOn?: readonly Severity[];
  readonly ticketOn?: readonly Severity[];
  readonly retest?: string;
  readonly owner?: string;
}

/** A risk acceptance from the policy: matched by fingerprint or rule + path glob, valid through `expires`. */
export interface Acceptance {
  readonly fingerprint?: string;
  readonly rule?: string;
  /** Glob on the finding's first path segment. */
  readonly path?: string;
  readonly owner: string;
  readonly reason: string;
  /** Last valid day, YYYY-MM-DD. */
  readonly expires: string;
  /** Position in the policy's `acceptances` list (for messages). */
  readonly index: number;
}

/** A loaded, validated release-gate policy (from `loadPolicy`). */
export interface Policy {
  /** Policy file path, or undefined for the built-in default. */
  readonly source?: string;
  readonly defaults: { readonly failOn: readonly Severity[]; readonly ticketOn: readonly Severity[] } & GateLevel;
  readonly categories: ReadonlyMap<string, GateLevel>;
  readonly rules: ReadonlyMap<string, GateLevel>;
  readonly preset: PresetName;
  readonly maxAcceptableSeverity: SafetyLevel;
  /**
   * What set the threshold: the preset's default, the policy file, a CLI flag, or the policy's explicit PICKLE
   * fail_on/ticket_on when neither preset nor max_acceptable_severity is set (derived-threshold.ts).
   */
  readonly thresholdFrom: 'preset' | 'policy' | 'cli' | 'fail_on';
  /** With thresholdFrom 'fail_on': how the threshold was derived. */
  readonly thresholdDerivation?: string;
  /** Canonical `module.name` → entry (source 'policy'). */
  readonly alsoAllow: ReadonlyMap<string, AllowEntry>;
  /** Allowlist packs turned off (`allow_packs: {pandas: false}`); every other pack is on. */
  readonly disabledPacks: ReadonlySet<string>;
  /** Canonical `module.name` → justification. */
  readonly torchSafeGlobals: ReadonlyMap<string, string>;
  readonly acceptances: readonly Acceptance[];
  readonly limits: Partial<Limits>;
  /** Findings in test code: decided as tickets (default), or by severity like any other (`gate`). */
  readonly testCode: 'ticket' | 'gate';
  /**
   * How the runtime that will render chat templates renders them: a plain jinja2.Environment (`unsandboxed`, the
   * default and the weaker case: llama-cpp-python before 0.2.72, other runtimes) or jinja2's sandbox (`sandboxed`:
   * transformers' ImmutableSandboxedEnvironment). Under `sandboxed`, template findings whose every signal the sandbox
   * blocks pass, with the environment named in their reason.
   */
  readonly templateRuntime: 'unsandboxed' | 'sandboxed';
  /** Globs left out of directory walks (`exclude:`), added to the command line's --exclude. */
  readonly exclude?: readonly string[];
  /** The `signatures:` block (model signatures: where required, whom to trust). */
  readonly signatures?: SignaturePolicy;
}

/** Seed CI policy: fail on CRITICAL and HIGH, ticket MEDIUM; strict threshold. */
/** The policy file looked up in the working directory when --policy is not given. */
export const POLICY_FILE_NAME = 'sentinel-policy.yml';

export const DEFAULT_POLICY: Policy = {
  defaults: { failOn: ['CRITICAL', 'HIGH'], ticketOn: ['MEDIUM'] },
  categories: new Map(),
  rules: new Map(),
  preset: DEFAULT_PRESET,
  maxAcceptableSeverity: PRESETS[DEFAULT_PRESET].max,
  thresholdFrom: 'preset',
  alsoAllow: new Map(),
  disabledPacks: new Set(),
  torchSafeGlobals: new Map(),
  acceptances: [],
  limits: {},
  testCode: 'ticket',
  templateRuntime: 'unsandboxed',
};

export interface CliOverrides {
  readonly preset?: PresetName;
  readonly maxAcceptableSeverity?: SafetyLevel;
  /** `--fail-on`: replaces fail_on at every level for this run. */
  readonly failOn?: readonly Severity[];
}

/** Applies CLI flags over a policy: flags beat the policy file. */
export function withCliOverrides(p: Policy, o: CliOverrides): Policy {
  let out: Policy = p;
  if (o.preset !== undefined) {
    out = { ...out, preset: o.preset, maxAcceptableSeverity: PRESETS[o.preset].max, thresholdFrom: 'cli' };
  }
  if (o.maxAcceptableSeverity !== undefined) {
    out = { ...out, maxAcceptableSeverity: o.maxAcceptableSeverity, thresholdFrom: 'cli' };
  }
  if (o.failOn !== undefined) {
    const failOn = o.failOn;
    const strip = (l: GateLevel): GateLevel => ({
      ...l,
      failOn,
      ...(l.ticketOn ? { ticketOn: l.ticketOn.filter((s) => !failOn.includes(s)) } : {}),
    });
    out = {
      ...out,
      defaults: { ...out.defaults, failOn, ticketOn: out.defaults.ticketOn.filter((s) => !failOn.includes(s)) },
      categories: new Map([...out.categories].map(([k, v]) => [k, strip(v)])),
      rules: new Map([...out.rules].map(([k, v]) => [k, strip(v)])),
    };
    // A threshold the policy file derived from its fail_on follows the replaced fail_on; a preset or explicit
    // threshold stays (--fail-on alone never relaxes the pickle threshold).
    if (out.thresholdFrom === 'fail_on') out = withDerivedThreshold(out);
  }
  return out;
}
