// Plans a conversion from the data tree of an input: the selected tensors (each with its safetensors name, dtype,
// shape and how its bytes are gathered), the header laid out as the reference writer does, the `__metadata__`
// (plain values as JSON text, `--metadata` entries, the framework tag), storages shared by several tensors, what
// was dropped and which tensors the selection left out. Refuses (ConvertError) when a selected tensor has no
// safetensors form, when nothing is selected, or when names collide.
import { flatten, type FlatDropped } from '../analyzers/tensors/flatten.js';
import type { TensorInput } from '../analyzers/tensors/input.js';
import { isContiguous, numel, type TensorRef } from '../analyzers/tensors/tree.js';
import type { SafetensorsDtype } from '../formats/safetensors/dtype.js';
import { layoutSafetensors, tensorBytes, type SafetensorsLayout } from '../formats/safetensors/write-header.js';
import { selectedName, type Selection } from './select.js';

/** Metadata values larger than this (JSON text) are dropped, and the whole `__metadata__` stays under the cap. */
export const MAX_METADATA_VALUE_BYTES = 1024 * 1024;
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;

export class ConvertError extends Error {
  override readonly name = 'ConvertError';
  constructor(
    message: string,
    /** One line per offending tensor or value. */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface PlannedTensor {
  /** Name in the output file. */
  readonly name: string;
  /** Dotted key path in the input. */
  readonly path: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly bytes: number;
  readonly ref: TensorRef;
  /** How the bytes are produced when they are not one contiguous run of the storage. */
  readonly notes: readonly string[];
  /** Other output tensors that read the same storage. */
  readonly sharesWith: readonly string[];
}

/** One string entry of the safetensors `__metadata__` header and where it came from (checkpoint, option or framework). */
export interface MetadataEntry {
  readonly key: string;
  readonly value: string;
  readonly from: 'checkpoint' | 'option' | 'framework';
}

export interface ConvertPlan {
  readonly selection: Selection;
  /** Tensors in file order. */
  readonly tensors: readonly PlannedTensor[];
  readonly layout: SafetensorsLayout;
  readonly metadata: readonly MetadataEntry[];
  readonly dropped: readonly FlatDropped[];
  /** Tensors outside the selection (full paths). */
  readonly notSelected: readonly {
    readonly path: string;
    readonly source: string;
    readonly shape: readonly number[];
  }[];
  /** Storages read by more than one output tensor. */
  readonly shared: readonly { readonly storage: string; readonly tensors: readonly string[] }[];
}

export interface PlanOptions {
  readonly selection: Selection;
  /** `--metadata KEY=VALUE` entries, in order (later ones win). */
  readonly metadata?: readonly (readonly [string, string])[];
}

function viewNotes(ref: TensorRef): string[] {
  const notes: string[] = [];
  const n = numel(ref.shape);
  if (n > 0 && !isContiguous(ref.shape, ref.strides))
    notes.push(`materialised contiguously from strides [${ref.strides.join(', ')}] of ${ref.storage?.id ?? '?'}`);
  else if (n > 0 && ref.offset > 0) notes.push(`starts at element ${ref.offset} of ${ref.storage?.id ?? '?'}`);
  if (ref.storage?.bigEndian && ref.itemsize > 1) notes.push('byte-swapped from big-endian');
  return [...notes, ...ref.notes];
}

export function planConversion(input: TensorInput, opts: PlanOptions): ConvertPlan {
  const flat = flatten(input.root);
  const sel = opts.selection;
  const chosen: { name: string; path: string; ref: TensorRef }[] = [];
  const notSelected: ConvertPlan['notSelected'][number][] = [];
  for (const t of flat.tensors) {
    const name = selectedName(t, sel);
    if (name === undefined) notSelected.push({ path: t.name, source: t.ref.source, shape: t.ref.shape });
    else chosen.push({ name, path: t.name, ref: t.ref });
  }
  if (chosen.length === 0) {
    const what =
      flat.tensors.length === 0
        ? 'the file holds no tensor the converter can read'
        : `--select ${JSON.stringify(sel.prefix)} matches none of the ${flat.tensors.length} tensors`;
    const details = flat.tensors.length
      ? [...new Set(flat.tensors.map((t) => t.name.split('.')[0]!))].slice(0, 20).map((p) => `top-level key: ${p}`)
      : [
          ...flat.dropped.slice(0, 20).map((d) => `${d.path || '(root)'}: ${d.what}`),
          'objects other than tensors, arrays and plain containers are never rebuilt: save the state_dict ' +
            '(torch.save(model.state_dict(), …)) and convert that',
        ];
    throw new ConvertError(what, details);
  }
  const bad = chosen.filter((c) => c.ref.unsupported !== undefined || c.ref.dtype === undefined);
  if (bad.length) {
    throw new ConvertError(
      `${bad.length} selected tensor(s) cannot be written as safetensors`,
      bad.map((c) => `${c.path}: ${c.ref.unsupported ?? `${c.ref.source} has no safetensors dtype`}`),
    );
  }
  const names = new Map<string, string>();
  for (const c of chosen) {
    const other = names.get(c.name);
    if (other !== undefined)
      throw new ConvertError(`two tensors would both be named ${JSON.stringify(c.name)}`, [other, c.path]);
    names.set(c.name, c.path);
  }
  // Shared storages: group by storage identity.
  const byStorage = new Map<string, string[]>();
  for (const c of chosen) {
    const id = c.ref.storage?.id;
    if (id === undefined || numel(c.ref.shape) === 0) continue;
    const g = byStorage.get(id) ?? [];
    g.push(c.name);
    byStorage.set(id, g);
  }
  const shared = [...byStorage].filter(([, g]) => g.length > 1).map(([storage, tensors]) => ({ storage, tensors }));
  const sharedOf = new Map<string, string[]>();
  for (const g of shared)
    for (const n of g.tensors)
      sharedOf.set(
        n,
        g.tensors.filter((x) => x !== n),
      );

  const dropped: FlatDropped[] = [...flat.dropped];
  const metadata = new Map<string, MetadataEntry>();
  let total = 0;
  const put = (e: MetadataEntry): void => {
    const prev = metadata.get(e.key);
    if (prev) total -= prev.key.length + prev.value.length;
    metadata.set(e.key, e);
    total += e.key.length + e.value.length;
  };
  if (input.framework === 'pt') put({ key: 'format', value: 'pt', from: 'framework' });
  for (const v of flat.values) {
    if (v.key === 'format' && input.framework === 'pt') {
      dropped.push({ path: v.key, what: `the value ${v.json.slice(0, 80)}: "format" is the framework tag ("pt")` });
    } else if (v.json.length > MAX_METADATA_VALUE_BYTES) {
      dropped.push({ path: v.key, what: `a plain value of ${v.json.length} bytes of JSON, over the metadata cap` });
    } else if (total + v.key.length + v.json.length > MAX_METADATA_BYTES) {
      dropped.push({ path: v.key, what: 'a plain value beyond the 16 MiB metadata budget' });
    } else put({ key: v.key, value: v.json, from: 'checkpoint' });
  }
  for (const [key, value] of opts.metadata ?? []) put({ key, value, from: 'option' });

  const planned = chosen.map((c) => ({
    name: c.name,
    path: c.path,
    dtype: c.ref.dtype!,
    shape: c.ref.shape,
    bytes: tensorBytes(c.ref.dtype!, c.ref.shape),
    ref: c.ref,
    notes: viewNotes(c.ref),
    sharesWith: sharedOf.get(c.name) ?? [],
  }));
  let layout: SafetensorsLayout;
  try {
    layout = layoutSafetensors(planned, Object.fromEntries([...metadata.values()].map((e) => [e.key, e.value])));
  } catch (e) {
    throw new ConvertError(`the safetensors header cannot be written: ${(e as Error).message}`);
  }
  const byName = new Map(planned.map((p) => [p.name, p]));
  return {
    selection: sel,
    tensors: layout.tensors.map((t) => byName.get(t.name)!),
    layout,
    metadata: [...metadata.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    dropped,
    notSelected,
    shared,
  };
}
