// Training configurations that name torch's optimizer and learning-rate scheduler classes (a Lightning module's
// hyperparameters, a forecasting library's training settings): the torch table admits every public class of
// torch.optim.lr_scheduler, as of the optimizers, as a stored reference only. Real torch.save output of one
// configuration per scheduler class (scripts/fixtures/torch-training-config.py, torch 1.13) imports nothing the packs
// refuse, and is still held to the weights-only policy as any pickle-backed checkpoint; a scheduler object pickled
// whole (its class called by NEWOBJ) is reported, and so is a stream that calls a scheduler class.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { fixtureDir } from '../../helpers/proof-fixtures.js';
import { P } from '../../helpers/pickle-builder.js';

const DIR = fixtureDir('torch-training-config');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as {
  torch: string;
  configs: string[];
  objects: string[];
};
const findingsOf = async (name: string, bytes: Uint8Array) =>
  (await scanBytes(name, bytes)).findings.filter((f) => f.severity !== 'LOW' && f.severity !== 'INFO');

describe('training configurations naming torch scheduler classes', () => {
  it('covers every public scheduler class of the torch that wrote the fixtures', () => {
    assert.ok(manifest.configs.length >= 15, String(manifest.configs.length));
    assert.ok(manifest.configs.includes('config-OneCycleLR.pt'));
  });

  for (const file of manifest.configs)
    it(`${file}: no import refused; only the weights-only policy, naming the classes to declare`, async () => {
      const found = await findingsOf(file, readFileSync(join(DIR, file)));
      assert.deepEqual(
        found.map((f) => f.ruleId),
        ['TORCH-LOAD-UNTRUSTED'],
      );
      const scheduler = file.slice('config-'.length, -'.pt'.length);
      assert.match(found[0]!.evidence.signal, new RegExp(`torch\\.optim\\.lr_scheduler\\.${scheduler}\\b`));
      assert.match(found[0]!.evidence.signal, /torch_safe_globals/);
    });

  for (const file of manifest.objects)
    it(`${file} (a scheduler pickled whole): its class is called, and reported`, async () => {
      const found = await findingsOf(file, readFileSync(join(DIR, file)));
      assert.ok(
        found.some(
          (f) =>
            f.ruleId === 'PICKLE-GLOBAL-IMPORT' &&
            /lr_scheduler\.StepLR: the torch pack admits it only as a stored reference/.test(f.evidence.signal),
        ),
        found.map((f) => f.evidence.signal).join('\n'),
      );
    });

  const ref = (name: string) =>
    new P()
      .proto(4)
      .emptyDict()
      .sbu('lr_scheduler')
      .stackGlobal('torch.optim.lr_scheduler', name)
      .setitem()
      .stop()
      .bytes();
  const called = (name: string) =>
    new P().proto(4).stackGlobal('torch.optim.lr_scheduler', name).emptyList().tuple1().reduce().stop().bytes();
  for (const name of ['OneCycleLR', 'ReduceLROnPlateau', 'CosineAnnealingWarmRestarts']) {
    it(`a plain pickle naming ${name} passes`, async () => {
      assert.deepEqual(await findingsOf('config.pkl', ref(name)), []);
    });
    it(`a plain pickle calling ${name} (REDUCE) is blocked`, async () => {
      const found = await findingsOf('config.pkl', called(name));
      assert.ok(found.some((f) => f.ruleId === 'PICKLE-GLOBAL-IMPORT' && f.severity === 'HIGH'));
    });
  }
});
