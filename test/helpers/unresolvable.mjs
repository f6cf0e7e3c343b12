// Loaded with `node --import`: the packages named in SENTINEL_UNRESOLVABLE (comma-separated) cannot be resolved, by
// import (a module resolve hook) or by require (CommonJS resolution), exactly as when they are not installed. Every
// attempt is appended, one specifier a line, to the file SENTINEL_UNRESOLVABLE_LOG names. Worker threads run the
// same --import, so they are covered too.
import Module, { register } from 'node:module';
import { appendFileSync } from 'node:fs';

const names = (process.env.SENTINEL_UNRESOLVABLE ?? '').split(',').filter(Boolean);
const log = process.env.SENTINEL_UNRESOLVABLE_LOG;
const blocked = (s) => names.some((n) => s === n || s.startsWith(`${n}/`));

register(new URL('./unresolvable-hooks.mjs', import.meta.url), { data: { names, log } });

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (typeof request === 'string' && blocked(request)) {
    if (log) appendFileSync(log, `${request}\n`);
    const e = new Error(`Cannot find module '${request}'`);
    e.code = 'MODULE_NOT_FOUND';
    throw e;
  }
  return resolveFilename.call(this, request, ...rest);
};
