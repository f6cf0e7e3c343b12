// A host's hook run once, just before the Python grammar's wasm modules are compiled. The CLI tunes V8's wasm
// tier-up there for a one-file run (src/cli/v8-tiering.ts); library code never sets one. Kept apart from parser.ts,
// which imports web-tree-sitter, so that a host can set the hook without loading the parser.

let hook: (() => void) | undefined;

/** Sets (or, with `undefined`, removes) the hook. */
export function onPythonParserLoad(fn: (() => void) | undefined): void {
  hook = fn;
}

/** Runs the hook once, if one is set (called by the parser loader). */
export function runPythonParserLoadHook(): void {
  const fn = hook;
  hook = undefined;
  fn?.();
}
