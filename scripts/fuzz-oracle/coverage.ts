// The oracle's coverage mode (scripts/fuzz-oracle.ts --cover): what a load did, classed from the flagged audit events
// the load server recorded and how the load ended, and the report of a run (--cover-report FILE prints it as markdown).

/** What one load did: code ran, a file was written or opened, a module imported, native code called, another
 * flagged operation, the process crashed, the load hung (its CPU limit), or nothing flagged (clean). */
export type Outcome = 'code' | 'file-write' | 'native' | 'import' | 'file-open' | 'other' | 'crash' | 'hang' | 'clean';

export const OUTCOMES: readonly Outcome[] = [
  'code',
  'file-write',
  'native',
  'import',
  'file-open',
  'other',
  'crash',
  'hang',
  'clean',
];

const CODE = /^(exec|compile|os\.(system|exec|spawn|posix_spawn|fork|forkpty|startfile)|subprocess\.)/;
const WRITE = /^os\.(remove|unlink|rename|rmdir|mkdir|chmod|chown|truncate|link|symlink|utime)|^shutil\./;

/** The outcome of a load that ended with `end` (worker.py: ok, error:X, vetoed, timeout, crash:SIG) after the
 * flagged events `hits` (the most harmful one decides). */
export function outcomeOf(end: string, hits: readonly (readonly string[])[]): Outcome {
  if (end.startsWith('crash:')) return 'crash';
  if (end === 'timeout') return 'hang';
  if (hits.length === 0) return 'clean';
  const has = (f: (e: string, a: string) => boolean): boolean => hits.some((h) => f(h[0]!, h[1] ?? ''));
  if (has((e) => CODE.test(e))) return 'code';
  if (has((e, a) => WRITE.test(e) || (e === 'open' && /[wxa+]/.test(/, '([rwxab+tU]+)'/.exec(a)?.[1] ?? 'r'))))
    return 'file-write';
  if (has((e) => e.startsWith('ctypes.'))) return 'native';
  if (has((e) => e === 'import')) return 'import';
  if (has((e) => e === 'open')) return 'file-open';
  return 'other';
}

/** The summary --cover writes. */
export interface CoverSummary {
  /** 'cover-unresolved': the names no loader resolves here, one program each (exercised: loaded by every loader). */
  mode: 'cover' | 'cover-unresolved';
  seed: number;
  variants: number;
  argumentKinds: string[];
  loaders: string[];
  torchLoad: string | null;
  python: string;
  /** Present (emulated) when the load server ran under Python < 3.8, whose events it raises itself. */
  monitor?: 'emulated';
  interpreter: string;
  versions: Record<string, string | null>;
  only?: string;
  seconds: number;
  admittedEntries: number;
  admittedNames: number;
  resolvingNames: number;
  exercisedNames: number;
  coverage: number;
  coverageOfResolving: number;
  programs: number;
  loads: Partial<Record<string, number>>;
  pandasDecidedByPickleLoad: number;
  /** Loads by loader and how they ended (ok, error:X, vetoed, timeout, crash:SIG). */
  ends: Record<string, number>;
  outcomes: Record<string, Partial<Record<Outcome, number>>>;
  outcomesByKind: Record<string, Partial<Record<Outcome, number>>>;
  examples: Record<string, { target: string; kind: string; loader: string; detail: string }>;
  loadsJudged: number;
  blockedBySentinel: number;
  blockedRules: Record<string, number>;
  passWithPayload: { file: string; target: string; kind: string; variant: number; loader: string; outcome: Outcome }[];
  passWithPayloadNames: string[];
  notConfirmedAlone: { target: string; kind: string; variant: number; loader: string; outcome: Outcome }[];
  byPack: Record<string, { names: number; exercised: number; notExercised: string[] }>;
  notExercised: string[];
  /** Flagged events the loaders raised on benign programs (the loader's own doing): not counted as a program's. */
  environmentEvents?: string[];
  /** The names exercised (summaries written before this field existed: the drawn names less notExercised). */
  exercised?: string[];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** The markdown report of a coverage run. */
export function coverageMarkdown(s: CoverSummary): string {
  const lines: string[] = [];
  const total = Object.values(s.loads).reduce<number>((a, b) => a + (b ?? 0), 0);
  lines.push(
    `Coverage run (seed ${s.seed}, ${s.interpreter}, Python ${s.python}; ${s.loaders.join(', ')}; ${s.torchLoad ?? 'no torch'}):`,
    '',
    `- admitted names: ${s.admittedNames} (${s.admittedEntries} pack entries); resolving under this interpreter: ${s.resolvingNames}`,
    s.mode === 'cover'
      ? `- exercised: **${s.exercisedNames} = ${pct(s.coverage)} of admitted, ${pct(s.coverageOfResolving)} of resolving**`
      : `- names no loader resolves here, each loaded by every loader once: ${s.exercisedNames} of ` +
          `${s.admittedNames - s.resolvingNames}`,
    `- programs: ${s.programs} (${s.argumentKinds.length} argument kinds x ${s.variants} call shapes per name), loads: ${total}` +
      ` (pandas decided by pickle.loads: ${s.pandasDecidedByPickleLoad}), ${s.seconds} s`,
    `- loads that did something: ${s.loadsJudged}, blocked by Sentinel: ${s.blockedBySentinel}, ` +
      `**pass-with-payload: ${s.passWithPayload.length}** (${s.passWithPayloadNames.length} names), ` +
      `not reproduced alone: ${s.notConfirmedAlone.length}`,
    '',
    `| loader | ${OUTCOMES.join(' | ')} |`,
    `|---|${OUTCOMES.map(() => '---').join('|')}|`,
  );
  for (const l of s.loaders) {
    const o = s.outcomes[l] ?? {};
    lines.push(`| ${l} | ${OUTCOMES.map((k) => String(o[k] ?? 0)).join(' | ')} |`);
  }
  lines.push('', `| argument kind | ${OUTCOMES.join(' | ')} |`, `|---|${OUTCOMES.map(() => '---').join('|')}|`);
  for (const k of s.argumentKinds) {
    const o = s.outcomesByKind[k] ?? {};
    lines.push(`| ${k} | ${OUTCOMES.map((x) => String(o[x] ?? 0)).join(' | ')} |`);
  }
  lines.push('', '| pack | names | exercised |', '|---|---|---|');
  for (const [p, v] of Object.entries(s.byPack).sort()) lines.push(`| ${p} | ${v.names} | ${v.exercised} |`);
  if (s.passWithPayload.length > 0) {
    lines.push('', 'Pass-with-payload:', '');
    for (const f of s.passWithPayload)
      lines.push(`- \`${f.target}\` (${f.kind}, shape ${f.variant}) under ${f.loader}: ${f.outcome}, ${f.file}`);
  }
  return lines.join('\n') + '\n';
}

/** One admitted name of a pool: its canonical module.name and the packs (labels) that list it. */
export interface PoolName {
  key: string;
  packs: readonly string[];
}

/** A coverage summary and the names of the pool it drew (the names its `only` pattern kept, before any ran). */
export interface UnionInput {
  file: string;
  summary: CoverSummary;
  /** The distinct names of the pool the run drew from (its tree's allPacks()). */
  drawnPool: readonly string[];
}

/** The coverage of a pool over several runs: a name is exercised when any `cover` run exercised it. */
export interface CoverUnion {
  admittedNames: number;
  exercisedNames: number;
  coverage: number;
  /** Names no run exercised that an `--unresolved` run showed every loader refusing. */
  refusedNames: number;
  runs: { file: string; mode: string; interpreter: string; only?: string; exercised: number; newlyExercised: number }[];
  byPack: Record<string, { names: number; exercised: number; refused: number; notExercised: string[] }>;
  notExercised: string[];
}

/**
 * Which names a run exercised (or, for an `--unresolved` run, showed refused): its `exercised` list, or for a summary
 * written before that field existed the names its pattern drew from its pool less those it lists as not exercised.
 * Fails when the drawn pool is not the run's (the count it recorded differs): the run's tree must be given.
 */
export function namesOfRun(u: UnionInput): string[] {
  const s = u.summary;
  if (s.exercised) return s.exercised;
  const only = s.only === undefined ? undefined : new RegExp(s.only);
  const drawn = u.drawnPool.filter((k) => !only || only.test(k));
  if (drawn.length !== s.admittedNames)
    throw new Error(
      `${u.file}: the pool given draws ${drawn.length} names, the run drew ${s.admittedNames}: give the tree it ran on`,
    );
  const not = new Set(s.notExercised);
  return drawn.filter((k) => !not.has(k));
}

/** The union of coverage runs over the pool `pool` (the current packs): names exercised by any run, by pack. */
export function coverUnion(pool: readonly PoolName[], inputs: readonly UnionInput[]): CoverUnion {
  const exercised = new Set<string>();
  const refused = new Set<string>();
  const inPool = new Set(pool.map((p) => p.key));
  const runs: CoverUnion['runs'] = [];
  for (const u of inputs) {
    const names = namesOfRun(u).filter((k) => inPool.has(k));
    if (u.summary.mode === 'cover-unresolved') {
      for (const k of names) refused.add(k);
      runs.push({
        file: u.file,
        mode: u.summary.mode,
        interpreter: u.summary.interpreter,
        exercised: 0,
        newlyExercised: 0,
      });
      continue;
    }
    let added = 0;
    for (const k of names) {
      if (!exercised.has(k)) added++;
      exercised.add(k);
    }
    runs.push({
      file: u.file,
      mode: u.summary.mode,
      interpreter: u.summary.interpreter,
      ...(u.summary.only !== undefined ? { only: u.summary.only } : {}),
      exercised: names.length,
      newlyExercised: added,
    });
  }
  const byPack: CoverUnion['byPack'] = {};
  for (const p of pool) {
    for (const label of p.packs) {
      const b = (byPack[label] ??= { names: 0, exercised: 0, refused: 0, notExercised: [] });
      b.names++;
      if (exercised.has(p.key)) b.exercised++;
      else {
        b.notExercised.push(p.key);
        if (refused.has(p.key)) b.refused++;
      }
    }
  }
  const notExercised = pool.filter((p) => !exercised.has(p.key)).map((p) => p.key);
  return {
    admittedNames: pool.length,
    exercisedNames: pool.length - notExercised.length,
    coverage: Number(((pool.length - notExercised.length) / Math.max(1, pool.length)).toFixed(4)),
    refusedNames: notExercised.filter((k) => refused.has(k)).length,
    runs,
    byPack: Object.fromEntries(Object.entries(byPack).sort(([a], [b]) => a.localeCompare(b))),
    notExercised,
  };
}

/** A run's --only pattern as a table cell: short ones as they are, a list of names as its count. */
function onlyText(only: string | undefined): string {
  if (only === undefined) return '';
  if (only.length <= 60) return `\`${only.replace(/\|/g, '\\|')}\``;
  return `${only.split('|').length} listed names`;
}

/** The markdown table of a union: names exercised per pack and the total. */
export function coverUnionMarkdown(u: CoverUnion): string {
  const lines = [
    `Admitted names: ${u.admittedNames}; exercised by at least one run: **${u.exercisedNames} = ${pct(u.coverage)}**;` +
      ` not exercised: ${u.notExercised.length} (of them refused by every loader in an --unresolved run: ${u.refusedNames})`,
    '',
    '| run | mode | interpreter | only | exercised | new |',
    '|---|---|---|---|---|---|',
    ...u.runs.map(
      (r) =>
        `| ${r.file.replace(/^.*\//, '')} | ${r.mode} | ${r.interpreter} | ${onlyText(r.only)} | ${r.exercised} | ${r.newlyExercised} |`,
    ),
    '',
    '| pack | admitted names | exercised | not exercised |',
    '|---|---|---|---|',
    ...Object.entries(u.byPack).map(([p, b]) => `| ${p} | ${b.names} | ${b.exercised} | ${b.names - b.exercised} |`),
  ];
  return lines.join('\n') + '\n';
}
