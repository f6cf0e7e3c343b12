// 7z archives, through 7-Zip itself compiled to wasm (7z-wasm, loaded lazily): entries are extracted into the
// module's in-memory file system (never to disk) within the size limits and scanned by content.
import { child, entrySegment } from '../../core/location.js';
import { extract7z, looksLike7z } from '../../formats/sevenzip/index.js';
import { EncryptedError, LimitError, UnsupportedError } from '../../core/errors.js';
import { MemorySource, readAll } from '../../sources/byte-source.js';
import type { Expander } from './context.js';

export const sevenZipExpander: Expander = {
  id: '7z',
  detect: (head) => looksLike7z(head),
  async expand(src, ctx) {
    ctx.format('7z');
    if (src.size > ctx.limits.maxEntryBytes) {
      ctx.incomplete({
        location: src.location,
        kind: 'limit',
        limit: 'maxEntryBytes',
        reason: `7z archive of ${src.size} bytes is larger than maxEntryBytes`,
      });
      return true;
    }
    const x = await extract7z(readAll(src), {
      maxEntries: ctx.limits.maxEntries,
      maxEntryBytes: ctx.limits.maxEntryBytes,
      maxTotalBytes: ctx.limits.maxTotalBytes,
    });
    for (const f of x.files) {
      const location = child(src.location, entrySegment(f.entry.name));
      if (f.error) {
        const e = f.error;
        if (e instanceof LimitError) ctx.incomplete({ location, kind: 'limit', limit: e.limit, reason: e.message });
        else if (e instanceof EncryptedError) ctx.incomplete({ location, kind: 'encrypted', reason: e.message });
        else if (e instanceof UnsupportedError) ctx.incomplete({ location, kind: 'unsupported', reason: e.message });
        else ctx.incomplete({ location, kind: 'corrupt', reason: e.message });
        continue;
      }
      if (!f.data) continue;
      ctx.charge(f.data.length);
      await ctx.scanChild(new MemorySource(location, f.data));
    }
    if (x.anomalies.length) ctx.container({ location: src.location, format: '7z', anomalies: x.anomalies });
    return true;
  },
};
