// The signed-bytes encoding of v0.2.0 signatures (reference signer `model_signing` 0.2.0): instead of the DSSE PAE,
// that version signed the UTF-8 text `DSSEV1 <len(type)> <type> <len(payload)> <repr(payload)>`, where repr is
// Python's bytes literal of the payload (`b'…'` with escapes), and its ECDSA hash was SHA-256 whatever the curve.
// Verifiers of the reference implementation still accept it for that layout; this module reproduces the bytes.

/** Python's `repr()` of a bytes object (CPython bytes_repr): quote choice, `\\`, `\t`, `\n`, `\r`, `\xhh`. */
export function pythonBytesRepr(b: Uint8Array): string {
  const hasSingle = b.includes(0x27);
  const quote = hasSingle && !b.includes(0x22) ? 0x22 : 0x27;
  let s = 'b' + String.fromCharCode(quote);
  for (const c of b) {
    if (c === quote || c === 0x5c) s += '\\' + String.fromCharCode(c);
    else if (c === 0x09) s += '\\t';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c < 0x20 || c >= 0x7f) s += '\\x' + c.toString(16).padStart(2, '0');
    else s += String.fromCharCode(c);
  }
  return s + String.fromCharCode(quote);
}

/** The bytes a v0.2.0 signer signed for `payload`. */
export function legacyPreAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  return Buffer.from(
    `DSSEV1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`,
    'utf8',
  );
}
