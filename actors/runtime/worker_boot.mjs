// Entry of a worker thread that runs TypeScript: loads tsx in the worker (a worker does not inherit the parent's
// loader: the node may run under tsx, vitest or compiled), then imports the module named in workerData.entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
