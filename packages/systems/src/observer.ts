import { checkDynamics, defineDynamics, type DefinedDynamics, type Dynamics } from '@unroll/linearize';
import { checkArrayLength, checkInteger, checkRecord, describeValue, UnrollError, type FloatArray } from '@unroll/scan';
import { fromJacobian } from './from-jacobian.js';
import { checkIndices, checkNumbers, isArrayLike } from './arguments.js';
import { flattenInputs, inputRow } from './inputs.js';

/** Parameters of {@link observer}. */
export interface ObserverParams {
  /** Indices of the observed coordinates (the measurement is y = C s, C selecting them). */
  readonly observed: readonly number[];
  /**
   * `[T][m]` measurements: row t − 1 is y of the reference state s_{t−1}, used by step t
   * (build it from a reference trajectory with {@link measurements}).
   */
  readonly measurements: ArrayLike<ArrayLike<number>> | FloatArray;
  /** Feedback gain L (`[D][m]`): ŝ' = f(ŝ) + L (y − C ŝ) (Zemouche & Boutayeb). */
  readonly gain?: readonly (readonly number[])[];
  /** Substitute the measurements for the observed coordinates: ŝ' = f(ŝ with C-coordinates := y) (Pecora & Carroll). */
  readonly substitution?: boolean;
}

/** The measurement rows an observer of `observed` coordinates reads for a reference trajectory (from its s_0). */
export function measurements(reference: FloatArray, s0: ArrayLike<number>, D: number, observed: readonly number[]): Float64Array {
  const where = 'measurements(reference, s0, D, observed)';
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
  checkNumbers(where, 's0', s0, D);
  checkIndices(where, 'observed', observed, D, false);
  const T = reference.length / D;
  const m = observed.length;
  checkArrayLength(where, `the measurements (T·m = ${T}·${m})`, T * m, 'pass a shorter reference or fewer observed coordinates');
  const out = new Float64Array(T * m);
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < m; k++) {
      const i = observed[k] ?? 0;
      out[t * m + k] = t === 0 ? (s0[i] ?? 0) : reference[(t - 1) * D + i];
    }
  }
  return out;
}

/**
 * A stable observer of a (possibly chaotic) system from partial measurements of a
 * reference trajectory — predictability paper §J.5: the system itself may take T DEER
 * iterations, its observer a handful, because the observer's Lyapunov exponent is
 * negative. Two designs:
 * - `gain: L`: ŝ_t = f_t(ŝ_{t−1}) + L (y_{t−1} − C ŝ_{t−1}),  J = ∂f − L C;
 * - `substitution: true`: ŝ_t = f_t(ŝ_{t−1} with its observed coordinates set to y_{t−1}),
 *   J = ∂f at that point with the observed columns zeroed.
 * The system must have a closed-form Jacobian.
 */
export function observer(system: Dynamics, params: ObserverParams): DefinedDynamics & { readonly params: ObserverParams } {
  checkDynamics('observer(system, params)', system, {
    argument: 'system',
    what: '({ dim, step, jacobian, … }) such as lorenz63(),',
    field: (key) => `system.${key}`,
    smaller: 'pass a smaller system',
  });
  const D = system.dim;
  checkRecord('observer(system, params)', 'params', params, '{ observed: [0], measurements, substitution: true }');
  const obs = params.observed;
  const observedGiven: unknown = obs;
  if (!isArrayLike(observedGiven) || observedGiven.length === 0 || !Array.from(observedGiven).every((i) => typeof i === 'number' && Number.isInteger(i) && i >= 0 && i < D) || new Set(Array.from(observedGiven)).size !== observedGiven.length) {
    throw new UnrollError('INVALID_ARGUMENT', `observer: observed must list distinct coordinates in [0, ${D}), got ${describeValue(observedGiven)}.`);
  }
  const m = obs.length;
  const substitution: unknown = params.substitution;
  if (substitution !== undefined && typeof substitution !== 'boolean') {
    throw new UnrollError('INVALID_ARGUMENT', `observer: substitution must be true, false or absent, got ${describeValue(substitution)}.`);
  }
  if ((params.gain === undefined) === (params.substitution !== true)) {
    throw new UnrollError('INVALID_ARGUMENT', 'observer: choose one design — a gain matrix, or substitution: true.');
  }
  const jacobianGiven: unknown = (system as unknown as Record<string, unknown>)['jacobian'];
  if (typeof jacobianGiven !== 'function') throw new UnrollError('INVALID_ARGUMENT', `observer: the system needs a closed-form jacobian (a function), got ${describeValue(jacobianGiven)}.`);
  const jac = (jacobianGiven as NonNullable<Dynamics['jacobian']>).bind(system);
  checkArrayLength('observer', `the Jacobian scratch (dim² for system.dim = ${D})`, D * D, 'observe a smaller system');
  const gain: unknown = params.gain;
  if (gain !== undefined && !Array.isArray(gain)) {
    throw new UnrollError('INVALID_ARGUMENT', `observer: gain must be a ${D}×${m} matrix (an array of ${D} rows of ${m} numbers) or absent, got ${describeValue(gain)}.`);
  }
  if (Array.isArray(gain) && (gain.length !== D || gain.some((row) => !isArrayLike(row) || row.length !== m))) {
    throw new UnrollError('DIMENSION_MISMATCH', `observer: gain must be ${D}×${m} (one column per observed coordinate), got ${describeValue(gain)}.`);
  }
  const L = new Float64Array(D * m);
  if (Array.isArray(gain)) {
    gain.forEach((row: unknown, i) => {
      checkNumbers('observer', `gain[${i}]`, row, m).forEach((v, k) => { L[i * m + k] = v; });
    });
  }
  const given: unknown = params.measurements;
  if (given === undefined) {
    throw new UnrollError('INVALID_ARGUMENT', 'observer: measurements are required — [T][m] rows, y of the reference state s_{t−1} for step t; build them with measurements(reference, s0, D, observed).');
  }
  const y = flattenInputs('observer', 'measurements', given, m);
  const x = new Float64Array(D);
  const f = new Float64Array(D);
  const substitute = (t: number, s: FloatArray, so: number) => {
    for (let i = 0; i < D; i++) x[i] = s[so + i];
    const yo = inputRow(y, m, t);
    if (yo >= 0) for (let k = 0; k < m; k++) x[obs[k] ?? 0] = y[yo + k];
  };
  const jacobian = (t: number, s: FloatArray, so: number, out: FloatArray, oo: number) => {
    if (params.substitution === true) {
      substitute(t, s, so);
      jac(t, x, 0, out, oo);
      // Substituted coordinates no longer depend on ŝ.
      if (inputRow(y, m, t) >= 0) for (let i = 0; i < D; i++) for (const k of obs) out[oo + i * D + k] = 0;
      return;
    }
    jac(t, s, so, out, oo);
    if (inputRow(y, m, t) < 0) return;
    for (let i = 0; i < D; i++) for (let k = 0; k < m; k++) out[oo + i * D + (obs[k] ?? 0)] -= L[i * m + k];
  };
  const dyn = defineDynamics({
    dim: D,
    name: `observer(${system.name ?? 'system'}, ${params.substitution === true ? 'substitution' : 'gain'})`,
    probe: { state: Array.from({ length: D }, (_, i) => 0.1 * (i + 1)) },
    step(t, s, so, out, oo) {
      if (params.substitution === true) {
        substitute(t, s, so);
        system.step(t, x, 0, out, oo);
        return;
      }
      system.step(t, s, so, f, 0);
      const yo = inputRow(y, m, t);
      for (let i = 0; i < D; i++) {
        let acc = f[i];
        if (yo >= 0) for (let k = 0; k < m; k++) acc += L[i * m + k] * (y[yo + k] - s[so + (obs[k] ?? 0)]);
        out[oo + i] = acc;
      }
    },
    jacobian,
    ...fromJacobian(D, jacobian),
  });
  return Object.freeze({ ...dyn, params: Object.freeze({ ...params }) });
}
