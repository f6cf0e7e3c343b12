// ONNX models (protobuf ModelProto, read with the official schema): operator domains a runtime needs a native
// library for (MODEL-CUSTOM-OP, unless a local function of the model defines the operator), tensors whose
// external_data location leaves the model folder (MODEL-EXTERNAL-DATA), and files that do not parse (MODEL-STRUCT
// when the name says .onnx; otherwise the bytes were simply not ONNX). The file is read in windows and only its
// structure is decoded (inline tensor payloads are left out, formats/onnx/skeleton.ts), so a model of any size costs
// memory for its graph only; that structure is bounded by maxEntryBytes / 16 (64 MiB by default) and
// maxEntries x 20 protobuf fields (2,000,000 by default).
import { formatLocation } from '../../core/location.js';
import type { OnnxExternalTensor, OnnxModel } from '../../formats/onnx/read-onnx.js';
import { looksLikeOnnx } from '../../formats/onnx/sniff.js';
import type { Expander, UnitContext } from './context.js';
import type { OnnxExternalRange } from '../model-folder-summary.js';
import type { ByteSource } from '../../sources/byte-source.js';
import { extensionOf, reportStruct } from './model-signals.js';
import { qonnxPythonOperator } from '../../analyzers/model/onnx-python-ops.js';

/** The external_data keys onnx defines (onnx.proto StringStringEntryProto docs, external_data_helper.py). */
const EXTERNAL_DATA_KEYS: ReadonlySet<string> = new Set(['location', 'offset', 'length', 'checksum', 'basepath']);
const MAX_INT64 = 2n ** 63n - 1n;

/**
 * Operator domains every ONNX runtime implements without extra native code. `com.microsoft` is ONNX Runtime's
 * own contrib domain, built into every onnxruntime package: a documented exception.
 */
export const STANDARD_DOMAINS: ReadonlySet<string> = new Set([
  '',
  'ai.onnx',
  'ai.onnx.ml',
  'ai.onnx.training',
  'ai.onnx.preview',
  'ai.onnx.preview.training',
  'com.microsoft',
]);

const MAX_LISTED_OPS = 50;
/**
 * Share of maxEntryBytes the decoded structure may take as wire bytes: decoded objects weigh several times their wire
 * size, so the structure of a model costs about what maxEntryBytes of raw bytes would.
 */
const STRUCTURE_SHARE = 16;
/**
 * Protobuf fields of the structure per maxEntries: decoded, a field costs ~130 bytes (measured: 1,000,000 nodes of
 * 6 fields, 37 MB of wire bytes, took ~800 MB), so the default 2,000,000 fields stay near 260 MB. Real graphs have
 * up to a few hundred thousand fields.
 */
const FIELDS_PER_ENTRY = 20;

export const onnxExpander: Expander = {
  id: 'onnx',
  detect: (head, src) => looksLikeOnnx(head, src.size) || extensionOf(src) === 'onnx',
  async expand(src, ctx) {
    const named = extensionOf(src) === 'onnx';
    const [{ decodeOnnxSource, isOnnxModel }, { sideFileProblem }] = await Promise.all([
      import('../../formats/onnx/read-onnx.js'),
      import('../../analyzers/model/side-file-path.js'),
    ]);
    const maxBytes = Math.floor(ctx.limits.maxEntryBytes / STRUCTURE_SHARE);
    const maxFields = ctx.limits.maxEntries * FIELDS_PER_ENTRY;
    const decoded = await decodeOnnxSource(src, { maxBytes, maxFields });
    if (!decoded.ok && decoded.limit) {
      if (!named) return false;
      ctx.format('onnx');
      const what =
        'the structure of this ONNX model (graph, attributes and small tensors, without large inline tensor payloads) is decoded in memory and';
      ctx.incomplete({
        location: src.location,
        kind: 'limit',
        ...(decoded.limit === 'bytes'
          ? {
              limit: 'maxEntryBytes',
              reason: `${what} exceeds maxEntryBytes / ${STRUCTURE_SHARE} (${maxBytes} bytes)`,
            }
          : {
              limit: 'maxEntries',
              reason: `${what} has more than maxEntries x ${FIELDS_PER_ENTRY} (${maxFields}) protobuf fields`,
            }),
      });
      return true;
    }
    if (!decoded.ok || !isOnnxModel(decoded.model)) {
      if (named) {
        const why = decoded.ok ? 'it decodes, but has no IR version and no graph or operator sets' : decoded.error;
        reportStruct(
          ctx,
          src,
          'onnx',
          [{ code: 'PARSE', message: `the model does not parse as ONNX (${why})` }],
          'onnx',
        );
      }
      return false;
    }
    const m = decoded.model;
    ctx.format('onnx');
    customOps(src, ctx, m);
    externalData(src, ctx, m, sideFileProblem);
    externalRanges(ctx, m, sideFileProblem);
    if (m.truncatedNodes > 0)
      ctx.incomplete({
        location: src.location,
        kind: 'limit',
        limit: 'maxEntries',
        reason: `${m.truncatedNodes} graph nodes beyond the first 1,000,000 were not checked`,
      });
    const domains: Record<string, number> = {};
    for (const n of m.nodes) domains[n.domain || 'ai.onnx'] = (domains[n.domain || 'ai.onnx'] ?? 0) + 1;
    ctx.inventory({
      where: formatLocation(src.location),
      format: 'onnx',
      tensors: m.initializers,
      metadataKeys: m.metadataKeys.slice(0, 200),
      details: {
        irVersion: m.irVersion,
        ...(m.producer ? { producer: m.producer.slice(0, 200) } : {}),
        opsets: m.opsets.map((o) => `${o.domain || 'ai.onnx'}:${o.version}`),
        nodes: m.nodes.length + m.truncatedNodes,
        nodeDomains: Object.entries(domains).map(([d, n]) => `${d}: ${n}`),
        localFunctions: m.functions.size,
        externalTensors: m.externalTensors.length,
        ...(m.skippedPayloads
          ? { inlinePayloadsNotDecoded: m.skippedPayloads, inlinePayloadBytes: m.skippedPayloadBytes }
          : {}),
      },
    });
    return true;
  },
};

function customOps(src: ByteSource, ctx: UnitContext, m: OnnxModel): void {
  const byOp = new Map<string, { domain: string; opType: string; paths: string[]; names: string[] }>();
  for (const n of m.nodes) {
    if (STANDARD_DOMAINS.has(n.domain)) continue;
    if (m.functions.has(`${n.domain}:${n.opType}`)) continue;
    const key = `${n.domain}:${n.opType}`;
    const e = byOp.get(key) ?? { domain: n.domain, opType: n.opType, paths: [], names: [] };
    if (e.paths.length < MAX_LISTED_OPS) {
      e.paths.push(n.path);
      if (n.name) e.names.push(n.name);
    }
    byOp.set(key, e);
  }
  for (const e of byOp.values()) {
    const qonnx = qonnxPythonOperator(e.domain, e.opType);
    if (qonnx !== undefined) {
      // QONNX's own operator: its numpy implementation in the module the domain names, no native library.
      ctx.note(
        `onnx: operator ${e.domain}::${e.opType} (${e.paths.length} node(s)) is QONNX's Python operator (module ` +
          `${qonnx}): QONNX runs it; ONNX Runtime cannot without it`,
      );
      continue;
    }
    const opset = m.opsets.find((o) => o.domain === e.domain);
    ctx.model({
      rule: 'MODEL-CUSTOM-OP',
      location: src.location,
      format: 'onnx',
      signal:
        `operator ${e.domain}::${e.opType} (${e.paths.length} node(s), first at ${e.paths[0]}) is in a non-standard ` +
        'domain that no local function of the model defines: running it needs an implementation from outside the ' +
        'model: a native custom-operator library registered with the runtime (ONNX Runtime), or the Python module ' +
        'the domain names, which Python executors such as QONNX and FINN import',
      key: `custom-op:${e.domain}:${e.opType}`,
      path: e.paths[0]!,
      confidence: 'high',
      details: {
        domain: e.domain,
        opType: e.opType,
        nodes: e.paths,
        ...(e.names.length ? { nodeNames: e.names.slice(0, 10) } : {}),
        ...(opset ? { opsetVersion: opset.version } : { opsetImported: false }),
      },
    });
  }
}

function externalData(
  src: ByteSource,
  ctx: UnitContext,
  m: OnnxModel,
  sideFileProblem: (ref: string) => { code: string; reason: string } | undefined,
): void {
  for (const t of m.externalTensors) {
    externalEntries(src, ctx, t);
    if (t.location === undefined) {
      if (t.external)
        reportStruct(ctx, src, 'onnx', [
          {
            code: 'EXTERNAL_NO_LOCATION',
            message: `tensor ${JSON.stringify(t.tensor)} is stored externally but names no location`,
            path: t.path,
          },
        ]);
      continue;
    }
    // Every location entry, not only the one a reader keeps (onnx keeps the last; another reader may keep the first).
    const locations = [...new Set(t.list.filter((e) => e.key === 'location').map((e) => e.value))];
    for (const location of locations.length ? locations : [t.location])
      reportLocation(src, ctx, t, location, sideFileProblem);
  }
}

/** Ranges read from files beside the model, checked against those files' sizes after the walk (model-folder.ts). */
function externalRanges(
  ctx: UnitContext,
  m: OnnxModel,
  sideFileProblem: (ref: string) => { code: string; reason: string } | undefined,
): void {
  const tensors: OnnxExternalRange[] = [];
  for (const t of m.externalTensors) {
    const location = t.location;
    if (!t.external || location === undefined || sideFileProblem(location) !== undefined) continue;
    const offset = t.entries['offset'] ?? '0';
    const length = t.entries['length'];
    if (!isInt64(offset) || (length !== undefined && !isInt64(length))) continue; // MODEL-STRUCT already
    tensors.push({ tensor: t.tensor, location, offset, ...(length !== undefined ? { length } : {}), path: t.path });
    if (tensors.length >= MAX_FOLDER_RANGES) break;
  }
  if (tensors.length) ctx.folder({ onnxExternal: { tensors } });
}

/** External ranges handed to the folder check per model (each a few dozen bytes). */
const MAX_FOLDER_RANGES = 100_000;

function reportLocation(
  src: ByteSource,
  ctx: UnitContext,
  t: OnnxExternalTensor,
  location: string,
  sideFileProblem: (ref: string) => { code: string; reason: string } | undefined,
): void {
  const problem = sideFileProblem(location);
  if (!problem) return;
  ctx.model({
    rule: 'MODEL-EXTERNAL-DATA',
    location: src.location,
    format: 'onnx',
    signal:
      `tensor ${JSON.stringify(t.tensor)} reads its data from ${JSON.stringify(location)}: ${problem.reason}` +
      (t.external ? '' : ' (data_location is not EXTERNAL, so loaders skip it today; converters and re-saves do not)'),
    key: `external:${t.tensor}:${location}`,
    path: `${t.path}.external_data`,
    confidence: t.external ? 'high' : 'medium',
    details: {
      tensor: t.tensor,
      location,
      problem: problem.code,
      dataLocationExternal: t.external,
      ...Object.fromEntries(
        Object.entries(t.entries)
          .filter(([k]) => k !== 'location')
          .slice(0, 8),
      ),
    },
  });
}

/**
 * The external_data entries beyond `location`: onnx's loader sets every key as an attribute of a Python object
 * (ExternalDataInfo: a `__class__` or `__dict__` key reaches object internals), and turns offset and length into
 * integers that ONNX Runtime reads as int64 — a key onnx does not define, a key given twice (readers keep different
 * ones) or an offset/length that is not a non-negative int64 is MODEL-STRUCT.
 */
function externalEntries(src: ByteSource, ctx: UnitContext, t: OnnxExternalTensor): void {
  const problems: { code: string; message: string; path: string }[] = [];
  const seen = new Set<string>();
  const path = `${t.path}.external_data`;
  for (const e of t.list) {
    const k = JSON.stringify(e.key.slice(0, 100));
    if (!EXTERNAL_DATA_KEYS.has(e.key))
      problems.push({
        code: 'EXTERNAL_DATA_KEY',
        message:
          `tensor ${JSON.stringify(t.tensor)} has external_data key ${k}, which onnx does not define: its loader ` +
          `sets every key as an attribute of a Python object${/^__.*__$/.test(e.key) ? ' (a dunder key reaches object internals)' : ''}`,
        path,
      });
    else if (seen.has(e.key))
      problems.push({
        code: 'EXTERNAL_DATA_DUPLICATE',
        message: `tensor ${JSON.stringify(t.tensor)} gives external_data key ${k} twice: readers keep different ones`,
        path,
      });
    else if ((e.key === 'offset' || e.key === 'length') && !isInt64(e.value))
      problems.push({
        code: 'EXTERNAL_DATA_RANGE',
        message: `tensor ${JSON.stringify(t.tensor)} has external_data ${e.key} ${JSON.stringify(e.value.slice(0, 40))}, not a non-negative 64-bit integer`,
        path,
      });
    seen.add(e.key);
  }
  problems.push(...externalRange(t, path));
  if (problems.length) reportStruct(ctx, src, 'onnx', problems);
}

/**
 * Bytes per element of TensorProto.DataType values with a fixed size (onnx.proto); 4-bit types pack two elements
 * per byte (a half byte here). STRING (8) and UNDEFINED (0) have none: their external data cannot be sized.
 */
const ELEMENT_HALF_BYTES: Readonly<Record<number, number>> = {
  1: 8,
  2: 2,
  3: 2,
  4: 4,
  5: 4,
  6: 8,
  7: 16,
  9: 2,
  10: 4,
  11: 16,
  12: 8,
  13: 16,
  14: 16,
  15: 32,
  16: 4,
  17: 2,
  18: 2,
  19: 2,
  20: 2,
  21: 1,
  22: 1,
  23: 1,
};

/** The bytes a tensor's data holds (dims x element size), when its type has a fixed size and every dim is known. */
export function tensorBytes(dataType: number, dims: readonly bigint[] | undefined): bigint | undefined {
  const half = ELEMENT_HALF_BYTES[dataType];
  if (half === undefined || dims === undefined) return undefined;
  let n = 1n;
  for (const d of dims) {
    if (d < 0n) return undefined;
    n *= d;
    if (n > MAX_INT64) return undefined;
  }
  return (n * BigInt(half) + 1n) / 2n;
}

/**
 * offset and length against each other and the tensor: onnx's loader seeks to `offset` and reads `length` bytes
 * (Python's read(n) sets aside n bytes before it reads), ONNX Runtime adds them as int64. A sum past int64, or a
 * length other than the bytes the tensor's type and dims hold, is a file no writer makes.
 */
function externalRange(t: OnnxExternalTensor, path: string): { code: string; message: string; path: string }[] {
  const offset = t.entries['offset'];
  const length = t.entries['length'];
  const o = offset !== undefined && isInt64(offset) ? BigInt(offset) : undefined;
  const l = length !== undefined && isInt64(length) ? BigInt(length) : undefined;
  const name = JSON.stringify(t.tensor);
  const out: { code: string; message: string; path: string }[] = [];
  if (o !== undefined && l !== undefined && o + l > MAX_INT64)
    out.push({
      code: 'EXTERNAL_DATA_RANGE',
      message: `tensor ${name} has external_data offset ${o} + length ${l} past the largest 64-bit integer`,
      path,
    });
  const expected = tensorBytes(t.dataType, t.dims);
  if (l !== undefined && expected !== undefined && l !== expected)
    out.push({
      code: 'EXTERNAL_DATA_LENGTH',
      message:
        `tensor ${name} has external_data length ${l}, but its type and dims hold ${expected} bytes: onnx's loader ` +
        `reads (and sets aside memory for) ${l} bytes${l > expected ? '' : ', and the tensor does not fit'}`,
      path,
    });
  return out;
}

function isInt64(v: string): boolean {
  return /^[0-9]{1,19}$/.test(v) && BigInt(v) <= MAX_INT64;
}
