// Splits a data file's tables keyed by qualified Python names into one part per top-level module, so that a scan
// parses only the parts of the modules its pickles name (src/core/lazy-json.ts reads them). A module whose part
// would be large is split once more, by its second-level module (torch: `torch.nn`, `torch.ao`, ...; its own
// two-part names such as `torch.FloatStorage` stay in the `torch` part), so that a checkpoint naming
// `torch._utils` and `torch.FloatStorage` does not parse the effect models of every torch.nn class. Used by the
// bundler (scripts/bundle.mjs) and by the test that checks a split file answers as the whole one does.

/** The top-level module of a qualified name (`torch._utils._rebuild_tensor_v2` → `torch`). */
export const rootOf = (key) => {
  const dot = key.indexOf('.');
  return dot < 0 ? key : key.slice(0, dot);
};

/**
 * The part a name lives in: its top-level module, or for a module in `deep` and a name of three parts or more its
 * first two (`torch.nn.modules.linear.Linear` → `torch.nn`, `torch.FloatStorage` → `torch`). src/core/lazy-json.ts
 * computes the same.
 */
export const partOf = (key, deep) => {
  const root = rootOf(key);
  if (!deep.has(root)) return root;
  const second = key.indexOf('.', root.length + 1);
  return second < 0 ? root : key.slice(0, second);
};

/** A part's name is also a file name: Python identifiers joined by dots (module names are), never the head's name. */
const PART = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** A top-level module whose part's JSON is larger than this is split by second-level module. */
export const DEEP_SPLIT_BYTES = 32 * 1024;

/**
 * `data` split: `head` holds every field but `tables` (an absent table is split as an empty one), `parts` maps each
 * part (partOf) to `{ table: { key: value } }` with the entries of `tables` under it, `deep` lists the top-level
 * modules split by second-level module, `inHead` the split tables also kept whole in the head (`keepWhole`: a table
 * read by name and also iterated whole, which then reads the head instead of the whole file). Throws on a key whose
 * part is not a dotted identifier (it could not name a part file): the data's derivation changed and the split must
 * be reviewed.
 */
export function splitByRoot(data, tables, { keepWhole = [], deepSplitBytes = DEEP_SPLIT_BYTES } = {}) {
  const head = {};
  const byRoot = {};
  const split = [];
  for (const [field, value] of Object.entries(data)) {
    if (!tables.includes(field) || typeof value !== 'object' || value === null || Array.isArray(value)) {
      head[field] = value;
      continue;
    }
    split.push(field);
    if (keepWhole.includes(field)) head[field] = value;
    for (const [key, entry] of Object.entries(value)) {
      const root = rootOf(key);
      if (!PART.test(root) || root.includes('.'))
        throw new Error(`${field}: key ${JSON.stringify(key)} has no module root to split by`);
      const part = (byRoot[root] ??= {});
      (part[field] ??= {})[key] = entry;
    }
  }
  // A table the file lacks is split too, empty in every part: a lookup in it finds no part under the key's root
  // and reads nothing (otherwise it would read the head only to find the table missing).
  for (const table of tables) if (!(table in data)) split.push(table);
  const deep = new Set(Object.keys(byRoot).filter((root) => JSON.stringify(byRoot[root]).length > deepSplitBytes));
  const parts = {};
  for (const tablesOfRoot of Object.values(byRoot)) {
    for (const [field, entries] of Object.entries(tablesOfRoot)) {
      for (const [key, entry] of Object.entries(entries)) {
        const name = partOf(key, deep);
        if (!PART.test(name)) throw new Error(`${field}: key ${JSON.stringify(key)} has no module to split by`);
        ((parts[name] ??= {})[field] ??= {})[key] = entry;
      }
    }
  }
  return { head, parts, split, deep: [...deep].sort(), inHead: split.filter((t) => t in head) };
}
