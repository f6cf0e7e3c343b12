// The small-file workload of the queue benches (scripts/bench-queue.mjs, scripts/bench-warm-up.mjs): protocol-4
// pickles of a ~1 KB dict, each of other content (keys carry the file's index), so that no two files share a facts-
// cache entry.

/** Pickle `i`: PROTO 4, EMPTY_DICT, MEMOIZE, MARK, then `key_<i>_<k>` -> BININT pairs up to ~1 KB, SETITEMS, STOP. */
export function benchPickle(i) {
  const parts = [Buffer.from([0x80, 0x04, 0x7d, 0x94, 0x28])];
  for (let k = 0, size = 5; size < 1000; k++) {
    const key = Buffer.from(`key_${i}_${k}`);
    const item = [Buffer.from([0x8c, key.length]), key, Buffer.from([0x94, 0x4a]), Buffer.alloc(4, k)];
    parts.push(...item);
    size += item.reduce((n, p) => n + p.length, 0);
  }
  parts.push(Buffer.from([0x75, 0x2e]));
  return Buffer.concat(parts);
}
