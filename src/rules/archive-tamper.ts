// ARCHIVE-TAMPER (ours): container structure on which a lenient loader (torch, numpy) and a strict reader
// disagree. The entry is still read leniently, the way the loader would, and scanned.
import type { Rule } from './rule.js';
import { DECISION, OWNER } from './rule.js';
import { at } from '../core/location.js';

export const archiveTamper: Rule = {
  meta: {
    id: 'ARCHIVE-TAMPER',
    category: 'ARCHIVE',
    severity: 'HIGH',
    title: 'Archive Header Tampering',
    cwe: ['CWE-345'],
    owasp: 'LLM03 — Supply Chain',
    fpRisk: 'LOW',
    owner: OWNER,
    decision: DECISION.HIGH,
    fixHint: 'Rebuild the archive from a trusted pipeline; loaders and scanners must see the same bytes.',
    fix: 'Rebuild the archive from a trusted pipeline; loaders and scanners must see the same bytes.',
    description:
      'Container headers disagree in a way that makes strict readers and lenient loaders see different content.',
    firesOn:
      'ZIP local vs central-directory name or size mismatch, encryption/unknown flag bits on a stored entry, CRC mismatch, duplicate entry names, overlapping entries, data before the first entry or after the central directory, path traversal / absolute entry names.',
  },
  visit: {
    container(fact, ctx) {
      const byCode = new Map<string, { first: (typeof fact.anomalies)[number]; entries: string[] }>();
      for (const a of fact.anomalies) {
        const g = byCode.get(a.code);
        if (g) {
          if (a.entry && g.entries.length < 20) g.entries.push(a.entry);
        } else byCode.set(a.code, { first: a, entries: a.entry ? [a.entry] : [] });
      }
      for (const [code, g] of byCode) {
        ctx.report(archiveTamper.meta, {
          location: g.first.offset !== undefined ? at(fact.location, g.first.offset) : fact.location,
          key: `${code}:${g.entries.join(',')}`,
          evidence: {
            signal: `${fact.format} ${code}: ${g.first.message}`,
            ...(g.first.offset !== undefined ? { offset: g.first.offset } : {}),
            confidence: 'high',
            details: { anomaly: code, format: fact.format, ...(g.entries.length ? { entries: g.entries } : {}) },
          },
        });
      }
    },
  },
};
