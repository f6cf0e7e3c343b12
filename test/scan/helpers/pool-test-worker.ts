// A pool worker for the worker-pool tests: a job is a word saying what to do (answer, crash, throw, hang, or grow
// the heap until the worker runs out of memory). An answer to a word starting with `heavy` weighs enough to be sent
// at once; other answers weigh nothing.
import { servePool } from '../../../src/scan/pool-worker-loop.js';

servePool<string, string>(
  (data) => {
    const prefix = String(data);
    return async (job) => {
      if (job === 'crash') process.exit(3);
      if (job === 'throw') throw new Error('handler failed');
      if (job === 'hang') for (;;);
      if (job === 'oom') {
        const hold: number[][] = [];
        for (;;) hold.push(new Array(1 << 20).fill(1));
      }
      await new Promise((r) => setImmediate(r));
      return prefix + job;
    };
  },
  { of: (answer) => (answer.includes(':heavy') ? 1 : 0), flushAt: 1 },
);
