// A map of lists: append a value under a key, creating its list on first use.

/** Appends `v` to the list under `k` in `m`. */
export function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}
