/**
 * One solve in a process of its own, for case study 11: the peak resident memory a
 * configuration needs is only measurable where nothing else has run (a process's peak
 * never comes down). Reads one JSON argument, prints one JSON line.
 */
import { hutchinson } from '@unroll/linearize';
import { solve, type Method } from '@unroll/solvers';
import { createRng, gru } from '@unroll/systems';
import { parseProbeConfig, type ProbeResult } from './memory-probe-config.js';

const config = parseProbeConfig(process.argv[2]);
const { D, T, window } = config;
// An untrained GRU with standard normal inputs of dimension D (thesis §3.3.1, after Lim et al.).
const rng = createRng(1 + D);
const inputs = Float64Array.from({ length: T * D }, () => rng.normal());
const rnn = gru({ dim: D, inputDim: D, seed: 2 + D, inputs });
const s0 = new Float64Array(D);
const method: Method | ReturnType<typeof hutchinson> = config.method === 'hutchinson' ? hutchinson({ probes: config.probes ?? 1, seed: 1 }) : config.method;
// Warm up the code paths on a tiny problem, so the peak below is the solve's arrays, not
// the compiler's.
solve(rnn, s0, 8, { method: config.method === 'hutchinson' ? hutchinson({ probes: 1, seed: 1 }) : config.method });
const before = process.resourceUsage().maxRSS;
const t0 = performance.now();
let result: ProbeResult;
try {
  // The thesis's rule: max-abs change below 1e-4 (§3.3.1).
  const r = solve(rnn, s0, T, { method, stop: 'delta', tol: 1e-4, ...(window !== undefined && { window }) });
  result = { setupKb: before, peakKb: process.resourceUsage().maxRSS, iterations: r.iterations, converged: r.converged, seconds: (performance.now() - t0) / 1000 };
} catch (error) {
  // A refusal (MEMORY_BUDGET) is a result too: what the solver would need does not fit.
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'ERROR';
  result = { setupKb: before, peakKb: process.resourceUsage().maxRSS, iterations: 0, converged: false, seconds: (performance.now() - t0) / 1000, refused: code };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
