// `sentinel convert <input>`: turns the options into a call of the API's convert() (which scans, gates, writes the
// file through a temporary name and returns the report), stops it cleanly on SIGINT/SIGTERM (the temporary file is
// removed; exit 130), and prints the report. Exit codes: 0 converted, 1 refused by the gate, 2 usage or conversion
// error.
import { convert } from '../api/convert.js';
import { loadPolicy } from '../api/load-policy.js';
import { today, UsageError, type Io } from './main.js';
import { isoUtc } from '../core/iso-time.js';

export interface ConvertCliOptions {
  out?: string;
  outDir?: string;
  force?: boolean;
  format?: 'text' | 'json';
  allowFindings?: boolean;
  select?: string;
  metadata?: string[];
  policy?: string;
  now?: string;
}

function parseMetadata(entries: readonly string[]): [string, string][] {
  return entries.map((e) => {
    const eq = e.indexOf('=');
    if (eq <= 0) throw new UsageError(`--metadata expects KEY=VALUE, got ${JSON.stringify(e)}`);
    return [e.slice(0, eq), e.slice(eq + 1)];
  });
}

export async function runConvert(input: string, raw: Record<string, unknown>, io: Io): Promise<number> {
  const o = raw as ConvertCliOptions;
  const cwd = process.cwd();
  const metadata = parseMetadata(o.metadata ?? []);
  if (o.out !== undefined && o.outDir !== undefined) throw new UsageError('use either -o/--out or --out-dir, not both');
  const day = today(o, io);
  const policy = await loadPolicy(o.policy, { cwd });
  const started = io.now?.() ?? new Date();
  const stop = new AbortController();
  const interrupted = (): void => stop.abort(new Error('interrupted'));
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let report;
  try {
    report = await convert(input, {
      ...(o.out !== undefined ? { output: o.out } : {}),
      ...(o.outDir !== undefined ? { outDir: o.outDir } : {}),
      force: o.force ?? false,
      allowFindings: o.allowFindings ?? false,
      ...(o.select !== undefined ? { select: o.select } : {}),
      metadata,
      policy,
      now: new Date(`${day}T${isoUtc(started).slice(11)}`),
      cwd,
      signal: stop.signal,
    });
  } catch (e) {
    if (stop.signal.aborted) {
      io.stderr('sentinel: convert interrupted; nothing was written\n');
      return 130;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
  }
  if (o.format === 'json') io.stdout(JSON.stringify(report, null, 2) + '\n');
  else {
    const { renderConvertText } = await import('../report/convert-text.js');
    io.stdout(renderConvertText(report, { color: io.isTTY && !io.env['NO_COLOR'] }));
  }
  return report.exitCode;
}
