// `sentinel convert <input>`: checks the arguments, loads the policy, has the input scanned, gated and planned
// (src/convert), writes the safetensors file to a temporary file in the target folder and renames it into place
// (never over an existing file without --force; no output file is left behind on any failure), then prints the
// report. Exit codes: 0 converted, 1 refused by the gate, 2 usage or conversion error.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  statSync,
  unlinkSync,
  write as fsWrite,
} from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { prepareConversion, type Prepared } from '../convert/convert.js';
import { writeConversion, type WrittenTensor } from '../convert/write-tensors.js';
import { assembleConvertReport } from '../report/convert-report.js';
import { loadPolicy } from '../api/load-policy.js';
import { today, UsageError, type Io } from './main.js';

export interface ConvertOptions {
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

function outputPath(inPath: string, o: ConvertOptions, cwd: string): string {
  if (o.out !== undefined && o.outDir !== undefined) throw new UsageError('use either -o/--out or --out-dir, not both');
  if (o.out !== undefined) return resolve(cwd, o.out);
  const name = basename(inPath, extname(inPath)) + '.safetensors';
  if (o.outDir !== undefined) {
    const dir = resolve(cwd, o.outDir);
    mkdirSync(dir, { recursive: true });
    return join(dir, name);
  }
  return join(dirname(inPath), name);
}

function writeAt(fd: number, chunk: Uint8Array, position: number): Promise<void> {
  return new Promise((ok, fail) => {
    const step = (done: number): void => {
      if (done === chunk.length) return ok();
      fsWrite(fd, chunk, done, chunk.length - done, position + done, (err, n) => {
        if (err) fail(err);
        else if (n === 0) fail(new Error('write returned 0 bytes'));
        else step(done + n);
      });
    };
    step(0);
  });
}

/** Writes the planned file to a temporary name next to `out` and moves it into place. */
async function writeOutput(
  prepared: Extract<Prepared, { status: 'ready' }>,
  out: string,
  force: boolean,
): Promise<WrittenTensor[]> {
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd = openSync(tmp, 'wx', 0o644);
  let done = false;
  const cleanup = (): void => {
    if (fd >= 0) closeSync(fd);
    fd = -1;
    if (!done) {
      try {
        unlinkSync(tmp);
      } catch {
        /* already gone */
      }
    }
  };
  const interrupted = (): void => {
    cleanup();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    let pos = 0;
    const hashes = await writeConversion(prepared.plan, {
      write: (chunk) => {
        const at = pos;
        pos += chunk.length;
        return writeAt(fd, chunk, at);
      },
    });
    if (pos !== prepared.plan.layout.fileBytes)
      throw new Error(`wrote ${pos} bytes, the layout says ${prepared.plan.layout.fileBytes}`);
    closeSync(fd);
    fd = -1;
    if (prepared.changed()) throw new Error('the input changed while it was being converted');
    if (force) renameSync(tmp, out);
    else {
      try {
        linkSync(tmp, out); // fails if the output appeared meanwhile: never overwritten without --force
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new Error(`${out} appeared while converting; use --force to overwrite it`);
        if (existsSync(out)) throw e;
        renameSync(tmp, out); // file systems without hard links
      }
      try {
        unlinkSync(tmp);
      } catch {
        /* renamed */
      }
    }
    done = true;
    return hashes;
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    cleanup();
  }
}

export async function runConvert(input: string, raw: Record<string, unknown>, io: Io): Promise<number> {
  const o = raw as ConvertOptions;
  const cwd = process.cwd();
  const inPath = resolve(cwd, input);
  let st;
  try {
    st = statSync(inPath);
  } catch (e) {
    throw new UsageError(`cannot read ${input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!st.isFile()) throw new UsageError(`${input} is not a file (convert takes one checkpoint)`);
  const metadata = parseMetadata(o.metadata ?? []);
  const out = outputPath(inPath, o, cwd);
  if (out === inPath) throw new UsageError(`the output ${out} would replace the input`);
  if (!existsSync(dirname(out))) throw new UsageError(`the output folder ${dirname(out)} does not exist`);
  if (existsSync(out) && !o.force) throw new UsageError(`${out} exists; use --force to overwrite it`);
  const policy = await loadPolicy(o.policy, { cwd });
  const day = today(o, io);
  const t0 = Date.now();
  const startedAt = (io.now?.() ?? new Date()).toISOString();
  const prepared = await prepareConversion({
    input: inPath,
    policy,
    today: day,
    cwd,
    ...(o.select !== undefined ? { select: o.select } : {}),
    metadata,
    allowFindings: o.allowFindings ?? false,
  });
  let written: { path: string; tensors: WrittenTensor[] } | undefined;
  let writeError: string | undefined;
  if (prepared.status === 'ready') {
    try {
      written = { path: out, tensors: await writeOutput(prepared, out, o.force ?? false) };
    } catch (e) {
      writeError = `writing ${out} failed: ${(e as Error).message}`;
    } finally {
      prepared.source.close();
    }
  }
  const report = assembleConvertReport({
    prepared,
    policy,
    startedAt,
    durationMs: Date.now() - t0,
    allowFindings: o.allowFindings ?? false,
    ...(written ? { written } : {}),
    ...(writeError !== undefined ? { writeError } : {}),
  });
  if (o.format === 'json') io.stdout(JSON.stringify(report, null, 2) + '\n');
  else {
    const { renderConvertText } = await import('../report/convert-text.js');
    io.stdout(renderConvertText(report, { color: io.isTTY && !io.env['NO_COLOR'] }));
  }
  return report.exitCode;
}
