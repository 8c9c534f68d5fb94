// The playground's whole setup lives in the page's URL, so a link reproduces a run.
import { systemById, systems } from './systems.js';

/** The methods the playground compares against the sequential rollout. */
export const playgroundMethods = ['deer', 'quasi-deer', 'picard', 'jacobi', 'elk', 'quasi-elk', 'scale-elk', 'clip-elk'] as const;
export type PlaygroundMethod = (typeof playgroundMethods)[number];

/** Everything a playground run depends on. */
export interface PlaygroundSetup {
  readonly system: string;
  readonly params: Readonly<Record<string, number>>;
  readonly T: number;
  readonly methods: readonly PlaygroundMethod[];
  readonly backend: 'cpu' | 'gpu';
  /** ELK's λ (precision of the observation of the current iterate). */
  readonly lambda: number;
  /** scale-ELK's k: Ã_t = (1 − k) J. */
  readonly k: number;
}

/** The setup a bare playground URL shows. */
export function defaultSetup(system = 'mean-field'): PlaygroundSetup {
  const spec = systemById(system);
  return {
    system,
    params: Object.fromEntries(spec.params.map((p) => [p.key, p.default])),
    T: spec.defaultT,
    methods: ['deer', 'quasi-deer', 'picard', 'jacobi'],
    backend: 'cpu',
    lambda: 0.01,
    k: 0.5,
  };
}

const finite = (text: string | null): number | undefined => {
  if (text === null || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
};

/** Reads a setup from a query string; what is missing or malformed takes the default. */
export function parseSetup(search: string): PlaygroundSetup {
  const q = new URLSearchParams(search);
  const id = q.get('system');
  const base = defaultSetup(id !== null && systems.some((s) => s.id === id) ? id : undefined);
  const spec = systemById(base.system);
  const params: Record<string, number> = {};
  for (const p of spec.params) {
    let value = finite(q.get(`p.${p.key}`)) ?? p.default;
    if (p.integer === true) value = Math.round(value);
    if (p.min !== undefined) value = Math.max(p.min, value);
    if (p.max !== undefined) value = Math.min(p.max, value);
    params[p.key] = value;
  }
  const T = Math.max(1, Math.min(100_000, Math.round(finite(q.get('T')) ?? base.T)));
  const listed = q.get('methods');
  const methods = listed === null ? base.methods : playgroundMethods.filter((m) => listed.split(',').includes(m));
  return {
    system: base.system,
    params,
    T,
    methods,
    backend: q.get('backend') === 'gpu' ? 'gpu' : 'cpu',
    lambda: Math.max(0, finite(q.get('lambda')) ?? base.lambda),
    k: Math.max(0, Math.min(1, finite(q.get('k')) ?? base.k)),
  };
}

/** The query string of a setup (`?system=…`), in a fixed order. */
export function formatSetup(setup: PlaygroundSetup): string {
  const q = new URLSearchParams();
  q.set('system', setup.system);
  for (const [key, value] of Object.entries(setup.params)) q.set(`p.${key}`, String(value));
  q.set('T', String(setup.T));
  q.set('methods', setup.methods.join(','));
  q.set('backend', setup.backend);
  q.set('lambda', String(setup.lambda));
  q.set('k', String(setup.k));
  return `?${q.toString()}`;
}
