// Worker-thread entry of the scan pool (engine.ts starts it as ./scan-worker.js beside itself).
import { serveScanWorker } from './serve-scan-worker.js';

serveScanWorker();
