import { checkDynamics, defineDynamics, type DefinedDynamics, type Dynamics } from '@unroll/linearize';
import { checkArrayLength, checkInteger, checkRecord, describeValue, UnrollError, type FloatArray } from '@unroll/scan';
import { fromJacobian } from './from-jacobian.js';
import { checkNumbers, isArrayLike } from './arguments.js';
import { flattenInputs, inputRow } from './inputs.js';

/**
 * What an observer measures of a state s, and so what one row of its measurements holds:
 * first h(s) — `s[observed]`, or `C s` for a general linear `output` C — then the values of
 * the `substitute`d coordinates, `s[substitute]`.
 */
export interface MeasurementLayout {
  /** Indices of directly measured coordinates: h(s) = s[observed] (C selects them). Not with `output`. */
  readonly observed?: readonly number[];
  /** A general linear measurement h(s) = C s, C given as m rows of D numbers. Not with `observed`. */
  readonly output?: readonly (readonly number[])[];
  /** Coordinates of the observer's state replaced by the measured ones before each step (Pecora & Carroll). */
  readonly substitute?: readonly number[];
}

/** Parameters of {@link observer}. */
export interface ObserverParams extends MeasurementLayout {
  /**
   * `[T][w]` measurements: row t − 1 is the measurement of the reference state s_{t−1}
   * (laid out as {@link MeasurementLayout} says), used by step t; build it from a
   * reference trajectory with {@link measurements}. Beyond the last row the observer runs
   * the system alone.
   */
  readonly measurements: ArrayLike<ArrayLike<number>> | FloatArray;
  /** Feedback gain L (`[D][m]`, m = the entries of h): ŝ' = f(ŝ) + L (h(s) − h(ŝ)) (Zemouche & Boutayeb). */
  readonly gain?: readonly (readonly number[])[];
  /**
   * `true`: substitute the measurements for the `observed` coordinates, ŝ' = f(ŝ with those
   * coordinates := y) (Pecora & Carroll) — the same as `substitute: observed` with each value
   * measured once. For a gain and substitution together use `substitute`.
   */
  readonly substitution?: boolean;
}

/** A design checked and laid out: C (m×D), the substituted coordinates and where each one's value sits in a row of width w. */
interface Layout {
  readonly D: number;
  readonly m: number;
  readonly C: Float64Array;
  readonly sub: readonly number[];
  readonly subAt: readonly number[];
  readonly w: number;
}

function checkCoordinates(where: string, name: string, x: unknown, D: number, allowEmpty: boolean): readonly number[] {
  if (!isArrayLike(x) || (!allowEmpty && x.length === 0) || !Array.from(x).every((i) => typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < D) || new Set(Array.from(x)).size !== x.length) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: ${name} must list distinct coordinates in [0, ${D})${allowEmpty ? '' : ' (at least one)'}, got ${describeValue(x)}.`);
  }
  return Array.from(x as ArrayLike<number>);
}

function checkLayout(where: string, given: MeasurementLayout, D: number, sharedSubstitution: boolean): Layout {
  const { observed, output, substitute } = given as Record<string, unknown>;
  if (observed !== undefined && output !== undefined) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: give observed (coordinates measured directly) or output (a matrix C, h(s) = C s), not both; for a selection, C's rows are unit vectors.`);
  }
  let m = 0;
  let C = new Float64Array(0);
  if (observed !== undefined) {
    const idx = checkCoordinates(where, 'observed', observed, D, false);
    m = idx.length;
    C = new Float64Array(m * D);
    idx.forEach((i, k) => { C[k * D + i] = 1; });
  } else if (output !== undefined) {
    if (!Array.isArray(output) || output.length === 0) {
      throw new UnrollError('INVALID_ARGUMENT', `${where}: output must be the measurement matrix C, m ≥ 1 rows of ${D} numbers (h(s) = C s), got ${describeValue(output)}.`);
    }
    m = output.length;
    C = new Float64Array(m * D);
    output.forEach((row: unknown, k) => { C.set(checkNumbers(where, `output[${k}]`, row, D), k * D); });
  }
  if (sharedSubstitution && substitute !== undefined) {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: substitution: true substitutes the observed coordinates; pass either it or substitute, not both.`);
  }
  const sub = sharedSubstitution ? checkCoordinates(where, 'observed', observed, D, false) : substitute === undefined ? [] : checkCoordinates(where, 'substitute', substitute, D, true);
  const subAt = sub.map((_, j) => (sharedSubstitution ? j : m + j));
  return { D, m, C, sub, subAt, w: sharedSubstitution ? m : m + sub.length };
}

/**
 * The measurement rows an observer reads for a reference trajectory s_1 … s_T (with its
 * s_0): row t holds the measurement of s_t, t = 0 … T − 1. `layout` is the list of observed
 * coordinates, or a {@link MeasurementLayout} (general C and substituted coordinates).
 */
export function measurements(reference: FloatArray, s0: ArrayLike<number>, D: number, layout: readonly number[] | MeasurementLayout): Float64Array {
  const where = 'measurements(reference, s0, D, layout)';
  checkInteger(where, 'D', D, 1);
  const ref: unknown = reference;
  if (!isArrayLike(ref)) throw new UnrollError('INVALID_ARGUMENT', `${where}: reference must be the trajectory s_1 … s_T, [T][D] row-major (a Float64Array), got ${describeValue(ref)}.`);
  if (ref.length % D !== 0) {
    throw new UnrollError('LENGTH_MISMATCH', `${where}: reference has ${ref.length} numbers, not a whole number of states of D = ${D}; pass s_1 … s_T row-major.`);
  }
  for (let i = 0; i < ref.length; i++) {
    const v = ref[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new UnrollError('NON_FINITE', `${where}: reference[${i}] is ${describeValue(v)}; pass a finite trajectory.`);
  }
  const first = checkNumbers(where, 's0', s0, D);
  const given: unknown = layout;
  if (given === null || typeof given !== 'object') {
    throw new UnrollError('INVALID_ARGUMENT', `${where}: layout must list the observed coordinates ([0]) or be { observed | output, substitute }, got ${describeValue(given)}.`);
  }
  const spec: MeasurementLayout = Array.isArray(given) ? { observed: given } : given;
  const L = checkLayout(where, spec, D, false);
  if (L.w === 0) throw new UnrollError('INVALID_ARGUMENT', `${where}: the layout measures nothing; give observed, output or a non-empty substitute.`);
  const T = reference.length / D;
  checkArrayLength(where, `the measurements (T·w = ${T}·${L.w})`, T * L.w, 'pass a shorter reference or measure less');
  const out = new Float64Array(T * L.w);
  for (let t = 0; t < T; t++) {
    const s = t === 0 ? first : reference, so = t === 0 ? 0 : (t - 1) * D;
    for (let k = 0; k < L.m; k++) {
      let acc = 0;
      for (let i = 0; i < D; i++) acc += L.C[k * D + i] * s[so + i];
      out[t * L.w + k] = acc;
    }
    L.sub.forEach((i, j) => { out[t * L.w + L.m + j] = s[so + i]; });
  }
  return out;
}

/**
 * A stable observer of a (possibly chaotic) system from partial measurements of a
 * reference trajectory — predictability paper §J.5: the system itself may take T DEER
 * iterations, its observer a handful, because the observer's Lyapunov exponent is
 * negative. One step, with y the measurement row of s_{t−1}:
 *
 *   ŝ⁺ = ŝ_{t−1} with its `substitute`d coordinates set to their measured values,
 *   ŝ_t = f_t(ŝ⁺) + L (h(s_{t−1}) − C ŝ⁺),   J = (∂f(ŝ⁺) − L C) P,
 *
 * P the identity with the substituted columns zeroed. A gain alone (no substitution) is
 * Zemouche & Boutayeb's feedback, substitution alone Pecora & Carroll's drive–response;
 * the predictability paper's Table 1 uses both, with Euler f, a dense C and L = Δt·Cᵀ.
 * The system must have a closed-form Jacobian.
 */
export function observer(system: Dynamics, params: ObserverParams): DefinedDynamics & {
  /** The observer's parameters, frozen (the observed system is the first argument). */
  readonly params: ObserverParams;
} {
  checkDynamics('observer(system, params)', system, {
    argument: 'system',
    what: '({ dim, step, jacobian, … }) such as lorenz63(),',
    field: (key) => `system.${key}`,
    smaller: 'pass a smaller system',
  });
  const D = system.dim;
  checkRecord('observer(system, params)', 'params', params, '{ observed: [0], measurements, substitution: true }');
  const substitution: unknown = params.substitution;
  if (substitution !== undefined && typeof substitution !== 'boolean') {
    throw new UnrollError('INVALID_ARGUMENT', `observer: substitution must be true, false or absent, got ${describeValue(substitution)}.`);
  }
  const shared = substitution === true;
  if (shared && params.gain !== undefined) {
    throw new UnrollError('INVALID_ARGUMENT', 'observer: with substitution: true the observed coordinates are replaced, so a gain on them feeds back nothing; for a gain and substitution together pass output (or observed), gain and substitute.');
  }
  if (params.observed === undefined && params.output === undefined && !shared && params.substitute === undefined) {
    throw new UnrollError('INVALID_ARGUMENT', 'observer: say what is measured — observed: [coordinates] or output: C (m×D) — and choose a design: a gain matrix, substitution: true, or substitute: [coordinates].');
  }
  if (shared && params.observed === undefined) {
    throw new UnrollError('INVALID_ARGUMENT', 'observer: substitution: true substitutes the observed coordinates; pass observed: [coordinates] (or substitute: [coordinates] with output or observed).');
  }
  const layout = checkLayout('observer', params, D, shared);
  const { m, C, sub, subAt, w } = layout;
  if (params.gain === undefined && sub.length === 0) {
    throw new UnrollError('INVALID_ARGUMENT', 'observer: choose one design — a gain matrix, substitution: true, or substitute: [coordinates] (a gain and substitute together are fine).');
  }
  const jacobianGiven: unknown = (system as unknown as Record<string, unknown>)['jacobian'];
  if (typeof jacobianGiven !== 'function') throw new UnrollError('INVALID_ARGUMENT', `observer: the system needs a closed-form jacobian (a function), got ${describeValue(jacobianGiven)}.`);
  const jac = (jacobianGiven as NonNullable<Dynamics['jacobian']>).bind(system);
  checkArrayLength('observer', `the Jacobian scratch (dim² for system.dim = ${D})`, D * D, 'observe a smaller system');
  const gain: unknown = params.gain;
  if (gain !== undefined && m === 0) {
    throw new UnrollError('INVALID_ARGUMENT', 'observer: a gain feeds back h(s) − h(ŝ); pass observed: [coordinates] or output: C (m×D) to say what h is.');
  }
  if (gain !== undefined && !Array.isArray(gain)) {
    throw new UnrollError('INVALID_ARGUMENT', `observer: gain must be a ${D}×${m} matrix (an array of ${D} rows of ${m} numbers) or absent, got ${describeValue(gain)}.`);
  }
  if (Array.isArray(gain) && (gain.length !== D || gain.some((row) => !isArrayLike(row) || row.length !== m))) {
    throw new UnrollError('DIMENSION_MISMATCH', `observer: gain must be ${D}×${m} (one column per measured entry of h), got ${describeValue(gain)}.`);
  }
  const L = new Float64Array(D * m);
  if (Array.isArray(gain)) {
    gain.forEach((row: unknown, i) => {
      checkNumbers('observer', `gain[${i}]`, row, m).forEach((v, k) => { L[i * m + k] = v; });
    });
  }
  // LC = L C (D×D): the feedback's share of the Jacobian.
  const LC = new Float64Array(D * D);
  for (let i = 0; i < D; i++) for (let j = 0; j < D; j++) for (let k = 0; k < m; k++) LC[i * D + j] += L[i * m + k] * C[k * D + j];
  const hasGain = gain !== undefined;
  const given: unknown = params.measurements;
  if (given === undefined) {
    throw new UnrollError('INVALID_ARGUMENT', `observer: measurements are required — [T][${w}] rows, the measurement of the reference state s_{t−1} for step t; build them with measurements(reference, s0, D, layout).`);
  }
  const y = flattenInputs('observer', 'measurements', given, w);
  const x = new Float64Array(D);
  const f = new Float64Array(D);
  /** x ← ŝ with the substituted coordinates set; returns the row offset of y_{t−1}, or −1 beyond the measurements. */
  const substitute = (t: number, s: FloatArray, so: number): number => {
    for (let i = 0; i < D; i++) x[i] = s[so + i];
    const yo = inputRow(y, w, t);
    if (yo >= 0) sub.forEach((i, j) => { x[i] = y[yo + (subAt[j] ?? 0)]; });
    return yo;
  };
  const jacobian = (t: number, s: FloatArray, so: number, out: FloatArray, oo: number) => {
    const yo = substitute(t, s, so);
    jac(t, x, 0, out, oo);
    if (yo < 0) return;
    if (hasGain) for (let i = 0; i < D * D; i++) out[oo + i] -= LC[i];
    // Substituted coordinates no longer depend on ŝ.
    for (let i = 0; i < D; i++) for (const k of sub) out[oo + i * D + k] = 0;
  };
  const design = [hasGain ? 'gain' : '', sub.length > 0 ? 'substitution' : ''].filter((s) => s !== '').join(' + ');
  const dyn = defineDynamics({
    dim: D,
    name: `observer(${system.name ?? 'system'}, ${design})`,
    probe: { state: Array.from({ length: D }, (_, i) => 0.1 * (i + 1)) },
    step(t, s, so, out, oo) {
      const yo = substitute(t, s, so);
      system.step(t, x, 0, f, 0);
      for (let i = 0; i < D; i++) out[oo + i] = f[i];
      if (yo < 0 || !hasGain) return;
      for (let k = 0; k < m; k++) {
        let e = y[yo + k];
        for (let j = 0; j < D; j++) e -= C[k * D + j] * x[j];
        for (let i = 0; i < D; i++) out[oo + i] += L[i * m + k] * e;
      }
    },
    jacobian,
    ...fromJacobian(D, jacobian),
  });
  return Object.freeze({ ...dyn, params: Object.freeze({ ...params }) });
}
