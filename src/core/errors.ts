// Typed errors for untrusted input. Parsers throw these; the engine turns them into findings
// (PICKLE-STRUCT, SCAN-INCOMPLETE, ARCHIVE-TAMPER). Anything else escaping a parser is a tool bug.

/** A configured budget was exhausted (bytes, ratio, depth, entries, opcodes, time). */
export class LimitError extends Error {
  override readonly name = 'LimitError';
  constructor(
    /** The limit's name as configured, e.g. `maxEntryBytes`. */
    readonly limit: string,
    message: string,
    /** Bytes decompressed before the limit stopped it (they count against maxTotalBytes all the same). */
    readonly spentBytes = 0,
  ) {
    super(message);
  }
}

/** The bytes are not a valid instance of the format the parser was asked to read. */
export class CorruptError extends Error {
  override readonly name = 'CorruptError';
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

/** The format is recognised but this feature (codec, encryption, variant) is not supported. */
export class UnsupportedError extends Error {
  override readonly name = 'UnsupportedError';
  constructor(
    message: string,
    readonly feature: string,
  ) {
    super(message);
  }
}

/** Entry data is encrypted and cannot be read without a key. */
export class EncryptedError extends Error {
  override readonly name = 'EncryptedError';
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
