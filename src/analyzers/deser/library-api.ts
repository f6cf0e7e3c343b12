// A library's public API that deserializes what its caller hands it: a public function or method of a package (not an
// app) whose parameter — a path to open or the bytes themselves — reaches an executable deserializer. Users pass such
// functions files they downloaded, so the API is where a safe format (or `weights_only`) has to be offered.
//
// A project is a library here when none of its modules serves anything (no entry point, handler, server or transport
// receiver: those make it an app, whose own entry points decide its findings) and the function is part of the
// package's namespace: its module sits in a package (a folder with `__init__.py`), no part of its dotted name is
// private (`_impl`) and it is neither test code nor `__main__`; the function is defined at module level, or is a
// method of a class defined there, and neither it nor its class is underscore-prefixed (`__init__` and `__call__`
// count as public). Only a parameter of a function no code in the project calls counts (its callers are its users;
// a method is called by the project too when one of its modules calls a method of that name, with arguments the
// method accepts, on a receiver the analysis cannot type: `UntypedCalls`).
import { isTestPath } from '../python/test-code.js';
import { torchLoadApi } from '../python/torch/torch-load-rule.js';
import type { FunctionFact, PythonModule } from '../python/module-model.js';
import { recognizeEntries } from './handlers.js';
import { ModuleIndex } from './module-index.js';
import type { DeserProject, Unit } from './project.js';
import { absoluteName } from './demand.js';
import type { ParamRef } from './value.js';

/** The public function a parameter belongs to, as a user of the library calls it. */
export interface LibraryApi {
  /** Dotted name a user imports it by (`pkg.io.load_model`, `pkg.store.Store.load`). */
  qualifiedName: string;
  parameter: string;
}

/**
 * Loader families whose library APIs and command-line loads are reported; `torch` is decided by libraryLoader
 * (TORCH-LOAD-UNTRUSTED reports the torch.load calls it names wherever they are).
 */
const FAMILIES: ReadonlySet<string> = new Set([
  'pickle',
  'dill',
  'cloudpickle',
  'joblib',
  'marshal',
  'pandas',
  'shelve',
  'jsonpickle',
  'numpy',
  'yaml',
  'torch-hub',
]);

/** Families reported only when the sink is certain (an explicit `allow_pickle=True`, an unsafe YAML loader). */
const CERTAIN_ONLY: ReadonlySet<string> = new Set(['numpy', 'yaml']);

const PUBLIC_DUNDERS: ReadonlySet<string> = new Set(['__init__', '__call__', '__new__']);

const isPublic = (name: string): boolean => !name.startsWith('_') || PUBLIC_DUNDERS.has(name);

/**
 * Whether a sink at `confidence` is a loader this rule reports on a library API (`api`: true) or on a command-line
 * script's file (`api`: false). A torch loader (`torch.load`, and the loaders that call it: Lightning's
 * `load_from_checkpoint`, OpenMMLab's checkpoint loaders) is reported on a library API, where the finding names the
 * API whose users need a weights-only mode; on a script only when TORCH-LOAD-UNTRUSTED does not name it (that rule
 * reports every torch.load call it knows, whoever runs the script).
 */
export function libraryLoader(
  sink: { family: string; qualifiedName: string },
  confidence: string,
  api: boolean,
): boolean {
  if (sink.family === 'torch') return api || torchLoadApi(sink.qualifiedName) === undefined;
  return FAMILIES.has(sink.family) && (!CERTAIN_ONLY.has(sink.family) || confidence === 'high');
}

/** Whether a module of the project serves (an entry point, a handler, a server or a transport receiver). */
export function projectServes(project: DeserProject): boolean {
  return project.units.some(unitServes);
}

function unitServes(u: Unit): boolean {
  return (
    u.entries.entries.size > 0 ||
    u.entries.serving.length > 0 ||
    u.entries.implicitSinks.length > 0 ||
    u.entries.uiApp !== undefined
  );
}

/**
 * Folders of code that ships beside a library without being its own (tests, examples and demos, docs, benchmarks,
 * scripts, notebooks): a server or UI app there does not make the library an app.
 */
const BESIDE_LIBRARY: ReadonlySet<string> = new Set([
  'tests',
  'test',
  'testing',
  'examples',
  'example',
  'demo',
  'demos',
  'docs',
  'doc',
  'benchmarks',
  'benchmark',
  'scripts',
  'notebooks',
]);

/** Whether serving code in this module makes its package an app (it is not test, example or demo code beside it). */
export function servingCounts(relPath: string): boolean {
  if (isTestPath(relPath)) return false;
  return !relPath
    .split('/')
    .slice(0, -1)
    .some((d) => BESIDE_LIBRARY.has(d.toLowerCase()));
}

/**
 * Whether a serving module (not test, example or demo code: servingCounts) makes package `top` an app: it is a module
 * of that package, a script at the project's root (the project's own entry), or it imports the package (an app built
 * on it). A serving module of another package of the tree that does not import it (a sibling service in a monorepo)
 * leaves it a library.
 */
export function servesPackage(top: string, relPath: string, ownTop: string, imports: readonly string[]): boolean {
  if (ownTop === top || !relPath.includes('/')) return true;
  return imports.some((q) => q === top || q.startsWith(`${top}.`));
}

/**
 * Whether the serving module at `from` reaches the module at `to` through import statements (itself included): what
 * it may call. Without the project's import reach every module counts as reached.
 */
export function reachedFrom(project: DeserProject, from: string, to: string): boolean {
  if (from === to || project.importReach === undefined) return true;
  const r = project.importReach(from);
  return r === 'all' || r.has(to);
}

/** The top-level package (or module) of a module's dotted name: whose serving code makes it an app. */
export function topPackage(keys: readonly string[]): string {
  return (keys[0] ?? '').split('.')[0]!;
}

/** Answers, per project, which parameters are those of a library's public API. */
export class LibraryApis {
  private readonly byFile = new Map<string, Unit>();
  private readonly inPackage = new Map<string, boolean>();

  constructor(private readonly project: DeserProject) {
    const apps: Unit[] = [];
    for (const u of project.units) {
      this.byFile.set(u.file, u);
      if (unitServes(u) && servingCounts(u.relPath)) apps.push(u);
    }
    this.apps = apps;
  }

  /** Serving modules that make a library an app (see servesPackage and servedModule). */
  private readonly apps: readonly Unit[];
  private readonly servedUnits = new Map<Unit, boolean>();

  /**
   * Whether serving code makes the module an app's: a serving module that counts for its top-level package
   * (servesPackage), and when that serving module is one of the package's own, its imports reach the module
   * (reachedFrom). A library that ships a small server or dashboard module beside its loaders stays a library for
   * the modules that server never imports; a script at the project's root or an app importing the package makes
   * the whole package an app.
   */
  private served(u: Unit): boolean {
    let known = this.servedUnits.get(u);
    if (known === undefined) {
      const top = topPackage(u.keys);
      known = this.apps.some(
        (a) =>
          servesPackage(
            top,
            a.relPath,
            topPackage(a.keys),
            a.mod.imports.map((i) => i.qualifiedName),
          ) &&
          (topPackage(a.keys) !== top || reachedFrom(this.project, a.relPath, u.relPath)),
      );
      this.servedUnits.set(u, known);
    }
    return known;
  }

  /**
   * The public API `ref` is a parameter of, or undefined when it is not one (or its package is an app: a module of
   * the same top-level package serves; an app elsewhere in the scanned tree, or a demo or test beside the package,
   * does not make it one).
   */
  of(ref: ParamRef): LibraryApi | undefined {
    const u = this.byFile.get(ref.file);
    if (u === undefined || this.served(u) || !this.packagedModule(u)) return undefined;
    const f = u.mod.functions[ref.functionId];
    if (f === undefined || f.kind !== 'function' || !isPublic(f.name)) return undefined;
    const parent = u.mod.functions[f.parentId ?? -1];
    if (parent === undefined) return undefined;
    let owner: FunctionFact | undefined;
    if (parent.kind === 'class') {
      if (!isPublic(parent.name) || u.mod.functions[parent.parentId ?? -1]?.kind !== 'module') return undefined;
      if (u.idx.selfName(f) === ref.name) return undefined;
      owner = parent;
    } else if (parent.kind !== 'module') return undefined;
    const module = u.keys[0]!;
    // A module of a private path (`pkg/_io.py`) is public API only through a public module re-exporting the name
    // (`from ._io import load_table` in `pkg/__init__.py`).
    if (module.split('.').some((p) => p.startsWith('_')) && !this.reexports().has(`${module}.${(owner ?? f).name}`))
      return undefined;
    // A constructor is called by its class's name.
    const name = owner !== undefined && (f.name === '__init__' || f.name === '__new__') ? [] : [f.name];
    return {
      qualifiedName: [module, ...(owner !== undefined ? [owner.name] : []), ...name].join('.'),
      parameter: ref.name,
    };
  }

  private packagedModule(u: Unit): boolean {
    const module = u.keys[0];
    if (module === undefined || isTestPath(u.relPath)) return false;
    return this.packaged(u);
  }

  private reexported: Set<string> | undefined;

  /** Names public modules of the project bind at their top from another module (`from ._io import load_table`). */
  private reexports(): Set<string> {
    if (this.reexported !== undefined) return this.reexported;
    const out = new Set<string>();
    for (const u of this.project.units) {
      const module = u.keys[0];
      if (module === undefined || module.split('.').some((p) => p.startsWith('_') && p !== '__init__')) continue;
      for (const i of u.mod.imports)
        if (i.scopeId === 0 && i.kind === 'from' && i.name !== undefined)
          out.add(`${absoluteName(i.module, i.relativeLevel, u.pkg)}.${i.name}`);
    }
    this.reexported = out;
    return out;
  }

  /**
   * The module's folder is a package (holds `__init__.py`), the module is a package's `__init__`, or a distribution
   * ships the module on its own (`py_modules` of its `setup.py`).
   */
  private packaged(u: Unit): boolean {
    if (u.isPackage || this.project.distributedModule?.(u.relPath) === true) return true;
    const slash = u.relPath.lastIndexOf('/');
    const dir = slash >= 0 ? u.relPath.slice(0, slash) : '';
    let known = this.inPackage.get(dir);
    if (known === undefined) {
      const init = dir === '' ? '__init__.py' : `${dir}/__init__.py`;
      known = this.project.units.some((x) => x.relPath === init) || (this.project.isPackageDir?.(dir) ?? false);
      this.inPackage.set(dir, known);
    }
    return known;
  }
}

/** Whether a module serves: an entry point, a handler, a started server or a transport callback. */
export function moduleServes(mod: PythonModule): boolean {
  const e = recognizeEntries(ModuleIndex.beforeProject(mod));
  return e.entries.size > 0 || e.serving.length > 0 || e.implicitSinks.length > 0 || e.uiApp !== undefined;
}

/**
 * Imports without which a module the DESER text gate skipped cannot serve (the frameworks, servers and transports
 * `handlers.ts` recognises): only a module whose text matches is parsed to ask `moduleServes`. The filter is
 * SERVING_IMPORT (kept as the definition, and the oracle of mayServe's test); mayServe answers the same without
 * running it: the regex tries its line-start alternative at every position of the text, mayServe only where the
 * keyword is, which halves the time over a package's modules.
 */
export const SERVING_IMPORT =
  /^\s*(?:from|import)\s+(?:flask|fastapi|starlette|sanic|aiohttp|quart|bottle|falcon|tornado|django|rest_framework|litestar|socketserver|http\.server|BaseHTTPServer|SocketServer|grpc|zmq|pika|aio_pika|kafka|aiokafka|confluent_kafka|nats|redis|aioredis|websockets|twisted|gradio|streamlit|panel|param|dash|jupyter_dash|chainlit|mcp|fastmcp|bentoml|ray|celery|rpyc|Pyro4|Pyro5|asyncio|socket|ssl|multiprocessing|torch\.distributed)\b|_pb2_grpc\b|TritonPythonModel|def handle\(data, context\)/m;

/** What follows `from`/`import` in SERVING_IMPORT's first alternative, tried where a keyword ends (sticky). */
const SERVED_MODULE =
  /\s+(?:flask|fastapi|starlette|sanic|aiohttp|quart|bottle|falcon|tornado|django|rest_framework|litestar|socketserver|http\.server|BaseHTTPServer|SocketServer|grpc|zmq|pika|aio_pika|kafka|aiokafka|confluent_kafka|nats|redis|aioredis|websockets|twisted|gradio|streamlit|panel|param|dash|jupyter_dash|chainlit|mcp|fastmcp|bentoml|ray|celery|rpyc|Pyro4|Pyro5|asyncio|socket|ssl|multiprocessing|torch\.distributed)\b/y;
const GRPC_STUB = /_pb2_grpc\b/;
const WHITE = /\s/;

/**
 * Whether `^\s*` matches right before offset `k` (the `m` flag): the whitespace before `k` reaches the text's start or
 * holds a line terminator (a position after one is a line start, and the rest of the run is whitespace).
 */
function atLineStart(text: string, k: number): boolean {
  for (let i = k - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return true;
    if (!WHITE.test(text[i]!)) return false;
  }
  return true;
}

function servedImport(text: string, keyword: string): boolean {
  for (let k = text.indexOf(keyword); k >= 0; k = text.indexOf(keyword, k + 1)) {
    SERVED_MODULE.lastIndex = k + keyword.length;
    if (SERVED_MODULE.test(text) && atLineStart(text, k)) return true;
  }
  return false;
}

/** Whether a module's text may hold serving code (a cheap filter before parsing it): SERVING_IMPORT.test(text). */
export function mayServe(text: string): boolean {
  if (text.includes('TritonPythonModel') || text.includes('def handle(data, context)')) return true;
  if (text.includes('_pb2_grpc') && GRPC_STUB.test(text)) return true;
  return servedImport(text, 'import') || servedImport(text, 'from');
}

/** The signals of a library API (the only DESER signals that an app elsewhere in the project withdraws). */
export const isLibrarySignal = (s: { details: Readonly<Record<string, unknown>> }): boolean =>
  s.details['libraryApi'] !== undefined;
