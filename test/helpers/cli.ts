// Runs the CLI in-process with captured output.
import { main, type Io } from '../../src/cli/main.js';

export async function cli(
  args: string[],
  env: Record<string, string | undefined> = {},
  io: Partial<Pick<Io, 'isTTY' | 'stderrIsTTY' | 'now' | 'stdin' | 'columns'>> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    isTTY: false,
    env,
    ...io,
  });
  return { code, stdout, stderr };
}
