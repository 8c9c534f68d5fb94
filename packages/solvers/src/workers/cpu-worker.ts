// The script each worker thread of createCpuWorkers runs (built to dist/cpu-worker.js):
// messages from the pool's thread transport, answered by a ChunkHost.
import type * as workerThreads from 'node:worker_threads';
import { ChunkHost } from './chunk-host.js';
import type { WorkerRequest, WorkerResponse } from './thread-messages.js';

const wt: typeof workerThreads = process.getBuiltinModule('node:worker_threads');
const port = wt.parentPort;
const host = new ChunkHost();

port?.on('message', (msg: WorkerRequest) => {
  void answer(msg).then((response) => {
    port.postMessage(response);
  });
});

async function answer(msg: WorkerRequest): Promise<WorkerResponse> {
  try {
    switch (msg.kind) {
      case 'open':
        await host.open(msg.setup);
        return { id: msg.id, ok: true, value: undefined };
      case 'command':
        return { id: msg.id, ok: true, value: host.run(msg.command) };
      case 'release':
        host.release();
        return { id: msg.id, ok: true, value: undefined };
    }
  } catch (e) {
    const err = (typeof e === 'object' && e !== null ? e : {}) as { name?: unknown; message?: unknown; code?: unknown; stack?: unknown };
    return {
      id: msg.id,
      ok: false,
      error: {
        name: typeof err.name === 'string' ? err.name : 'Error',
        message: typeof err.message === 'string' ? err.message : String(e),
        code: typeof err.code === 'string' ? err.code : undefined,
        stack: typeof err.stack === 'string' ? err.stack : undefined,
      },
    };
  }
}
