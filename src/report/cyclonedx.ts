// CycloneDX 1.6 JSON AI bill of materials (ML-BOM) of a scan, built with the CycloneDX JS library: every model
// file a `machine-learning-model` component (SHA-256, format, tensor count, dtypes, parameter count where the format
// states it, framework, model-card fields from config.json / README front matter, signature identity when a
// signature verified), other scanned files `file` components, and every finding a vulnerability tied to its
// component. The library has no model-card or pedigree model, so those fields are added to its normalized output.
import { createHash } from 'node:crypto';
import { Enums, Models, Serialize, SPDX, Spec, Types } from '@cyclonedx/cyclonedx-library';
import type { FileSummary } from '../core/finding.js';
import type { SignatureVerdict } from '../provenance/signature-verdict.js';
import type { SentinelReport } from './report-model.js';

/** Model-card fields found beside a model (Hugging Face config.json, README.md YAML front matter). */
export interface ModelCardFields {
  readonly license?: string;
  readonly baseModels?: readonly string[];
  readonly task?: string;
  readonly modelType?: string;
  readonly architecture?: string;
  readonly datasets?: readonly string[];
  readonly library?: string;
  /** The files the fields were read from. */
  readonly sources: readonly string[];
}

/** What the BOM needs beyond the report: file digests and model cards (read by the API layer). */
export interface BomContext {
  /** SHA-256 hex by report file path. */
  readonly sha256: ReadonlyMap<string, string>;
  /** Model-card fields by report file path of a model file. */
  readonly cards: ReadonlyMap<string, ModelCardFields>;
}

const MODEL_FORMAT = /pickle|torch|joblib|numpy|npy|npz|safetensors|gguf|onnx|keras|hdf5|tflite|ggml/i;

/** True when a scanned file is a model (an inventoried model format, or a serialized-object container). */
export function isModelFile(f: FileSummary): boolean {
  return (f.models?.length ?? 0) > 0 || MODEL_FORMAT.test(f.formats.join(' '));
}

function frameworkOf(f: FileSummary, card?: ModelCardFields): string | undefined {
  const stated = f.models?.map((m) => m.details?.['framework']).find((x) => typeof x === 'string');
  if (typeof stated === 'string') return stated;
  if (card?.library) return card.library;
  const fm = f.formats.join(' ');
  if (/torch/.test(fm)) return 'pytorch';
  if (/keras/.test(fm)) return 'keras';
  if (/onnx/.test(fm)) return 'onnx';
  if (/gguf/.test(fm)) return 'gguf (llama.cpp)';
  if (/joblib/.test(fm)) return 'joblib';
  if (/safetensors/.test(fm)) return 'safetensors';
  if (/numpy|npy|npz/.test(fm)) return 'numpy';
  if (/pickle/.test(fm)) return 'python pickle';
  return undefined;
}

const SEVERITY: Readonly<Record<string, Enums.Vulnerability.Severity>> = {
  CRITICAL: Enums.Vulnerability.Severity.Critical,
  HIGH: Enums.Vulnerability.Severity.High,
  MEDIUM: Enums.Vulnerability.Severity.Medium,
  LOW: Enums.Vulnerability.Severity.Low,
  INFO: Enums.Vulnerability.Severity.Info,
};

const props = (pairs: readonly (readonly [string, string | number | undefined])[]): Models.PropertyRepository =>
  new Models.PropertyRepository(
    pairs.filter((p) => p[1] !== undefined && p[1] !== '').map(([k, v]) => new Models.Property(k, String(v))),
  );

/** The valid signature covering a path (the path is the signed target or inside it). */
function signatureOf(path: string, sigs: readonly SignatureVerdict[]): SignatureVerdict | undefined {
  return sigs.find((s) => {
    if (s.standing !== 'valid' || s.manifest !== 'match') return false;
    if (path === s.target) return true;
    const root = s.target.replace(/\/+$/, '') + '/';
    if (!path.startsWith(root)) return false;
    // Files the signature excludes (and the signature file itself) are not covered by it.
    const rel = path.slice(root.length);
    return path !== s.signatureFile && !s.excluded.some((e) => rel === e || (e.endsWith('/') && rel.startsWith(e)));
  });
}

/** An SPDX license when the id is one (case fixed), else a named license. */
function licenseOf(value: string): Models.License {
  const id = SPDX.fixupSpdxId(value);
  return id ? new Models.SpdxLicense(id) : new Models.NamedLicense(value);
}

/** A deterministic urn:uuid for the BOM (same report, same serial number). */
function serialOf(report: SentinelReport): string {
  const h = createHash('sha256')
    .update(`${report.startedAt}\0${report.targets.join('\0')}`)
    .digest('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Renders the ML-BOM (CycloneDX 1.6 JSON). Pure. */
export function renderCycloneDx(report: SentinelReport, ctx: BomContext): string {
  const bom = new Models.Bom();
  bom.serialNumber = serialOf(report);
  bom.metadata.timestamp = new Date(report.startedAt);
  bom.metadata.tools.components.add(
    new Models.Component(Enums.ComponentType.Application, report.tool.name, { version: report.tool.version }),
  );
  const sigs = report.signatures ?? [];
  const byRef = new Map<string, Models.Component>();
  const cards = new Map<string, ModelCardFields>();
  for (const f of report.files) {
    const model = isModelFile(f);
    const card = model ? ctx.cards.get(f.path) : undefined;
    const sig = signatureOf(f.path, sigs);
    const m = f.models?.[0];
    const dtypes = m?.dtypes
      ? Object.entries(m.dtypes)
          .map(([k, v]) => `${k}:${v}`)
          .join(',')
      : undefined;
    const params = m?.details?.['parameters'];
    const hash = ctx.sha256.get(f.path);
    const ref = `file:${f.path}`;
    const c = new Models.Component(
      model ? Enums.ComponentType.MachineLearningModel : Enums.ComponentType.File,
      f.path,
      {
        bomRef: ref,
        ...(hash ? { hashes: new Models.HashDictionary([[Enums.HashAlgorithm['SHA-256'], hash]]) } : {}),
        ...(card?.license ? { licenses: new Models.LicenseRepository([licenseOf(card.license)]) } : {}),
        properties: props([
          ['sentinel:format', f.formats.join(' > ') || undefined],
          ['sentinel:checked', f.checked?.length ? f.checked.join(', ') : undefined],
          ['sentinel:bytes', f.bytes],
          ['sentinel:model:format', m?.format],
          ['sentinel:model:tensors', m?.tensors],
          ['sentinel:model:dtypes', dtypes],
          ['sentinel:model:parameters', typeof params === 'number' ? params : undefined],
          ['sentinel:model:framework', model ? frameworkOf(f, card) : undefined],
          ['sentinel:pickle:safety', f.safety],
          ['sentinel:signature:standing', sig?.standing],
          ['sentinel:signature:method', sig?.method],
          ['sentinel:signature:identity', sig?.identity],
          ['sentinel:signature:issuer', sig?.issuer],
          ['sentinel:signature:digest', sig?.digest],
          ['sentinel:signature:file', sig?.signatureFile],
        ]),
      },
    );
    bom.components.add(c);
    byRef.set(ref, c);
    if (card) cards.set(ref, card);
  }
  // Each signed target as a model component of its own: its signed root digest and signer.
  for (const s of sigs) {
    const ref = `model:${s.target}`;
    const c = new Models.Component(Enums.ComponentType.MachineLearningModel, s.target, {
      bomRef: ref,
      properties: props([
        ['sentinel:signature:standing', s.standing],
        ['sentinel:signature:manifest', s.manifest],
        ['sentinel:signature:method', s.method],
        ['sentinel:signature:identity', s.standing === 'valid' ? s.identity : undefined],
        ['sentinel:signature:issuer', s.standing === 'valid' ? s.issuer : undefined],
        ['sentinel:signature:digest', s.digest],
        ['sentinel:signature:file', s.signatureFile],
      ]),
    });
    bom.components.add(c);
    byRef.set(ref, c);
  }
  const componentFor = (top: string): Models.Component => {
    const found =
      byRef.get(`file:${top}`) ??
      byRef.get(`model:${top}`) ??
      [...byRef.entries()].find(
        ([k]) => k.startsWith('model:') && top.startsWith(k.slice(6).replace(/\/+$/, '') + '/'),
      )?.[1];
    if (found) return found;
    const c = new Models.Component(Enums.ComponentType.File, top, { bomRef: `file:${top}` });
    bom.components.add(c);
    byRef.set(`file:${top}`, c);
    return c;
  };
  for (const f of report.findings) {
    const c = componentFor(f.location.chain[0] ?? f.where);
    bom.vulnerabilities.add(
      new Models.Vulnerability.Vulnerability({
        bomRef: `finding:${f.fingerprint}`,
        id: f.ruleId,
        source: new Models.Vulnerability.Source({ name: `${report.tool.name} ${f.ruleId}` }),
        ratings: new Models.Vulnerability.RatingRepository([
          new Models.Vulnerability.Rating({
            severity: SEVERITY[f.severity] ?? Enums.Vulnerability.Severity.Unknown,
            method: Enums.Vulnerability.RatingMethod.Other,
          }),
        ]),
        cwes: new Types.CweRepository(
          f.cwe.map((x) => Number(x.replace(/^CWE-/, ''))).filter((n) => Number.isInteger(n) && n > 0),
        ),
        description: f.title,
        detail: f.evidence.signal,
        recommendation: f.fixHint,
        affects: new Models.Vulnerability.AffectRepository([new Models.Vulnerability.Affect(c.bomRef)]),
        properties: props([
          ['sentinel:where', f.where],
          ['sentinel:decision', f.decision],
          ['sentinel:fingerprint', f.fingerprint],
          ['sentinel:owasp', f.owasp],
          ['sentinel:retest', f.retest],
        ]),
      }),
    );
  }
  const serializer = new Serialize.JsonSerializer(new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6));
  const out = JSON.parse(serializer.serialize(bom, { sortLists: true })) as {
    components?: Record<string, unknown>[];
  };
  for (const c of out.components ?? []) {
    const card = cards.get(String(c['bom-ref']));
    if (!card) continue;
    const params = {
      ...(card.task ? { task: card.task } : {}),
      ...(card.modelType ? { architectureFamily: card.modelType } : {}),
      ...(card.architecture ? { modelArchitecture: card.architecture } : {}),
      ...(card.datasets?.length ? { datasets: card.datasets.map((name) => ({ type: 'dataset', name })) } : {}),
    };
    c['modelCard'] = {
      ...(Object.keys(params).length ? { modelParameters: params } : {}),
      properties: [
        ...(card.baseModels ?? []).map((b) => ({ name: 'baseModel', value: b })),
        ...card.sources.map((s) => ({ name: 'sentinel:modelCard:source', value: s })),
      ],
    };
    if (card.baseModels?.length) {
      c['pedigree'] = {
        ancestors: card.baseModels.map((name) => ({ type: 'machine-learning-model', name })),
      };
    }
  }
  return JSON.stringify(out, null, 2) + '\n';
}
