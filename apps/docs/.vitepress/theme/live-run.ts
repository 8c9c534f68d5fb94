import { onBeforeUnmount, ref, shallowRef, type Ref, type ShallowRef } from 'vue';
import type { ExampleResult } from '../../examples/context.js';
import type { WorkerRequest } from './example-worker.js';
import { runInWorker, type WorkerRun } from './run-in-worker.js';

/** Where a live run stands, as the page shows it. */
export type LiveState = 'idle' | 'running' | 'done' | 'error' | 'cancelled';

/** A live example's or the playground's run in a Web Worker, as reactive state. */
export interface LiveRun {
  readonly state: Ref<LiveState>;
  readonly status: Ref<string>;
  readonly fraction: Ref<number>;
  readonly result: ShallowRef<ExampleResult | null>;
  /** Starts the request in a fresh worker (ignored while one runs). */
  start(request: Exclude<WorkerRequest, { kind: 'cancel' }>): void;
  cancel(): void;
}

/**
 * The Run / Cancel life cycle both the live examples and the playground use: progress as
 * a percentage with the run's note, the result, the time and device, and "Cancelled." for a
 * run the reader stopped. A run still going when the component unmounts is cancelled.
 */
export function useLiveRun(idleStatus: string): LiveRun {
  const state = ref<LiveState>('idle');
  const status = ref(idleStatus);
  const fraction = ref(0);
  const result = shallowRef<ExampleResult | null>(null);
  let run: WorkerRun | undefined;
  onBeforeUnmount(() => run?.cancel());
  return {
    state,
    status,
    fraction,
    result,
    start(request) {
      if (state.value === 'running') return;
      state.value = 'running';
      status.value = 'Running in a Web Worker…';
      fraction.value = 0;
      const started = runInWorker(request, (f, note) => {
        fraction.value = f;
        status.value = `Running… ${Math.round(100 * f)} %${note === '' ? '' : ` — ${note}`}`;
      });
      run = started;
      started.done.then(
        ({ result: r, ms, device }) => {
          result.value = r;
          state.value = 'done';
          status.value = `Done in ${Math.round(ms)} ms on ${device}.`;
        },
        (e: unknown) => {
          const message = e instanceof Error ? e.message : String(e);
          state.value = message === 'cancelled' ? 'cancelled' : 'error';
          status.value = message === 'cancelled' ? 'Cancelled.' : `Error: ${message}`;
        },
      );
    },
    cancel() {
      run?.cancel();
    },
  };
}
