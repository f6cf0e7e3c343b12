// Splits a data file's tables keyed by qualified Python names into one part per top-level module, so that a scan
// parses only the parts of the modules its pickles name (src/core/lazy-json.ts reads them). Used by the bundler
// (scripts/bundle.mjs) and by the test that checks a split file answers as the whole one does.

/** The top-level module of a qualified name (`torch._utils._rebuild_tensor_v2` → `torch`): the part it lives in. */
export const rootOf = (key) => {
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
};

/** A root is also a file name: a Python identifier (module names are), never the head's name. */
const ROOT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `data` split: `head` holds every field but `tables` (an absent table is skipped), `parts` maps each root to
 * `{ table: { key: value } }` with the entries of `tables` under that root. Throws on a key whose root is not an
 * identifier (it could not name a part file): the data's derivation changed and the split must be reviewed.
 */
export function splitByRoot(data, tables) {
  const head = {};
  const parts = {};
  const split = [];
  for (const [field, value] of Object.entries(data)) {
    if (!tables.includes(field) || typeof value !== 'object' || value === null || Array.isArray(value)) {
      head[field] = value;
      continue;
    }
    split.push(field);
    for (const [key, entry] of Object.entries(value)) {
      const root = rootOf(key);
      if (!ROOT.test(root)) throw new Error(`${field}: key ${JSON.stringify(key)} has no module root to split by`);
      const part = (parts[root] ??= {});
      (part[field] ??= {})[key] = entry;
    }
  }
  return { head, parts, split };
}
