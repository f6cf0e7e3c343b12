// A 7z entry too large to hold, as a source that never holds it whole: a first extraction (worker thread, see
// entry-extraction.ts) checks that 7-Zip extracts it without error at its listed size and keeps its first and last
// bytes; reads in between extract it again on demand through a RedecodedSource (a read behind its window restarts).
import type { Location } from '../../core/location.js';
import { KeptEnds } from '../compression/kept-ends.js';
import { RedecodedSource } from '../compression/redecoded-source.js';
import { EntryExtraction, type EntryExtractionOptions } from './entry-extraction.js';

/** A checked entry: its size, and sources over it (each must be closed after use). */
export interface StreamedEntry {
  readonly size: number;
  /** A source over the entry at `location`; reads extract it again as needed. Close it to stop its worker. */
  source(location: Location): RedecodedSource;
}

/**
 * Extracts the entry once (throws the typed error 7-Zip's run ends with: CorruptError, EncryptedError,
 * UnsupportedError, LimitError('maxFileSeconds')), keeping only its ends.
 */
export function checkStreamedEntry(o: Omit<EntryExtractionOptions, 'verify'>): StreamedEntry {
  const ends = new KeptEnds();
  const first = new EntryExtraction({ ...o, verify: true });
  try {
    for (let chunks = first.pull(); chunks.length > 0; chunks = first.pull()) {
      for (const c of chunks) ends.keep(c, true);
    }
  } finally {
    first.close();
  }
  const head = ends.head();
  const tail = ends.tail();
  return {
    size: o.size,
    source: (location) =>
      new RedecodedSource(location, o.size, () => new EntryExtraction({ ...o, verify: false }), head, tail),
  };
}
