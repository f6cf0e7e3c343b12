// The module resolve hook of test/helpers/unresolvable.mjs (it runs on the loader thread).
import { appendFileSync } from 'node:fs';

let names = [];
let log;

export function initialize(data) {
  names = data.names;
  log = data.log;
}

export async function resolve(specifier, context, next) {
  if (names.some((n) => specifier === n || specifier.startsWith(`${n}/`))) {
    if (log) appendFileSync(log, `${specifier}\n`);
    const e = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`);
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  }
  return next(specifier, context);
}
