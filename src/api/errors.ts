// The one error the Node API throws for bad input it was given (an unknown rule, an invalid policy or baseline, an
// unreadable file it was asked to read). Problems with scanned bytes are never errors: they are findings.

/** What kind of input was wrong. */
export type SentinelErrorCode = 'usage' | 'policy' | 'baseline' | 'io';

/** Thrown by the API for invalid options, policies, baselines and unreadable inputs (the CLI exits 2 on it). */
export class SentinelError extends Error {
  override readonly name = 'SentinelError';
  /**
   * @param code - what kind of input was wrong
   * @param message - one line (policy errors: one line per problem, with file, line and column)
   * @param options - `cause`: the error this one reports
   */
  constructor(
    readonly code: SentinelErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
