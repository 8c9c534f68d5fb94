import type { Size } from './campaign.js';
import { sizes } from './campaign.js';
import { gpuCycles } from './gpu-cycles.js';
import { malformedCalls } from './malformed-calls.js';
import { replay, type CaseFailure } from './property-runner.js';
import { randomSolves } from './solve-properties.js';

/**
 * Replays one case of a class by the seed and fast-check path a finding printed: what
 * the case is and what it does now (undefined failure: it passes, e.g. once fixed).
 */
export async function replayCase(className: string, seed: number, path: string, size: Size): Promise<{ counterexample: string; failure: CaseFailure | undefined }> {
  switch (className) {
    case 'random-solves':
      return replay(randomSolves, seed, path);
    case 'malformed-calls': {
      const { cls, close } = await malformedCalls();
      try {
        return await replay(cls, seed, path);
      } finally {
        await close();
      }
    }
    case 'gpu-cycles': {
      const { cls, skipped, close } = await gpuCycles(sizes[size].gpuMaxT);
      if (cls === undefined) throw new Error(`cannot replay a GPU cycle here: ${String(skipped)}`);
      try {
        return await replay(cls, seed, path);
      } finally {
        await close();
      }
    }
    default:
      throw new Error(`no replay for class '${className}' (the thread-memory loop is rerun with --only thread-memory)`);
  }
}
