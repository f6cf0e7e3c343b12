// Command-line entry: parses argv, loads the policy, runs the engine, applies the gate, renders the report, writes
// it, and returns the exit code (0 gate passed, 1 gate failed, 2 usage, policy or tool error). The only module
// that prints or writes files. Commands: scan (alias artifact; also `sentinel PATH`), convert (cli/convert.ts),
// serve, worker, submit, rules, explain, init, policy.
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { SentinelError } from '../api/errors.js';
import { loadPolicy, readInputText } from '../api/load-policy.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../api/render-report.js';
import { checkRules, scan, type ScanInput } from '../api/scan.js';
import { TIME_LIMIT } from '../scan/engine.js';
import type { RuleMeta } from '../core/finding.js';
import { TOOL_VERSION } from '../report/scan-report.js';
import {
  isSafetyLevel,
  isSeverity,
  SAFETY_LEVELS,
  SEVERITIES,
  type SafetyLevel,
  type Severity,
} from '../core/severity.js';
import { POLICY_FILE_NAME } from '../policy/policy.js';
import { isPresetName, PRESET_NAMES, PRESETS, type PresetName } from '../policy/presets.js';
import type { SentinelReport } from '../report/report-model.js';
import { hfCacheRoots } from '../sources/model-cache.js';
import { RULES, ruleById } from '../rules/index.js';
import type { ScanCommandWord } from '../rules/rule.js';
import { delayTierUpForOneFile, inlineLessForFolders } from './v8-tiering.js';
import { isTerminal, writeFd } from './stdio.js';
import { checkPathsExist, checkWritable, nothingScanned, OperatorError } from './preflight.js';
import { missingOptionalPackage, missingPackageMessage } from '../core/optional-packages.js';
import { isoUtc } from '../core/iso-time.js';
import {
  addRemoteOptions,
  RemoteOptionError,
  remoteScanOptions,
  runDryRun,
  type RemoteCliOptions,
} from './remote-targets.js';
import { addSignatureOptions, signatureScanOptions, type SignatureFlags } from './signature-options.js';

// Start-up time matters (a CI gate runs once per artifact): the policy stack (yaml, zod), the renderers and the
// rule-documentation commands are imported only when a command needs them.

export interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** stdout is a terminal (colour for the text report). */
  readonly isTTY: boolean;
  /** stderr is a terminal (progress line). Default false. */
  readonly stderrIsTTY?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Clock. Default Date.now. */
  readonly now?: () => Date;
  /** Width of the terminal stdout writes to (compact text report). Default 80. */
  readonly columns?: number;
  /** What the path `-` reads. Default process.stdin. */
  readonly stdin?: AsyncIterable<Uint8Array>;
}

// The descriptors are written directly and process.stdout is set up only for a terminal's width (cli/stdio.ts).
const defaultIo: Io = {
  stdout: (s) => writeFd(1, s),
  stderr: (s) => writeFd(2, s),
  get isTTY() {
    return isTerminal(1);
  },
  get stderrIsTTY() {
    return isTerminal(2);
  },
  get columns() {
    return terminalColumns(process.stdout.columns, process.env.COLUMNS);
  },
  env: process.env,
};

/**
 * The terminal's width: what it reports, or when it reports no size (0 columns, as a pseudo-terminal without a window
 * does) the COLUMNS variable; undefined when neither says (the caller then uses 80).
 */
export function terminalColumns(reported: number | undefined, columnsVar: string | undefined): number | undefined {
  if (reported !== undefined && reported > 0) return reported;
  const fromVar = Number(columnsVar);
  return Number.isInteger(fromVar) && fromVar > 0 ? fromVar : undefined;
}

export const FORMATS = REPORT_FORMATS;
export type Format = ReportFormat;

export class UsageError extends Error {}

function parseSeverities(value: string): Severity[] {
  const out: Severity[] = [];
  for (const part of value.split(',')) {
    const s = part.trim().toUpperCase();
    if (!s) continue;
    if (!isSeverity(s)) throw new UsageError(`unknown severity "${part.trim()}" (expected ${SEVERITIES.join(', ')})`);
    out.push(s);
  }
  return out;
}

function collect(value: string, prev: string[]): string[] {
  return [
    ...prev,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

interface ArtifactOptions extends RemoteCliOptions, SignatureFlags {
  rule: string[];
  format: Format;
  output?: string;
  failOn?: string;
  verbose?: boolean;
  quiet?: boolean;
  policy?: string;
  preset?: string;
  pickleThreshold?: string;
  /** The former name of --pickle-threshold (kept, hidden). */
  maxAcceptableSeverity?: string;
  baseline?: string;
  now?: string;
  docsUrl?: string;
  jobs?: string;
  timeLimit?: string;
  write: string[];
  exclude: string[];
  respectGitignore?: boolean;
  defaultSkips: boolean;
  listGlobals?: boolean;
  sha256: boolean;
}

/** `--write FORMAT=FILE` (repeatable): further reports of the same scan, checked before the scan starts. */
function parseWrites(values: readonly string[]): { format: Format; file: string }[] {
  return values.map((v) => {
    const eq = v.indexOf('=');
    const format = v.slice(0, eq);
    const file = v.slice(eq + 1);
    if (eq < 1 || !file || !(FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--write expects FORMAT=FILE with FORMAT one of ${FORMATS.join(', ')}, got "${v}"`);
    }
    return { format: format as Format, file };
  });
}

function parseJobs(value: string | undefined): number | 'auto' {
  if (value === undefined) return 'auto';
  if (!/^[1-9]\d{0,3}$/.test(value.trim()))
    throw new UsageError(`--jobs expects a whole number from 1, got "${value}"`);
  return Number(value.trim());
}

/** The largest `--time-limit`: a week. */
const MAX_TIME_LIMIT_SECONDS = 7 * 86_400;

function parseTimeLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value.trim());
  if (!/^\d{1,7}$/.test(value.trim()) || n > MAX_TIME_LIMIT_SECONDS) {
    throw new UsageError(
      `--time-limit expects a whole number of seconds from 0 to ${MAX_TIME_LIMIT_SECONDS}, got "${value}"`,
    );
  }
  return n;
}

export function today(o: { now?: string }, io: Io): string {
  if (o.now !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(o.now) || Number.isNaN(Date.parse(o.now + 'T00:00:00Z'))) {
      throw new UsageError(`--now expects YYYY-MM-DD, got "${o.now}"`);
    }
    return o.now;
  }
  return isoUtc(io.now?.() ?? new Date()).slice(0, 10);
}

/** Whether a run writes its report anywhere (a quiet text run without --output or --write writes none). */
export function reportIsWritten(
  o: { readonly quiet?: boolean; readonly format: string; readonly output?: string },
  writes: number,
): boolean {
  return !(o.quiet ?? false) || o.format !== 'text' || o.output !== undefined || writes > 0;
}

/**
 * Report formats that show each file's SHA-256: the JSON report (`files[].sha256`), SARIF (`artifacts[].hashes`),
 * the CycloneDX BOM (`components[].hashes`), the HTML report's file list and, with --verbose, the text report's file
 * inventory. The others (the compact or full text record, Markdown, JUnit, GitLab) take none (Markdown's file list
 * shows a digest only when another report of the run took it).
 */
export function showsDigests(format: string, verbose: boolean): boolean {
  return (
    format === 'json' ||
    format === 'sarif' ||
    format === 'cyclonedx' ||
    format === 'html' ||
    (format === 'text' && verbose)
  );
}

/**
 * Whether the scan takes each file's SHA-256: only when a report the run writes shows it (the main report, when it
 * is written, or a --write report) and --no-sha256 is not given. The digest reads every byte of every file, where a
 * verdict reads a checkpoint's directory and pickles only: the default terminal run of a 5 GB checkpoint would
 * otherwise hash 5 GB for a report that never prints the result. Signature verification hashes what it verifies
 * itself.
 */
export function digestsWanted(
  o: {
    readonly quiet?: boolean;
    readonly format: string;
    readonly output?: string;
    readonly verbose?: boolean;
    readonly sha256?: boolean;
  },
  writes: readonly { readonly format: string }[],
): boolean {
  if (o.sha256 === false) return false;
  const verbose = o.verbose ?? false;
  if (writes.some((w) => showsDigests(w.format, verbose))) return true;
  return showsDigests(o.format, verbose) && reportIsWritten(o, 0);
}

function progress(io: Io, quiet: boolean): { tick?: (done: number) => void; end: () => void } {
  if (quiet || !io.stderrIsTTY) return { end: () => {} };
  let last = 0;
  let shown = false;
  return {
    tick: (done) => {
      const t = Date.now();
      if (t - last < 200) return;
      last = t;
      shown = true;
      io.stderr(`\r${done} ${done === 1 ? 'file' : 'files'}`);
    },
    end: () => {
      if (shown) io.stderr('\r\x1b[K');
    },
  };
}

/** The name standard input is scanned and reported under. */
export const STDIN_NAME = '<stdin>';

/** `-` is standard input, read as a bounded stream (maxEntryBytes, maxFileSeconds) and scanned as `<stdin>`. */
function inputsOf(paths: readonly string[], io: Io): ScanInput[] {
  return paths.map((p) => (p === '-' ? { name: STDIN_NAME, stream: io.stdin ?? process.stdin } : p));
}

async function runArtifact(
  paths: string[],
  o: ArtifactOptions,
  io: Io,
  command: ScanCommandWord = 'scan',
): Promise<number> {
  if (o.dryRun) return runDryRun(paths, o, io.env, homedir(), hfCacheRoots(io.env, homedir()), io.stdout);
  const cwd = process.cwd();
  const rules = checkRules(o.rule);
  const preset = o.preset;
  if (preset !== undefined && !isPresetName(preset)) throw new UsageError(`unknown preset "${preset}"`);
  const level = o.pickleThreshold ?? o.maxAcceptableSeverity;
  const max = level?.toUpperCase();
  if (max !== undefined && !isSafetyLevel(max)) {
    throw new UsageError(
      `unknown pickle safety level "${level}"${didYouMean(max, SAFETY_LEVELS)} (expected ${SAFETY_LEVELS.join(', ')})`,
    );
  }
  const day = today(o, io);
  const jobs = parseJobs(o.jobs);
  const timeLimit = parseTimeLimit(o.timeLimit);
  const writes = parseWrites(o.write);
  if (o.listGlobals && o.format !== 'text' && !o.output) {
    throw new UsageError(`--list-globals prints to stdout: write the ${o.format} report with --output FILE`);
  }
  checkPathsExist(paths, cwd);
  for (const w of writes) checkWritable(w.file, cwd, '--write');
  if (o.output) checkWritable(o.output, cwd, '--output');
  const policy = await loadPolicy(o.policy, { cwd });
  const baseline = o.baseline !== undefined ? readInputText(resolve(cwd, o.baseline), 'baseline') : undefined;
  let signatures;
  try {
    signatures = signatureScanOptions(o);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  // Each file's SHA-256 is taken only for a report that shows it (digestsWanted).
  const digests = digestsWanted(o, writes);
  const started = io.now?.() ?? new Date();
  const bar = progress(io, o.quiet ?? false);
  delayTierUpForOneFile(paths, (p) => resolve(cwd, p));
  inlineLessForFolders(paths, (p) => resolve(cwd, p));
  let report: SentinelReport;
  try {
    report = await scan(inputsOf(paths, io), {
      policy,
      rules,
      command,
      ...(preset !== undefined ? { preset: preset as PresetName } : {}),
      ...(max !== undefined ? { maxAcceptableSeverity: max as SafetyLevel } : {}),
      ...(o.failOn !== undefined ? { failOn: parseSeverities(o.failOn) } : {}),
      ...(baseline !== undefined ? { baseline, baselineSource: o.baseline } : {}),
      // The report's start time is the clock's; acceptance expiry uses --now when given.
      now: new Date(`${day}T${isoUtc(started).slice(11)}`),
      cwd,
      jobs,
      ...(timeLimit !== undefined ? { timeLimitSeconds: timeLimit } : {}),
      cacheRoots: hfCacheRoots(io.env, homedir()),
      exclude: o.exclude,
      respectGitignore: o.respectGitignore ?? false,
      defaultSkips: o.defaultSkips,
      remote: remoteScanOptions(o, io.env, homedir()),
      ...(digests ? {} : { sha256: false }),
      ...(bar.tick ? { onFile: bar.tick } : {}),
      ...(signatures ? { signatures } : {}),
    });
  } finally {
    bar.end();
  }
  const empty = nothingScanned(report);
  if (empty) {
    io.stderr(`sentinel: ${empty}\n`);
    return 2;
  }
  const unfinished = timeLimit !== undefined ? filesOverTimeLimit(report) : 0;
  if (unfinished) {
    io.stderr(
      `sentinel: the time limit of ${timeLimit} s ran out: ${unfinished} ${unfinished === 1 ? 'file was' : 'files were'} not fully scanned (SCAN-INCOMPLETE)\n`,
    );
  }
  if (o.listGlobals) io.stdout((await import('./list-globals.js')).renderGlobals(report));
  const renderOptions = {
    verbose: o.verbose ?? false,
    cwd,
    ...(o.docsUrl !== undefined ? { docsUrl: o.docsUrl } : {}),
  };
  for (const w of writes) {
    const text = await renderReport(report, w.format, renderOptions);
    try {
      writeFileSync(resolve(cwd, w.file), text);
    } catch (e) {
      io.stderr(`sentinel: cannot write ${w.file}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  if (o.quiet && o.format === 'text' && !o.output) return report.summary.exitCode;
  const color = !o.output && o.format === 'text' && io.isTTY && !io.env['NO_COLOR'];
  // On a terminal the text report is compact (fits its width); --verbose, files and pipes get the full record.
  const compact = !o.output && o.format === 'text' && io.isTTY && !o.verbose;
  const text = await renderReport(report, o.format, {
    ...renderOptions,
    color,
    ...(compact ? { compact: true } : {}),
    // A terminal's width; a file or a pipe (a CI log) gets the renderer's 100 columns.
    ...(!o.output && io.isTTY ? { width: io.columns ?? 80 } : {}),
  });
  if (o.output) {
    try {
      writeFileSync(resolve(cwd, o.output), text);
    } catch (e) {
      io.stderr(`sentinel: cannot write ${o.output}: ${(e as Error).message}\n`);
      return 2;
    }
  } else if (!(o.quiet && o.format === 'text')) io.stdout(text);
  return report.summary.exitCode;
}

/** Files with a finding saying the scan's time limit ran out before they were fully read. */
export function filesOverTimeLimit(report: SentinelReport): number {
  const files = new Set<string>();
  for (const f of report.findings) {
    if (f.ruleId === 'SCAN-INCOMPLETE' && f.evidence.details?.['limit'] === TIME_LIMIT)
      files.add(f.location.chain[0] ?? '');
  }
  return files.size;
}

/** The scan command's examples, shown after its options in `sentinel scan --help`. */
const SCAN_EXAMPLES = `
Examples:
  sentinel scan models/                       scan a folder (same as: sentinel models/)
  sentinel scan ~/.cache/huggingface/hub      every snapshot of every cached Hugging Face model
  sentinel scan hf://openai-community/gpt2    a Hub repository, read with range requests
  sentinel scan . --respect-gitignore         a git checkout, leaving out what git ignores
  sentinel scan models/ -f sarif -o sentinel.sarif
  sentinel scan models/ --baseline previous.json   fail only on findings new since that report
  curl -sL URL | sentinel scan -              standard input

Exit codes: 0 the gate passed, 1 the gate failed, 2 usage or tool error.
`;

/** Edit distance of two strings (insertions, deletions, substitutions and swaps of neighbours), bounded by inputs. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** ` (did you mean X?)` for the nearest candidates within a third of the word's length, or ''. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const w = word.toUpperCase();
  let best = Infinity;
  let near: string[] = [];
  for (const c of candidates) {
    const d = editDistance(w, c.toUpperCase());
    if (d < best) [best, near] = [d, [c]];
    else if (d === best) near.push(c);
  }
  const prefixed = candidates.filter((c) => w.length >= 3 && c.toUpperCase().startsWith(w));
  if (prefixed.length && prefixed.length <= 3 && best > 0) near = prefixed;
  else if (best === 0 || best > Math.max(1, Math.floor(w.length / 3))) return '';
  return ` (did you mean ${near.slice(0, 3).join(' or ')}?)`;
}

function ruleOrThrow(id: string, packs: readonly string[]) {
  const r = ruleById(id.toUpperCase());
  if (!r) {
    const ids = RULES.map((x) => x.meta.id);
    throw new UsageError(
      `unknown rule, pack or name "${id}"${didYouMean(id, [...ids, ...packs])}; \`sentinel rules\` lists the rules and packs`,
    );
  }
  return r;
}

/**
 * `sentinel PATH…` is `sentinel scan PATH…`: when the first word is no command, no option and names an existing
 * path, standard input or a remote target, `scan` is put in front. Any other unknown word stays an unknown command
 * (commander suggests the nearest command).
 */
function withScanCommand(argv: readonly string[]): string[] {
  const first = argv[0];
  if (first === undefined || (first.startsWith('-') && first !== '-') || first === 'help') return [...argv];
  if (COMMANDS.has(first)) return [...argv];
  const target = first === '-' || /^(https?|hf|oci):\/\//.test(first) || existsSync(resolve(first));
  return target ? ['scan', ...argv] : [...argv];
}

/** The CLI's commands by name and alias. */
const COMMANDS: ReadonlyMap<string, string> = new Map([
  ['scan', 'scan'],
  ['artifact', 'scan'],
  ...['convert', 'serve', 'worker', 'submit', 'results', 'rules', 'explain', 'init', 'policy'].map(
    (c) => [c, c] as [string, string],
  ),
]);

/**
 * The one command `args` (after withScanCommand) run, or undefined when the arguments name none (help, the version,
 * an unknown word, which commander answers from the full command list). Only that command is set up: each command's
 * options cost start-up time, and a scan is the CLI's most frequent run.
 */
function commandRun(args: readonly string[]): string | undefined {
  return args[0] === undefined ? undefined : COMMANDS.get(args[0]);
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const program = new Command();
  const args = withScanCommand(argv);
  const only = commandRun(args);
  const wanted = (name: string): boolean => only === undefined || only === name;
  let result = 0;
  const metas = (): RuleMeta[] => RULES.map((r) => r.meta);
  program
    .name('sentinel')
    .description('Static release gate for ML artifacts and ML code. Never executes what it scans.')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  if (wanted('scan')) {
    const scanCmd = program
      .command('scan')
      .helpGroup('Scan and fix:')
      .alias('artifact')
      .summary('scan files, folders, model caches and remote models, and gate the release')
      .description(
        'Scan files, folders, model caches and remote models (pickles, checkpoints, archives, ML code) and gate the ' +
          'release: exit 0 when the gate passes, 1 when it fails, 2 on a usage or tool error. Nothing scanned is ' +
          'ever executed.',
      )
      .argument(
        '<paths...>',
        'files or folders to scan (folders are walked; every file is read by its content); - reads standard input; ' +
          'https:// (loopback http://) URLs, hf://ORG/NAME[@REV][/PATH] and oci://REGISTRY/REPO[:TAG|@DIGEST] are read ' +
          'with range requests',
      )
      .optionsGroup('Output:')
      .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('text'))
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option(
        '--write <format=file>',
        'also write the report of the same scan in another format to a file (repeatable)',
        (v: string, prev: string[]) => [...prev, v],
        [] as string[],
      )
      .option('-q, --quiet', 'no text report and no progress (machine formats are still written)')
      .option('-v, --verbose', 'the full record of each finding, every pickle and the file inventory (SHA-256, size)')
      .option('--list-globals', 'print the globals each pickle imports and how each is judged')
      .optionsGroup('What to scan:')
      .option('--rule <id|category>', 'only these rules or categories (repeatable, comma-separated)', collect, [])
      .option(
        '--exclude <glob>',
        'leave out matching paths inside scanned folders (repeatable; a glob without / matches a name at any depth)',
        (v: string, prev: string[]) => [...prev, v],
        [] as string[],
      )
      .option('--respect-gitignore', "leave out what the git checkout's .gitignore files ignore")
      .option('--no-default-skips', 'also walk .git/.hg/.svn, virtualenvs and tool caches (skipped by default)')
      .option(
        '--no-sha256',
        "never take each file's SHA-256, not even for reports that show it (JSON, SARIF, CycloneDX, --verbose text)",
      )
      .option(
        '--jobs <n>',
        'files scanned at once on worker threads (default: available parallelism, used where workers pay)',
      )
      .option(
        '--time-limit <seconds>',
        'stop the whole scan after this long: files not fully read by then are SCAN-INCOMPLETE (default: none)',
      )
      .optionsGroup('Gate and policy:')
      .option('--policy <file>', `policy file (default: ${POLICY_FILE_NAME} in the working directory, if present)`)
      .option('--fail-on <severities>', 'severities that fail the gate at every policy level (default CRITICAL,HIGH)')
      .option('--baseline <report.json>', 'previous JSON report: fail only on new findings, list closed ones')
      .addOption(
        new Option('--preset <preset>', 'pickle threshold preset (overrides the policy)').choices(PRESET_NAMES),
      )
      .addOption(
        new Option(
          '--pickle-threshold <safety-level>',
          `highest pickle safety level that passes (overrides preset and policy): ${SAFETY_LEVELS.join(', ')}`,
        ),
      )
      .addOption(new Option('--max-acceptable-severity <safety-level>').hideHelp())
      .option('--docs-url <url>', 'base URL of docs/rules/ for SARIF helpUri (e.g. https://host/repo/docs/rules/)')
      .addOption(new Option('--now <YYYY-MM-DD>', 'date used for acceptance expiry (testing)').hideHelp())
      .optionsGroup('Model signatures (OpenSSF Model Signing):');
    addSignatureOptions(scanCmd).optionsGroup('Remote targets:');
    addRemoteOptions(scanCmd)
      .addHelpText('after', SCAN_EXAMPLES)
      .action(async (paths: string[], o: ArtifactOptions) => {
        // The retest commands of the findings repeat the word the user typed (`sentinel artifact ...`).
        result = await runArtifact(paths, o, io, args[0] === 'artifact' ? 'artifact' : 'scan');
      });
  }
  if (wanted('convert')) {
    program
      .command('convert')
      .helpGroup('Scan and fix:')
      .description(
        'write the tensors of a pickled checkpoint as safetensors without running it (scanned and gated first)',
      )
      .argument('<input>', 'torch checkpoint (zip or legacy), .npy, .npz, pickle or joblib dump of arrays')
      .option('-o, --out <file>', 'output file (default: the input name with .safetensors, next to it)')
      .option('--out-dir <dir>', 'write <input name>.safetensors into this folder')
      .option('--force', 'overwrite an existing output file')
      .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
      .option(
        '--allow-findings',
        'convert even when the input fails the gate (only tensor data and plain metadata are copied)',
      )
      .option('--select <prefix>', "tensors under this dotted key path, prefix stripped ('' keeps every tensor)")
      .option(
        '--metadata <key=value>',
        'add a __metadata__ entry (repeatable)',
        (v: string, p: string[]) => [...p, v],
        [],
      )
      .option('--policy <file>', `policy file (default: ${POLICY_FILE_NAME} in the working directory, if present)`)
      .addOption(new Option('--now <YYYY-MM-DD>', 'date used for acceptance expiry (testing)').hideHelp())
      .action(async (input: string, o: Record<string, unknown>) => {
        result = await (await import('./convert.js')).runConvert(input, o, io);
      });
  }

  if (wanted('serve')) {
    program
      .command('serve')
      .helpGroup('Service and queue:')
      .description('run the HTTP scanning service (POST /v1/scan, GET /v1/scans/{id}, /healthz, /metrics)')
      .option('--host <host>', 'address to listen on (without a token: loopback only)', '127.0.0.1')
      .option('--port <port>', 'port to listen on (0: any free port)', '8080')
      .option('--token <token>', 'bearer token clients must send (default: SENTINEL_TOKEN)')
      .option(
        '--root <dir>',
        'folder whose files clients may name as targets (repeatable)',
        (v: string, p: string[]) => [...p, v],
        [],
      )
      .option('--policy <file>', `policy file (default: ${POLICY_FILE_NAME} in the working directory, if present)`)
      .option('--max-running <n>', 'scans run at once (default 2)')
      .option('--max-upload-bytes <n>', 'largest upload accepted (default: maxEntryBytes)')
      .option('--jobs <n>', 'files of one scan scanned at once on worker threads (default 1)')
      .option(
        '--scan-seconds <n>',
        'total time of one scan from taking its slot (default 600); remote reads end by 90% of it, the scan at it',
      )
      .option(
        '--grace-seconds <n>',
        'on SIGTERM, how long running scans may finish before they are cancelled (default 30)',
      )
      .option(
        '--max-connections-per-address <n>',
        'connections held at once from one client address, an IPv6 /64 (default 64; 0: no cap per address)',
      )
      .option('--allow-private-targets', 'remote targets may name loopback and private addresses')
      .action(async (o: import('./serve.js').ServeCliOptions) => {
        result = await (await import('./serve.js')).runServe(o, io);
      });
  }

  const repeat = (v: string, p: string[]): string[] => [...p, v];
  if (wanted('worker')) {
    program
      .command('worker')
      .helpGroup('Service and queue:')
      .description('scan jobs from a Redis queue (BullMQ) until SIGTERM; results go to a Redis stream')
      .requiredOption('--redis <url>', 'Redis URL (redis://host:port)')
      .option('--queue <name>', 'queue name (default sentinel-scan)')
      .option('--root <dir>', 'folder whose files jobs may name (repeatable)', repeat, [])
      .option('--concurrency <n>', 'jobs run at once (default 4)')
      .option('--job-seconds <n>', "time budget of one target's scan (default 600)")
      .option('--lock-seconds <n>', "a dead worker's jobs go to another worker after this long (default 30)")
      .option('--grace-seconds <n>', 'on SIGTERM, how long jobs in flight may finish (default 30)')
      .option('--webhook <url>', 'also POST each result summary to this URL')
      .option('--allow-private-targets', 'remote targets may name loopback and private addresses')
      .option('--warm-up <n>', 'scans of made-up small pickles before the first job (default 2000; 0: none)')
      .action(async (o: import('./queue-commands.js').WorkerCliOptions) => {
        result = await (await import('./queue-commands.js')).runWorker(o, io);
      });
  }

  if (wanted('submit')) {
    program
      .command('submit')
      .helpGroup('Service and queue:')
      .description('add scan jobs to a Redis queue; with --wait, print the report and exit as `scan` would')
      .argument('<targets...>', 'files, folders or URLs the workers can reach')
      .requiredOption('--redis <url>', 'Redis URL (redis://host:port)')
      .option('--queue <name>', 'queue name (default sentinel-scan)')
      .option('--wait', 'wait for every job and gate the results')
      .option('--timeout <seconds>', 'with --wait: give up after this long (exit 2)')
      .option('--attempts <n>', 'attempts per job before it goes to the dead-letter queue (default 3)')
      .option(
        '--batch <n>',
        'local paths per queue job (default 128); URLs, and folders and files over 1 MiB (moved by the worker), get a job each',
      )
      .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('text'))
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option('--policy <file>', `policy file (default: ${POLICY_FILE_NAME} in the working directory, if present)`)
      .option('--rule <id|category>', 'only these rules or categories (repeatable, comma-separated)', collect, [])
      .option('--fail-on <severities>', 'severities that fail the gate at every policy level')
      .action(async (targets: string[], o: import('./queue-commands.js').SubmitCliOptions) => {
        result = await (await import('./queue-commands.js')).runSubmit(targets, o, io);
      });
  }

  if (wanted('results')) {
    program
      .command('results')
      .helpGroup('Service and queue:')
      .description('read back the results of a submission (`submit` printed its id) and report them as `submit --wait`')
      .argument('<submission>', 'the submission id `submit` printed')
      .requiredOption('--redis <url>', 'Redis URL (redis://host:port)')
      .option('--queue <name>', 'queue name (default sentinel-scan)')
      .option('--wait', 'wait for targets still being scanned (default: exit 2 saying how many)')
      .option('--timeout <seconds>', 'with --wait: give up after this long (exit 2)')
      .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('text'))
      .option('-o, --output <file>', 'write the report to a file instead of stdout')
      .option('--policy <file>', `policy file (default: ${POLICY_FILE_NAME} in the working directory, if present)`)
      .option('--rule <id|category>', 'only these rules or categories (repeatable, comma-separated)', collect, [])
      .option('--fail-on <severities>', 'severities that fail the gate at every policy level')
      .action(async (submission: string, o: import('./queue-commands.js').ResultsCliOptions) => {
        result = await (await import('./queue-commands.js')).runResults(submission, o, io);
      });
  }

  if (wanted('rules')) {
    program
      .command('rules')
      .helpGroup('Rules and policy:')
      .description('list every rule (the rule index)')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
      .action(async (o: { format: 'text' | 'json' }) => {
        const { renderRuleIndexJson, renderRuleIndexText } = await import('../report/rule-explain.js');
        const { packSummaryLines } = await import('../report/pack-explain.js');
        io.stdout(
          o.format === 'json'
            ? renderRuleIndexJson(metas())
            : renderRuleIndexText(metas()) +
                [
                  'Allowlist packs (`sentinel explain PACK` lists what one admits and why):',
                  ...packSummaryLines(),
                  '',
                ].join('\n'),
        );
      });
  }

  if (wanted('explain')) {
    program
      .command('explain')
      .helpGroup('Rules and policy:')
      .description('show one rule in full, what an allowlist pack admits and why, or how one pickle global is judged')
      .argument(
        '<what>',
        'a rule ID (PICKLE-EXEC), an allowlist pack (pandas), or a global (pandas.core.frame.DataFrame)',
      )
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
      .action(async (id: string, o: { format: 'text' | 'json' | 'markdown' }) => {
        // A terminal's width; a pipe (a CI log, a pager) gets 100 columns, as the text report does.
        const width = io.isTTY ? (io.columns ?? 80) : 100;
        let packNames: string[] = [];
        if (!ruleById(id.toUpperCase())) {
          const packs = await import('../report/pack-explain.js');
          packNames = (await import('../rules/data/allowlist.js')).packIds();
          const pack = packs.findPack(id);
          if (pack) {
            io.stdout(o.format === 'json' ? packs.renderPackJson(pack) : packs.renderPackText(pack, width));
            return;
          }
          if (/^[A-Za-z_][\w]*(\.[A-Za-z_<][\w>]*)+$/.test(id)) {
            const v = packs.explainName(id);
            io.stdout(o.format === 'json' ? JSON.stringify(v, null, 2) + '\n' : packs.renderNameText(v, width));
            return;
          }
        }
        const meta = ruleOrThrow(id, packNames).meta;
        const { renderExplainJson, renderExplainText } = await import('../report/rule-explain.js');
        const { wrapText } = await import('../report/wrap-text.js');
        const { renderRuleDoc } = await import('../report/rule-doc.js');
        io.stdout(
          o.format === 'json'
            ? renderExplainJson(meta, metas())
            : o.format === 'markdown'
              ? renderRuleDoc(meta, metas(), false)
              : renderExplainText(meta, metas(), width) +
                (meta.id === 'PICKLE-GLOBAL-IMPORT'
                  ? [
                      '',
                      ...wrapText(
                        'Allowlist packs (on by default; `sentinel explain PACK` lists what one admits and why, ' +
                          '`sentinel explain module.name` how one global is judged; allow_packs: {PACK: false} ' +
                          'turns one off):',
                        width,
                        '',
                        '',
                      ),
                      ...(await import('../report/pack-explain.js')).packSummaryLines(width),
                      '',
                    ].join('\n')
                  : ''),
        );
      });
  }

  if (wanted('init')) {
    program
      .command('init')
      .helpGroup('Rules and policy:')
      .description(`write a commented starter policy (${POLICY_FILE_NAME})`)
      .argument('[file]', 'where to write it', POLICY_FILE_NAME)
      .option('--force', 'overwrite an existing file')
      .action(async (file: string, o: { force?: boolean }) => {
        const path = resolve(file);
        if (existsSync(path) && !o.force) throw new UsageError(`${file} exists; use --force to overwrite it`);
        const { starterPolicy } = await import('../policy/starter-policy.js');
        writeFileSync(path, starterPolicy());
        io.stdout(`wrote ${file}\n`);
      });
  }

  if (wanted('policy')) {
    program
      .command('policy')
      .helpGroup('Rules and policy:')
      .description('validate a policy file and print what it resolves to')
      .argument('[file]', 'policy file', POLICY_FILE_NAME)
      .action(async (file: string) => {
        const cwd = process.cwd();
        const { formatPolicyIssues, parsePolicy } = await import('../policy/load-policy.js');
        const { thresholdConflict } = await import('../policy/derived-threshold.js');
        const { packIds } = await import('../rules/data/allowlist.js');
        const r = parsePolicy(readInputText(resolve(cwd, file), 'policy'), file);
        if (!r.ok) throw new UsageError(`invalid policy:\n${formatPolicyIssues(file, r.issues)}`);
        const p = r.policy;
        const conflict = thresholdConflict(p);
        if (conflict) io.stderr(`sentinel: warning: ${file}: ${conflict}\n`);
        io.stdout(
          [
            `${file}: valid`,
            `  default:    fail_on ${p.defaults.failOn.join(',') || '-'}  ticket_on ${p.defaults.ticketOn.join(',') || '-'}`,
            ...[...p.categories].map(
              ([c, l]) =>
                `  category ${c}: fail_on ${l.failOn?.join(',') ?? '(default)'}  ticket_on ${l.ticketOn?.join(',') ?? '(default)'}`,
            ),
            ...[...p.rules].map(
              ([id, l]) =>
                `  rule ${id}: fail_on ${l.failOn?.join(',') ?? '(inherited)'}${l.owner ? `  owner ${l.owner}` : ''}`,
            ),
            `  threshold:  ${p.maxAcceptableSeverity} (${p.thresholdFrom === 'fail_on' ? p.thresholdDerivation : `preset ${p.preset}: ${PRESETS[p.preset].max}`})`,
            `  allow_packs: ${packIds()
              .map((id) => `${id}${p.disabledPacks.has(id) ? ' (off)' : ''}`)
              .join(', ')}`,
            `  also_allow: ${[...p.alsoAllow.keys()].join(', ') || '-'}`,
            `  test_code:  ${p.testCode} (findings in test files: ${p.testCode === 'gate' ? 'decided by severity' : 'tickets'})`,
            `  template_runtime: ${p.templateRuntime} (chat templates judged for ${p.templateRuntime === 'sandboxed' ? "jinja2's sandbox" : 'a plain jinja2.Environment'})`,
            `  torch_safe_globals: ${[...p.torchSafeGlobals.keys()].join(', ') || '-'}`,
            `  acceptances: ${p.acceptances.length}`,
            '',
          ].join('\n'),
        );
      });
  }

  program.addHelpText(
    'after',
    `
Examples:
  sentinel scan models/                 scan a folder and gate the release (sentinel models/ works too)
  sentinel scan models/ -f sarif -o sentinel.sarif
  sentinel explain PICKLE-EXEC          what a rule means, how to fix and retest
  sentinel init                         write a commented starter ${POLICY_FILE_NAME}

\`sentinel scan --help\` lists the scan options.
`,
  );
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    if (
      e instanceof UsageError ||
      e instanceof SentinelError ||
      e instanceof OperatorError ||
      e instanceof RemoteOptionError
    ) {
      io.stderr(`sentinel: ${e.message}\n`);
      return 2;
    }
    const missing = missingOptionalPackage(e);
    if (missing) {
      io.stderr(`sentinel: ${missingPackageMessage(missing)}\n`);
      return 2;
    }
    io.stderr(`sentinel: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
  return result;
}
