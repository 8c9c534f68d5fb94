import type { ChunkCommand, ChunkSetup } from './transport.js';

/** A message from the thread transport to a worker thread. */
export type WorkerRequest =
  | { readonly id: number; readonly kind: 'open'; readonly setup: ChunkSetup }
  | { readonly id: number; readonly kind: 'command'; readonly command: ChunkCommand }
  | { readonly id: number; readonly kind: 'release' };

/** A worker thread's answer: the value, or what it threw (as data: errors do not cross as classes). */
export type WorkerResponse =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly name: string; readonly message: string; readonly code: string | undefined; readonly stack: string | undefined };
    };
