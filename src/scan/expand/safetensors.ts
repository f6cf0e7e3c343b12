// safetensors: recognised by structure (a length prefix that fits the file and a JSON object header) before the
// pickle guess — a header length whose low byte is 0x80 would otherwise read as PROTO — and validated the way the
// reference loader validates it. Only the header is read. A file named .safetensors that does not read as one is a
// MODEL-STRUCT finding and is then offered to the other readers (it may be a pickle in disguise).
import { looksLikeSafetensors } from '../../formats/safetensors/sniff.js';
import { formatLocation } from '../../core/location.js';
import type { Expander } from './context.js';
import { extensionOf, reportStruct } from './model-signals.js';

const MAX_LISTED_KEYS = 200;
const LFS_POINTER = 'version https://git-lfs.github.com/spec/';

/**
 * A Git LFS pointer committed in place of the binary (a common way a "model file" is not the model): its first bytes
 * are LFS_POINTER's (ASCII), compared byte by byte (every small file of a folder is asked).
 */
export function isLfsPointer(head: Uint8Array): boolean {
  if (head.length < LFS_POINTER.length) return false;
  for (let i = 0; i < LFS_POINTER.length; i++) if (head[i] !== LFS_POINTER.charCodeAt(i)) return false;
  return true;
}

export const safetensorsExpander: Expander = {
  id: 'safetensors',
  detect: (head, src) => looksLikeSafetensors(head, src.size) || extensionOf(src) === 'safetensors',
  async expand(src, ctx) {
    const { readSafetensorsHeader } = await import('../../formats/safetensors/read-header.js');
    const h = readSafetensorsHeader(src, { maxEntries: ctx.limits.maxEntries });
    if (h.limit) {
      ctx.format('safetensors');
      ctx.incomplete({ location: src.location, kind: 'limit', limit: 'maxEntries', reason: h.limit });
      return true;
    }
    if (!h.parsed) {
      if (extensionOf(src) === 'safetensors') {
        const lfs = isLfsPointer(src.read(0, 64));
        const problems = lfs
          ? [
              {
                code: 'LFS_POINTER',
                message: 'the file is a Git LFS pointer, not the model (the weights were never fetched)',
                offset: 0,
              },
            ]
          : h.problems;
        reportStruct(ctx, src, 'safetensors', problems, 'safetensors');
      }
      return false;
    }
    ctx.format('safetensors');
    reportStruct(ctx, src, 'safetensors', h.problems);
    const dtypes: Record<string, number> = {};
    let parameters = 0;
    for (const t of h.tensors) {
      dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + 1;
      parameters += t.shape.reduce((a, b) => a * b, 1);
    }
    const keys = Object.keys(h.metadata ?? {});
    ctx.inventory({
      where: formatLocation(src.location),
      format: 'safetensors',
      tensors: h.tensors.length,
      dtypes,
      metadataKeys: keys.slice(0, MAX_LISTED_KEYS),
      details: {
        headerBytes: h.headerBytes,
        dataBytes: src.size - h.dataStart,
        ...(Number.isSafeInteger(parameters) ? { parameters } : {}),
        ...(h.metadata?.['format'] !== undefined ? { framework: h.metadata['format'] } : {}),
      },
    });
    return true;
  },
};
