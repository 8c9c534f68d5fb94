/** What the memory probe solves: an untrained GRU of D units over T steps. */
export interface ProbeConfig {
  readonly D: number;
  readonly T: number;
  readonly method: 'sequential' | 'deer' | 'quasi-deer' | 'hutchinson';
  /** Hutchinson probes per step (method 'hutchinson'). */
  readonly probes?: number;
  /** Sliding window of this many steps. */
  readonly window?: number;
}

/** What the probe prints. */
export interface ProbeResult {
  /** Peak resident set (KiB) after start-up and a warm-up solve, before the measured solve. */
  readonly setupKb: number;
  /** Peak resident set (KiB) after the measured solve. */
  readonly peakKb: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly seconds: number;
  /** The error code when the solver refused (e.g. MEMORY_BUDGET: dense Jacobians beyond its budget). */
  readonly refused?: string;
}

const methods = ['sequential', 'deer', 'quasi-deer', 'hutchinson'] as const;

/** Reads the probe's JSON argument; throws with what was wrong. */
export function parseProbeConfig(text: string | undefined): ProbeConfig {
  const value: unknown = JSON.parse(text ?? 'null');
  if (typeof value !== 'object' || value === null) throw new Error(`memory probe: expected a JSON object argument, got ${String(text)}`);
  const c = value as Record<string, unknown>;
  const int = (k: string, required: boolean): number | undefined => {
    const v = c[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`memory probe: ${k} must be an integer ≥ 1, got ${String(v)}`);
    return v;
  };
  const method = methods.find((m) => m === c['method']);
  if (method === undefined) throw new Error(`memory probe: method must be one of ${methods.join(', ')}, got ${String(c['method'])}`);
  const D = int('D', true) ?? 1, T = int('T', true) ?? 1, probes = int('probes', false), window = int('window', false);
  return { D, T, method, ...(probes !== undefined && { probes }), ...(window !== undefined && { window }) };
}

/** Reads the probe's output line. */
export function parseProbeResult(text: string): ProbeResult {
  const v = JSON.parse(text.trim().split('\n').pop() ?? 'null') as ProbeResult | null;
  if (v === null || typeof v.peakKb !== 'number') throw new Error(`memory probe: unreadable output ${text.slice(0, 200)}`);
  return v;
}
