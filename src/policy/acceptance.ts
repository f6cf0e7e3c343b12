// Risk acceptances: a policy entry accepts findings by fingerprint, or by rule + a glob on the scanned
// file path, until an expiry date. An expired acceptance no longer suppresses anything and is reported as expired.
import { isAbsolute, relative } from 'node:path';
import type { Finding } from '../core/finding.js';
import { globToRegExp, normalizeGlobPath } from './glob.js';
import type { Acceptance } from './policy.js';

export interface AcceptanceMatch {
  readonly acceptance: Acceptance;
  readonly expired: boolean;
}

/** True when `today` (YYYY-MM-DD) is after the acceptance's last valid day. */
export function isExpired(a: Acceptance, today: string): boolean {
  return today > a.expires;
}

/** The path forms a glob is matched against: as scanned, and relative to `cwd` when it lies below it. */
function pathCandidates(f: Finding, cwd: string | undefined): string[] {
  const first = f.location.chain[0] ?? '';
  const out = [normalizeGlobPath(first)];
  if (cwd !== undefined && isAbsolute(first)) {
    const rel = relative(cwd, first);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) out.push(normalizeGlobPath(rel));
  }
  return out;
}

function matches(a: Acceptance, f: Finding, cwd: string | undefined): boolean {
  if (a.fingerprint !== undefined && a.fingerprint !== f.fingerprint) return false;
  if (a.rule !== undefined && a.rule !== f.ruleId) return false;
  if (a.path !== undefined) {
    const re = globToRegExp(normalizeGlobPath(a.path));
    if (!pathCandidates(f, cwd).some((p) => re.test(p))) return false;
  }
  return true;
}

/**
 * The acceptance that covers a finding: a valid one if any matches (the one lasting longest), otherwise the
 * most recently expired one, otherwise undefined.
 */
export function findAcceptance(
  f: Finding,
  acceptances: readonly Acceptance[],
  today: string,
  cwd?: string,
): AcceptanceMatch | undefined {
  let best: AcceptanceMatch | undefined;
  for (const a of acceptances) {
    if (!matches(a, f, cwd)) continue;
    const m = { acceptance: a, expired: isExpired(a, today) };
    if (
      best === undefined ||
      (best.expired && !m.expired) ||
      (best.expired === m.expired && m.acceptance.expires > best.acceptance.expires)
    ) {
      best = m;
    }
  }
  return best;
}
