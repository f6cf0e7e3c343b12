// Worker-thread entry of the HTTP service's scan threads (scan-threads.ts starts it as ./scan-thread-worker.js beside
// itself; the bundled CLI writes its own entry of that name beside the bundle).
import { serveScanThread } from './scan-thread.js';

serveScanThread();
