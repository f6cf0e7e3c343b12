// What a reviewer needs when a pickle imports a name no pack admits: the library it belongs to, whether a reviewed
// pack covers that library (for other versions or other names), and the policy lines that would admit the name,
// with what admitting it risks.
import { allPacks } from './data/allowlist.js';
import { checkAllowEntry } from './allow-entry.js';

export interface UnknownNameAdvice {
  /** The top-level package the name lives in. */
  readonly library: string;
  /** Packs admitting other names of the same package, with the versions they were reviewed in. */
  readonly packs: readonly string[];
  /**
   * The sentinel-policy.yml lines that admit the name for a scan; absent when the policy loader refuses the name
   * (a builtins or os name, a name of the dangerous-call table): `text` then gives the acceptance that works.
   */
  readonly alsoAllow?: string;
  /** Why `also_allow` cannot name it (the policy loader's reason), when it cannot. */
  readonly refused?: string;
  /** One sentence: what the signal adds after "not in the trusted ML allowlist". */
  readonly text: string;
  /**
   * The name belongs to a developer tool's build cache (TOOL_CACHES): what the file is, said in place of "not in the
   * trusted ML allowlist" (the signal then opens with it, and `text` says how to leave the file out).
   */
  readonly toolCache?: string;
}

let byLibrary: Map<string, string[]> | undefined;

/**
 * Libraries whose pickles are build caches of developer tools, not models: what the file is and how to leave it out,
 * said instead of the advice to admit the name (admitting a documentation tool's classes would let any file of the
 * scan rebuild them). Folder scans skip these caches (walk-filter.ts); a file named on its own is read, and passes
 * when every name it holds is one the sphinx-docutils pack reviews (Sphinx's and docutils' own classes).
 */
const TOOL_CACHES: Readonly<Record<string, string>> = {
  sphinx:
    'a Sphinx documentation build cache (the environment or a doctree sphinx-build pickles under _build/doctrees), ' +
    'not a model',
  docutils: 'a Sphinx or docutils documentation build cache (a pickled doctree), not a model',
  // Sphinx extensions keep their data in the build environment sphinx-build pickles.
  sphinxcontrib:
    "a Sphinx documentation build cache (an extension's data sphinx-build pickles with the environment), not a model",
  myst_parser:
    "a Sphinx documentation build cache (the MyST extension's settings sphinx-build pickles with the environment), " +
    'not a model',
  myst_nb:
    "a Sphinx documentation build cache (the MyST-NB extension's data sphinx-build pickles with the environment), " +
    'not a model',
  sphinx_external_toc:
    'a Sphinx documentation build cache (the external table of contents sphinx-build pickles with the environment), ' +
    'not a model',
};

/** Pack descriptions per top-level package they admit names of (built once, on the first unknown name). */
function packsByLibrary(): Map<string, string[]> {
  if (byLibrary) return byLibrary;
  byLibrary = new Map();
  for (const p of allPacks()) {
    const versions = Object.entries(p.versions)
      .filter(([lib]) => lib !== 'python' && lib !== 'repository')
      .map(([lib, v]) => `${lib} ${v}`)
      .join(', ');
    const label = versions || p.id;
    const seen = new Set<string>();
    for (const name of p.entries.keys()) {
      const top = name.slice(0, name.indexOf('.') >>> 0);
      if (seen.has(top)) continue;
      seen.add(top);
      const list = byLibrary.get(top);
      if (list) {
        if (!list.includes(label)) list.push(label);
      } else byLibrary.set(top, [label]);
    }
  }
  return byLibrary;
}

/**
 * Advice for a name outside every pack. `called` is true when the stream calls the name (REDUCE, NEWOBJ, …): the
 * risk of admitting it is then its code running on arguments the file chooses. `packRefused`: a pack's review read
 * the name and refused it (the finding states why); the policy may still admit it, except in a documentation build
 * cache, where the advice is to leave the file out whether a review refused the name or none read it.
 */
/**
 * The names that make a stream a documentation build cache whatever else it holds: the build environment
 * sphinx-build pickles as environment.pickle, and the document node every pickled doctree is rooted at. A name of
 * another library in such a stream (an extension's data no pack reviews) is said to be in a
 * docs cache too; the stream is still read, and the name still reported.
 */
const CACHE_ROOTS: Readonly<Record<string, string>> = {
  'sphinx.environment.BuildEnvironment':
    'a Sphinx documentation build cache (it holds the build environment sphinx-build pickles as environment.pickle; this name is of a library an extension keeps in it), not a model',
  'docutils.nodes.document':
    'a Sphinx or docutils documentation build cache (a pickled doctree; this name is of a library an extension ' +
    'keeps in it), not a model',
};

/** What a stream is, when the names it imports (`canonicals`) make it a documentation build cache. */
export function toolCacheOfStream(canonicals: Iterable<string>): string | undefined {
  let found: string | undefined;
  for (const c of canonicals) {
    if (!Object.hasOwn(CACHE_ROOTS, c)) continue;
    found = CACHE_ROOTS[c];
    if (c === 'sphinx.environment.BuildEnvironment') break;
  }
  return found;
}

export function unknownNameAdvice(
  canonical: string,
  called: boolean,
  packRefused = false,
  streamCache?: string,
): UnknownNameAdvice {
  const dot = canonical.indexOf('.');
  const library = dot > 0 ? canonical.slice(0, dot) : canonical;
  const packs = packsByLibrary().get(library) ?? [];
  const check = checkAllowEntry(canonical);
  // `<class>().<name>`: getattr on an object the stream built (how pickle writes a bound method).
  const instance = canonical.indexOf('().');
  const coverage =
    instance > 0
      ? `an attribute of a ${canonical.slice(0, instance)} object this stream built, taken by getattr (how pickle ` +
        "writes a bound method): looking it up runs that class's own attribute code (a property, a descriptor or " +
        `__getattr__) and no pack reviews which of a class's attributes are plain methods; ` +
        (called ? 'this stream calls it while loading' : 'no opcode of this stream calls it itself')
      : packRefused
        ? 'no pack admits it for the reason above'
        : packs.length
          ? `${library}'s reviewed pack${packs.length > 1 ? 's' : ''} (${packs.join('; ')}) ${packs.length > 1 ? 'do' : 'does'} not list it: a name of another release, or an object no reviewed pickle holds`
          : `${library} has no reviewed pack`;
  const cache = instance > 0 ? undefined : Object.hasOwn(TOOL_CACHES, library) ? TOOL_CACHES[library] : streamCache;
  if (cache !== undefined)
    return {
      library,
      packs,
      toolCache: cache,
      text:
        (packRefused
          ? 'a pack review read this name and does not admit it (the reason above), so rebuilding it is not data'
          : `the sphinx-docutils pack reviews the classes Sphinx, docutils and the extensions it covers write into ` +
            `their caches, and this name is not among them (a class of another Sphinx extension, or of a release ` +
            `the pack does not cover), so what rebuilding it does is not read`) +
        '; folder scans skip such caches and list them as skipped; leave the file out of the release, or out of ' +
        'the scan with `exclude:` in sentinel-policy.yml (or --exclude), rather than admitting its names',
    };
  const risk = called
    ? 'any file of that scan may then call it with arguments the file chooses'
    : 'any file of that scan may then rebuild it through its pickle hooks with state the file chooses';
  if (!check.ok) {
    // The loader would refuse the line (exit 2): the only way to let this one finding pass is an acceptance.
    return {
      library,
      packs,
      refused: check.reason,
      text:
        `${coverage}; a policy cannot admit it through also_allow (${check.reason}); to let this file pass after ` +
        `review, accept this finding under acceptances in sentinel-policy.yml: its fingerprint, or ` +
        `\`rule: PICKLE-GLOBAL-IMPORT\` with the file's path, plus owner, reason and expires (a fingerprint ` +
        `accepts this finding only; a path accepts every unexpected import in the files it matches)`,
    };
  }
  const alsoAllow =
    `also_allow:\n  - name: ${check.canonical}\n` +
    `    justification: "<which library release writes it, and why rebuilding it from this file runs no code>"`;
  return {
    library,
    packs,
    alsoAllow,
    text: `${coverage}; to admit it after review, add \`- name: ${check.canonical}\` with a justification under also_allow in sentinel-policy.yml (${risk})`,
  };
}
