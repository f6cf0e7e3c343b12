// Item hooks that depend on what BUILD set: a class whose __setitem__ reads an attribute of the instance that only
// its BUILD sets runs state-chosen work for every SETITEM(S) that comes after that BUILD. Pickle writes an object's
// items before its state (save_reduce: SETITEMS, then BUILD), so a library's own files never store an item after the
// BUILD; the VM reports a SETITEM(S) on an instance of such a class once a BUILD has reached it (vm.ts setItems).

export interface ItemHookAfterBuild {
  /** The class (canonical name) whose __setitem__ this is. */
  readonly owner: string;
  /** What the hook does once BUILD has set the attribute it reads. */
  readonly what: string;
}

export const ITEM_HOOKS_AFTER_BUILD: readonly ItemHookAfterBuild[] = [
  {
    owner: 'statsmodels.tools.decorators.ResettableCache',
    what:
      'ResettableCache.__setitem__ (statsmodels 0.8 - 0.9) stores the item and then, once the instance has a ' +
      '_resetdict (which only BUILD sets while loading), stores None under every key _resetdict.get(key, []) lists, ' +
      'recursively: the pickled _resetdict is asked for its get method, and one store fans out without bound',
  },
];

const BY_OWNER = new Map(ITEM_HOOKS_AFTER_BUILD.map((h) => [h.owner, h]));

/** The item hook of one of `classes` that a SETITEM after the instance's BUILD runs, if any. */
export function itemHookAfterBuild(classes: readonly string[]): ItemHookAfterBuild | undefined {
  for (const c of classes) {
    const h = BY_OWNER.get(c);
    if (h !== undefined) return h;
  }
  return undefined;
}
