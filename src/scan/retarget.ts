// Re-targets a file's outcome to another path naming the same content (a hub blob under several snapshots, a hard
// link): locations, `where`s, fingerprints and retest commands are rebuilt for the new path exactly as a scan of
// that path would have built them, through the same RuleContext.
import type { Location } from '../core/location.js';
import { ruleById } from '../rules/index.js';
import { RuleContext } from '../rules/rule.js';
import type { FileOutcome } from './file-outcome.js';
import type { JobMember } from './scan-plan.js';

/** `s` with the leading path `from` replaced by `to` (a location chain starts with the path, then `!`, `@` or `:`). */
export function rebase(s: string, from: string, to: string): string {
  if (!s.startsWith(from)) return s;
  const next = s.charAt(from.length);
  return next === '' || next === '!' || next === '@' || next === ':' ? to + s.slice(from.length) : s;
}

export function rebaseLocation(loc: Location, from: string, to: string): Location {
  return loc.chain[0] === from ? { ...loc, chain: [to, ...loc.chain.slice(1)] } : loc;
}

/** The outcome `o` (scanned as `o.path`, fingerprint keys `keys`) as it reads for `m`. */
export function retarget(o: FileOutcome, keys: readonly string[], m: JobMember): FileOutcome {
  const from = o.path;
  const to = m.path;
  const ctx = new RuleContext(m.target, m.stable);
  o.findings.forEach((f, i) => {
    const rule = ruleById(f.ruleId);
    if (!rule) throw new Error(`no rule ${f.ruleId}`);
    ctx.report(rule.meta, {
      location: rebaseLocation(f.location, from, to),
      evidence: f.evidence,
      key: keys[i]!,
      ...(f.stream !== undefined ? { stream: rebase(f.stream, from, to) } : {}),
    });
  });
  return {
    path: to,
    findings: ctx.findings,
    pickles: o.pickles.map((p) => ({ ...p, where: rebase(p.where, from, to) })),
    errors: o.errors.map((e) => ({ ...e, where: rebase(e.where, from, to) })),
    ...(o.file ? { file: { ...o.file, path: to } } : {}),
    ...(o.readsBeside ? { readsBeside: true } : {}),
    ...(o.summaries ? { summaries: o.summaries } : {}),
    // Members of one job name the same file (same device and inode): the digest is of their content too.
    ...(o.content ? { content: o.content } : {}),
  };
}
