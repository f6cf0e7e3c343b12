// A reader that goes away before or during the report (`sentinel scan … | head -1`): the rest of the report is dropped, the process
// ends with the gate's exit code, and nothing about the closed pipe is printed.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

const BIN = new URL('../../bin/sentinel.js', import.meta.url).pathname;
const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;

/** Runs the CLI with its standard output's reader gone before the report, and answers its exit code and standard error. */
function runClosingStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.destroy();
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('standard output closed by its reader', () => {
  for (const format of ['text', 'json']) {
    it(`${format} report of a failing gate: exit 1, no error about the pipe`, async () => {
      const { code, stderr } = await runClosingStdout(['scan', EXAMPLES, '--format', format]);
      assert.equal(code, 1, stderr);
      assert.doesNotMatch(stderr, /EPIPE|Unhandled|internal error/);
    });
  }
});
