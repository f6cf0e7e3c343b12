// When the CLI takes each file's SHA-256: only for a report that shows it (JSON, SARIF, CycloneDX, the --verbose text
// inventory, the main report or a --write one) and never with --no-sha256. The default terminal run of a large
// header-only model reads its header, not its bytes (counted in /proc/self/io), every report that shows a digest
// shows the right one, and a signature is still checked against every byte it signs.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { digestsWanted } from '../../src/cli/main.js';
import { cli } from '../helpers/cli.js';
import { safetensors } from '../helpers/model-builders.js';
import { signingKit, signModel } from '../helpers/oms-sign.js';

const { tmp, keyPem, signer } = signingKit('sentinel-cli-digests-');

/** A safetensors file of one 24 MiB tensor: the scan reads its header only. */
const BIG = join(tmp, 'big.safetensors');
writeFileSync(BIG, safetensors([{ name: 'w', dtype: 'F32', shape: [6, 1024, 1024] }]));
const SIZE = readFileSync(BIG).length;
const SHA = createHash('sha256').update(readFileSync(BIG)).digest('hex');

/** Bytes this process has read through read(2) and friends so far (all threads), or undefined off Linux. */
function rchar(): number | undefined {
  if (!existsSync('/proc/self/io')) return undefined;
  const m = /^rchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return m ? Number(m[1]) : undefined;
}

/** The CLI's exit code and output, and the bytes it read meanwhile (undefined off Linux). */
async function run(args: string[]): Promise<{ code: number; stdout: string; read: number | undefined }> {
  const before = rchar();
  const r = await cli(args);
  const after = rchar();
  return {
    code: r.code,
    stdout: r.stdout,
    read: before === undefined || after === undefined ? undefined : after - before,
  };
}

describe('the inventory digest is taken for the reports that show it', () => {
  it('a case table: the formats and runs that show a digest, and --no-sha256', () => {
    type O = Parameters<typeof digestsWanted>[0];
    const cases: [O, string[], boolean][] = [
      [{ format: 'text' }, [], false],
      [{ format: 'text', output: 'r.txt' }, [], false],
      [{ format: 'text', verbose: true }, [], true],
      [{ format: 'text', verbose: true, output: 'r.txt' }, [], true],
      [{ format: 'text', verbose: true, quiet: true }, [], false],
      [{ format: 'text', quiet: true }, [], false],
      [{ format: 'json' }, [], true],
      [{ format: 'json', quiet: true }, [], true],
      [{ format: 'sarif' }, [], true],
      [{ format: 'cyclonedx' }, [], true],
      [{ format: 'html' }, [], true],
      [{ format: 'markdown' }, [], false],
      [{ format: 'junit' }, [], false],
      [{ format: 'gitlab' }, [], false],
      [{ format: 'text' }, ['json'], true],
      [{ format: 'text', quiet: true }, ['sarif'], true],
      [{ format: 'text' }, ['html', 'markdown'], true],
      [{ format: 'text' }, ['markdown', 'junit'], false],
      [{ format: 'text', verbose: true, quiet: true }, ['text'], true],
      [{ format: 'json', sha256: false }, [], false],
      [{ format: 'text', verbose: true, sha256: false }, ['cyclonedx'], false],
    ];
    for (const [o, writes, wanted] of cases)
      assert.equal(
        digestsWanted(
          o,
          writes.map((format) => ({ format })),
        ),
        wanted,
        JSON.stringify([o, writes]),
      );
  });

  it('the default text run reads the header of a 24 MiB model, not its bytes; a JSON run reads them once', async (t) => {
    const text = await run(['artifact', BIG]);
    assert.equal(text.code, 0);
    assert.ok(!text.stdout.includes(SHA));
    const json = await run(['artifact', BIG, '--format', 'json']);
    assert.equal((JSON.parse(json.stdout) as { files: { sha256?: string }[] }).files[0]!.sha256, SHA);
    const quiet = await run(['artifact', BIG, '--format', 'json', '--no-sha256']);
    assert.equal((JSON.parse(quiet.stdout) as { files: { sha256?: string }[] }).files[0]!.sha256, undefined);
    if (text.read === undefined) return t.skip('no /proc/self/io to count the bytes read');
    assert.ok(text.read < SIZE / 8, `default text run read ${text.read} bytes of a ${SIZE}-byte file`);
    assert.ok(quiet.read! < SIZE / 8, `--no-sha256 read ${quiet.read} bytes`);
    assert.ok(json.read! >= SIZE, `JSON run read ${json.read} bytes`);
    assert.ok(json.read! < 2 * SIZE, `JSON run read ${json.read} bytes: the file more than once`);
  });

  it('every report that shows a digest shows the SHA-256 of the file scanned', async () => {
    const sarif = JSON.parse((await cli(['artifact', BIG, '--format', 'sarif'])).stdout) as {
      runs: { artifacts: { hashes?: Record<string, string> }[] }[];
    };
    assert.equal(sarif.runs[0]!.artifacts[0]!.hashes?.['sha-256'], SHA);
    const bom = JSON.parse((await cli(['artifact', BIG, '--format', 'cyclonedx'])).stdout) as {
      components: { name: string; hashes?: { alg: string; content: string }[] }[];
    };
    const c = bom.components.find((x) => x.name.endsWith('big.safetensors'))!;
    assert.deepEqual(c.hashes, [{ alg: 'SHA-256', content: SHA }]);
    // --no-sha256: no file is hashed, the BOM names the file without a hash.
    const none = JSON.parse(
      (await cli(['artifact', BIG, '--format', 'cyclonedx', '--no-sha256'])).stdout,
    ) as typeof bom;
    assert.equal(none.components.find((x) => x.name.endsWith('big.safetensors'))!.hashes, undefined);
    const verbose = await cli(['artifact', BIG, '--verbose']);
    // The record wraps to 100 columns in a pipe: the digest and size open the file's line, its path may follow.
    assert.match(
      verbose.stdout,
      new RegExp(`^ {2}${SHA} +${SIZE} [^\\n]*\\n?[^\\n]*big\\.safetensors\\s+safetensors$`, 'm'),
    );
    // A --write report beside the default terminal report.
    const out = join(tmp, 'beside.json');
    const beside = await cli(['artifact', BIG, '--write', `json=${out}`]);
    assert.equal(beside.code, 0);
    assert.ok(!beside.stdout.includes(SHA));
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { files: { sha256?: string }[] }).files[0]!.sha256, SHA);
    const written = join(tmp, 'inventory.txt');
    await cli(['artifact', BIG, '--quiet', '--verbose', '--write', `text=${written}`]);
    assert.match(readFileSync(written, 'utf8'), new RegExp(`^ {2}${SHA} `, 'm'));
  });

  it('the default text run still checks a signature against every byte it signs', async () => {
    const dir = join(tmp, 'signed');
    mkdirSync(dir);
    const file = join(dir, 'model.safetensors');
    writeFileSync(file, readFileSync(BIG));
    signModel(dir, join(dir, 'model.sig'), signer);
    const args = ['artifact', dir, '--require-signature', '--trust-key', keyPem];
    const good = await run(args);
    assert.equal(good.code, 0, good.stdout);
    assert.match(good.stdout, /^ {2}valid [^]*?manifest match\]/m);
    if (good.read !== undefined) assert.ok(good.read >= SIZE, `the signature check read ${good.read} bytes`);
    // One byte near the end, far past anything the scan itself reads.
    const b = readFileSync(file);
    b[b.length - 3] = b[b.length - 3]! ^ 0xff;
    writeFileSync(file, b);
    const bad = await cli(args);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /SIGN-MISMATCH/);
    assert.match(bad.stdout, /manifest mismatch/);
  });
});
