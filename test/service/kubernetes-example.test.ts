// The Kubernetes example (examples/kubernetes/sentinel.yaml) is checked against the Kubernetes and KEDA API
// schemas (kubernetes-models / @kubernetes-models/keda validators), and its commands against the CLI's options:
// no cluster runs here, so the file is proved on paper.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { parseAllDocuments } from 'yaml';
import { main } from '../../src/cli/main.js';

const text = readFileSync(new URL('../../examples/kubernetes/sentinel.yaml', import.meta.url), 'utf8');
const docs = parseAllDocuments(text).map((d) => d.toJS() as { apiVersion: string; kind: string; spec: unknown });

const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment as never,
  'v1/Service': Service as never,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject as never,
};

describe('Kubernetes example', () => {
  it('has the worker, its autoscaler, the service and its Service', () => {
    assert.deepEqual(
      docs.map((d) => `${d.kind}`),
      ['Deployment', 'ScaledObject', 'Deployment', 'Service'],
    );
  });
  for (const [i, d] of docs.entries()) {
    it(`document ${i + 1} (${d.kind}) validates against its API schema`, () => {
      const Model = MODELS[`${d.apiVersion}/${d.kind}`];
      assert.ok(Model, `no validator for ${d.apiVersion} ${d.kind}`);
      new Model(d as never).validate();
    });
  }
  it('an invalid document is refused by the validator (the check can fail)', () => {
    const broken = structuredClone(docs[0]) as { spec: { replicas: unknown } };
    broken.spec.replicas = 'two';
    assert.throws(() => new Deployment(broken as never).validate());
  });
  it('the containers run commands with options the CLI has', async () => {
    for (const d of docs.filter((x) => x.kind === 'Deployment')) {
      const c = (d.spec as { template: { spec: { containers: { args: string[] }[] } } }).template.spec.containers[0]!;
      const [command, ...args] = c.args;
      let help = '';
      const code = await main([command!, '--help'], {
        stdout: (s) => (help += s),
        stderr: () => undefined,
        isTTY: false,
        env: {},
      });
      assert.equal(code, 0);
      const known = new Set([...help.matchAll(/(--[a-z-]+)/g)].map((m) => m[1]));
      for (const a of args) assert.ok(known.has(a.split('=')[0]!), `sentinel ${command} has no option ${a}`);
    }
  });
  it('the autoscaler watches the list BullMQ keeps waiting jobs in, for the queue the workers use', () => {
    const so = docs[1] as { spec: { triggers: { metadata: { listName: string } }[] } };
    assert.equal(so.spec.triggers[0]!.metadata.listName, 'bull:sentinel-scan:wait');
  });
});
