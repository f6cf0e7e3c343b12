// UI-serving frameworks as DESER entry points: the functions a UI app hands to the framework receive what the browser
// sends (a text, a number, an uploaded file's bytes or server-side path), per each framework's documented API:
// Gradio (gr.Interface, gr.ChatInterface, gr.Blocks event listeners, gr.on), Panel (pn.bind, pn.depends /
// param.depends, `.param.watch`), Dash (`@app.callback` / `@dash.callback` with Input/State) and Chainlit
// (`@cl.on_message`, `@cl.on_audio_chunk`, `@cl.action_callback`, ...). Streamlit scripts have no callbacks: their
// widgets return the client's values, which are sources (apis.ts NETWORK_CALLS, GLOBAL_INPUTS).
import type { CallSite, DecoratorFact, ExpressionFact, FunctionFact } from '../python/module-model.js';
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
  /** Seeds by parameter name (arguments a framework binds by keyword); they take precedence over positions. */
  readonly named?: ReadonlyMap<string, UiSeed>;
  readonly how: string;
}

/** What a UI framework's decorator makes of the function it decorates (the function is known: no `fn`). */
export type UiDecorated = Omit<UiCallback, 'fn'>;

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
export const UI_TRIGGERS: ReadonlySet<string> = new Set([
  ...EVENTS,
  'Interface',
  'ChatInterface',
  'on',
  'api',
  'bind',
  'watch',
]);

const GRADIO = 'Gradio';

function componentOf(e: ExpressionFact, idx: ModuleIndex): { name: string; call?: CallSite } | undefined {
  for (const v of e.values) {
    if (v.kind !== 'qualified' || !v.name.startsWith('gradio.')) continue;
    const name = v.name.replace(/\(\)$/, '');
    const call = e.callIds.length === 1 ? idx.mod.calls[e.callIds[0]!] : constructionOf(e, idx);
    return { name: name.slice(name.lastIndexOf('.') + 1), ...(call ? { call } : {}) };
  }
  return undefined;
}

/** The one construction a plain name is bound to in the module (`f = gr.File(type="binary")`), if there is one. */
function constructionOf(e: ExpressionFact, idx: ModuleIndex): CallSite | undefined {
  const r = e.access?.root;
  if (r?.kind !== 'name' || r.resolution !== 'assignment' || e.access!.steps.length !== 0) return undefined;
  let found: CallSite | undefined;
  for (const names of idx.assignedNames.values()) {
    for (const a of names.get(r.name) ?? []) {
      const c = a.kind === 'assign' && a.value?.callIds.length === 1 ? idx.mod.calls[a.value.callIds[0]!] : undefined;
      if (c === undefined || c.text !== a.value!.text || (found !== undefined && found.text !== c.text))
        return undefined;
      found = c;
    }
  }
  return found;
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
  if (SERVER_STATE.has(comp.name)) return stateSeed(e, idx);
  if (FILE_COMPONENTS.has(comp.name)) {
    // File, Files and UploadButton with `type="binary"` hand over the uploaded bytes instead of a path.
    const type = comp.call?.keywords.find((k) => k.name === 'type')?.value.constant;
    if (type?.type === 'str' && type.value === 'binary')
      return { kind: 'data', label: `Gradio ${comp.name} (the uploaded file's bytes)` };
    return { kind: 'file', label: `Gradio ${comp.name} (an uploaded file's path)` };
  }
  if (FILEPATH_TYPED.has(comp.name)) {
    const type = comp.call?.keywords.find((k) => k.name === 'type')?.value.constant;
    if (comp.call === undefined || (type?.type === 'str' && type.value === 'filepath'))
      return { kind: 'file', label: `Gradio ${comp.name} (an uploaded file's path)` };
    return { kind: 'text', label: `Gradio ${comp.name} value` };
  }
  return { kind: 'text', label: `Gradio ${comp.name} value` };
}

/** What a listener may leave in a state: the order in which seeds are preferred (the first is the most client-made). */
const SEED_ORDER: readonly string[] = ['data', 'upload', 'file', 'text', 'request', 'message'];
const SERVER_KEPT: UiSeed = { kind: 'internal', label: 'Gradio session state' };

/**
 * A `gr.State` is kept on the server, but a listener that lists it among its `outputs` stores there what its function
 * returns, which may be what the client sent to that listener (`up.upload(stash, up, st)` keeps the upload in `st`
 * for the next event). Its value as an input is therefore the most client-made input of a listener writing it that
 * the function's return at the state's output position is made from: the parameters it names, directly, through
 * the arguments of calls in it or through the function's own assignments (a function the module does not define
 * is taken to return any of its inputs). Its initial value is the app's own: a state written only from server-side
 * values, or never written, stays the server's. Keyed by the name the state is bound to.
 */
function stateSeed(e: ExpressionFact, idx: ModuleIndex): UiSeed {
  const name = plainName(e);
  if (name === undefined) return SERVER_KEPT;
  let states = STATE_SEEDS.get(idx);
  if (states === undefined) STATE_SEEDS.set(idx, (states = new Map()));
  const known = states.get(name);
  if (known !== undefined) return known;
  // While its writers are read, the state counts as the server's (a listener that writes a state from itself).
  states.set(name, SERVER_KEPT);
  let best = SERVER_KEPT;
  for (const w of stateWriters(idx).get(name) ?? []) {
    const { seeds, rest } = inputSeeds(w.inputs, idx);
    const lf = idx.localFunction(w.fn, w.scopeId);
    const made = lf === undefined ? undefined : returnedParams(lf.fn, w.position, w.outputs, idx);
    const candidates =
      lf === undefined
        ? [...seeds, rest]
        : lf.fn.parameters.flatMap((p, i) =>
            i >= lf.skip && made!.has(p.name) ? [p.kind === 'vararg' ? rest : (seeds[i - lf.skip] ?? rest)] : [],
          );
    for (const s of candidates) {
      const rank = SEED_ORDER.indexOf(s.kind);
      const have = SEED_ORDER.indexOf(best.kind);
      if (rank >= 0 && (have < 0 || rank < have))
        best = { kind: s.kind, label: `Gradio State written by \`${w.how}\` from ${s.label}` };
    }
  }
  states.set(name, best);
  return best;
}

/** stateSeed's answers by module, then state name. */
const STATE_SEEDS = new WeakMap<ModuleIndex, Map<string, UiSeed>>();

/** A listener that lists a state among its outputs: its function, inputs, and the state's place in its outputs. */
interface StateWriter {
  fn: ExpressionFact;
  scopeId: number;
  inputs: ExpressionFact | undefined;
  /** The state's index among the outputs, and how many outputs there are. */
  position: number;
  outputs: number;
  how: string;
}
const STATE_WRITERS = new WeakMap<ModuleIndex, Map<string, StateWriter[]>>();

function plainName(e: ExpressionFact): string | undefined {
  const a = e.access;
  return a?.root.kind === 'name' && a.steps.length === 0 ? a.root.name : undefined;
}

function stateWriters(idx: ModuleIndex): Map<string, StateWriter[]> {
  let out = STATE_WRITERS.get(idx);
  if (out !== undefined) return out;
  out = new Map();
  STATE_WRITERS.set(idx, out);
  for (const call of idx.mod.calls) {
    const targets = idx.targets(call);
    let at: { fn: number; inputs: number; outputs: number } | undefined;
    if (isGradio(call, targets, idx, new Set(['on']))) at = { fn: 1, inputs: 2, outputs: 3 };
    else if (isGradio(call, targets, idx, new Set(['Interface'])) || isGradio(call, targets, idx, EVENTS))
      at = { fn: 0, inputs: 1, outputs: 2 };
    if (at === undefined) continue;
    const fn = arg(call, at.fn, 'fn');
    const outputs = arg(call, at.outputs, 'outputs');
    if (fn === undefined || outputs === undefined) continue;
    const list = outputs.elements ?? [outputs];
    list.forEach((o, position) => {
      const n = plainName(o);
      if (n === undefined || componentOf(o, idx)?.name !== 'State') return;
      const writers = out!.get(n) ?? [];
      writers.push({
        fn,
        scopeId: call.scopeId,
        inputs: arg(call, at!.inputs, 'inputs'),
        position,
        outputs: outputs.elements !== undefined ? list.length : 1,
        how: call.callee.raw,
      });
      out!.set(n, writers);
    });
  }
  return out;
}

/** How far returnedParams follows a function's own assignments and the arguments of calls. */
const MADE_FROM_DEPTH = 4;

/**
 * The names a function's return (or yield) at output `position` of `outputs` is made from: the identifiers it reads,
 * those in the arguments of the calls it makes, and, for a name the function assigns, what those assignments read
 * (a bounded number of steps). A return that is not a tuple of the outputs' length is taken whole.
 */
function returnedParams(f: FunctionFact, position: number, outputs: number, idx: ModuleIndex): Set<string> {
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (e: ExpressionFact, depth: number): void => {
    for (const n of e.names) {
      names.add(n);
      if (depth >= MADE_FROM_DEPTH || seen.has(n)) continue;
      seen.add(n);
      for (const a of idx.assignedNames.get(f.id)?.get(n) ?? []) if (a.value !== null) visit(a.value, depth + 1);
    }
    if (depth >= MADE_FROM_DEPTH) return;
    for (const id of e.callIds) {
      const c = idx.mod.calls[id];
      if (c === undefined) continue;
      for (const x of [...c.positional, ...c.keywords.map((k) => k.value), ...c.starArgs, ...c.starStarKwargs])
        visit(x, depth + 1);
    }
    for (const x of [...(e.elements ?? []), ...(e.operands ?? []), ...(e.dictEntries ?? []).map((k) => k.value)])
      visit(x, depth + 1);
  };
  for (const r of f.returns) {
    const el = outputs > 1 && r.elements?.length === outputs ? r.elements[position]! : r;
    visit(el, 0);
  }
  return names;
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
  if (idx.importedRoots.has('panel') || idx.importedRoots.has('param')) {
    const panel = panelCallback(call, targets);
    if (panel !== undefined) return [panel];
  }
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
  if (isGradio(call, targets, idx, new Set(['api']))) {
    // `gr.api(fn, api_name=...)`: an API endpoint without components; every parameter is what the client sends.
    const fn = arg(call, 0, 'fn');
    if (fn === undefined) return [];
    return [
      {
        framework: GRADIO,
        fn,
        seeds: [],
        rest: { kind: 'text', label: 'Gradio API argument (sent by the client)' },
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

/**
 * A Gradio listener used as a decorator (`@btn.click(inputs=..., outputs=...)`, `@demo.load(...)`,
 * `@gr.on(triggers, inputs=...)`, `@gr.render(inputs=...)`): the decorated function is the listener's `fn`, and its
 * parameters receive the `inputs`. A listener call that names its function is a registration, not a decorator.
 */
function gradioDecorated(call: CallSite, idx: ModuleIndex, how: string): UiDecorated | undefined {
  if (!idx.importedRoots.has('gradio')) return undefined;
  const targets = idx.targets(call);
  const on = isGradio(call, targets, idx, new Set(['on', 'render']));
  if (!on && !isGradio(call, targets, idx, EVENTS)) return undefined;
  const fn = arg(call, on ? 1 : 0, 'fn');
  if (fn !== undefined && fn.constant?.type !== 'none') return undefined;
  const inputs = targets.includes('gradio.render') ? arg(call, 0, 'inputs') : arg(call, on ? 2 : 1, 'inputs');
  // Without `inputs` Gradio calls the function with none.
  if (inputs === undefined)
    return { framework: GRADIO, seeds: [], rest: { kind: 'internal', label: 'no Gradio input' }, how };
  return { framework: GRADIO, ...inputSeeds(inputs, idx), how };
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

// ---- Panel ----------------------------------------------------------------------------------------------------

const PANEL = 'Panel';
const NO_INPUT: UiSeed = { kind: 'internal', label: 'no UI input' };

/** The Panel widget an expression names (`fi`, `fi.param.value`, `pn.widgets.FileInput(...)`), if any. */
function panelWidget(e: ExpressionFact): string | undefined {
  for (const v of e.values) {
    if (v.kind !== 'qualified' || !v.name.startsWith('panel.widgets.')) continue;
    const m = /^panel\.widgets\.(?:\w+\.)*?(\w+)\(\)(?:\.param(?:\.value)?|\.value)?$/.exec(v.name);
    if (m !== null) return m[1];
  }
  return undefined;
}

/** What a function bound to widget `e` receives: the uploaded bytes of a FileInput, the text of other widgets. */
function panelSeed(e: ExpressionFact): UiSeed {
  const w = panelWidget(e);
  if (w === undefined) return NO_INPUT;
  if (w === 'FileInput' || w === 'FileDropper') return { kind: 'data', label: `Panel ${w} value (uploaded bytes)` };
  return { kind: 'text', label: `Panel ${w} value` };
}

function panelBound(
  positional: readonly ExpressionFact[],
  keywords: readonly { name: string | null; value: ExpressionFact }[],
): { seeds: UiSeed[]; named: Map<string, UiSeed> } {
  const named = new Map<string, UiSeed>();
  for (const k of keywords)
    if (k.name !== null && k.name !== 'watch' && k.name !== 'on_init') named.set(k.name, panelSeed(k.value));
  return { seeds: positional.map(panelSeed), named };
}

/** `pn.bind(fn, *widgets, **widgets)` and `widget.param.watch(fn, ...)`. */
function panelCallback(call: CallSite, targets: readonly string[]): UiCallback | undefined {
  if (targets.includes('panel.bind') || targets.includes('param.bind')) {
    const [fn, ...rest] = call.positional;
    if (fn === undefined) return undefined;
    const bound = panelBound(rest, call.keywords);
    return { framework: PANEL, fn, ...bound, rest: NO_INPUT, how: `${call.callee.raw}(fn, ...)` };
  }
  const watch = targets.find((t) => t.startsWith('panel.widgets.') && t.endsWith('.param.watch'));
  if (watch !== undefined) {
    const fn = call.positional[0] ?? call.keywords.find((k) => k.name === 'fn')?.value;
    if (fn === undefined) return undefined;
    const w = /(\w+)\(\)\.param\.watch$/.exec(watch)?.[1] ?? '';
    // The callback gets an Event whose `.new` is the widget's new value.
    const seed: UiSeed =
      w === 'FileInput' || w === 'FileDropper'
        ? { kind: 'message', label: `Panel ${w} change event (uploaded bytes in .new)` }
        : { kind: 'text', label: `Panel ${w} change event` };
    return { framework: PANEL, fn, seeds: [seed], rest: NO_INPUT, how: `${call.callee.raw}(fn, ...)` };
  }
  return undefined;
}

/** A parameter of a local class's instance that a Panel widget's `.link` keeps set to the widget's value. */
export interface PanelLink {
  readonly seed: UiSeed;
  readonly call: CallSite;
}

/**
 * `widget.link(obj, value="name")`: Panel sets `obj.name` to the widget's value whenever the browser changes it, so
 * `self.name` in the methods of `obj`'s class (a `param.Parameterized` whose `@param.depends("name")` methods rerun
 * on it) reads what the client sent. By `<class id>.<attribute>`, for instances of classes of this module bound to a
 * name where the link is made or at the top level. `jslink` links in the browser only and is not counted.
 */
export function panelLinks(idx: ModuleIndex): Map<string, PanelLink> {
  const out = new Map<string, PanelLink>();
  for (const call of idx.mod.calls) {
    if (!call.callee.raw.endsWith('.link')) continue;
    const widget = idx
      .targets(call)
      .map((q) => /^panel\.widgets\.(?:\w+\.)*?(\w+)\(\)\.link$/.exec(q)?.[1])
      .find((w) => w !== undefined);
    const target = call.positional[0]?.access;
    if (widget === undefined || target?.root.kind !== 'name' || target.steps.length !== 0) continue;
    const seed: UiSeed =
      widget === 'FileInput' || widget === 'FileDropper'
        ? { kind: 'data', label: `Panel ${widget} value (uploaded bytes) linked to a parameter` }
        : { kind: 'text', label: `Panel ${widget} value linked to a parameter` };
    const classes = new Set<FunctionFact>();
    for (const sid of new Set([call.scopeId, 0]))
      for (const as of idx.assignedNames.get(sid)?.get(target.root.name) ?? []) {
        const a = as.value?.access;
        const made = a?.root.kind === 'call' && a.steps.length === 0 ? idx.mod.calls[a.root.callId] : undefined;
        const cls = made?.callee.definitionId !== undefined ? idx.fn(made.callee.definitionId) : undefined;
        if (cls?.kind === 'class') classes.add(cls);
      }
    for (const k of call.keywords) {
      const name = k.value.constant?.type === 'str' ? k.value.constant.value : undefined;
      if (k.name !== 'value' || name === undefined) continue;
      for (const cls of classes) out.set(`${cls.id}.${name}`, { seed, call });
    }
  }
  return out;
}

// ---- Decorators: Panel, Dash, Chainlit ---------------------------------------------------------------------------

/** Dash dependency classes whose values the browser sends with the callback request. */
const DASH_DEPENDENCIES = /^(?:dash|dash\.dependencies|jupyter_dash)\.(Input|State)\(\)$/;

function dashSeeds(e: ExpressionFact, idx: ModuleIndex, out: UiSeed[]): void {
  if (e.elements !== undefined) {
    for (const x of e.elements) dashSeeds(x, idx, out);
    return;
  }
  const dep = e.values.find((v) => v.kind === 'qualified' && DASH_DEPENDENCIES.test(v.name));
  if (dep === undefined || dep.kind !== 'qualified') return;
  const call = e.callIds.length === 1 ? idx.mod.calls[e.callIds[0]!] : undefined;
  const prop = call?.keywords.find((k) => k.name === 'component_property')?.value ?? call?.positional[1];
  const p = prop?.constant?.type === 'str' ? prop.constant.value : '';
  out.push(
    p === 'contents'
      ? { kind: 'text', label: `Dash ${DASH_DEPENDENCIES.exec(dep.name)![1]} "contents" (an uploaded file, base64)` }
      : {
          kind: 'text',
          label: `Dash ${DASH_DEPENDENCIES.exec(dep.name)![1]}${p ? ` "${p}"` : ''} (sent by the browser)`,
        },
  );
}

const isDashCallback = (q: string): boolean =>
  q === 'dash.callback' ||
  q === 'dash.clientside_callback' ||
  ((q.startsWith('dash.') || q.startsWith('jupyter_dash.')) && q.endsWith('().callback'));

/** Seeds of a Dash callback's dependencies (`Input`, `State`), in the order the callback's parameters get them. */
function dashCallbackSeeds(call: CallSite, idx: ModuleIndex): UiSeed[] {
  const seeds: UiSeed[] = [];
  for (const a of call.positional) dashSeeds(a, idx, seeds);
  for (const k of call.keywords) if (k.name === 'inputs' || k.name === 'state') dashSeeds(k.value, idx, seeds);
  return seeds;
}

/**
 * A UI framework's decorator applied by hand: `app.callback(Output(...), Input(...))(update)` (Dash's call form).
 * `call` applies the result of `inner` to the function.
 */
export function uiAppliedDecorator(call: CallSite, inner: CallSite, idx: ModuleIndex): UiCallback | undefined {
  const fn = call.positional[0];
  if (fn === undefined || call.positional.length !== 1) return undefined;
  if (!idx.targets(inner).some((q) => isDashCallback(q) && q !== 'dash.clientside_callback')) return undefined;
  return {
    framework: 'Dash',
    fn,
    seeds: dashCallbackSeeds(inner, idx),
    rest: { kind: 'text', label: 'Dash callback input (sent by the browser)' },
    how: `${shortCall(inner)}(fn)`,
  };
}

const shortCall = (c: CallSite): string => c.callee.raw.replace(/\s+/g, ' ').slice(0, 60) + '(...)';

/** Chainlit hooks and the seed of their first parameter (what the client sent). */
const CHAINLIT_HOOKS: ReadonlyMap<string, UiSeed | undefined> = new Map([
  ['on_message', { kind: 'upload', label: 'Chainlit message (text and uploaded files)' }],
  ['on_audio_chunk', { kind: 'message', label: 'Chainlit audio chunk' }],
  ['on_settings_update', { kind: 'text', label: 'Chainlit chat settings (sent by the client)' }],
  ['action_callback', { kind: 'text', label: 'Chainlit action (sent by the client)' }],
  ['on_chat_start', undefined],
  ['on_audio_start', undefined],
  ['on_audio_end', undefined],
  ['on_stop', undefined],
  ['on_chat_end', undefined],
]);

/** What a UI framework's decorator on `f` makes of it (undefined for any other decorator). */
export function uiDecorated(d: DecoratorFact, idx: ModuleIndex): UiDecorated | undefined {
  const q = d.qualifiedName;
  if (q === null) return undefined;
  const call = d.isCall && d.callId !== undefined ? idx.mod.calls[d.callId] : undefined;
  const how = '@' + d.text.replace(/\s+/g, ' ').slice(0, 60);
  if (q === 'panel.depends' || q === 'param.depends') {
    if (call === undefined) return undefined;
    const bound = panelBound(call.positional, call.keywords);
    // A method's dependencies named by string (`@param.depends("value")`) are its own parameters: not widgets.
    if (bound.seeds.every((s) => s === NO_INPUT) && [...bound.named.values()].every((s) => s === NO_INPUT))
      return undefined;
    return { framework: PANEL, ...bound, rest: NO_INPUT, how };
  }
  if (isDashCallback(q) && q !== 'dash.clientside_callback') {
    if (call === undefined) return undefined;
    return {
      framework: 'Dash',
      seeds: dashCallbackSeeds(call, idx),
      rest: { kind: 'text', label: 'Dash callback input (sent by the browser)' },
      how,
    };
  }
  // dash-uploader's `@du.callback(output=..., id=...)`: the function gets the upload's status (its `latest_file` and
  // `uploaded_files` are paths of the files the client uploaded; releases before 0.7 passed the list of paths).
  if (q === 'dash_uploader.callback')
    return {
      framework: 'Dash',
      seeds: [{ kind: 'file', label: 'dash-uploader upload status (paths of the files the client uploaded)' }],
      rest: NO_INPUT,
      how,
    };
  const gradio = call !== undefined ? gradioDecorated(call, idx, how) : undefined;
  if (gradio !== undefined) return gradio;
  if (q.startsWith('chainlit.')) {
    const hook = q.slice('chainlit.'.length);
    if (!CHAINLIT_HOOKS.has(hook)) return undefined;
    const seed = CHAINLIT_HOOKS.get(hook);
    return { framework: 'Chainlit', seeds: seed ? [seed] : [], rest: NO_INPUT, how };
  }
  return undefined;
}
