// The fetch worker: one worker thread that performs range requests (range-fetch-source.ts) for the scanning thread,
// which waits on them synchronously (sync-bridge.ts). Kept as the text of a self-contained script so the same worker
// starts from the sources, the CLI bundle and the API bundle. Requests are posted on the port (a request may carry
// `learned`: what the listing thread learned of the origins since the last one); each reply is posted, then signalled
// by incrementing flag[0]. The worker starts with what the listing thread had learned (workerData.learned).
import { RANGE_FETCH_SOURCE } from './range-fetch-source.js';

export const FETCH_WORKER_SOURCE = String.raw`
'use strict';
${RANGE_FETCH_SOURCE}
const { parentPort, workerData } = require('node:worker_threads');
const { port, flag } = workerData;
const flags = new Int32Array(flag);
rangeLearn(workerData.learned);
const enqueue = rangeQueue((msg, transfer) => {
  port.postMessage(msg, transfer || []);
  Atomics.add(flags, 0, 1);
  Atomics.notify(flags, 0);
});
port.on('message', (req) => {
  if (req.learned) rangeLearn(req.learned);
  enqueue(req);
});
parentPort && parentPort.on('message', () => {});
`;
