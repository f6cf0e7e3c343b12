// The packages only some features need, kept out of a plain install: the package declares them as optional peer
// dependencies, so `npm install sentinel-ml` brings what `scan()` and `sentinel scan` need and nothing of the queue,
// the HTTP service's metrics or keyless signature verification. Each feature loads its packages when it is first
// used; a missing one is recognised here and named with the command that installs it.

/** A feature that needs packages a plain install leaves out. */
export interface OptionalFeature {
  readonly feature: string;
  readonly packages: readonly string[];
}

export const OPTIONAL_FEATURES: readonly OptionalFeature[] = [
  { feature: 'the Redis queue (sentinel worker, sentinel submit)', packages: ['bullmq', 'ioredis'] },
  { feature: 'the HTTP service (sentinel serve)', packages: ['prom-client'] },
  {
    feature: 'keyless (Sigstore) signature verification',
    packages: ['@sigstore/bundle', '@sigstore/core', '@sigstore/protobuf-specs', '@sigstore/tuf', '@sigstore/verify'],
  },
];

/** The optional packages an error reports as not installed, with their feature; undefined for any other error. */
export function missingOptionalPackage(e: unknown): (OptionalFeature & { readonly missing: string }) | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  const message = String((e as Error).message);
  // Node's messages quote the specifier: `Cannot find module 'bullmq'`, `Cannot find package '@sigstore/tuf' …`.
  for (const f of OPTIONAL_FEATURES) {
    const missing = f.packages.find((p) => message.includes(`'${p}'`) || message.includes(`'${p}/`));
    if (missing !== undefined) return { ...f, missing };
  }
  return undefined;
}

/** One line: what is missing, what needs it, and the command that installs it. */
export function missingPackageMessage(m: OptionalFeature & { readonly missing: string }): string {
  return (
    `${m.missing} is not installed: ${m.feature} needs the optional package${m.packages.length > 1 ? 's' : ''} ` +
    `${m.packages.join(', ')} (npm install ${m.packages.join(' ')})`
  );
}
