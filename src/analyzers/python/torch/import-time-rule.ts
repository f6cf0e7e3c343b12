// What a Python module does when it is imported (MODEL-REMOTE-CODE evidence for the modules a model folder's
// auto_map names): module-level and class-body calls that start processes, evaluate or load code, download,
// open network connections or pip-install. Code inside functions runs later, when the model is used; code under
// `if __name__ == "__main__":` never runs on import.
import type { CallSite, PythonModule } from '../module-model.js';
import { HUBCONF_DANGEROUS_APIS, matchesPattern } from './torch-apis.js';
import { callTargets } from './torch-call-targets.js';

export interface ImportTimeCall {
  readonly line: number;
  readonly column: number;
  readonly snippet: string;
  /** process, code, dynamic-import, download, network, pip-install. */
  readonly category: string;
  readonly what: string;
  /** The resolved API (`subprocess.run`). */
  readonly api: string;
}

/** Network APIs beyond the download helpers (which the hubconf table already lists). */
const NETWORK: readonly string[] = [
  'socket.socket',
  'socket.create_connection',
  'socket.create_server',
  'http.client.HTTPConnection',
  'http.client.HTTPSConnection',
  'ftplib.FTP',
  'ftplib.FTP_TLS',
  'smtplib.SMTP',
  'telnetlib.Telnet',
  'xmlrpc.client.ServerProxy',
  'paramiko.SSHClient',
];

function stringsInCall(call: CallSite, mod: PythonModule): string[] {
  const out: string[] = [];
  for (const s of mod.strings)
    if (s.value !== null && s.span.startIndex >= call.span.startIndex && s.span.endIndex <= call.span.endIndex)
      out.push(s.value);
  return out;
}

/** Every call inside the arguments of `call` (nested at any depth). */
function nestedCalls(call: CallSite, mod: PythonModule): CallSite[] {
  const out: CallSite[] = [];
  const queue = [...call.positional, ...call.keywords.map((k) => k.value)].flatMap((a) => a.callIds);
  for (let i = 0; i < queue.length && out.length < 64; i++) {
    const c = mod.calls[queue[i]!];
    if (!c) continue;
    out.push(c);
    for (const a of [...c.positional, ...c.keywords.map((k) => k.value)]) queue.push(...a.callIds);
    if (c.callee.access?.root.kind === 'call') queue.push(c.callee.access.root.callId);
  }
  return out;
}

/** Module level or directly in (nested) class bodies: the call runs when the module is imported. */
function runsOnImport(call: CallSite, mod: PythonModule): boolean {
  if (call.underMainGuard) return false;
  let id = call.enclosingFunction?.id ?? null;
  for (let guard = 0; id !== null && id !== 0 && guard < 256; guard++) {
    const f = mod.functions[id];
    if (f === undefined) return false;
    if (f.kind !== 'class') return false;
    id = f.parentId;
  }
  return true;
}

/** Calls that run when the module is imported and act on the outside world or run code chosen at run time. */
export function detectImportTimeCalls(mod: PythonModule): ImportTimeCall[] {
  const out: ImportTimeCall[] = [];
  // exec(urlopen(...).read()): one fetch-and-exec signal, not a download and an exec.
  const consumed = new Set<number>();
  for (const call of mod.calls) {
    if (consumed.has(call.id) || !runsOnImport(call, mod)) continue;
    for (const t of callTargets(call, 'python')) {
      const name = t.qualifiedName;
      let category: string | undefined;
      let what = '';
      const api = HUBCONF_DANGEROUS_APIS.find((a) => matchesPattern(name, a.pattern));
      if (api) {
        category = api.category;
        what = api.what;
        if (category === 'dynamic-import') {
          const first = call.positional[0] ?? call.keywords.find((k) => k.name === 'name')?.value;
          if (first?.constant?.type === 'str') continue;
        }
        if (category === 'code') {
          const first = call.positional[0];
          if (first?.constant !== undefined) continue;
          const fetched = nestedCalls(call, mod).filter((c) =>
            callTargets(c, 'python').some((t) =>
              HUBCONF_DANGEROUS_APIS.some(
                (a) => a.category === 'download' && matchesPattern(t.qualifiedName, a.pattern),
              ),
            ),
          );
          if (fetched.length) {
            for (const c of fetched) consumed.add(c.id);
            category = 'fetch-and-exec';
            what = 'downloads code and executes it';
          }
        }
        if (category === 'process') {
          const words = stringsInCall(call, mod).flatMap((s) => s.split(' '));
          if (words.some((w) => /(^|\/)pip3?$/.test(w)) && words.includes('install')) {
            category = 'pip-install';
            what = 'installs packages with pip';
          }
        }
      } else if (NETWORK.includes(name)) {
        category = 'network';
        what = 'opens a network connection';
      }
      if (category === undefined) continue;
      out.push({ line: call.span.line, column: call.span.column, snippet: call.text, category, what, api: name });
      break;
    }
  }
  return out;
}

/** Sibling modules the module imports relatively (`from .configuration_x import X`, `from . import helpers`). */
export function relativeImports(mod: PythonModule): string[] {
  const names = mod.imports
    .filter((i) => i.relativeLevel === 1)
    .map((i) => (i.module === '.' ? (i.name ?? '') : i.module.replace(/^\./, '')));
  return [...new Set(names)].filter((m) => m.length > 0 && !m.includes('.'));
}
