import type { KernelSpec, StorageSlot } from './kernel.js';

/** The affine elements the GPU scans: `s ↦ A s + b` with A diagonal, the identity, or dense. */
export type ScanKind = 'diagonal' | 'identity' | 'dense';

/** What a chunk kernel of reduce-then-scan computes (reduce each chunk, scan the chunk elements, replay each chunk). */
export type ChunkMode =
  /** Each chunk's composed element e_{t1} ∘ … ∘ e_{t0}, packed `[A (W), b (D)]`. */
  | 'reduce'
  /** The states s_t = A_t s_{t−1} + b_t of each chunk, from s_0 or the previous chunk's end state. */
  | 'states'
  /** The inclusive prefix elements of each chunk, from the previous chunk's prefix. */
  | 'elements';

/**
 * The start of a chunk kernel whose thread owns a whole chunk (no lanes): chunk g is chunk
 * c of sequence seq, steps [t0, t1), rows from row0.
 */
const wholeChunkMain = `@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32) {
  let id = unroll_thread(wg, li);
  if (id >= unroll_u.count) { return; }
  let g = unroll_u.first + id;
  let seq = g / unroll_u.N;
  let c = g % unroll_u.N;
  let t0 = c * unroll_u.C;
  let t1 = min(unroll_u.L, t0 + unroll_u.C);
  let row0 = seq * unroll_u.L;`;

/**
 * A structure's algebra in WGSL (its `wgsl` capability, `@unroll/scan`'s `StructureWgsl`)
 * with its width W: what the generic `'structure'` chunk kernels and the linearization of
 * a custom strategy splice in.
 */
export interface StructureAlgebra {
  readonly name: string;
  readonly width: number;
  readonly source: string;
}

/** The declarations a structure's WGSL expects before it (`const D`, `const W`, `State`, `Matrix`); `withState` false where a dynamics' prelude already declared D and State. */
export function algebraPrelude(algebra: StructureAlgebra, D: number, withState: boolean): string {
  return [
    withState ? `const D: u32 = ${D}u;\nalias State = array<f32, ${D}>;` : '',
    `const W: u32 = ${algebra.width}u;`,
    `alias Matrix = array<f32, ${algebra.width}>;`,
    algebra.source,
    '',
  ].join('\n');
}

/** Floats of the A part of one element. */
export function widthOf(kind: ScanKind, D: number): number {
  return kind === 'diagonal' ? D : kind === 'dense' ? D * D : 0;
}

/** Uniforms of every chunk kernel: sequence length, chunks per sequence, chunk length, A and b strides/offsets. */
const chunkUniforms = [
  ['L', 'u32'],
  ['N', 'u32'],
  ['C', 'u32'],
  ['sA', 'u32'],
  ['oA', 'u32'],
  ['sB', 'u32'],
  ['oB', 'u32'],
] as const;

/**
 * One chunk kernel. Threads own one chunk of one sequence (times one coordinate for the
 * diagonal and identity kinds, whose coordinates never mix) and walk it sequentially:
 * the work of a chunk is O(C·W) and independent of every other chunk, so the pass is
 * fully parallel with no inter-workgroup communication — the chunk aggregates are
 * scanned by the same kernels one level up.
 */
export function chunkKernel(kind: ScanKind | 'structure', D: number, mode: ChunkMode, projective = false, algebra?: StructureAlgebra): KernelSpec {
  if (projective && kind !== 'dense') throw new Error('internal: projective scans are dense');
  if (kind === 'structure') return structureChunkKernel(D, mode, algebra);
  const storage: StorageSlot[] = [];
  if (kind !== 'identity') storage.push({ name: 'A', access: 'read' });
  storage.push({ name: 'B', access: 'read' });
  if (mode === 'states') storage.push({ name: 's0', access: 'read' }, { name: 'ends', access: 'read' });
  if (mode === 'elements') storage.push({ name: 'carry', access: 'read' });
  storage.push({ name: 'out', access: 'read_write' });
  const lanes = kind === 'dense' ? 1 : D;
  const head = `
fn unroll_b(r: u32, k: u32) -> f32 { return unroll_B[r * unroll_u.sB + unroll_u.oB + k - unroll_u.base_B]; }
${kind === 'identity' ? '' : 'fn unroll_a(r: u32, k: u32) -> f32 { return unroll_A[r * unroll_u.sA + unroll_u.oA + k - unroll_u.base_A]; }'}
@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32) {
  let id = unroll_thread(wg, li);
  if (id >= unroll_u.count * ${lanes}u) { return; }
  let g = unroll_u.first + id / ${lanes}u;
  let d = id % ${lanes}u;
  let seq = g / unroll_u.N;
  let c = g % unroll_u.N;
  let t0 = c * unroll_u.C;
  let t1 = min(unroll_u.L, t0 + unroll_u.C);
  let row0 = seq * unroll_u.L;
`;
  const body = kind === 'dense' ? denseBody(D, mode, projective) : laneBody(kind, D, mode);
  return { label: `scan ${kind}${projective ? ' projective' : ''} D=${D} ${mode}`, storage, uniforms: chunkUniforms, lanes, body: `${head}${body}\n}` };
}

/**
 * Any structure with WGSL: one thread per chunk holding a packed matrix (`Matrix`, W
 * floats) and a state in private memory, multiplying through the structure's own
 * `structure_apply` and `structure_compose` — the dense kernel's walk, with the algebra
 * spliced in. (Reduce and states only: `rt.scan` keeps to the built-in kinds.)
 */
function structureChunkKernel(D: number, mode: ChunkMode, algebra: StructureAlgebra | undefined): KernelSpec {
  if (algebra === undefined || mode === 'elements') throw new Error('internal: a structure scan needs its algebra, and runs reduce and states only');
  const W = algebra.width;
  const storage: StorageSlot[] = [{ name: 'A', access: 'read' }, { name: 'B', access: 'read' }];
  if (mode === 'states') storage.push({ name: 's0', access: 'read' }, { name: 'ends', access: 'read' });
  storage.push({ name: 'out', access: 'read_write' });
  const E = W + D;
  const walk = mode === 'reduce'
    ? `
  var P = structure_identity();
  var v: State;
  for (var t = t0; t < t1; t++) {
    let r = row0 + t;
    var At: Matrix;
    for (var k = 0u; k < W; k++) { At[k] = unroll_A[r * unroll_u.sA + unroll_u.oA + k - unroll_u.base_A]; }
    v = structure_apply(At, v);
    for (var i = 0u; i < D; i++) { v[i] += unroll_B[r * unroll_u.sB + unroll_u.oB + i - unroll_u.base_B]; }
    P = structure_compose(P, At);
  }
  let o = g * ${E}u - unroll_u.base_out;
  for (var k = 0u; k < W; k++) { unroll_out[o + k] = P[k]; }
  for (var i = 0u; i < D; i++) { unroll_out[o + W + i] = v[i]; }`
    : `
  var v: State;
  for (var i = 0u; i < D; i++) {
    if (c == 0u) { v[i] = unroll_s0[seq * D + i - unroll_u.base_s0]; }
    else { v[i] = unroll_ends[(g - 1u) * D + i - unroll_u.base_ends]; }
  }
  for (var t = t0; t < t1; t++) {
    let r = row0 + t;
    var At: Matrix;
    for (var k = 0u; k < W; k++) { At[k] = unroll_A[r * unroll_u.sA + unroll_u.oA + k - unroll_u.base_A]; }
    v = structure_apply(At, v);
    for (var i = 0u; i < D; i++) {
      v[i] += unroll_B[r * unroll_u.sB + unroll_u.oB + i - unroll_u.base_B];
      unroll_out[r * D + i - unroll_u.base_out] = v[i];
    }
  }`;
  const body = `${algebraPrelude(algebra, D, true)}
${wholeChunkMain}${walk}
}`;
  return { label: `scan structure ${algebra.name} W=${W} D=${D} ${mode}`, storage, uniforms: chunkUniforms, lanes: 1, body };
}

/** Diagonal / identity: one thread per (chunk, coordinate), scalars a, b. */
function laneBody(kind: 'diagonal' | 'identity', D: number, mode: ChunkMode): string {
  const diag = kind === 'diagonal';
  const E = diag ? 2 * D : D;
  const bOff = diag ? D : 0;
  const at = diag ? 'unroll_a(r, d)' : '1.0';
  switch (mode) {
    case 'reduce':
      return `
  var a = 1.0;
  var b = 0.0;
  for (var t = t0; t < t1; t++) {
    let r = row0 + t;
    let at = ${at};
    b = at * b + unroll_b(r, d);
    a = at * a;
  }
  let o = g * ${E}u - unroll_u.base_out;
  ${diag ? 'unroll_out[o + d] = a;' : '_ = a;'}
  unroll_out[o + ${bOff}u + d] = b;`;
    case 'states':
      return `
  var s: f32;
  if (c == 0u) { s = unroll_s0[seq * ${D}u + d - unroll_u.base_s0]; }
  else { s = unroll_ends[(g - 1u) * ${D}u + d - unroll_u.base_ends]; }
  for (var t = t0; t < t1; t++) {
    let r = row0 + t;
    s = ${at} * s + unroll_b(r, d);
    unroll_out[r * ${D}u + d - unroll_u.base_out] = s;
  }`;
    case 'elements':
      return `
  var a = 1.0;
  var b = 0.0;
  if (c > 0u) {
    let p = (g - 1u) * ${E}u - unroll_u.base_carry;
    ${diag ? 'a = unroll_carry[p + d];' : ''}
    b = unroll_carry[p + ${bOff}u + d];
  }
  for (var t = t0; t < t1; t++) {
    let r = row0 + t;
    let at = ${at};
    b = at * b + unroll_b(r, d);
    a = at * a;
    let o = r * ${E}u - unroll_u.base_out;
    ${diag ? 'unroll_out[o + d] = a;' : '_ = a;'}
    unroll_out[o + ${bOff}u + d] = b;
  }`;
  }
}

/**
 * Dense: one thread per chunk holding a D×D matrix and a D-vector in private memory.
 * `projective`: the recurrence is homogeneous (b = 0) and only the direction of s_t
 * matters (a Möbius map in homogeneous coordinates, as the Kalman filter's variances are),
 * so every product and state is rescaled to max-abs 1 after each step — exact in ratio,
 * and it never overflows or underflows in f32.
 */
function denseBody(D: number, mode: ChunkMode, projective: boolean): string {
  const DD = D * D;
  const E = DD + D;
  const rescale = (name: string, n: number): string =>
    projective
      ? `
    var ${name}m = 0.0;
    for (var k = 0u; k < ${n}u; k++) { ${name}m = max(${name}m, abs(${name}[k])); }
    if (${name}m > 0.0) { for (var k = 0u; k < ${n}u; k++) { ${name}[k] = ${name}[k] / ${name}m; } }`
      : '';
  // v ← A_t v + b_t (states and the b part of elements).
  const applyV = `
    for (var i = 0u; i < ${D}u; i++) {
      var acc = unroll_b(r, i);
      for (var k = 0u; k < ${D}u; k++) { acc += At[i * ${D}u + k] * v[k]; }
      nv[i] = acc;
    }
    v = nv;${rescale('v', D)}`;
  // P ← A_t P (the A part of elements).
  const applyP = `
    for (var i = 0u; i < ${D}u; i++) {
      for (var j = 0u; j < ${D}u; j++) {
        var acc = 0.0;
        for (var k = 0u; k < ${D}u; k++) { acc += At[i * ${D}u + k] * P[k * ${D}u + j]; }
        nP[i * ${D}u + j] = acc;
      }
    }
    P = nP;${rescale('P', DD)}`;
  const loadA = `
    let r = row0 + t;
    for (var k = 0u; k < ${DD}u; k++) { At[k] = unroll_a(r, k); }`;
  const decl = `
  _ = d;
  var At: array<f32, ${DD}>;
  var v: array<f32, ${D}>;
  var nv: array<f32, ${D}>;`;
  const declP = `
  var P: array<f32, ${DD}>;
  var nP: array<f32, ${DD}>;`;
  switch (mode) {
    case 'reduce':
      return `${decl}${declP}
  for (var i = 0u; i < ${D}u; i++) { P[i * ${D}u + i] = 1.0; }
  for (var t = t0; t < t1; t++) {${loadA}${applyV}${applyP}
  }
  let o = g * ${E}u - unroll_u.base_out;
  for (var k = 0u; k < ${DD}u; k++) { unroll_out[o + k] = P[k]; }
  for (var k = 0u; k < ${D}u; k++) { unroll_out[o + ${DD}u + k] = v[k]; }`;
    case 'states':
      return `${decl}
  for (var k = 0u; k < ${D}u; k++) {
    if (c == 0u) { v[k] = unroll_s0[seq * ${D}u + k - unroll_u.base_s0]; }
    else { v[k] = unroll_ends[(g - 1u) * ${D}u + k - unroll_u.base_ends]; }
  }
  for (var t = t0; t < t1; t++) {${loadA}${applyV}
    for (var k = 0u; k < ${D}u; k++) { unroll_out[r * ${D}u + k - unroll_u.base_out] = v[k]; }
  }`;
    case 'elements':
      return `${decl}${declP}
  if (c > 0u) {
    let p = (g - 1u) * ${E}u - unroll_u.base_carry;
    for (var k = 0u; k < ${DD}u; k++) { P[k] = unroll_carry[p + k]; }
    for (var k = 0u; k < ${D}u; k++) { v[k] = unroll_carry[p + ${DD}u + k]; }
  } else {
    for (var i = 0u; i < ${D}u; i++) { P[i * ${D}u + i] = 1.0; }
  }
  for (var t = t0; t < t1; t++) {${loadA}${applyV}${applyP}
    let o = r * ${E}u - unroll_u.base_out;
    for (var k = 0u; k < ${DD}u; k++) { unroll_out[o + k] = P[k]; }
    for (var k = 0u; k < ${D}u; k++) { unroll_out[o + ${DD}u + k] = v[k]; }
  }`;
  }
}

/**
 * A chunk of a scan over any monoid written in WGSL (`monoid_combine(x, z)`: x then z;
 * `monoid_identity()`), elements of `algebra.width` floats (`Element`): one thread per
 * chunk folds its elements in private memory — `'reduce'` writes the chunk's aggregate,
 * `'elements'` every inclusive prefix, from the previous chunk's prefix (`carry`).
 */
export function monoidChunkKernel(mode: 'reduce' | 'elements', algebra: StructureAlgebra): KernelSpec {
  const E = algebra.width;
  const storage: StorageSlot[] = [{ name: 'in', access: 'read' }];
  if (mode === 'elements') storage.push({ name: 'carry', access: 'read' });
  storage.push({ name: 'out', access: 'read_write' });
  const start =
    mode === 'elements'
      ? `
  var acc = monoid_identity();
  if (c > 0u) { for (var k = 0u; k < ${E}u; k++) { acc[k] = unroll_carry[(g - 1u) * ${E}u + k - unroll_u.base_carry]; } }`
      : `
  var acc = monoid_identity();`;
  const write =
    mode === 'elements'
      ? `    for (var k = 0u; k < ${E}u; k++) { unroll_out[r * ${E}u + k - unroll_u.base_out] = acc[k]; }`
      : '';
  const end = mode === 'reduce' ? `
  for (var k = 0u; k < ${E}u; k++) { unroll_out[g * ${E}u + k - unroll_u.base_out] = acc[k]; }` : '';
  const body = `
alias Element = array<f32, ${E}>;
${algebra.source}
${wholeChunkMain}${start}
  for (var t = t0; t < t1; t++) {
    let r = row0 + t;
    var e: Element;
    for (var k = 0u; k < ${E}u; k++) { e[k] = unroll_in[r * ${E}u + k - unroll_u.base_in]; }
    acc = monoid_combine(acc, e);
${write}
  }${end}
}`;
  return { label: `monoid scan ${algebra.name} ${mode}`, storage, uniforms: [['L', 'u32'], ['N', 'u32'], ['C', 'u32']], lanes: 1, body };
}

