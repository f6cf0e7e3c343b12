// Command-line entry: parses argv, runs the engine, renders the report, writes it, and returns the exit code
// (0 gate passed, 1 gate failed, 2 usage or tool error). The only module that prints or writes files.
import { writeFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { scanPaths, worstSafety } from '../core/engine.js';
import { REPORT_SCHEMA_VERSION, TOOL_NAME, TOOL_VERSION, type ScanReport } from '../core/report.js';
import { isSeverity, SEVERITIES, type Severity } from '../core/severity.js';
import { applyGate, DEFAULT_GATE, exitCode } from '../policy/gate.js';
import { renderJson } from '../report/json.js';
import { renderText } from '../report/text.js';
import { CATEGORIES, RULES } from '../rules/index.js';

export interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const defaultIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
  env: process.env,
};

class UsageError extends Error {}

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

function validateRules(sel: string[]): string[] {
  const known = new Set<string>([...RULES.map((r) => r.meta.id), ...CATEGORIES]);
  for (const s of sel) {
    if (!known.has(s.toUpperCase())) {
      throw new UsageError(`unknown rule or category "${s}" (known: ${[...known].sort().join(', ')})`);
    }
  }
  return sel.map((s) => s.toUpperCase());
}

interface ArtifactOptions {
  rule: string[];
  format: 'text' | 'json';
  output?: string;
  failOn?: string;
  verbose?: boolean;
}

async function runArtifact(paths: string[], o: ArtifactOptions, io: Io): Promise<number> {
  const only = validateRules(o.rule);
  const failOn = o.failOn !== undefined ? parseSeverities(o.failOn) : DEFAULT_GATE.failOn;
  const startedAt = new Date().toISOString();
  const result = await scanPaths(paths, { only });
  const gate = applyGate(result.findings, {
    failOn,
    ticketOn: DEFAULT_GATE.ticketOn.filter((s) => !failOn.includes(s)),
  });
  const code = exitCode(gate, result.errors.length);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule: Record<string, number> = {};
  for (const f of result.findings) {
    bySeverity[f.severity]++;
    byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  }
  const report: ScanReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    command: 'artifact',
    targets: paths,
    startedAt,
    durationMs: result.durationMs,
    rules: result.rules,
    summary: {
      files: result.files.length,
      pickles: result.pickles.length,
      findings: result.findings.length,
      bySeverity,
      byRule,
      ...(result.pickles.length ? { worstSafety: worstSafety(result.pickles) } : {}),
      gate,
      exitCode: code,
    },
    findings: result.findings,
    pickles: result.pickles,
    files: result.files,
    errors: result.errors,
  };
  const color = !o.output && o.format === 'text' && io.isTTY && !io.env['NO_COLOR'];
  const text = o.format === 'json' ? renderJson(report) : renderText(report, { color, verbose: o.verbose ?? false });
  if (o.output) {
    try {
      writeFileSync(o.output, text);
    } catch (e) {
      io.stderr(`sentinel: cannot write ${o.output}: ${(e as Error).message}\n`);
      return 2;
    }
  } else io.stdout(text);
  return code;
}

/** Runs the CLI; returns the process exit code. */
export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  const program = new Command();
  let result = 0;
  program
    .name('sentinel')
    .description('Static release gate for ML artifacts and ML code. Never executes what it scans.')
    .version(TOOL_VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  program
    .command('artifact')
    .description('scan files and directories (pickles, checkpoints, archives, code) and gate the release')
    .argument('<paths...>', 'files or directories to scan (directories are walked; every file is considered)')
    .option('--rule <id|category>', 'only these rules or categories (repeatable, comma-separated)', collect, [])
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--fail-on <severities>', 'severities that fail the gate (default CRITICAL,HIGH)')
    .option('--verbose', 'also list pickles judged LIKELY_SAFE')
    .action(async (paths: string[], o: ArtifactOptions) => {
      result = await runArtifact(paths, o, io);
    });
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      io.stderr(`sentinel: ${e.message}\n`);
      return 2;
    }
    io.stderr(`sentinel: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 2;
  }
  return result;
}
