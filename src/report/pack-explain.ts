// `sentinel explain PACK` and `sentinel explain module.name`: what an allowlist pack admits and why (each entry's
// reason, role and how CPython rebuilds it, then the pack's review log), and how one global is judged (dangerous
// table, the pack that admits it, or the review that refused it). Text and JSON.
import { wrapText } from './wrap-text.js';
import { resolveImportName } from '../analyzers/pickle/names.js';
import { classifyImport } from '../rules/classify.js';
import { checkAllowEntry } from '../rules/allow-entry.js';
import { allPacks, allowEntry, refusedBy, type PackInfo } from '../rules/data/allowlist.js';

const ROLE = {
  new: 'only rebuilt through __new__ or named as a value (the stream may not call it)',
  none: 'only a stored reference (the library calls it later; the stream may not)',
} as const;

/** One line per pack, for `sentinel rules` and `sentinel explain PICKLE-GLOBAL-IMPORT`. */
export function packSummaryLines(width = 100): string[] {
  return allPacks().flatMap((p) =>
    wrapText(
      `${p.id.padEnd(14)} ${String(p.entries.size).padStart(4)} admitted, ${String(p.review.size).padStart(3)} refused  ${p.title}`,
      Math.max(40, width),
      '  ',
      ' '.repeat(17),
    ),
  );
}

export function findPack(id: string): PackInfo | undefined {
  return allPacks().find((p) => p.id === id);
}

/** What a pack admits and refuses, and why, wrapped to `width` columns (words kept whole). */
export function renderPackText(p: PackInfo, width = 100): string {
  const w = Math.max(40, width);
  const wrap = (text: string, first: string, rest = ' '.repeat(first.length)): string[] =>
    wrapText(text, w, first, rest);
  const versions = Object.entries(p.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const out = [
    ...wrap(`allowlist pack ${p.id}: ${p.title}`, '', '  '),
    ...wrap(`${versions} (${p.generatedBy})`, '  derived from:  '),
    ...wrap(`allow_packs: {${p.id}: false} in sentinel-policy.yml`, '  turn it off:   '),
    '',
    `Admitted (${p.entries.size}):`,
  ];
  for (const [name, e] of [...p.entries].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(...wrap(`${name}${e.kind ? ` [${e.kind}]` : ''}`, '  ', '    '), ...wrap(e.reason, '      why:     '));
    if (e.calls) out.push(...wrap(ROLE[e.calls], '      role:    '));
    if (e.rebuild) out.push(...wrap(e.rebuild, '      rebuild: '));
    if (e.checked) out.push(...wrap(e.checked, '      checked: '));
  }
  out.push('', `Found and not admitted (${p.review.size}):`);
  for (const [name, why] of [...p.review].sort(([a], [b]) => a.localeCompare(b)))
    out.push(...wrap(name, '  ', '    '), ...wrap(why, '      why: '));
  return out.join('\n') + '\n';
}

export function renderPackJson(p: PackInfo): string {
  return (
    JSON.stringify(
      {
        pack: p.id,
        title: p.title,
        versions: p.versions,
        generatedBy: p.generatedBy,
        admitted: Object.fromEntries(
          [...p.entries].map(([k, e]) => [
            k,
            {
              reason: e.reason,
              ...(e.kind ? { kind: e.kind } : {}),
              ...(e.calls ? { calls: e.calls } : {}),
              ...(e.rebuild ? { rebuild: e.rebuild } : {}),
              ...(e.checked ? { checked: e.checked } : {}),
            },
          ]),
        ),
        notAdmitted: Object.fromEntries(p.review),
      },
      null,
      2,
    ) + '\n'
  );
}

export interface NameVerdict {
  readonly name: string;
  readonly canonical: string;
  readonly verdict: 'dangerous' | 'admitted' | 'not-admitted' | 'unknown';
  readonly reason: string;
  readonly pack?: string;
  readonly kind?: string;
  readonly role?: string;
  readonly rebuild?: string;
  /** Hooks admitted only in the shape the library writes (checked on every stream). */
  readonly checked?: string;
}

/** How a pickle global `module.name` is judged (as a protocol-4 STACK_GLOBAL would name it). */
export function explainName(name: string): NameVerdict {
  const dot = name.lastIndexOf('.');
  const imp = resolveImportName(name.slice(0, dot), name.slice(dot + 1), 4);
  const v = classifyImport({ ...imp, opcode: 'STACK_GLOBAL', offset: 0, protocol: 4, afterError: false });
  const base = { name, canonical: imp.canonical };
  if (v.kind === 'dangerous') return { ...base, verdict: 'dangerous', reason: v.reason };
  const e = allowEntry(imp.canonical);
  if (v.kind === 'allowed' && e) {
    return {
      ...base,
      verdict: 'admitted',
      reason: e.reason,
      pack: e.source,
      ...(e.kind ? { kind: e.kind } : {}),
      ...(e.calls ? { role: ROLE[e.calls] } : {}),
      ...(e.rebuild ? { rebuild: e.rebuild } : {}),
      ...(e.checked ? { checked: e.checked } : {}),
    };
  }
  const r = refusedBy(imp.canonical);
  if (r) return { ...base, verdict: 'not-admitted', reason: r.reason, pack: r.pack };
  const check = checkAllowEntry(name);
  return {
    ...base,
    verdict: 'unknown',
    reason: check.ok
      ? 'in no allowlist pack: PICKLE-GLOBAL-IMPORT (add it with also_allow)'
      : `in no allowlist pack: PICKLE-GLOBAL-IMPORT (also_allow cannot name it: ${check.reason}; accept the finding under acceptances instead)`,
  };
}

/** How one global is judged, wrapped to `width` columns (words kept whole). */
export function renderNameText(n: NameVerdict, width = 100): string {
  const w = Math.max(40, width);
  const field = (key: string, value: string | undefined): string[] =>
    value ? wrapText(value, w, `  ${key.padEnd(8)} `) : [];
  return (
    [
      ...wrapText(
        `${n.name}${n.canonical !== n.name ? ` (= ${n.canonical})` : ''}: ${n.verdict}${n.pack ? ` (${n.pack} pack)` : ''}`,
        w,
        '',
        '  ',
      ),
      ...field('why:', n.reason),
      ...field('kind:', n.kind),
      ...field('role:', n.role),
      ...field('rebuild:', n.rebuild),
      ...field('checked:', n.checked),
    ].join('\n') + '\n'
  );
}
