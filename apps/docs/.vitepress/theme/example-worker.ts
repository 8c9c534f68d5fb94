// Runs live examples and the playground off the page's main thread: a CPU solve can take
// seconds, and the page must keep scrolling and answer the Cancel button meanwhile.
import * as gpuRuntime from '@unroll/gpu-runtime';
import * as linearize from '@unroll/linearize';
import * as scan from '@unroll/scan';
import * as solvers from '@unroll/solvers';
import * as systems from '@unroll/systems';
import * as theory from '@unroll/theory';
import type { ExampleContext, ExampleResult, GpuAccess } from '../../examples/context.js';
import { runPlayground, type PlaygroundSetup } from '../../playground/run.js';
import { rewriteImports } from './rewrite-imports.js';

/** What the page sends: an example's (possibly edited) source, or a playground setup. */
export type WorkerRequest =
  | { readonly kind: 'example'; readonly source: string; readonly backend: 'cpu' | 'gpu' }
  | { readonly kind: 'playground'; readonly setup: PlaygroundSetup }
  | { readonly kind: 'cancel' };

/** What the worker answers. */
export type WorkerReply =
  | { readonly kind: 'progress'; readonly fraction: number; readonly note: string }
  | { readonly kind: 'done'; readonly result: ExampleResult; readonly ms: number; readonly device: string }
  | { readonly kind: 'error'; readonly message: string };

(globalThis as unknown as { __unroll: Record<string, unknown> }).__unroll = {
  '@unroll/scan': scan,
  '@unroll/linearize': linearize,
  '@unroll/solvers': solvers,
  '@unroll/systems': systems,
  '@unroll/theory': theory,
  '@unroll/gpu-runtime': gpuRuntime,
};

const post = (reply: WorkerReply) => {
  postMessage(reply);
};
const controller = new AbortController();
let runtime: gpuRuntime.GpuRuntime | undefined;
let device = 'CPU';

async function gpu(): Promise<GpuAccess> {
  if (runtime !== undefined) return { runtime };
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav?.gpu === undefined) {
    device = 'CPU (fallback: this browser has no WebGPU)';
    return { reason: 'this browser has no WebGPU (navigator.gpu); ran on the CPU instead' };
  }
  try {
    runtime = await gpuRuntime.createGpuRuntime();
    device = `GPU (${runtime.adapter})`;
    return { runtime };
  } catch (e) {
    device = 'CPU (fallback: no WebGPU adapter)';
    return { reason: `no WebGPU device (${e instanceof Error ? e.message : String(e)}); ran on the CPU instead` };
  }
}

function context(backend: 'cpu' | 'gpu'): ExampleContext {
  let last = 0;
  return {
    backend,
    signal: controller.signal,
    progress(fraction, note = '') {
      const now = performance.now();
      if (now - last < 50 && fraction < 1) return; // a few updates a second are enough
      last = now;
      post({ kind: 'progress', fraction, note });
    },
    gpu,
  };
}

async function handle(request: WorkerRequest): Promise<void> {
  if (request.kind === 'cancel') {
    controller.abort();
    return;
  }
  const start = performance.now();
  try {
    let result: ExampleResult;
    if (request.kind === 'example') {
      const url = URL.createObjectURL(new Blob([rewriteImports(request.source)], { type: 'text/javascript' }));
      try {
        const mod = (await import(/* @vite-ignore */ url)) as { run?: (ctx: ExampleContext) => Promise<ExampleResult> };
        if (typeof mod.run !== 'function') throw new Error('An example exports async function run(ctx); this code has no export named run.');
        result = await mod.run(context(request.backend));
      } finally {
        URL.revokeObjectURL(url);
      }
    } else {
      result = await runPlayground(request.setup, context(request.setup.backend));
    }
    post({ kind: 'done', result, ms: performance.now() - start, device });
  } catch (e) {
    post({ kind: 'error', message: e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e) });
  } finally {
    runtime?.destroy();
    runtime = undefined;
  }
}

addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  void handle(event.data);
});
