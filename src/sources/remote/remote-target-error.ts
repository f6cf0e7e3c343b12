// The error of a remote target the scan cannot start from (bad URL or reference, refused scheme, a listing the
// server refuses): a usage error of the command, not a finding.

export class RemoteTargetError extends Error {
  override readonly name = 'RemoteTargetError';
  /**
   * The HTTP status the registry or Hub answered when it refused the listing (a missing revision, repository or tag,
   * a refused token): the upstream's answer, not a fault of the scanner.
   */
  readonly upstreamStatus?: number;
  /**
   * The registry, Hub or server named by the target could not be reached: its name did not resolve, the connection was
   * refused or dropped, or no answer came in time (every retry included). The target's host, not a fault of the
   * scanner: a usage error on the command line (exit 2), 400 from the service, as a host that does not resolve.
   */
  readonly unreachable?: true;

  constructor(
    message: string,
    options?: ErrorOptions & { readonly upstreamStatus?: number; readonly unreachable?: boolean },
  ) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    if (options?.upstreamStatus !== undefined) this.upstreamStatus = options.upstreamStatus;
    if (options?.unreachable) this.unreachable = true;
  }
}

/** Whether `e` (or one of its causes) is a remote target whose host could not be reached. */
export function isUnreachable(e: unknown): boolean {
  let at: unknown = e;
  for (let i = 0; i < 8 && at && typeof at === 'object'; i++) {
    if ((at as { unreachable?: unknown }).unreachable === true) return true;
    at = (at as { cause?: unknown }).cause;
  }
  return false;
}

/** The upstream HTTP status of a refused listing, looked for along `e`'s causes; undefined for anything else. */
export function upstreamStatusOf(e: unknown): number | undefined {
  let at: unknown = e;
  for (let i = 0; i < 8 && at && typeof at === 'object'; i++) {
    const s = (at as { upstreamStatus?: unknown }).upstreamStatus;
    if (typeof s === 'number') return s;
    at = (at as { cause?: unknown }).cause;
  }
  return undefined;
}
