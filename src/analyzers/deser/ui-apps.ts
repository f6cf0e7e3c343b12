// UI-serving frameworks as DESER entry points: the functions a Gradio app hands to an interface or an event listener
// receive what the browser sends (a text, a number, the server-side path of an uploaded file), per Gradio's documented
// API (gr.Interface, gr.ChatInterface, gr.Blocks event listeners, gr.on).
import type { CallSite, ExpressionFact, FunctionFact } from '../python/module-model.js';
import type { ModuleIndex } from './module-index.js';
import type { TaintKind } from './value.js';

/** What one parameter of a UI callback receives. */
export interface UiSeed {
  readonly kind: TaintKind | 'internal';
  readonly label: string;
}

/** A function a UI framework calls with client input: the callback expression and what each parameter receives. */
export interface UiCallback {
  readonly framework: string;
  readonly fn: ExpressionFact;
  /** Seeds by position among the function's parameters; `rest` for those past the end (or all, when unknown). */
  readonly seeds: readonly UiSeed[];
  readonly rest: UiSeed;
  readonly how: string;
}

/** Components whose value is the server-side path of a file the client uploaded (or a wrapper holding it). */
const FILE_COMPONENTS: ReadonlySet<string> = new Set([
  'File',
  'Files',
  'UploadButton',
  'Video',
  'Model3D',
  'Gallery',
  'MultimodalTextbox',
  'ImageEditor',
  'Sketchpad',
  'Paint',
  'ImageMask',
  'SimpleImage',
]);
/** Components whose value is a file path only with `type="filepath"` (a decoded array otherwise). */
const FILEPATH_TYPED: ReadonlySet<string> = new Set(['Image', 'Audio', 'Microphone', 'Webcam']);
/** `gr.Interface` string shortcuts for inputs that hand over an uploaded file's path. */
const FILE_SHORTCUTS: ReadonlySet<string> = new Set(['file', 'files', 'video', 'model3d', 'uploadbutton', 'gallery']);
/** Components whose value the server keeps (never sent by the client). */
const SERVER_STATE: ReadonlySet<string> = new Set(['State']);

/** Event listener methods of Gradio components and Blocks. */
const EVENTS: ReadonlySet<string> = new Set([
  'click',
  'change',
  'input',
  'submit',
  'upload',
  'select',
  'blur',
  'focus',
  'load',
  'then',
  'success',
  'stream',
  'play',
  'pause',
  'stop',
  'end',
  'clear',
  'like',
  'edit',
  'retry',
  'undo',
  'release',
  'apply',
  'key_up',
  'delete',
  'download',
  'copy',
  'start_recording',
  'stop_recording',
  'pause_recording',
  'tab',
  'expand',
  'collapse',
  'option_select',
  'example_select',
  'preprocess',
]);

/** Names a call may end with to be a Gradio registration (the pre-filter of the registration pass). */
export const UI_TRIGGERS: ReadonlySet<string> = new Set([...EVENTS, 'Interface', 'ChatInterface', 'on']);

const GRADIO = 'Gradio';

function componentOf(e: ExpressionFact, idx: ModuleIndex): { name: string; call?: CallSite } | undefined {
  for (const v of e.values) {
    if (v.kind !== 'qualified' || !v.name.startsWith('gradio.')) continue;
    const name = v.name.replace(/\(\)$/, '');
    const call = e.callIds.length === 1 ? idx.mod.calls[e.callIds[0]!] : undefined;
    return { name: name.slice(name.lastIndexOf('.') + 1), ...(call ? { call } : {}) };
  }
  return undefined;
}

/** What a function listed as receiving component `e` gets. */
function seedOf(e: ExpressionFact, idx: ModuleIndex): UiSeed {
  const c = e.constant;
  if (c?.type === 'str') {
    const s = c.value.toLowerCase();
    return FILE_SHORTCUTS.has(s)
      ? { kind: 'file', label: `Gradio "${c.value}" input (an uploaded file's path)` }
      : { kind: 'text', label: `Gradio "${c.value}" input` };
  }
  const comp = componentOf(e, idx);
  if (comp === undefined) return { kind: 'file', label: 'Gradio input (component not known: may be an uploaded file)' };
  if (SERVER_STATE.has(comp.name)) return { kind: 'internal', label: 'Gradio session state' };
  if (FILE_COMPONENTS.has(comp.name)) return { kind: 'file', label: `Gradio ${comp.name} (an uploaded file's path)` };
  if (FILEPATH_TYPED.has(comp.name)) {
    const type = comp.call?.keywords.find((k) => k.name === 'type')?.value.constant;
    if (comp.call === undefined || (type?.type === 'str' && type.value === 'filepath'))
      return { kind: 'file', label: `Gradio ${comp.name} (an uploaded file's path)` };
    return { kind: 'text', label: `Gradio ${comp.name} value` };
  }
  return { kind: 'text', label: `Gradio ${comp.name} value` };
}

/** Seeds for an `inputs` argument: a list or tuple of components, one component, a string shortcut, or unknown. */
function inputSeeds(e: ExpressionFact | undefined, idx: ModuleIndex): { seeds: UiSeed[]; rest: UiSeed } {
  const unknown: UiSeed = { kind: 'file', label: 'Gradio input (inputs not known: may be an uploaded file)' };
  const none: UiSeed = { kind: 'internal', label: 'no Gradio input' };
  if (e === undefined || e.constant?.type === 'none') return { seeds: [], rest: e === undefined ? unknown : none };
  if (e.elements !== undefined) return { seeds: e.elements.map((x) => seedOf(x, idx)), rest: none };
  if (e.nodeType === 'set' || e.nodeType === 'dictionary' || e.nodeType === 'list_comprehension')
    return { seeds: [], rest: unknown };
  if (e.constant !== undefined || componentOf(e, idx) !== undefined) return { seeds: [seedOf(e, idx)], rest: none };
  return { seeds: [], rest: unknown };
}

function isGradio(call: CallSite, targets: readonly string[], idx: ModuleIndex, names: ReadonlySet<string>): boolean {
  for (const t of targets) {
    if (!t.startsWith('gradio.')) continue;
    if (names.has(t.slice(t.lastIndexOf('.') + 1))) return true;
  }
  // A listener on a component whose type the index did not resolve (a parameter, an element of a list).
  const a = call.callee.access;
  const last = a?.steps[a.steps.length - 1];
  return (
    targets.length === 0 &&
    last?.kind === 'attr' &&
    EVENTS.has(last.name) &&
    names === EVENTS &&
    idx.importedRoots.has('gradio')
  );
}

const arg = (call: CallSite, position: number, keyword: string): ExpressionFact | undefined =>
  call.keywords.find((k) => k.name === keyword)?.value ??
  (call.positional.length > position ? call.positional[position] : undefined);

/** The Gradio callbacks one call registers (none for any other call). */
export function uiCallbacks(call: CallSite, targets: readonly string[], idx: ModuleIndex): UiCallback[] {
  if (!idx.importedRoots.has('gradio')) return [];
  const text = call.callee.raw;
  if (isGradio(call, targets, idx, new Set(['Interface']))) {
    const fn = arg(call, 0, 'fn');
    if (fn === undefined) return [];
    return [{ framework: GRADIO, fn, ...inputSeeds(arg(call, 1, 'inputs'), idx), how: `${text}(fn, inputs, ...)` }];
  }
  if (isGradio(call, targets, idx, new Set(['ChatInterface']))) {
    const fn = arg(call, 0, 'fn');
    if (fn === undefined) return [];
    const extra = inputSeeds(call.keywords.find((k) => k.name === 'additional_inputs')?.value, idx);
    const multimodal = call.keywords.find((k) => k.name === 'multimodal')?.value.constant;
    const message: UiSeed =
      multimodal?.type === 'bool' && multimodal.value
        ? { kind: 'file', label: 'Gradio chat message (text and uploaded files)' }
        : { kind: 'text', label: 'Gradio chat message' };
    return [
      {
        framework: GRADIO,
        fn,
        seeds: [message, { kind: 'text', label: 'Gradio chat history (sent by the client)' }, ...extra.seeds],
        rest: extra.seeds.length ? extra.rest : { kind: 'internal', label: 'no Gradio input' },
        how: `${text}(fn, ...)`,
      },
    ];
  }
  if (isGradio(call, targets, idx, new Set(['on']))) {
    const fn = arg(call, 1, 'fn');
    if (fn === undefined) return [];
    return [{ framework: GRADIO, fn, ...inputSeeds(arg(call, 2, 'inputs'), idx), how: `${text}(triggers, fn, ...)` }];
  }
  if (isGradio(call, targets, idx, EVENTS)) {
    const fn = arg(call, 0, 'fn');
    if (fn === undefined || fn.constant?.type === 'none') return [];
    return [{ framework: GRADIO, fn, ...inputSeeds(arg(call, 1, 'inputs'), idx), how: `${text}(fn, inputs, ...)` }];
  }
  return [];
}

/** Parameters Gradio fills itself, by annotation or default (gr.Request is the client's request). */
export function uiParameterSeed(f: FunctionFact, i: number, idx: ModuleIndex): UiSeed | undefined {
  const p = f.parameters[i];
  if (p === undefined) return undefined;
  const typed = (p.annotation ?? '').replace(/\s/g, '');
  const short = typed.slice(typed.lastIndexOf('.') + 1);
  if (short === 'Request' && (typed.startsWith('gr.') || typed.startsWith('gradio.') || typed === 'Request'))
    return { kind: 'request', label: 'Gradio request' };
  if (['Progress', 'OAuthProfile', 'OAuthToken', 'EventData', 'SelectData', 'LikeData'].includes(short))
    return { kind: 'internal', label: `Gradio ${short}` };
  const d = p.default;
  if (d !== undefined) {
    const comp = componentOf(d, idx);
    if (comp?.name === 'Progress') return { kind: 'internal', label: 'Gradio Progress' };
  }
  return undefined;
}
