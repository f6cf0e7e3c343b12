// HDF5 files (legacy Keras `.h5` models and weights, `.keras` archives' model.weights.h5, any HDF5): read with
// libhdf5 (h5wasm, loaded only when an HDF5 file is met). Keras's `model_config`/`training_config` root attributes
// are Keras configs (MODEL-LAMBDA-CODE); external links naming paths outside the model folder are
// MODEL-EXTERNAL-DATA. A file the library cannot read is SCAN-INCOMPLETE, never a pass.
import { formatLocation } from '../../core/location.js';
import { hdf5SuperblockOffset } from '../../formats/hdf5/sniff.js';
import type { Expander } from './context.js';

const KERAS_ATTRIBUTES = ['model_config', 'training_config'];

export const hdf5Expander: Expander = {
  id: 'hdf5',
  detect: (head, src) => hdf5SuperblockOffset(head, src) !== undefined,
  async expand(src, ctx) {
    ctx.format('hdf5');
    ctx.readingStart(hdf5SuperblockOffset(src.read(0, 4096), src) ?? 0);
    const [{ readHdf5, MAX_GROUP_DEPTH }, { sideFileProblem }, { reportKerasConfig }] = await Promise.all([
      import('../../formats/hdf5/read-hdf5.js'),
      import('../../analyzers/model/side-file-path.js'),
      import('./keras-signals.js'),
    ]);
    const r = await readHdf5(src, { maxObjects: ctx.limits.maxEntries });
    if (!r.ok) {
      ctx.incomplete({
        location: src.location,
        kind: 'corrupt',
        reason: `HDF5 library could not read the file: ${r.error}`,
      });
      return true;
    }
    const s = r.summary;
    let layers: number | undefined;
    for (const attr of KERAS_ATTRIBUTES) {
      const text = s.rootAttributes[attr];
      if (typeof text !== 'string') continue;
      let config: unknown;
      try {
        config = JSON.parse(text);
      } catch {
        ctx.incomplete({
          location: src.location,
          kind: 'corrupt',
          reason: `the ${attr} attribute is not JSON, so the Keras config could not be checked`,
        });
        continue;
      }
      const n = await reportKerasConfig(ctx, config, { location: src.location, format: 'hdf5', prefix: attr });
      if (attr === 'model_config') layers = n;
    }
    for (const l of s.links) {
      if (l.kind !== 'external' || l.file === undefined) continue;
      const problem = sideFileProblem(l.file);
      if (!problem) continue;
      ctx.model({
        rule: 'MODEL-EXTERNAL-DATA',
        location: src.location,
        format: 'hdf5',
        signal: `external link ${l.path} makes libhdf5 open ${JSON.stringify(l.file)} (object ${l.target}): ${problem.reason}`,
        key: `external-link:${l.path}:${l.file}`,
        path: l.path,
        confidence: 'high',
        details: { link: l.path, file: l.file, object: l.target, problem: problem.code },
      });
    }
    for (const e of s.externalStorage) {
      // A virtual source resolves like an external link ("." is this file); External Data Files resolve against the
      // loading process's working directory, never the model folder: every one reads bytes of another file.
      if (e.kind === 'virtual' && e.file === '.') continue;
      const problem = e.kind === 'virtual' ? sideFileProblem(e.file) : undefined;
      if (e.kind === 'virtual' && !problem) continue;
      const why =
        e.kind === 'virtual'
          ? `virtual dataset ${e.path} makes libhdf5 open ${JSON.stringify(e.file)} (dataset ${e.target ?? ''}) ` +
            `when it is read: ${problem!.reason}`
          : `dataset ${e.path} stores its raw data in the external file ${JSON.stringify(e.file)}: libhdf5 (h5py, ` +
            "Keras) reads that file's bytes, resolved against the loading process's working directory, when the " +
            'dataset is read';
      ctx.model({
        rule: 'MODEL-EXTERNAL-DATA',
        location: src.location,
        format: 'hdf5',
        signal: why,
        key: `external-storage:${e.kind}:${e.path}:${e.file}`,
        path: e.path,
        confidence: 'high',
        details: { dataset: e.path, file: e.file, storage: e.kind, ...(problem ? { problem: problem.code } : {}) },
      });
    }
    if (s.uncheckedStorage.length)
      ctx.incomplete({
        location: src.location,
        kind: 'corrupt',
        reason:
          `${s.uncheckedStorage.length} dataset object header(s) could not be read for External Data Files ` +
          `(${s.uncheckedStorage.slice(0, 3).join('; ')}): where their raw data lives was not checked`,
      });
    for (const attr of s.unreadableAttributes.filter((a) => KERAS_ATTRIBUTES.includes(a)))
      ctx.incomplete({
        location: src.location,
        kind: 'corrupt',
        reason: `root attribute ${attr} could not be read by the HDF5 library, so the Keras config was not checked`,
      });
    for (const attr of s.oversizedAttributes)
      ctx.incomplete({
        location: src.location,
        kind: 'limit',
        limit: 'maxEntryBytes',
        reason: `root attribute ${JSON.stringify(attr.slice(0, 100))} is larger than this reader keeps (64 Mi characters): it was not checked`,
      });
    if (s.tooDeep > 0)
      ctx.incomplete({
        location: src.location,
        kind: 'limit',
        limit: 'maxDepth',
        reason: `${s.tooDeep} HDF5 group(s) nested deeper than ${MAX_GROUP_DEPTH} levels were not walked; their links were not checked`,
      });
    if (s.truncated)
      ctx.incomplete({
        location: src.location,
        kind: 'limit',
        limit: 'maxEntries',
        reason: `more than ${ctx.limits.maxEntries} HDF5 objects; the rest of the link tree was not checked`,
      });
    const str = (k: string): string | undefined => {
      const v = s.rootAttributes[k];
      return typeof v === 'string' ? v.slice(0, 100) : undefined;
    };
    ctx.inventory({
      where: formatLocation(src.location),
      format: layers !== undefined ? 'keras-h5' : 'hdf5',
      metadataKeys: Object.keys(s.rootAttributes).slice(0, 200),
      details: {
        groups: s.groups,
        datasets: s.datasets,
        ...(layers !== undefined ? { layers } : {}),
        ...(str('keras_version') !== undefined ? { kerasVersion: str('keras_version')! } : {}),
        ...(str('backend') !== undefined ? { backend: str('backend')! } : {}),
        ...(s.links.length
          ? { links: s.links.slice(0, 20).map((l) => `${l.path} -> ${l.file ?? ''}:${l.target}`) }
          : {}),
      },
    });
    return true;
  },
};
