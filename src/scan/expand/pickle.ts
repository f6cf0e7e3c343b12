// Raw pickle streams (any file or entry whose bytes are a pickle, whatever its name): every stacked pickle,
// read with plain pickle.load semantics (no persistent_load); joblib's inline arrays are honoured when a
// NumpyArrayWrapper appears, because joblib.load is the loader such a stream is written for. A stream whose
// first pickles are torch's legacy magic number and protocol version is read the way torch's _legacy_load reads it.
import { probePickle, type StreamOptions } from '../../analyzers/pickle/analyze.js';
import type { ImportFact, PickleRun } from '../../analyzers/pickle/facts.js';
import { formatLocation } from '../../core/location.js';
import type { LoaderModel } from '../../analyzers/pickle/vm.js';
import { checkLegacyPersistentId, legacyPersistentValue } from '../../analyzers/pytorch/zip-layout.js';
import { LEGACY_MAGIC, LEGACY_PROTOCOL_VERSION, readKeyList, walkStorages } from '../../formats/pytorch/legacy.js';
import { importMatters } from '../../rules/classify.js';
import type { ByteSource } from '../../sources/byte-source.js';
import type { ContainerAnomaly, Expander, UnitContext } from './context.js';

export const PLAIN_PICKLE: LoaderModel = { persistentLoad: false, joblibArrays: true };
const PLAIN_NO_ARRAYS: LoaderModel = { persistentLoad: false, joblibArrays: false };
const LEGACY_TORCH: LoaderModel = {
  persistentLoad: true,
  joblibArrays: false,
  checkPersistentId: checkLegacyPersistentId,
  persistentValue: legacyPersistentValue,
};

export const pickleExpander: Expander = {
  id: 'pickle',
  detect: () => true,
  async expand(src, ctx) {
    const opts: StreamOptions = { limits: ctx.limits, loader: PLAIN_PICKLE, deadline: ctx.deadline, importMatters };
    const probe = probePickle(src, 0, src.size, opts);
    if (!probe) return false;
    // PROTO then bytes CPython refuses before doing anything (a safetensors header length whose low byte is 0x80):
    // no pickle reading exists. Read as a broken pickle only when no other format reads the file.
    if (probe.refusedBeforeEffect && ctx.otherReadings().length > 0) return false;
    if (probe.cleanRun && isLegacyTorch(src, probe.cleanRun, opts)) {
      ctx.format('torch-legacy');
      await legacyTorch(src, ctx);
      // joblib.load reads the first pickle with its array skips: a reading torch never makes, scanned too.
      const first = probe.cleanRun;
      if (first.joblibArrayAt !== undefined) await ctx.analyzePickle(src, 0, first.end, PLAIN_PICKLE, 'pickle', first);
      return true;
    }
    if (torchReadsLegacy(src, probe.cleanRun, opts)) {
      // joblib.load skips array bytes that torch.load reads as the legacy pickles: both readings are scanned.
      ctx.format('torch-legacy');
      await legacyTorch(src, ctx);
    }
    ctx.format('pickle');
    const { runs } = await ctx.analyzePickle(src, 0, src.size, PLAIN_PICKLE, 'pickle', probe.cleanRun);
    // joblib.dump's files (arrays inline after the pickle, or beside it before joblib 0.10): model files in the
    // inventory.
    const companions = runs.reduce((n, r) => n + (r.companions?.length ?? 0), 0);
    if (companions || runs.some((r) => r.joblibArrayAt !== undefined || r.imports.some(isJoblibWrapper)))
      ctx.inventory({
        where: formatLocation(src.location),
        format: 'joblib',
        details: { pickles: runs.length, ...(companions ? { companionFiles: companions } : {}) },
      });
    return true;
  },
};

/**
 * joblib's array skipping (the reading `probe` used) can hide torch's legacy layout: torch.load reads the stream
 * without it, so where the first pickle skipped array bytes (or could not be read cleanly with the skips), the
 * plain reading decides whether torch.load sees a legacy checkpoint.
 */
function torchReadsLegacy(src: ByteSource, first: PickleRun | undefined, opts: StreamOptions): boolean {
  if (first !== undefined && first.joblibArrayAt === undefined) return false;
  const plainOpts: StreamOptions = { ...opts, loader: PLAIN_NO_ARRAYS };
  const plain = probePickle(src, 0, src.size, plainOpts)?.cleanRun;
  return plain !== undefined && isLegacyTorch(src, plain, plainOpts);
}

/** The magic-number pickle (possibly computed by a reducer) followed by the protocol-version pickle 1001. */
function isLegacyTorch(src: ByteSource, first: PickleRun, opts: StreamOptions): boolean {
  if (!first.stopped || first.end >= src.size) return false;
  if (first.result?.kind === 'int' && String(first.result.value) === LEGACY_MAGIC) return true;
  const second = probePickle(src, first.end, src.size, opts);
  const r = second?.cleanRun?.result;
  return r?.kind === 'int' && r.value === LEGACY_PROTOCOL_VERSION;
}

/** joblib's array wrappers (numpy_pickle's NumpyArrayWrapper, NDArrayWrapper, ZNDArrayWrapper; any vendored copy). */
function isJoblibWrapper(i: ImportFact): boolean {
  return /(^|\.)numpy_pickle(_compat)?$/.test(i.module) && /^Z?N(umpy|D)ArrayWrapper$/.test(i.name);
}

async function legacyTorch(src: ByteSource, ctx: UnitContext): Promise<void> {
  const { runs } = await ctx.analyzePickle(src, 0, src.size, LEGACY_TORCH, 'torch-legacy', undefined, 5);
  ctx.inventory({ where: formatLocation(src.location), format: 'torch-legacy', details: { pickles: runs.length } });
  const anomalies: ContainerAnomaly[] = [];
  const keysRun = runs[4];
  if (runs.length < 5 || !keysRun?.stopped) {
    ctx.container({
      location: src.location,
      format: 'torch legacy',
      anomalies: [
        { code: 'LEGACY_LAYOUT', message: `only ${runs.length} of the 5 legacy pickles could be read`, offset: 0 },
      ],
    });
    return;
  }
  const keys = readKeyList(src, keysRun.start, keysRun.end);
  const types = new Map<string, string>();
  for (const pid of runs[3]!.persistentIds)
    if (pid.key !== undefined && pid.storageType) types.set(pid.key, pid.storageType);
  let end = keysRun.end;
  if (!keys) {
    anomalies.push({
      code: 'LEGACY_KEYS',
      message: 'the storage-keys pickle is not a plain list of strings',
      offset: keysRun.start,
    });
  } else {
    const walk = walkStorages(src, keysRun.end, keys, types);
    anomalies.push(...walk.problems);
    end = walk.end;
  }
  if (end < src.size) {
    const probe = probePickle(src, end, src.size, {
      limits: ctx.limits,
      loader: PLAIN_PICKLE,
      deadline: ctx.deadline,
      importMatters,
    });
    if (probe) await ctx.analyzePickle(src, end, src.size, PLAIN_PICKLE, 'pickle', probe.cleanRun);
    else {
      anomalies.push({
        code: 'LEGACY_TRAILING_BYTES',
        message: `${src.size - end} byte(s) after the last storage that torch never reads`,
        offset: end,
      });
    }
  }
  if (anomalies.length) ctx.container({ location: src.location, format: 'torch legacy', anomalies });
}
