// The JSON report's schema (schemaVersion 1.2.x) as zod, published as schemas/report.schema.json by
// scripts/gen-schemas.ts. Objects are closed (additionalProperties: false) so a field added to the report
// without a schema update fails the validation test.
import { z } from 'zod';
import { SAFETY_LEVELS, SEVERITIES } from '../core/severity.js';
import { PRESET_NAMES } from '../policy/presets.js';

const severity = z.enum(SEVERITIES);
const safety = z.enum(SAFETY_LEVELS);
const decision = z.enum(['block', 'gate', 'ticket', 'pass']);
const category = z.string().regex(/^[A-Z]+$/);
const ruleId = z.string().regex(/^[A-Z]+(-[A-Z0-9]+)+$/);
const count = z.number().int().nonnegative();
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const detailValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

const Evidence = z.strictObject({
  signal: z.string().describe('One line a person reads: what was seen'),
  opcode: z.string().optional(),
  offset: count.optional(),
  module: z.string().optional(),
  name: z.string().optional(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
  snippet: z.string().optional(),
  path: z.string().optional().describe('JSON path, GGUF metadata key or ONNX graph path inside the location'),
  confidence: z.enum(['high', 'medium', 'low']).optional(),
  details: z.record(z.string(), detailValue).optional(),
  flow: z
    .array(
      z.strictObject({
        role: z.enum(['source', 'hop', 'sink']),
        file: z.string().describe('Scanned path of the file of this step'),
        line: z.number().int().positive(),
        fn: z.string().describe('Function holding the step (`<module>` at top level)'),
        text: z.string(),
      }),
    )
    .optional()
    .describe('Data path of a code finding: source, each hop (call or file), sink'),
});

const Location = z.strictObject({
  chain: z.array(z.string()).min(1).describe('File path, then container entries, layers and nested payloads'),
  offset: count.optional(),
  line: z.number().int().positive().optional(),
  column: z.number().int().positive().optional(),
});

const Finding = z.strictObject({
  ruleId,
  category,
  severity,
  title: z.string(),
  cwe: z.array(z.string().regex(/^CWE-\d+$/)),
  owasp: z.string(),
  frameworks: z.array(z.string()).optional(),
  fpRisk: z.enum(['LOW', 'MEDIUM', 'HIGH']),
  owner: z.string(),
  releaseDecision: z.string(),
  retest: z.string(),
  fixHint: z.string(),
  fix: z.string(),
  location: Location,
  where: z.string(),
  evidence: Evidence,
  stream: z.string().optional().describe('The pickle stream (PickleVerdict.where) the finding belongs to'),
  fingerprint: z.string().regex(/^[0-9a-f]{16,64}$/),
  decision,
  decisionReason: z.string(),
  baseline: z.enum(['new', 'existing']).optional(),
  accepted: z.strictObject({ owner: z.string(), reason: z.string(), expires: date, expired: z.boolean() }).optional(),
});

const Gate = z.strictObject({
  passed: z.boolean(),
  failOn: z.array(severity),
  ticketOn: z.array(severity),
  blocking: count,
  tickets: count,
  accepted: count,
  expiredAcceptances: count,
  thresholdAccepted: count,
  preset: z.enum(PRESET_NAMES),
  maxAcceptableSeverity: safety,
  thresholdApplied: z.boolean(),
  overThreshold: z.array(z.strictObject({ where: z.string(), safety, context: z.string() })),
  baseline: z.strictObject({ source: z.string(), new: count, existing: count, closed: count }).optional(),
  reasons: z.array(z.string()),
});

const Extension = z.strictObject({ name: z.string(), justification: z.string() });

/** One verified model signature (OpenSSF Model Signing): standing, signer, digest, checks, differing files. */
const Signature = z.strictObject({
  target: z.string(),
  signatureFile: z.string(),
  required: z.boolean(),
  trustConfigured: z.boolean(),
  standing: z.enum(['valid', 'untrusted', 'invalid', 'missing']),
  reason: z.string().optional(),
  manifest: z.enum(['match', 'mismatch', 'not-checked']),
  method: z.enum(['key', 'certificate', 'sigstore']).optional(),
  format: z.string().optional(),
  predicateType: z.string().optional(),
  identity: z.string().optional(),
  issuer: z.string().optional(),
  digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .optional(),
  serialization: z.string().optional(),
  hashType: z.string().optional(),
  resources: count.optional(),
  excluded: z.array(z.string()),
  checks: z.array(
    z.strictObject({ id: z.string(), ran: z.boolean(), passed: z.boolean().optional(), detail: z.string() }),
  ),
  problems: z.array(
    z.strictObject({
      kind: z.enum(['changed', 'missing', 'extra', 'symlink', 'unreadable']),
      path: z.string(),
      expected: z.string().optional(),
      actual: z.string().optional(),
    }),
  ),
  bytesHashed: count,
});

export const ReportSchema = z
  .strictObject({
    schemaVersion: z.string().regex(/^1\.2\.\d+$/),
    tool: z.strictObject({ name: z.literal('sentinel'), version: z.string() }),
    command: z.string(),
    targets: z.array(z.string()),
    startedAt: z.iso.datetime(),
    durationMs: count,
    rules: z.array(ruleId),
    summary: z.strictObject({
      files: count,
      pickles: count,
      findings: count,
      bySeverity: z.strictObject({ CRITICAL: count, HIGH: count, MEDIUM: count, LOW: count, INFO: count }),
      byRule: z.record(ruleId, count),
      worstSafety: safety.optional(),
      gate: Gate,
      exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
      remote: z
        .strictObject({ bytesRead: count, requests: count, redirects: count })
        .optional()
        .describe(
          'Cost of remote reads (https://, http://, hf://, oci:// targets): bytes received, HTTP requests sent (redirect hops included) and, of those, redirects followed',
        ),
    }),
    findings: z.array(Finding),
    pickles: z.array(
      z.strictObject({
        where: z.string(),
        safety,
        protocol: z.number().int().optional(),
        opcodes: count,
        imports: count,
        globals: z
          .array(
            z.strictObject({
              name: z.string(),
              verdict: z.enum(['allowed', 'dangerous', 'unknown', 'unresolved']),
            }),
          )
          .optional()
          .describe('Distinct globals the pickle imports and how each is judged (at most 256)'),
        context: z.string(),
        admitted: z
          .array(
            z.strictObject({
              name: z.string(),
              pack: z.string(),
              versions: z.string().optional(),
              reading: z.string().optional(),
            }),
          )
          .optional(),
      }),
    ),
    files: z.array(
      z.strictObject({
        path: z.string(),
        formats: z.array(z.string()),
        checked: z
          .array(z.string())
          .optional()
          .describe('What was checked in the file besides its formats: template (a chat template), config'),
        bytes: count,
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/)
          .optional()
          .describe('SHA-256 of the bytes scanned'),
        safety: safety.optional(),
        extensionMismatch: z.string().optional(),
        models: z
          .array(
            z.strictObject({
              where: z.string(),
              format: z.string(),
              tensors: count.optional(),
              dtypes: z.record(z.string(), count).optional(),
              metadataKeys: z.array(z.string()).optional(),
              details: z.record(z.string(), detailValue).optional(),
            }),
          )
          .optional()
          .describe(
            'Model files read in this file (PyTorch, joblib, safetensors, GGUF, ONNX, Keras, HDF5): the inventory',
          ),
        notes: z
          .array(z.string())
          .optional()
          .describe("What this file's loaders ignore and a reviewer may want to know; never a finding"),
      }),
    ),
    errors: z.array(z.strictObject({ where: z.string(), message: z.string() })),
    skipped: z
      .array(z.strictObject({ path: z.string(), reason: z.string() }))
      .describe(
        'Entries directory walks left out on purpose (version-control stores, virtualenvs, tool caches, excludes, .gitignore)',
      ),
    notes: z
      .array(
        z.strictObject({
          kind: z.enum(['imports-not-followed']),
          path: z.string(),
          modules: z.array(z.string()),
          more: z.number().int().min(1).optional(),
          hint: z.string(),
        }),
      )
      .optional()
      .describe(
        'What the scan did not read that a reader should know, with the command that reads it: imports-not-followed ' +
          'names the local modules a Python script named alone imports (not scanned, so loaders in them were not ' +
          'checked). Informational: never a finding, never part of the gate. Absent when empty.',
      ),
    closed: z.array(
      z.strictObject({
        fingerprint: z.string(),
        ruleId: z.string(),
        severity: z.string().optional(),
        title: z.string().optional(),
        where: z.string().optional(),
        closure: z.enum(['signal-gone', 'rescan-incomplete', 'file-removed', 'file-not-scanned']),
      }),
    ),
    policy: z.strictObject({
      source: z.string().nullable(),
      preset: z.enum(PRESET_NAMES),
      maxAcceptableSeverity: safety,
      thresholdFrom: z.enum(['preset', 'policy', 'cli', 'fail_on']),
      thresholdDerivation: z.string().optional(),
      thresholdRule: z.string(),
      alsoAllow: z.array(Extension),
      torchSafeGlobals: z.array(Extension),
      acceptances: count,
      unusedAcceptances: z.array(z.strictObject({ index: count, owner: z.string(), expires: date })),
    }),
    signatures: z.array(Signature).optional(),
  })
  .meta({
    title: 'Sentinel scan report',
    description: 'JSON report of `sentinel artifact --format json` (schemaVersion 1.2.x).',
  });

/** The report JSON Schema as published in schemas/report.schema.json. */
export function reportJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(ReportSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
