// `--baseline previous.json`: a previous JSON report (schema 1.x). Findings are compared by fingerprint: new ones
// fail the gate, existing ones do not, and baseline findings that are gone are listed as closed (closure evidence).
import { z } from 'zod';

const BaselineSchema = z.looseObject({
  schemaVersion: z.string().regex(/^1\.\d+\.\d+$/, { error: 'expected a Sentinel JSON report (schemaVersion 1.x)' }),
  findings: z.array(
    z.looseObject({
      fingerprint: z.string().min(1),
      ruleId: z.string().min(1),
      severity: z.string().optional(),
      title: z.string().optional(),
      where: z.string().optional(),
      location: z.looseObject({ chain: z.array(z.string()) }).optional(),
    }),
  ),
});

export interface BaselineFinding {
  readonly fingerprint: string;
  readonly ruleId: string;
  readonly severity?: string;
  readonly title?: string;
  readonly where?: string;
  /** Top-level file of the finding (first location segment). */
  readonly file?: string;
}

export interface Baseline {
  readonly source: string;
  readonly findings: readonly BaselineFinding[];
}

export type BaselineLoad =
  { readonly ok: true; readonly baseline: Baseline } | { readonly ok: false; readonly message: string };

/** Parses a previous report. `source` names the file in messages. */
export function parseBaseline(text: string, source: string): BaselineLoad {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `${source}: not JSON (${(e as Error).message})` };
  }
  const r = BaselineSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    return {
      ok: false,
      message: `${source}: not a Sentinel JSON report: ${i.path.map(String).join('.') || '(root)'}: ${i.message}`,
    };
  }
  return {
    ok: true,
    baseline: {
      source,
      findings: r.data.findings.map((f) => ({
        fingerprint: f.fingerprint,
        ruleId: f.ruleId,
        ...(f.severity !== undefined ? { severity: f.severity } : {}),
        ...(f.title !== undefined ? { title: f.title } : {}),
        ...(f.where !== undefined ? { where: f.where } : {}),
        ...(f.location?.chain[0] !== undefined ? { file: f.location.chain[0] } : {}),
      })),
    },
  };
}
