// The paths a service or queue report shows: each local target as it was named — relative to the root it was named
// under (the service), or as the submitter gave it (the queue) — never the server's absolute path it was scanned
// at, as the command line shows the paths it was given. The facts are scanned at the real paths; every path they
// hold that starts with a scanned target (files, locations, `where`s, retest commands, skipped entries, signature
// verdicts, evidence naming a file beside it) is then rewritten to start with the target's label.
import { isAbsolute, normalize, relative, resolve, sep } from 'node:path';
import { gateFacts, scan, scanFacts, type ScanFacts, type ScanInput, type ScanOptions } from '../api/scan.js';
import type { SentinelReport } from '../report/report-model.js';

/** `rel` with `/` separators and without a trailing one; `.` for the root itself. */
function posixForm(rel: string): string {
  const p = rel.split(sep).join('/').replace(/\/+$/, '');
  return p === '' ? '.' : p;
}

function inside(root: string, abs: string): string | undefined {
  const rel = relative(root, abs);
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + sep) && !isAbsolute(rel)) ? rel : undefined;
}

/**
 * How a report shows one scanned target: `shown` where the command line repeats the name it was given (the report's
 * targets, retest commands), `path` where it shows a path (files, locations: normalised, `/`-separated).
 */
export interface TargetLabel {
  /** The target's path as scanned (absolute). */
  readonly from: string;
  readonly shown: string;
  readonly path: string;
}

/** The label of a name given as is (`shown`), with its normalised path form. */
function asGiven(from: string, named: string): TargetLabel {
  return {
    from,
    shown: named,
    path: isAbsolute(named) ? normalize(named).replace(/(.)\/+$/, '$1') : posixForm(normalize(named)),
  };
}

/**
 * The label of a local target a service accepted: `named` as the client gave it, `real` the real path the guard
 * resolved it to. A relative name is relative to the first root (as the guard resolves it) and shown as given; an
 * absolute one is shown relative to the root it lies under, or else to the root its real path lies in.
 */
export function serviceLabel(named: string, real: string, roots: readonly string[]): TargetLabel {
  if (!isAbsolute(named)) return asGiven(real, named);
  for (const root of roots) {
    const rel = inside(root, resolve(named));
    if (rel !== undefined) return asGiven(real, posixForm(rel));
  }
  for (const root of roots) {
    const rel = inside(root, real);
    if (rel !== undefined) return asGiven(real, posixForm(rel));
  }
  return asGiven(real, named);
}

/**
 * The label of a local target a submitter named (`sentinel submit PATH`) and sent as `sent` (absolute): the name as
 * given, as the command line shows it. Undefined when it needs none (a remote target, an absolute path as sent).
 */
export function submitLabel(named: string, sent: string): TargetLabel | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(named) || named === sent) return undefined;
  return asGiven(sent, named);
}

function escapeRegExp(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * The facts with every path that starts with a scanned target's path (`from`) rewritten to start with its label:
 * a path is the target itself or continues with a separator, `!` (an archive member), `@` (an offset) or `:` (a
 * line), and may stand inside a longer text (evidence). The report's targets and retest commands show the name as
 * given, every other path its normalised form; a label `.` drops the `./` before the rest, as the command line
 * shows a scan of `.`. Longer targets are matched first (a target inside another).
 */
export function relabelFacts(facts: ScanFacts, labels: readonly TargetLabel[]): ScanFacts {
  const pairs = labels.filter((l) => l.from !== '' && (l.from !== l.shown || l.from !== l.path));
  if (!pairs.length) return facts;
  const byFrom = new Map(pairs.map((l) => [l.from, l]));
  const froms = [...byFrom.keys()].sort((a, b) => b.length - a.length);
  const re = new RegExp(`(${froms.map(escapeRegExp).join('|')})(?=$|[/\\\\!@:\\s'"),;\\]])(/)?`, 'g');
  const text = (s: string, as: 'shown' | 'path'): string =>
    s.replace(re, (_m, from: string, slash: string | undefined) => {
      const label = byFrom.get(from)![slash ? 'path' : as];
      if (!slash) return label;
      if (label === '.') return '';
      return label.endsWith('/') ? label : label + '/';
    });
  const walk = (v: unknown, as: 'shown' | 'path'): unknown => {
    if (typeof v === 'string') return text(v, as);
    if (Array.isArray(v)) return v.map((x) => walk(x, as));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = walk(x, k === 'retest' ? 'shown' : as);
      return out;
    }
    return v;
  };
  return {
    ...(walk({ ...facts, targets: [] }, 'path') as ScanFacts),
    targets: facts.targets.map((t) => text(t, 'shown')),
  };
}

/**
 * `scan(inputs, options)` with the targets' paths shown by their labels: the facts are relabelled before the gate,
 * so every report format rendered from the report shows the labels.
 */
export async function scanAsNamed(
  inputs: readonly ScanInput[],
  options: ScanOptions,
  labels: readonly TargetLabel[] | undefined,
): Promise<SentinelReport> {
  if (!labels?.length) return scan(inputs, options);
  return gateFacts(relabelFacts(await scanFacts(inputs, options), labels), options);
}
