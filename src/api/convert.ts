// convert(): one checkpoint → a safetensors file and the conversion report (the object `sentinel convert --format
// json` writes). The input is scanned and gated first; the file is written to a temporary name in the target folder
// and renamed into place (never over an existing file unless `force`); on any failure or abort no output file is
// left. The one path from input to report: the CLI's `convert` command calls it too. Never prints, never exits.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, linkSync, openSync, renameSync, statSync, unlinkSync, write as fsWrite } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { prepareConversion, type Prepared } from '../convert/convert.js';
import { writeConversion, type WrittenTensor } from '../convert/write-tensors.js';
import { DEFAULT_POLICY, type Policy } from '../policy/policy.js';
import { assembleConvertReport, type ConvertReport } from '../report/convert-report.js';
import { SentinelError } from './errors.js';
import { isoUtc } from '../core/iso-time.js';

/** Options of `convert`; every one is optional. */
export interface ConvertOptions {
  /** Output file. Default: the input's name with `.safetensors`, in `outDir` or next to the input. */
  readonly output?: string;
  /** Folder for the output when `output` is not given (created if missing). */
  readonly outDir?: string;
  /** Replace an existing output file. */
  readonly force?: boolean;
  /** Convert even when the input fails the gate (the findings stay in the report). */
  readonly allowFindings?: boolean;
  /** Keep the tensors under this dotted key path (prefix stripped); `''` keeps every tensor. Default: see README. */
  readonly select?: string;
  /** `__metadata__` entries written as given (they beat values taken from the checkpoint). */
  readonly metadata?: Readonly<Record<string, string>> | readonly (readonly [string, string])[];
  /** The release-gate policy (from `loadPolicy`). Default: the built-in policy. */
  readonly policy?: Policy;
  /** Clock for `startedAt` and acceptance expiry. Default: now. */
  readonly now?: Date;
  /** Directory relative paths are resolved against. Default `process.cwd()`. */
  readonly cwd?: string;
  /** Stops the conversion (the temporary file is removed); `convert` then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

function outputPath(inPath: string, o: ConvertOptions, cwd: string): string {
  if (o.output !== undefined && o.outDir !== undefined)
    throw new SentinelError('usage', 'give either an output file or an output folder, not both');
  if (o.output !== undefined) return resolve(cwd, o.output);
  const name = basename(inPath, extname(inPath)) + '.safetensors';
  return join(o.outDir !== undefined ? resolve(cwd, o.outDir) : dirname(inPath), name);
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

/** Writes the planned file under a temporary name next to `out` and moves it into place. */
async function writeOutput(
  prepared: Extract<Prepared, { status: 'ready' }>,
  out: string,
  force: boolean,
  signal: AbortSignal | undefined,
): Promise<WrittenTensor[]> {
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let fd = openSync(tmp, 'wx', 0o644);
  let done = false;
  try {
    let pos = 0;
    const hashes = await writeConversion(
      prepared.plan,
      {
        write: (chunk) => {
          const at = pos;
          pos += chunk.length;
          return writeAt(fd, chunk, at);
        },
      },
      signal ? { signal } : {},
    );
    if (pos !== prepared.plan.layout.fileBytes)
      throw new Error(`wrote ${pos} bytes, the layout says ${prepared.plan.layout.fileBytes}`);
    closeSync(fd);
    fd = -1;
    if (prepared.changed()) throw new Error('the input changed while it was being converted');
    signal?.throwIfAborted();
    if (force) renameSync(tmp, out);
    else {
      try {
        linkSync(tmp, out); // fails when the output appeared meanwhile: never overwritten without force
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST')
          throw new Error(`${out} appeared while converting; use --force to overwrite it`);
        if (existsSync(out)) throw e;
        renameSync(tmp, out); // file systems without hard links
      }
    }
    done = true;
    return hashes;
  } finally {
    if (fd >= 0) closeSync(fd);
    if (!done || !force) {
      try {
        unlinkSync(tmp); // the partial file, or the second name of the linked one
      } catch {
        /* renamed or already gone */
      }
    }
  }
}

/**
 * Converts one checkpoint (torch zip or legacy, .npy, .npz, pickle or joblib dump of arrays) to safetensors.
 *
 * Resolves with the report whatever the outcome: `status` is `converted` (exit code 0), `refused` by the gate (1,
 * nothing written) or `error` (2: the input cannot be converted or the file could not be written; nothing left).
 *
 * @throws SentinelError (`usage`) for conflicting options or an output that exists without `force`; (`io`) for an
 *   input that is not a readable file; rejects with `signal.reason` when aborted.
 */
export async function convert(input: string, options: ConvertOptions = {}): Promise<ConvertReport> {
  options.signal?.throwIfAborted();
  const cwd = options.cwd ?? process.cwd();
  const inPath = resolve(cwd, input);
  let st;
  try {
    st = statSync(inPath);
  } catch (e) {
    throw new SentinelError('io', `cannot read ${input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!st.isFile()) throw new SentinelError('usage', `${input} is not a file (convert takes one checkpoint)`);
  const out = outputPath(inPath, options, cwd);
  if (out === inPath) throw new SentinelError('usage', `the output ${out} would replace the input`);
  if (options.outDir !== undefined && options.output === undefined) {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dirname(out), { recursive: true });
  }
  if (!existsSync(dirname(out))) throw new SentinelError('usage', `the output folder ${dirname(out)} does not exist`);
  if (existsSync(out) && !options.force) throw new SentinelError('usage', `${out} exists; use --force to overwrite it`);
  const metadata = Array.isArray(options.metadata)
    ? (options.metadata as readonly (readonly [string, string])[])
    : Object.entries(options.metadata ?? {});
  const policy = options.policy ?? DEFAULT_POLICY;
  const started = options.now ?? new Date();
  const t0 = Date.now();
  const prepared = await prepareConversion({
    input: inPath,
    policy,
    today: isoUtc(started).slice(0, 10),
    cwd,
    ...(options.select !== undefined ? { select: options.select } : {}),
    metadata,
    allowFindings: options.allowFindings ?? false,
  });
  let written: { path: string; tensors: WrittenTensor[] } | undefined;
  let writeError: string | undefined;
  if (prepared.status === 'ready') {
    try {
      written = { path: out, tensors: await writeOutput(prepared, out, options.force ?? false, options.signal) };
    } catch (e) {
      if (options.signal?.aborted) throw options.signal.reason;
      writeError = `writing ${out} failed: ${(e as Error).message}`;
    } finally {
      prepared.source.close();
    }
  }
  return assembleConvertReport({
    prepared,
    policy,
    startedAt: isoUtc(started),
    durationMs: Date.now() - t0,
    allowFindings: options.allowFindings ?? false,
    ...(written ? { written } : {}),
    ...(writeError !== undefined ? { writeError } : {}),
  });
}
