// Memory a 7z entry's coders ask for when decoding, estimated from the method 7-Zip lists (`7z l -slt`, e.g.
// `LZMA2:24`, `LZMA2:768m`, `PPMD:o32:mem192m`, `BCJ LZMA:26`): the LZMA/LZMA2 dictionary and the PPMd model size.
// A bare number is a power of two (7-Zip prints 2^24 as `24`); a k/m/g suffix is that many KiB/MiB/GiB.

/** Bytes the decoder of `method` allocates for its window or model (0 when no known coder needs much). */
export function coderMemory(method: string): number {
  let most = 0;
  for (const coder of method.split(/\s+/)) {
    const [name = '', ...params] = coder.split(':');
    const id = name.toUpperCase();
    let value: string | undefined;
    if (id === 'LZMA' || id === 'LZMA2') value = params.find((p) => /^\d/.test(p));
    else if (id === 'PPMD') value = params.find((p) => p.toLowerCase().startsWith('mem'))?.slice(3);
    if (value !== undefined) most = Math.max(most, sizeOf(value));
  }
  return most;
}

function sizeOf(text: string): number {
  const m = /^(\d+)([kmg]?)$/i.exec(text);
  if (!m) return 0;
  const n = Number(m[1]);
  const unit = m[2]?.toLowerCase();
  if (unit === 'k') return n * 1024;
  if (unit === 'm') return n * 1024 * 1024;
  if (unit === 'g') return n * 1024 * 1024 * 1024;
  return n < 53 ? 2 ** n : 0;
}
