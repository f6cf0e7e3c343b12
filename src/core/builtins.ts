// Node built-ins whose loading costs start-up time (zlib pulls in the stream machinery, crypto its providers):
// loaded on first use, so that a scan that needs neither (a small plain pickle) never pays for them.
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import type * as Zlib from 'node:zlib';

const load = createRequire(import.meta.url);
let zlibModule: typeof Zlib | undefined;
let cryptoModule: typeof Crypto | undefined;

/** node:zlib, loaded on first call. */
export function zlib(): typeof Zlib {
  return (zlibModule ??= load('node:zlib') as typeof Zlib);
}

/** node:crypto, loaded on first call. */
export function crypto(): typeof Crypto {
  return (cryptoModule ??= load('node:crypto') as typeof Crypto);
}
