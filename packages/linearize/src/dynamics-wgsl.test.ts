import { describe, expect, it } from 'vitest';
import { checkDynamicsWgsl, defineDynamics, wgslDeclares, type StateFunction } from './index.js';

const code = (c: string) => expect.objectContaining({ code: c }) as Error;

const half: StateFunction = (_t, s, so, out, oo) => { out[oo] = 0.5 * s[so] + 1; };
const halfDiagonal: StateFunction = (_t, _s, _so, out, oo) => { out[oo] = 0.5; };
const source = `
// s_t = a s_{t−1} + 1
fn step(t: u32, s: State) -> State { return State(params[0] * s[0] + 1.0); }
fn diagonal(t: u32, s: State) -> State { return State(params[0]); }`;

describe('defineDynamics({ wgsl })', () => {
  it('defineDynamics carries wgsl as { source, params: Float32Array } beside the TypeScript functions', () => {
    const dyn = defineDynamics({ dim: 1, step: half, diagonal: halfDiagonal, wgsl: { source, params: [0.5] } });
    expect(dyn.wgsl?.source).toBe(source);
    expect(dyn.wgsl?.params).toBeInstanceOf(Float32Array);
    expect(Array.from(dyn.wgsl?.params ?? [])).toEqual([0.5]);
    expect(Object.isFrozen(dyn.wgsl)).toBe(true);
    // Params default to none; Float64Array params are rounded to float32.
    expect(defineDynamics({ dim: 1, step: half, wgsl: { source } }).wgsl?.params.length).toBe(0);
    expect(Array.from(defineDynamics({ dim: 1, step: half, wgsl: { source, params: Float64Array.of(0.1) } }).wgsl?.params ?? [])).toEqual([Math.fround(0.1)]);
    // Without wgsl the capability is absent, not an empty object.
    expect('wgsl' in defineDynamics({ dim: 1, step: half })).toBe(false);
  });

  it('defineDynamics refuses WGSL without step or diagonal, saying which signatures to write', () => {
    const onlyStep = 'fn step(t: u32, s: State) -> State { return s; }';
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source: onlyStep } })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source: onlyStep } })).toThrow(/does not define `diagonal`; write `fn step\(t: u32, s: State\) -> State` and `fn diagonal\(t: u32, s: State\) -> State`/);
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source: '' } })).toThrow(/does not define `step` or `diagonal`/);
    // A commented-out function does not count.
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source: `${onlyStep}\n// fn diagonal(t: u32, s: State) -> State` } })).toThrow(/`diagonal`/);
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source: `${onlyStep}\n/* fn diagonal(t: u32,\n s: State) */` } })).toThrow(/`diagonal`/);
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source: 3 } as never })).toThrow(/wgsl.source must be a string of WGSL defining/);
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: source as never })).toThrow(/wgsl must be an object \{ source: .* params/);
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: null as never })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source, param: [1] } as never })).toThrow(/unknown field 'param'/);
  });

  it('defineDynamics refuses unroll_ identifiers in the WGSL, naming the identifier', () => {
    const reserved = `${source}\nfn unroll_helper(x: f32) -> f32 { return x; }`;
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source: reserved } })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source: reserved } })).toThrow(/'unroll_helper'.*reserved for the GPU runtime — rename it/);
    // In a comment it is harmless; as part of a longer name it is not reserved.
    expect(defineDynamics({ dim: 1, step: half, wgsl: { source: `${source}\n// unroll_x` } }).wgsl?.source).toContain('unroll_x');
    expect(defineDynamics({ dim: 1, step: half, wgsl: { source: `${source}\nconst my_unroll_k: u32 = 1u;` } }).wgsl?.source).toContain('my_unroll_k');
  });

  it('defineDynamics refuses params that are not numbers or not finite in float32', () => {
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source, params: [1, NaN] } })).toThrow(code('NON_FINITE'));
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source, params: [1, NaN] } })).toThrow(/wgsl.params\[1\] is NaN/);
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source, params: [Infinity] } })).toThrow(code('NON_FINITE'));
    // Finite in float64 but ±∞ in float32.
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source, params: [1e39] } })).toThrow(/Infinity in float32.*float32's range/);
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source, params: [-1e39] } })).toThrow(code('NON_FINITE'));
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source, params: ['1'] as never } })).toThrow(/wgsl.params\[0\] is '1'; params must be numbers/);
    expect(() => defineDynamics({ dim: 1, step: half, wgsl: { source, params: 1 as never } })).toThrow(/wgsl.params must be an array/);
    // The largest float32 is accepted.
    expect(defineDynamics({ dim: 1, step: half, wgsl: { source, params: [3.4e38] } }).wgsl?.params[0]).toBe(Math.fround(3.4e38));
  });

  it('wgslDeclares finds a function by its fn declaration only, and checkDynamicsWgsl names its caller', () => {
    expect(wgslDeclares(source, 'step')).toBe(true);
    expect(wgslDeclares(source, 'jacobian')).toBe(false);
    expect(wgslDeclares('fn jacobian (t: u32, s: State) -> Jacobian {}', 'jacobian')).toBe(true);
    expect(wgslDeclares('fn my_jacobian(t: u32) {} let jacobian = 1;', 'jacobian')).toBe(false);
    expect(() => checkDynamicsWgsl('solve', { source: 'fn step() {}' })).toThrow(/^solve: wgsl.source does not define `diagonal`/);
  });
});
