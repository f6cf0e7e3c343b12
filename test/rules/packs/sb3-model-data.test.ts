// What a stable-baselines3 model's `data` member pickles (cloudpickle, one stream per value JSON cannot hold), read
// by the stable-baselines3 pack (scripts/data/history/stable-baselines3.py) and the torch table's optimizer classes:
// the schedules of 2.7 on (plain classes pickled through their __dict__), the training frequency (a TrainFreq
// namedtuple of a number and a TrainFrequencyUnit member), and the policy, buffer and optimizer classes the data
// names by reference, which stable-baselines3's load calls and the stream never does. Real model zips of 2.8.0 are in
// test/fixtures/real-history-packs (history-packs-real.test.ts); each row here changes one thing.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { P } from '../../helpers/pickle-builder.js';

const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);
const blockingOf = async (bytes: Uint8Array): Promise<string[]> => {
  const r = await scanBytes('value.pkl', bytes);
  return r.findings.filter((x) => BLOCKING.has(x.severity)).map((x) => `${x.ruleId}: ${x.evidence.signal}`);
};

const UTILS = 'stable_baselines3.common.utils';
const ALIASES = 'stable_baselines3.common.type_aliases';

/** An instance as cloudpickle writes a plain class's: NEWOBJ with no arguments, one BUILD of its __dict__. */
const obj = (p: P, module: string, name: string, fill: (q: P) => P): P =>
  fill(p.stackGlobal(module, name).emptyTuple().newobj().emptyDict()).build();

/** FloatSchedule(LinearSchedule(...)) or FloatSchedule(ConstantSchedule(...)), as a model's lr_schedule pickles. */
const schedule = (inner: (p: P) => P): Uint8Array =>
  obj(new P().proto(5), UTILS, 'FloatSchedule', (q) => inner(q.sbu('value_schedule')).setitem())
    .stop()
    .bytes();
const constant = (p: P): P => obj(p, UTILS, 'ConstantSchedule', (q) => q.sbu('val').raw('G').raw(f64(3e-4)).setitem());
const linear = (p: P): P =>
  obj(p, UTILS, 'LinearSchedule', (q) =>
    q.sbu('start').int(1).setitem().sbu('end').int(0).setitem().sbu('end_fraction').raw('G').raw(f64(0.1)).setitem(),
  );

function f64(v: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, false);
  return b;
}

/** TrainFreq(4, TrainFrequencyUnit('step')): NEWOBJ of the namedtuple with its two fields. */
const trainFreq = (
  unit: (p: P) => P = (q) => q.stackGlobal(ALIASES, 'TrainFrequencyUnit').sbu('step').tuple1().reduce(),
) => unit(new P().proto(5).stackGlobal(ALIASES, 'TrainFreq').int(4)).tuple2().newobj().stop().bytes();

/** A class named by reference only: the whole stream is its global. */
const ref = (module: string, name: string): Uint8Array => new P().proto(5).stackGlobal(module, name).stop().bytes();

describe('stable-baselines3 model data', () => {
  const benign: [string, () => Uint8Array][] = [
    ['FloatSchedule of a ConstantSchedule (a constant learning rate)', () => schedule(constant)],
    ['FloatSchedule of a LinearSchedule (an exploration schedule)', () => schedule(linear)],
    ['TrainFreq(4, TrainFrequencyUnit("step"))', () => trainFreq()],
    [
      "TrainFreq(4, getattr(TrainFrequencyUnit, 'STEP')) (the member by name, as Python 3.11.0 - 3.11.4 write it)",
      () =>
        trainFreq((q) =>
          q.stackGlobal('builtins', 'getattr').stackGlobal(ALIASES, 'TrainFrequencyUnit').sbu('STEP').tuple2().reduce(),
        ),
    ],
    [
      'the policy class by reference (ActorCriticPolicy)',
      () => ref('stable_baselines3.common.policies', 'ActorCriticPolicy'),
    ],
    ['the policy class by reference (DQNPolicy)', () => ref('stable_baselines3.dqn.policies', 'DQNPolicy')],
    ['the rollout buffer class by reference', () => ref('stable_baselines3.common.buffers', 'RolloutBuffer')],
    [
      'the replay buffer class by reference (HER)',
      () => ref('stable_baselines3.her.her_replay_buffer', 'HerReplayBuffer'),
    ],
    ['the optimizer class by reference (RMSprop)', () => ref('torch.optim.rmsprop', 'RMSprop')],
  ];
  for (const [what, make] of benign)
    it(`passes: ${what}`, async () => {
      assert.deepEqual(await blockingOf(make()), []);
    });

  const hostile: [string, () => Uint8Array, RegExp][] = [
    [
      'a schedule wrapping a call of posix.system',
      () => schedule((p) => p.stackGlobal('posix', 'system').sbu('id').tuple1().reduce()),
      /PICKLE-EXEC/,
    ],
    [
      'the policy class called by the stream (NEWOBJ with arguments it chose)',
      () =>
        new P()
          .proto(5)
          .stackGlobal('stable_baselines3.common.policies', 'ActorCriticPolicy')
          .sbu('x')
          .tuple1()
          .newobj()
          .stop()
          .bytes(),
      /stored reference/,
    ],
    [
      'the optimizer class called by the stream (REDUCE)',
      () => new P().proto(5).stackGlobal('torch.optim.adam', 'Adam').emptyList().tuple1().reduce().stop().bytes(),
      /stored reference/,
    ],
    [
      'a buffer made by copyreg._reconstructor and given items (APPENDS: its extend calls add on each)',
      () =>
        new P()
          .proto(2)
          .stackGlobal('copyreg', '_reconstructor')
          .stackGlobal('stable_baselines3.common.buffers', 'ReplayBuffer')
          .stackGlobal('builtins', 'object')
          .none()
          .raw(0x87) // TUPLE3
          .reduce()
          .emptyDict()
          .sbu('pos')
          .int(0)
          .setitem()
          .build()
          .mark()
          .int(1)
          .raw('e')
          .stop()
          .bytes(),
      /never gives it items/,
    ],
    [
      'a Dict observation space given items (SETITEMS: its __setitem__ stores into the spaces the state chose)',
      () =>
        obj(new P().proto(5), 'gymnasium.spaces.dict', 'Dict', (q) => q.sbu('spaces').emptyDict().setitem())
          .sbu('k')
          .int(1)
          .setitem()
          .stop()
          .bytes(),
      /never gives it items/,
    ],
    [
      'a schedule class not of the pack (a name stable-baselines3 does not define)',
      () =>
        obj(new P().proto(5), UTILS, 'ExecSchedule', (q) => q)
          .stop()
          .bytes(),
      /PICKLE-GLOBAL-IMPORT/,
    ],
  ];
  for (const [what, make, expect] of hostile)
    it(`blocks: ${what}`, async () => {
      const found = await blockingOf(make());
      assert.ok(
        found.some((f) => expect.test(f)),
        found.join('\n'),
      );
    });
});
