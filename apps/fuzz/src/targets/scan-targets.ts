import {
  affineMonoid,
  allocate,
  blockDiagonal,
  checkStructureLaws,
  defineStructure,
  dense,
  diagonal,
  dtypeOf,
  identity,
  isFloatArray,
  isShared,
  linearRecurrence,
  mulberry32,
  scan,
  sharedFloatArray,
  sumMonoid,
  zero,
} from '@unroll/scan';
import { filled } from './fixtures.js';
import { optionSlots, slot, target, type Target } from './target.js';

/** A valid spec of a 1-D structure (scalars), for `defineStructure`. */
function scalarSpec() {
  return {
    name: 'scalar',
    dim: 1,
    width: 1,
    compose: (a: Float64Array | Float32Array, ao: number, b: Float64Array | Float32Array, bo: number, out: Float64Array | Float32Array, oo: number) => {
      out[oo] = (a[ao] ?? 0) * (b[bo] ?? 0);
    },
    apply: (a: Float64Array | Float32Array, ao: number, x: Float64Array | Float32Array, xo: number, out: Float64Array | Float32Array, oo: number) => {
      out[oo] = (a[ao] ?? 0) * (x[xo] ?? 0);
    },
    identity: (out: Float64Array | Float32Array, oo: number) => {
      out[oo] = 1;
    },
  };
}

const structureNames = ['structure', 'first argument'];

/** Every exported function of @unroll/scan with a valid call. */
export function scanTargets(): Target[] {
  const recurrenceArgs = () => [diagonal(2), filled(8, 0.5), filled(8, 1), [0, 0], {}];
  const recurrenceSlots = [slot('0', ...structureNames), slot('1', 'A'), slot('2', 'b'), slot('3', 's0'), ...optionSlots(4, ['out', 'threads', 'algorithm', 'parallelThreshold'])];
  return [
    target('scan.allocate', allocate, () => ['float64', 4], [slot('0', 'dtype'), slot('1', 'length')]),
    target('scan.dtypeOf', dtypeOf, () => [new Float64Array(2)], [slot('0', 'x', 'array')]),
    target('scan.isFloatArray', isFloatArray, () => [new Float64Array(2)], [slot('0', 'x')]),
    target('scan.isShared', isShared, () => [new Float64Array(2)], [slot('0', 'x', 'array')]),
    target('scan.sharedFloatArray', sharedFloatArray, () => ['float64', 4], [slot('0', 'dtype'), slot('1', 'length')]),
    target('scan.sumMonoid', sumMonoid, () => [2], [slot('0', 'width')]),
    target('scan.scan', scan, () => [filled(6, 1), sumMonoid(2), {}], [slot('0', 'elements'), slot('1', 'monoid'), slot('1.width', 'width', 'monoid.width'), ...optionSlots(2, ['algorithm', 'out', 'chunkSize'])]),
    target('scan.defineStructure', defineStructure, () => [scalarSpec()], [
      slot('0', 'spec'),
      ...['name', 'dim', 'width', 'compose', 'apply', 'identity', 'applyTranspose', 'scale'].map((k) => slot(`0.${k}`, k)),
    ]),
    // trials is how much work to do: 1e10 of them is a long run the caller asked for, not a hang.
    target('scan.checkStructureLaws', checkStructureLaws, () => [diagonal(2), { trials: 3 }], [
      slot('0', ...structureNames),
      ...optionSlots(1, ['seed', 'tolerance', 'sample']),
      { path: '1.trials', names: ['trials'], skip: ['1e10'] },
    ]),
    target('scan.dense', dense, () => [2], [slot('0', 'D')]),
    target('scan.diagonal', diagonal, () => [2], [slot('0', 'D')]),
    target('scan.identity', identity, () => [2], [slot('0', 'D')]),
    target('scan.zero', zero, () => [2], [slot('0', 'D')]),
    target('scan.blockDiagonal', blockDiagonal, () => [4, 2], [slot('0', 'D'), slot('1', 'B')]),
    target('scan.affineMonoid', affineMonoid, () => [diagonal(2)], [slot('0', ...structureNames)]),
    target('scan.linearRecurrence', linearRecurrence, recurrenceArgs, recurrenceSlots),
    // The threaded path: the same call on worker threads (forced even for tiny T).
    target('scan.linearRecurrence[threads]', linearRecurrence, () => [diagonal(2), filled(64, 0.5), filled(64, 1), [0, 0], { threads: 2, parallelThreshold: 0 }], recurrenceSlots),
    target('scan.mulberry32', mulberry32, () => [1], [slot('0', 'seed')]),
  ];
}
