// The egress policy (egress-source.ts) on this thread: the same text the HTTP client runs, compiled once, for the
// checks made before a scan starts (the service's target guard, the policy a command-line scan derives from its
// target).
import { createRequire } from 'node:module';
import { compileFunction } from 'node:vm';
import { EGRESS_SOURCE } from './egress-source.js';

/** The class of an IP address an outbound connection may reach (public, loopback, private, link-local, reserved). */
export type AddressClass = 'public' | 'loopback' | 'private' | 'link-local' | 'reserved';

/** Which addresses outbound connections may reach: public ones always, the classes listed besides. Plain data. */
export interface EgressPolicy {
  readonly allow: readonly Exclude<AddressClass, 'public'>[];
  /** Endpoints (`address:port`, an IPv6 address in brackets) that may be reached whatever their class. */
  readonly endpoints?: readonly string[];
}

/** Public addresses only (the service and the queue worker without --allow-private-targets). */
export const PUBLIC_ONLY: EgressPolicy = Object.freeze({ allow: Object.freeze([]) });
/** Every address (the service and the queue worker with --allow-private-targets). */
export const ANY_ADDRESS: EgressPolicy = Object.freeze({
  allow: Object.freeze(['loopback', 'private', 'link-local', 'reserved'] as const),
});

/** `policy` with these endpoints allowed besides (none: the policy itself). */
export function withEndpoints(policy: EgressPolicy, endpoints: readonly string[] | undefined): EgressPolicy {
  return endpoints?.length ? { ...policy, endpoints: [...(policy.endpoints ?? []), ...endpoints] } : policy;
}

interface Compiled {
  egressAddressClass(address: string): AddressClass;
  egressAllowed(address: string, policy: EgressPolicy | undefined, port?: number | string): boolean;
  egressCheckUrl(url: URL, from: URL | undefined, policy: EgressPolicy | undefined): Error | undefined;
}

let compiled: Compiled | undefined;

function here(): Compiled {
  return (compiled ??= compileFunction(
    `'use strict';\n${EGRESS_SOURCE}\nreturn { egressAddressClass, egressAllowed, egressCheckUrl };`,
    ['require'],
    { filename: 'sentinel-egress.js' },
  )(createRequire(import.meta.url)) as Compiled);
}

/**
 * Whether `e`, or an error it was made from (its `cause`, a few levels deep), is a connection the egress policy
 * refused: a target refused, not a fault of the scan.
 */
export function isEgressRefusal(e: unknown): boolean {
  let at: unknown = e;
  for (let i = 0; i < 8 && at && typeof at === 'object'; i++) {
    if ((at as { code?: unknown }).code === 'EGRESS_REFUSED') return true;
    at = (at as { cause?: unknown }).cause;
  }
  return false;
}

/** The class of an IP address (IPv4, IPv6 with or without brackets; anything else is reserved). */
export function addressClass(address: string): AddressClass {
  return here().egressAddressClass(address);
}

/** Whether a connection under `policy` may reach `address` (on `port`; undefined: on some port). */
export function egressAllows(address: string, policy: EgressPolicy, port?: number): boolean {
  return here().egressAllowed(address, policy, port);
}

/** The refusal of a request for `url` (reached from `from`, a redirect) under `policy`, or undefined. */
export function egressCheckUrl(url: URL, from: URL | undefined, policy: EgressPolicy): Error | undefined {
  return here().egressCheckUrl(url, from, policy);
}

/** node:dns and node:net load node:stream: required when a remote target is resolved, not at every start. */
const builtin = <T>(name: string): T => createRequire(import.meta.url)(name) as T;

async function systemLookupAll(host: string): Promise<readonly string[]> {
  const { lookup } = builtin<typeof import('node:dns/promises')>('node:dns/promises');
  return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
}

/**
 * The policy of a scan whose target was named by whoever runs it (the command line, the library API): public
 * addresses, and the non-public classes the target's own host resolves to. A target on loopback may be redirected to
 * loopback (and public) addresses, never to a private or link-local one; a public target never leaves public
 * addresses. A host that does not resolve gives public only (its request then fails as it would).
 */
export async function egressOfTarget(
  host: string,
  lookupAll: (host: string) => Promise<readonly string[]> = systemLookupAll,
): Promise<EgressPolicy> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  let addresses: readonly string[];
  if (builtin<typeof import('node:net')>('node:net').isIP(bare)) addresses = [bare];
  else {
    try {
      addresses = await lookupAll(bare);
    } catch {
      addresses = [];
    }
  }
  const allow = new Set<Exclude<AddressClass, 'public'>>();
  for (const a of addresses) {
    const c = addressClass(a);
    if (c !== 'public') allow.add(c);
  }
  return { allow: [...allow] };
}
