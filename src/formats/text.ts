// Plain text, for the inventory of files no format reader claimed: bytes that decode as UTF-8 (a multi-byte
// sequence cut at the end of the sample is allowed) and hold no NUL or other C0 controls besides tab, CR, LF, FF, ESC.

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** True when the sample reads as text. */
export function looksLikeText(sample: Uint8Array): boolean {
  if (sample.length === 0) return false;
  for (const b of sample)
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) return false;
  let end = sample.length;
  // Drop an incomplete UTF-8 sequence at the end of the sample (at most 3 bytes).
  for (let i = 1; i <= 3 && end - i >= 0; i++) {
    const b = sample[end - i]!;
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (need > i) end -= i;
    }
    break;
  }
  try {
    STRICT_UTF8.decode(sample.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}
