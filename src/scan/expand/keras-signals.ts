// Keras config analysis (analyzers/model/keras-config.ts) turned into MODEL-LAMBDA-CODE facts, shared by the JSON
// reader (.keras config.json, model.to_json() files) and the HDF5 reader (legacy .h5 model_config). A
// TorchModuleWrapper's pickled torch module is handed back to the scanner as a nested payload, so the pickle rules
// judge it too.
import { analyzeKerasConfig } from '../../analyzers/model/keras-config.js';
import { child, layerSegment, type Location } from '../../core/location.js';
import { MemorySource } from '../../sources/byte-source.js';
import type { UnitContext } from './context.js';

export interface KerasOrigin {
  readonly location: Location;
  /** `keras` (.keras config.json), `keras-json`, `hdf5`. */
  readonly format: string;
  /** Prefix naming where the config sits (`model_config` attribute of an HDF5 file); '' for a JSON file. */
  readonly prefix: string;
}

/** Reports what loading the config would execute; returns the number of layers seen. */
export async function reportKerasConfig(ctx: UnitContext, config: unknown, origin: KerasOrigin): Promise<number> {
  const a = analyzeKerasConfig(config);
  const at = (path: string): string => (origin.prefix ? `${origin.prefix}:${path}` : path);
  for (const s of a.signals) {
    const base = { rule: 'MODEL-LAMBDA-CODE' as const, location: origin.location, format: origin.format };
    switch (s.kind) {
      case 'lambda-bytecode':
        ctx.model({
          ...base,
          signal:
            (s.codeObject
              ? `Lambda layer ${JSON.stringify(s.layer)} carries ${s.codeBytes} bytes of marshalled Python bytecode that ` +
                'Keras unmarshals and runs on load'
              : `Lambda layer ${JSON.stringify(s.layer)} holds ${s.codeBytes} bytes of code text (not a marshalled code ` +
                'object as written: source text or another encoding) that Keras hands to marshal.loads as the ' +
                "layer's function on load") +
            (s.strings.length ? ` (names and constants: ${s.strings.slice(0, 12).join(', ')})` : ''),
          key: `lambda:${s.layer}:${s.path}`,
          path: at(s.path),
          confidence: 'high',
          details: { layer: s.layer, codeBytes: s.codeBytes, bytecodeStrings: s.strings, codeObject: s.codeObject },
        });
        break;
      case 'lambda-function':
        ctx.model({
          ...base,
          signal:
            `Lambda layer ${JSON.stringify(s.layer)} calls the function ${s.function}, resolved by name on load` +
            (s.inKeras
              ? ' (a Keras name or a registered custom object: whatever the loading process registered under it runs)'
              : ''),
          key: `lambda-function:${s.layer}:${s.function}`,
          path: at(s.path),
          confidence: s.inKeras ? 'low' : 'medium',
          details: { layer: s.layer, function: s.function, inKeras: s.inKeras },
        });
        break;
      case 'custom-object':
        ctx.model({
          ...base,
          signal:
            `config names ${s.registeredName === 'function' ? 'the function' : 'the class'} ${s.className} from module ` +
            `${s.module}, outside the Keras namespaces: deserialising it imports that module`,
          key: `custom:${s.module}:${s.className}`,
          path: at(s.path),
          confidence: 'high',
          details: {
            module: s.module,
            name: s.className,
            ...(s.registeredName ? { registeredName: s.registeredName } : {}),
          },
        });
        break;
      case 'gadget':
        ctx.model({
          ...base,
          signal: `config references ${s.module}.${s.name}: ${s.why}`,
          key: `gadget:${s.module}:${s.name}`,
          path: at(s.path),
          confidence: 'high',
          details: { module: s.module, name: s.name },
        });
        break;
      case 'torch-module':
        ctx.model({
          ...base,
          signal:
            `TorchModuleWrapper carries a ${s.payload.length}-byte torch.save payload that Keras loads with torch.load ` +
            '(a pickle): its contents are scanned as a nested payload',
          key: `torch-module:${s.path}`,
          path: at(s.path),
          confidence: 'high',
          details: { payloadBytes: s.payload.length },
        });
        await ctx.scanChild(new MemorySource(child(origin.location, layerSegment(`base64 ${at(s.path)}`)), s.payload));
        break;
    }
  }
  if (a.truncated)
    ctx.incomplete({
      location: origin.location,
      kind: 'limit',
      limit: 'maxEntries',
      reason: 'Keras config has more than 1,000,000 JSON nodes; the rest was not checked',
    });
  return a.layers;
}
