import type { KernelSpec, StorageSlot } from './kernel.js';
import { workgroupSize } from './kernel.js';

/**
 * How a chained-scan tile finds the state its steps start from (tests and benchmarks;
 * default `'bounded'`):
 * - `'bounded'`: decoupled look-back with a fallback — poll a predecessor's published
 *   status a bounded number of times, then reduce that predecessor's steps from the inputs;
 * - `'eager'`: the same with a spin bound of 0 — any status not yet published is computed
 *   from the inputs at once;
 * - `'pure'`: wait for every status without bound (plain decoupled look-back; it relies on
 *   forward progress between workgroups, which WebGPU does not promise — never the default);
 * - `'fallback'`: never read a status — every tile reduces all its predecessors from the
 *   inputs (quadratic in the number of tiles; for testing the fallback path only).
 */
export type LookBack = 'bounded' | 'eager' | 'pure' | 'fallback';

/** The default spin bound of `'bounded'`: polls of one unpublished status before the fallback reduces it. */
export const defaultSpin = 1024;

/** Longest run of steps a chained-scan thread keeps in registers (its elements are read once). */
export const maxChainedChunk = 16;

/**
 * Where the chained scan's threads and tiles fall, for S sequences of L steps of a
 * D-dimensional diagonal (or identity) recurrence. Coordinates never mix, so a tile is a
 * block of `rows · K` consecutive steps of `columns` coordinates of one sequence; its 64
 * threads are `rows` × `columns`, each owning K consecutive steps of one coordinate.
 * Tiles are numbered time-major (tile = j · lanes + lane), so a tile's predecessor (the
 * same lane, block j − 1) always has a smaller number.
 */
export interface ChainedGeometry {
  /** Steps per thread (held in registers). */
  readonly K: number;
  /** Coordinates per tile. */
  readonly columns: number;
  /** Threads per coordinate in a tile. */
  readonly rows: number;
  /** Coordinate blocks per sequence: ⌈D / columns⌉. */
  readonly blocks: number;
  /** Independent lanes of tiles: S · blocks. */
  readonly lanes: number;
  /** Tiles in all: ⌈L / (rows · K)⌉ · lanes, one workgroup each. */
  readonly tiles: number;
}

/** The tiling of one chained scan (see {@link ChainedGeometry}). */
export function chainedGeometry(D: number, S: number, L: number, chunk: number): ChainedGeometry {
  const K = Math.max(1, Math.min(chunk, maxChainedChunk));
  const columns = Math.min(D, 32);
  const rows = Math.floor(workgroupSize / columns);
  const blocks = Math.ceil(D / columns);
  const lanes = S * blocks;
  return { K, columns, rows, blocks, lanes, tiles: Math.ceil(L / (rows * K)) * lanes };
}

/** u32 words of one tile column's status: the aggregate (a, b) and the inclusive state, each f32 in two tagged words. */
export const statusWords = 6;

/**
 * Epochs before the tile counter wraps back to 0: tags are 16 bits (1 … epochs) and the
 * counter must stay below 2³² (tiles · epochs ≤ 2³² − 1). At least 2 (a tag must differ from
 * the previous run's).
 */
export function epochsFor(tiles: number): number {
  return Math.min(0xffff, Math.floor(0xffffffff / tiles));
}

/**
 * The single-pass chained scan of s_t = a_t ⊙ s_{t−1} + b_t (diagonal, or identity: a = 1),
 * for S sequences from their s_0: reads a and b once (12 bytes per f32 state entry with
 * the state written once, against ~21.5 for reduce-then-scan, which reads them twice).
 *
 * Decoupled look-back with a fallback (Smith, Levien & Owens, "Decoupled Fallback: A
 * Portable Single-Pass GPU Scan", SPAA 2025). A workgroup takes its tile from an atomic
 * counter (dynamic tile ids: a tile's predecessor was handed out earlier, so it has at
 * least started); its threads compose their K steps each, one thread per coordinate scans
 * those compositions in workgroup memory, and publishes the tile's aggregate (a, b). Then one thread
 * per coordinate looks back: a predecessor's inclusive state (the state at the end of its
 * tile) ends the walk; its aggregate is composed in and the walk goes on; a status still
 * unpublished after `spin` polls is computed by the thread itself from that tile's inputs
 * — so the scan finishes without any forward-progress guarantee between workgroups
 * (SwiftShader gives none, WebGPU promises none). The tile publishes its inclusive state
 * and replays its steps from registers.
 *
 * WGSL atomics are relaxed: there is no acquire/release, so a flag in one word says
 * nothing about a payload in another. Every published f32 therefore travels as two u32
 * words, each carrying 16 bits of the value under a 16-bit tag — the run's epoch + 1 — so
 * a reader that sees the current tag in both words of a value has both halves of that
 * value, written once this run; stale words from the previous run carry another tag and a
 * fresh buffer (zeros) none. The epoch comes from the same counter as the tile
 * (ticket = epoch · tiles + tile), so no buffer is ever cleared: the holder of the last
 * ticket before the tags would run out subtracts tiles · epochs from the counter — after
 * every other increment of its run in the counter's modification order, since it holds
 * the largest ticket — and the next run starts again from epoch 0.
 *
 * `fold: 'update'`: the solve's update folded into the same pass (see `updateKernel`): each
 * entry reset to the guess when non-finite or beyond the threshold, written, and compared
 * with the current iterate; workgroup partials of (resets, max change) at `partOffset +
 * tile`. `'update+prefix'` also measures what `prefixKernel` does — T − t for every entry
 * that moved by tol or more, rounded up — with partials (0, max) at `prefixOffset + tile`
 * of `prefixPart`: `onIteration`'s converged prefix without a pass of its own. When both
 * partials go to the same buffer (the record itself, for a single tile), `sharedPart`
 * writes both through `part`: one buffer may not be bound writable twice.
 */
export function chainedKernel(kind: 'diagonal' | 'identity', D: number, g: ChainedGeometry, fold: 'none' | 'update' | 'update+prefix', sharedPart = false): KernelSpec {
  const update = fold !== 'none';
  const prefix = fold === 'update+prefix';
  const prefixArray = sharedPart ? 'part' : 'prefixPart';
  const { K, columns: CW, rows: RW, blocks: KB } = g;
  const storage: StorageSlot[] = [];
  if (kind === 'diagonal') storage.push({ name: 'A', access: 'read' });
  storage.push({ name: 'B', access: 'read' }, { name: 's0', access: 'read' }, { name: 'out', access: 'read_write' });
  // Word 0: the tile counter; then statusWords per tile column (one binding for both: a
  // device may allow as few as 8 storage buffers per kernel).
  storage.push({ name: 'status', access: 'read_write', atomic: true });
  if (update) storage.push({ name: 'cur', access: 'read' }, { name: 'guess', access: 'read' }, { name: 'part', access: 'read_write' });
  if (prefix && !sharedPart) storage.push({ name: 'prefixPart', access: 'read_write' });
  const write = update
    ? `
        var x = s;
        var resets = 0.0;
        if (unroll_u.reset != 0u && (unroll_nonfinite(x) || abs(x) > unroll_u.threshold)) {
          x = unroll_guess[k - unroll_u.base_guess];
          resets = 1.0;
        }
        unroll_out[k - unroll_u.base_out] = x;
        let change = unroll_mark(x - unroll_cur[k - unroll_u.base_cur]);
        red = vec2f(unroll_add(red.x, resets), max(red.y, change));${
          prefix
            ? `
        if (change >= unroll_u.tol) {
          let v = unroll_u.L - t;
          var far = f32(v);
          if (u32(far) < v) { far = bitcast<f32>(bitcast<u32>(far) + 1u); }
          farthest = max(farthest, far);
        }`
            : ''
        }`
    : `
        unroll_out[k - unroll_u.base_out] = s;`;
  // The partials' fold, as in every reducing kernel (solve-kernels.ts), indexed by tile.
  const reduce = update
    ? `
  unroll_red[li] = vec3f(red, farthest);
  workgroupBarrier();
  for (var h = 32u; h > 0u; h >>= 1u) {
    if (li < h) {
      let m = unroll_red[li];
      let o = unroll_red[li + h];
      unroll_red[li] = vec3f(unroll_add(m.x, o.x), max(m.y, o.y), max(m.z, o.z));
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    let p = 2u * (unroll_u.partOffset + tile) - unroll_u.base_part;
    unroll_part[p] = unroll_red[0].x;
    unroll_part[p + 1u] = unroll_red[0].y;${
      prefix
        ? `
    let q = 2u * (unroll_u.prefixOffset + tile) - unroll_u.base_${prefixArray};
    unroll_${prefixArray}[q] = 0.0;
    unroll_${prefixArray}[q + 1u] = unroll_red[0].z;`
        : ''
    }
  }`
    : '';
  const body = `
const unroll_K: u32 = ${K}u;
const unroll_CW: u32 = ${CW}u;
const unroll_RW: u32 = ${RW}u;
const unroll_KB: u32 = ${KB}u;
var<workgroup> unroll_ticket: u32;
var<workgroup> unroll_sa: array<f32, ${workgroupSize}>;
var<workgroup> unroll_sb: array<f32, ${workgroupSize}>;
var<workgroup> unroll_carry: array<f32, ${CW}>;
${update ? `var<workgroup> unroll_red: array<vec3f, ${workgroupSize}>;` : ''}
fn unroll_b(r: u32, k: u32) -> f32 { return unroll_B[r * unroll_u.sB + unroll_u.oB + k - unroll_u.base_B]; }
fn unroll_a(r: u32, k: u32) -> f32 { ${kind === 'diagonal' ? 'return unroll_A[r * unroll_u.sA + unroll_u.oA + k - unroll_u.base_A];' : '_ = r; _ = k; return 1.0;'} }
// Publishes x at status word w (after the counter): 16 bits per word under the tag (bits 16–31).
fn unroll_put(w: u32, x: f32, tag: u32) {
  let u = bitcast<u32>(x);
  atomicStore(&unroll_status[1u + w - unroll_u.base_status], tag | (u & 0xffffu));
  atomicStore(&unroll_status[2u + w - unroll_u.base_status], tag | (u >> 16u));
}
// The value at status word w: (1, bits) when both words carry this run's tag, else (0, _).
fn unroll_get(w: u32, tag: u32) -> vec2u {
  let lo = atomicLoad(&unroll_status[1u + w - unroll_u.base_status]);
  let hi = atomicLoad(&unroll_status[2u + w - unroll_u.base_status]);
  let ready = (lo & 0xffff0000u) == tag && (hi & 0xffff0000u) == tag;
  return vec2u(select(0u, 1u, ready), (lo & 0xffffu) | (hi << 16u));
}
// The fallback: steps [t0, t1) of coordinate d of the sequence at row0 composed into one (a, b).
fn unroll_reduce(row0: u32, d: u32, t0: u32, t1: u32) -> vec2f {
  var a = 1.0;
  var b = 0.0;
  for (var t = t0; t < t1; t++) {
    let at = unroll_a(row0 + t, d);
    b = at * b + unroll_b(row0 + t, d);
    a = at * a;
  }
  return vec2f(a, b);
}
@compute @workgroup_size(${workgroupSize})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32) {
  // A 2-D grid may launch a few workgroups past the tiles: they take no ticket.
  if (unroll_group(wg) >= unroll_u.tiles) { return; }
  if (li == 0u) {
    let ticket = atomicAdd(&unroll_status[0u - unroll_u.base_status], 1u);
    if (ticket == unroll_u.tiles * unroll_u.epochs - 1u) { atomicSub(&unroll_status[0u - unroll_u.base_status], unroll_u.tiles * unroll_u.epochs); }
    unroll_ticket = ticket;
  }
  let ticket = workgroupUniformLoad(&unroll_ticket);
  let tile = ticket % unroll_u.tiles;
  let tag = (ticket / unroll_u.tiles + 1u) << 16u;
  let j = tile / unroll_u.lanes;
  let lane = tile % unroll_u.lanes;
  let seq = lane / unroll_KB;
  let r = li / unroll_CW;
  let c = li % unroll_CW;
  let d = (lane % unroll_KB) * unroll_CW + c;
  let owned = r < unroll_RW && d < ${D}u;
  let row0 = seq * unroll_u.L;
  let span = unroll_RW * unroll_K;
  let t0 = j * span + r * unroll_K;
  let t1 = min(unroll_u.L, t0 + unroll_K);
  // 1. This thread's K steps, read once into registers, and their composition.
  var ea: array<f32, ${K}>;
  var eb: array<f32, ${K}>;
  var a = 1.0;
  var b = 0.0;
  if (owned) {
    for (var i = 0u; i < unroll_K; i++) {
      let t = t0 + i;
      if (t < t1) {
        let at = unroll_a(row0 + t, d);
        let bt = unroll_b(row0 + t, d);
        ea[i] = at;
        eb[i] = bt;
        b = at * b + bt;
        a = at * a;
      }
    }
  }
  // 2. One thread per coordinate: the inclusive scan of its column's RW compositions, in
  // workgroup memory — serial (at most 64 combines), so a tile costs two barriers, not two
  // per round of a tree scan — then 3. the look-back for the state before this tile.
  unroll_sa[li] = a;
  unroll_sb[li] = b;
  workgroupBarrier();
  if (r == 0u && d < ${D}u) {
    var ta = unroll_sa[c];
    var tb = unroll_sb[c];
    for (var row = 1u; row < unroll_RW; row++) {
      let e = row * unroll_CW + c;
      let ea1 = unroll_sa[e];
      tb = ea1 * tb + unroll_sb[e];
      ta = ea1 * ta;
      unroll_sa[e] = ta;
      unroll_sb[e] = tb;
    }
    let own = (tile * unroll_CW + c) * ${statusWords}u;
    let start = unroll_s0[seq * ${D}u + d - unroll_u.base_s0];
    var x = start;
    if (j > 0u) {
      unroll_put(own, ta, tag);
      unroll_put(own + 2u, tb, tag);
      // (ca, cb): the tiles between p and this one, composed.
      var ca = 1.0;
      var cb = 0.0;
      var p = j - 1u;
      var spins = 0u;
      loop {
        let w = ((p * unroll_u.lanes + lane) * unroll_CW + c) * ${statusWords}u;
        var pa = 1.0;
        var pb = 0.0;
        var have = false;
        if (unroll_u.readStatus != 0u) {
          let inclusive = unroll_get(w + 4u, tag);
          if (inclusive.x != 0u) {
            x = ca * bitcast<f32>(inclusive.y) + cb;
            break;
          }
          let ga = unroll_get(w, tag);
          let gb = unroll_get(w + 2u, tag);
          if (ga.x != 0u && gb.x != 0u) {
            pa = bitcast<f32>(ga.y);
            pb = bitcast<f32>(gb.y);
            have = true;
          } else if (spins < unroll_u.spin) {
            spins += 1u;
            continue;
          }
        }
        // The fallback: tile p has published nothing yet; reduce its steps here.
        if (!have) {
          let e = unroll_reduce(row0, d, p * span, min(unroll_u.L, (p + 1u) * span));
          pa = e.x;
          pb = e.y;
        }
        cb = ca * pb + cb;
        ca = ca * pa;
        if (p == 0u) {
          x = ca * start + cb;
          break;
        }
        p -= 1u;
        spins = 0u;
      }
    }
    unroll_put(own + 4u, ta * x + tb, tag);
    unroll_carry[c] = x;
  }
  workgroupBarrier();
  // 4. Replay: each thread's steps from the state before its K steps.
  ${update ? 'var red = vec2f(0.0, 0.0);\n  var farthest = 0.0;' : ''}
  if (owned) {
    var s = unroll_carry[c];
    if (r > 0u) { s = unroll_sa[li - unroll_CW] * s + unroll_sb[li - unroll_CW]; }
    for (var i = 0u; i < unroll_K; i++) {
      let t = t0 + i;
      if (t < t1) {
        s = ea[i] * s + eb[i];
        let k = (row0 + t) * ${D}u + d;${write}
      }
    }
  }${reduce}
}`;
  const uniforms: [string, 'u32' | 'f32'][] = [
    ['L', 'u32'],
    ['sA', 'u32'],
    ['oA', 'u32'],
    ['sB', 'u32'],
    ['oB', 'u32'],
    ['tiles', 'u32'],
    ['lanes', 'u32'],
    ['epochs', 'u32'],
    ['spin', 'u32'],
    ['readStatus', 'u32'],
  ];
  if (update) uniforms.push(['partOffset', 'u32'], ['reset', 'u32'], ['threshold', 'f32']);
  if (prefix) uniforms.push(['prefixOffset', 'u32'], ['tol', 'f32']);
  return { label: `chained scan ${kind} D=${D} K=${K}${update ? ` ${fold}` : ''}`, storage, uniforms, lanes: workgroupSize, body };
}
