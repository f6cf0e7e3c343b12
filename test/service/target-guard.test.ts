// Case tables for the service's target guard: which addresses count as non-public (SSRF), how hosts are read
// from remote targets, and which local paths lie inside the roots.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { guardTarget, isNonPublicAddress, remoteHost, TargetRefused } from '../../src/service/target-guard.js';

describe('isNonPublicAddress', () => {
  const cases: [string, boolean][] = [
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['10.0.0.1', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['172.32.0.1', false],
    ['192.168.1.1', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['100.128.0.1', false],
    ['0.0.0.0', true],
    ['224.0.0.1', true],
    ['8.8.8.8', false],
    ['93.184.216.34', false],
    ['::1', true],
    ['::', true],
    ['fc00::1', true],
    ['fd12:3456::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::a00:1', true],
    ['2606:4700::1111', false],
    ['not-an-address', true],
  ];
  for (const [a, want] of cases) it(`${a} → ${want}`, () => assert.equal(isNonPublicAddress(a), want));
});

describe('remoteHost', () => {
  const cases: [string, string | undefined][] = [
    ['https://example.org/a/b', 'example.org'],
    ['http://EXAMPLE.org:8080/x', 'example.org'],
    ['oci://registry.local:5000/repo:tag', 'registry.local'],
    ['oci://[::1]:5000/repo', '::1'],
    ['https://user:pw@example.org/', ''],
    ['https:///nohost', ''],
    ['hf://org/model', undefined],
  ];
  for (const [t, want] of cases) it(`${t} → ${String(want)}`, () => assert.equal(remoteHost(t), want));
});

describe('guardTarget', () => {
  const root = mkdtempSync(join(tmpdir(), 'sentinel-guard-'));
  const outside = mkdtempSync(join(tmpdir(), 'sentinel-guard-out-'));
  mkdirSync(join(root, 'models'));
  writeFileSync(join(root, 'models', 'a.pkl'), 'x');
  writeFileSync(join(outside, 'secret'), 'x');
  symlinkSync(join(outside, 'secret'), join(root, 'link-out'));
  symlinkSync(join(root, 'models', 'a.pkl'), join(root, 'link-in'));
  // Folders that are links: one to a folder outside the roots, one to a folder inside.
  symlinkSync(outside, join(root, 'dir-out'));
  symlinkSync(join(root, 'models'), join(root, 'dir-in'));
  const plain = { roots: [root], allowPrivate: false, lookupAll: async () => ['10.0.0.5'] };
  // Each case both alone and as part of one batch sharing its folders' real paths (a queue job's targets), in which
  // the folders met first are resolved once: a batch answers as the targets checked alone do.
  const batch = { ...plain, realFolders: new Map<string, string>() };
  for (const [mode, o] of [
    ['alone', plain],
    ['in a batch', batch],
  ] as const) {
    const accepted: [string, string][] = [
      ['models/a.pkl', join(root, 'models', 'a.pkl')],
      [join(root, 'models'), join(root, 'models')],
      ['link-in', join(root, 'models', 'a.pkl')],
      ['dir-in/a.pkl', join(root, 'models', 'a.pkl')],
      [join(root, 'dir-in', 'a.pkl'), join(root, 'models', 'a.pkl')],
      [join(root, 'dir-in', '..', 'models', 'a.pkl'), join(root, 'models', 'a.pkl')],
      ['.', root],
      ['hf://org/model@main', 'hf://org/model@main'],
    ];
    for (const [t, want] of accepted) {
      it(`accepts ${t} (${mode})`, async () => assert.equal(await guardTarget(t, o), want));
    }
    const refused: [unknown, number][] = [
      // Outside the roots and missing: one answer (no existence oracle).
      [join(outside, 'secret'), 400],
      ['link-out', 400],
      ['dir-out/secret', 400],
      [join(root, 'dir-out', 'secret'), 400],
      [join(root, 'models', 'a.pkl') + '/', 400],
      ['../' + outside.split('/').pop() + '/secret', 400],
      [join(outside, 'no-such-file'), 400],
      ['models/missing.pkl', 400],
      ['', 400],
      [42, 400],
      ['a\0b', 400],
      ['https://internal.corp/model.pt', 403],
      ['http://169.254.169.254/latest/meta-data', 403],
      ['file:///etc/passwd', 400],
    ];
    for (const [t, status] of refused) {
      it(`refuses ${JSON.stringify(t)} with ${status} (${mode})`, async () => {
        await assert.rejects(guardTarget(t, o), (e) => e instanceof TargetRefused && e.status === status);
      });
    }
  }
  it('in a batch, the real path of each folder of a target that is not a link is kept', () => {
    assert.equal(batch.realFolders.get(join(root, 'models')), join(root, 'models'));
    assert.equal(batch.realFolders.get(join(root, 'dir-in')), join(root, 'models'));
    assert.equal(batch.realFolders.get(join(root, 'dir-out')), outside);
  });
  it('answers a path outside the roots word for word as a missing one', async () => {
    const why = async (t: string): Promise<string> => {
      try {
        await guardTarget(t, plain);
      } catch (e) {
        return (e as Error).message.replace(t, 'T');
      }
      return 'accepted';
    };
    const missing = await why(join(root, 'models', 'nothing-here'));
    assert.match(missing, /no such file/);
    for (const t of [join(outside, 'secret'), 'link-out', 'dir-out/secret', join(outside, 'nothing-here')]) {
      assert.equal(await why(t), missing, t);
    }
  });
  it('with allowPrivate, a private URL passes; with no roots, no local path does', async () => {
    const o = plain;
    assert.equal(await guardTarget('http://127.0.0.1:9/x', { ...o, allowPrivate: true }), 'http://127.0.0.1:9/x');
    await assert.rejects(guardTarget('models/a.pkl', { ...o, roots: [] }), (e) => (e as TargetRefused).status === 403);
  });
});
