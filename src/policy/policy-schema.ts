// The shape of sentinel-policy.yml, as a zod schema. The same schema validates
// policy files and is published as schemas/policy.schema.json (scripts/gen-schemas.ts) so editors complete it.
import { z } from 'zod';
import { LIMIT_DOCS, type Limits } from '../core/limits.js';
import { SAFETY_LEVELS, SEVERITIES } from '../core/severity.js';
import { CATEGORIES, RULES } from '../rules/index.js';
import { PRESET_NAMES } from './presets.js';
import { SignaturePolicySchema } from './signature-policy.js';
import { isoUtc } from '../core/iso-time.js';

const list = (xs: readonly string[]): string => xs.join(', ');

const severity = z
  .enum(SEVERITIES, { error: (i) => `unknown severity ${JSON.stringify(i.input)} (expected ${list(SEVERITIES)})` })
  .describe('Finding severity');

const severities = z
  .array(severity)
  .refine((xs) => new Set(xs).size === xs.length, { error: 'a severity is listed twice' });

const safetyLevel = z
  .enum(SAFETY_LEVELS, {
    error: (i) => `unknown safety level ${JSON.stringify(i.input)} (expected ${list(SAFETY_LEVELS)})`,
  })
  .describe('Pickle safety level (six-level safety scale)');

/** Category names, from the rule index at load time (never a hard-coded list). */
export function categoryNames(): [string, ...string[]] {
  return CATEGORIES as [string, ...string[]];
}

/** Rule IDs, from the rule index at load time. */
export function ruleIds(): [string, ...string[]] {
  return RULES.map((r) => r.meta.id) as [string, ...string[]];
}

const category = z.enum(categoryNames(), {
  error: (i) => `unknown category ${JSON.stringify(i.input)} (expected ${list(categoryNames())})`,
});

const text = z.string().trim().min(1, { error: 'must not be empty' });

const gateFields = {
  fail_on: severities.optional().describe('Severities that fail the gate (CRITICAL → block, others → gate)'),
  ticket_on: severities.optional().describe('Severities that become tickets (do not fail the gate)'),
  retest: text.optional().describe('Retest command a finding must pass to be closed'),
  owner: text.optional().describe('Owner of findings (overrides the rule default)'),
};

export const CategoryBlockSchema = z
  .strictObject({ category: category.describe('Rule category this block applies to'), ...gateFields })
  .describe('Per-category policy (fail_on, ticket_on, retest, owner for one category)');

export const RulePolicySchema = z.strictObject(gateFields).describe('Per-rule policy (beats the category block)');

const dottedName = z.string().trim().min(1, { error: 'must not be empty' });

const allowItem = z.union(
  [
    dottedName,
    z.strictObject({
      name: dottedName.describe('Fully-qualified module.name'),
      justification: text.describe('Why importing this name cannot execute code'),
    }),
  ],
  { error: 'expected "module.name" or {name: "module.name", justification: "…"}' },
);

const date = z
  .string({ error: 'expected a date YYYY-MM-DD (quote it or write it unquoted)' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date YYYY-MM-DD' })
  .refine((s) => isRealDate(s), { error: 'not a calendar date' });

function isRealDate(s: string): boolean {
  const d = new Date(s + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && isoUtc(d).slice(0, 10) === s;
}

const ruleId = z.enum(ruleIds(), {
  error: (i) => `unknown rule ${JSON.stringify(i.input)} (expected ${list(ruleIds())})`,
});

export const AcceptanceSchema = z
  .strictObject({
    fingerprint: z
      .string()
      .regex(/^[0-9a-f]{16,64}$/, { error: 'expected a finding fingerprint (hex, from a report)' })
      .optional()
      .describe('Fingerprint of the accepted finding (from any report)'),
    rule: ruleId.optional().describe('Rule ID of the accepted findings (with path)'),
    path: text.optional().describe('Glob on the scanned file path (first location segment), e.g. models/legacy/**'),
    owner: text.describe('Who accepted the risk'),
    reason: text.describe('Why the risk is accepted'),
    expires: date.describe('Last day the acceptance is valid (YYYY-MM-DD)'),
  })
  .superRefine((a, ctx) => {
    if (a.fingerprint === undefined && (a.rule === undefined || a.path === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'needs a fingerprint, or both rule and path', input: a });
    }
  })
  .describe('Explicit, expiring risk acceptance of findings');

const limitShape = Object.fromEntries(
  (Object.keys(LIMIT_DOCS) as (keyof Limits)[]).map((k) => [
    k,
    z.number({ error: 'expected a number' }).positive({ error: 'must be > 0' }).optional().describe(LIMIT_DOCS[k]),
  ]),
) as Record<keyof Limits, z.ZodOptional<z.ZodNumber>>;

export const PolicyFileSchema = z
  .strictObject({
    category: category.optional().describe('Seed form: the category of a single top-level block'),
    ...gateFields,
    categories: z.array(CategoryBlockSchema).optional().describe('Several per-category blocks'),
    rules: z
      .partialRecord(ruleId, RulePolicySchema)
      .optional()
      .describe('Per-rule overrides: owner, fail_on, ticket_on, retest'),
    preset: z
      .enum(PRESET_NAMES, {
        error: (i) => `unknown preset ${JSON.stringify(i.input)} (expected ${list(PRESET_NAMES)})`,
      })
      .optional()
      .describe('strict (max LIKELY_SAFE, default) | moderate (POSSIBLY_UNSAFE) | permissive (SUSPICIOUS)'),
    max_acceptable_severity: safetyLevel.optional().describe('Highest pickle safety level accepted (beats preset)'),
    also_allow: z
      .array(allowItem)
      .optional()
      .describe('Per-scan allowlist extensions: fully-qualified module.name with a justification'),
    allow_packs: z
      .record(z.string(), z.boolean({ error: 'expected true or false' }))
      .optional()
      .describe(
        'Reviewed allowlist packs, all on by default; `pandas: false` turns one off (see `sentinel explain PICKLE-GLOBAL-IMPORT`)',
      ),
    torch_safe_globals: z
      .array(allowItem)
      .optional()
      .describe('Extra globals accepted by the torch weights-only check (add_safe_globals counterpart)'),
    test_code: z
      .enum(['ticket', 'gate'], {
        error: (i) => `unknown test_code ${JSON.stringify(i.input)} (expected ticket, gate)`,
      })
      .optional()
      .describe(
        'Findings in test code (pytest layout: test_*.py, *_test.py, tests/, conftest.py): ticket (default) or gate',
      ),
    template_runtime: z
      .enum(['unsandboxed', 'sandboxed'], {
        error: (i) => `unknown template_runtime ${JSON.stringify(i.input)} (expected unsandboxed, sandboxed)`,
      })
      .optional()
      .describe(
        "How chat templates will be rendered: unsandboxed (default: a plain jinja2.Environment, the weaker case) or sandboxed (jinja2's SandboxedEnvironment, as transformers renders them): template findings the sandbox blocks then pass",
      ),
    exclude: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Paths left out of directory walks (globs relative to the scanned folder; a glob without / matches a name at any depth); listed as skipped in the report',
      ),
    acceptances: z.array(AcceptanceSchema).optional().describe('Risk acceptances with owner, reason and expiry'),
    limits: z.strictObject(limitShape).optional().describe('Scan budgets (see docs/formats.md: Limits)'),
    signatures: SignaturePolicySchema.optional(),
  })
  .meta({
    title: 'Sentinel policy (sentinel-policy.yml)',
    description:
      'Release-gate policy for `sentinel artifact`: thresholds, decisions, allowlist extensions, acceptances.',
  });

export type PolicyFile = z.infer<typeof PolicyFileSchema>;
export type PolicyAcceptance = z.infer<typeof AcceptanceSchema>;

/** Keys each object in the policy may hold, for "unknown key" messages. */
export const POLICY_KEYS = {
  top: Object.keys(PolicyFileSchema.shape),
  category: Object.keys(CategoryBlockSchema.shape),
  rule: Object.keys(RulePolicySchema.shape),
  allow: ['name', 'justification'],
  acceptance: Object.keys(AcceptanceSchema.shape),
  limits: Object.keys(LIMIT_DOCS),
  signatures: Object.keys(SignaturePolicySchema.shape),
} as const;

/** The policy JSON Schema as published in schemas/policy.schema.json. */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(PolicyFileSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
