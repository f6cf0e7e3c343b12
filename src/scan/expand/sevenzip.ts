// 7z archives, through 7-Zip itself compiled to wasm (7z-wasm, loaded lazily): the archive is read from its source
// (not loaded whole); entries are extracted into the module's in-memory file system (never to disk) within the size
// limits, in batches of bounded size, and each is scanned by content and released before the next batch. An entry
// larger than the hold is never held: it is scanned through a source that extracts it again on demand.
import { child, entrySegment } from '../../core/location.js';
import { extract7zEach, looksLike7z, SEVEN_ZIP_HOLD_BYTES } from '../../formats/sevenzip/index.js';
import { EncryptedError, LimitError, UnsupportedError } from '../../core/errors.js';
import { MemorySource } from '../../sources/byte-source.js';
import type { Expander } from './context.js';

/** The 7z expander; `holdBytes` is the entry size above which entries are streamed (tests lower it). */
export const sevenZipExpander: Expander & { holdBytes: number } = {
  id: '7z',
  holdBytes: SEVEN_ZIP_HOLD_BYTES,
  detect: (head) => looksLike7z(head),
  async expand(src, ctx) {
    ctx.format('7z');
    const x = await extract7zEach(
      src,
      {
        maxEntries: ctx.limits.maxEntries,
        maxEntryBytes: ctx.limits.maxEntryBytes,
        maxTotalBytes: ctx.limits.maxTotalBytes,
        deadline: ctx.deadline,
        streamAboveBytes: sevenZipExpander.holdBytes,
      },
      async (f) => {
        const location = child(src.location, entrySegment(f.entry.name));
        if (f.error) {
          const e = f.error;
          if (e instanceof LimitError) ctx.incomplete({ location, kind: 'limit', limit: e.limit, reason: e.message });
          else if (e instanceof EncryptedError) ctx.incomplete({ location, kind: 'encrypted', reason: e.message });
          else if (e instanceof UnsupportedError) ctx.incomplete({ location, kind: 'unsupported', reason: e.message });
          else ctx.incomplete({ location, kind: 'corrupt', reason: e.message });
          return;
        }
        if (f.streamed) {
          ctx.charge(f.streamed.size);
          await ctx.scanChild(f.streamed.source(location));
          return;
        }
        if (!f.data) return;
        ctx.charge(f.data.length);
        await ctx.scanChild(new MemorySource(location, f.data));
      },
    );
    if (x.anomalies.length) ctx.container({ location: src.location, format: '7z', anomalies: x.anomalies });
    return true;
  },
};
