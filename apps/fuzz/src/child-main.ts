import { serveGpuCycles } from './gpu-cycles.js';
import { serveMalformed } from './malformed-calls.js';
import { serveThreadMemory } from './thread-memory.js';

/** A child role: what it says when ready, and how it answers one request. */
interface Role {
  readonly info: unknown;
  handle(message: unknown): Promise<unknown>;
}

const roles = new Map<string, () => Promise<Role>>([
  ['malformed', serveMalformed],
  ['gpu', serveGpuCycles],
  ['thread-memory', serveThreadMemory],
]);

/**
 * The child side of the campaign's processes (`bin.js --child ROLE`): announces itself,
 * then answers `{ id, … }` requests with `{ id, value }`, one at a time, until the parent
 * disconnects — after which it must exit by itself (the GPU cycles check that it does).
 */
export async function childMain(role: string): Promise<void> {
  const start = roles.get(role);
  const send = process.send?.bind(process);
  if (start === undefined || send === undefined) throw new Error(`unknown child role '${role}' (or not started by the campaign)`);
  // A stray rejection or exception (a worker thread's, a device callback's) must not kill
  // the child silently between requests: it is reported on stderr and the child goes on.
  process.on('unhandledRejection', (reason) => {
    process.stderr.write(`unhandled rejection: ${String(reason)}\n`);
  });
  const served = await start();
  let queue = Promise.resolve();
  process.on('message', (message: { id: number }) => {
    queue = queue.then(async () => {
      let value: unknown;
      try {
        value = await served.handle(message);
      } catch (error) {
        // Handlers classify what they run; this is a fault of the campaign itself.
        value = { internalError: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      }
      if (process.connected) send({ id: message.id, value });
    });
  });
  send({ type: 'ready', info: served.info });
}
