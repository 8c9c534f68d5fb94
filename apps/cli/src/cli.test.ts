import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { solve } from '@unroll/solvers';
import { catalog } from './systems/catalog.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const schemaDir = fileURLToPath(new URL('../schema/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'unroll-cli-'));

/** A Vulkan driver for Dawn: a GPU's, or SwiftShader from Debian's chromium (CI installs it). */
const gpuAvailable =
  existsSync('/usr/lib/chromium/vk_swiftshader_icd.json') ||
  ['/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d'].some((d) => existsSync(d) && readdirSync(d).some((f) => f.endsWith('.json')));

/** Runs the built CLI as a user would: a separate process, no TTY. */
function unroll(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function validator(name: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  return ajv.compile(JSON.parse(readFileSync(join(schemaDir, `${name}.schema.json`), 'utf8')) as object);
}

function expectValid(name: string, data: unknown) {
  const validate = validator(name);
  const ok = validate(data);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

/** Exit 2 and exactly one line on stderr starting with "unroll: ". */
function expectUsageError(r: ReturnType<typeof unroll>, fragment: string | RegExp) {
  expect(r.code).toBe(2);
  const lines = r.err.split('\n').filter((l) => l !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^unroll: /);
  expect(lines[0]).toMatch(fragment);
}

describe('unroll (spawned)', () => {
  it('prints help with every command; no command at all is a usage error (exit 2)', () => {
    const help = unroll('--help');
    expect(help.code).toBe(0);
    for (const c of ['compare', 'lle', 'advise', 'plot', 'demo', 'systems']) expect(help.out).toContain(`  ${c} `);
    expect(unroll().code).toBe(2);
    for (const c of ['compare', 'lle', 'advise', 'plot', 'demo', 'systems']) {
      const r = unroll(c, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^usage: unroll /);
    }
  });

  it('bad arguments get one line and exit code 2', () => {
    expectUsageError(unroll('frobnicate'), /unknown command "frobnicate"; commands: compare, lle/);
    expectUsageError(unroll('compare', '--system', 'gru', '--bogus'), /unknown option --bogus for `unroll compare`/);
    expectUsageError(unroll('compare', '--system'), /option --system needs a value/);
    expectUsageError(unroll('compare', '--system', 'gru', '-T', 'many'), /-T must be an integer ≥ 1, got "many"/);
    expectUsageError(unroll('compare', '--system', 'gru', '-T', '0'), /-T must be an integer ≥ 1/);
    expectUsageError(unroll('compare', '--system', 'gru', '--methods', 'deer,newtonish'), /unknown method "newtonish"; valid methods: deer, quasi-deer/);
    expectUsageError(unroll('compare', '--system', 'gru', '--tol=-1'), /--tol must be a number > 0, got "-1"/);
    // A negative number after an option is its value, checked like any other (not "write --tol=<value>").
    expectUsageError(unroll('compare', '--system', 'gru', '--tol', '-1'), /--tol must be a number > 0, got "-1"/);
    expectUsageError(unroll('compare', '--system', 'gru', '-T', '-5'), /-T must be an integer ≥ 1, got "-5"/);
    expectUsageError(unroll('compare', '--system', 'gru', '-T', '-0.5e1'), /-T must be an integer ≥ 1, got "-0\.5e1"/);
    expectUsageError(unroll('compare', '--system', 'gru', '--methods', '-deer'), /option --methods: write a value that starts with "-" as --methods=<value>/);
    expectUsageError(unroll('systems', '--json', 'x'), /unknown option --json for `unroll systems`/);
    expectUsageError(unroll('compare'), /--system is required/);
    expectUsageError(unroll('compare', '--system', 'gru', 'extra'), /unexpected argument "extra"/);
    expectUsageError(unroll('compare', '--system', 'mean-field', '-p', 'g=-1'), /mean-field parameter g must be a number ≥ 0, got "-1"/);
    expectUsageError(unroll('compare', '--system', 'gru', '-p', 'width=3'), /system gru has no parameter "width"; its parameters: dim, input/);
    expectUsageError(unroll('compare', '--system', 'gru', '-p', 'dim'), /--param takes key=value/);
    expectUsageError(unroll('lle', '--system', 'mean-field', '--sweep', 'g=2:1:0.1'), /--sweep stop must be ≥ start/);
    expectUsageError(unroll('plot', 'histogram'), /plot needs a figure kind: convergence or lle, got "histogram"/);
    expectUsageError(unroll('demo', '--only', 'word-s6'), /unknown case study "word-s6"; case studies: 1 word-s5/);
  });

  it('an unknown system lists every valid one', () => {
    const r = unroll('compare', '--system', 'lorenz-84', '-T', '10');
    expectUsageError(r, /unknown system "lorenz-84"; valid systems: /);
    for (const e of catalog) expect(r.err).toContain(e.name);
  });

  it('compare: table on stdout, plain progress lines on stderr (no TTY), JSON that validates and matches an independent rollout', () => {
    const json = join(tmp, 'gru.json');
    const r = unroll('compare', '--system', 'gru', '-p', 'dim=4', '-p', 'input=2', '-T', '300', '--seed', '3', '--json', json);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/method\s+device\s+iterations\s+converged\s+time\s+vs sequential\s+max error/);
    expect(r.err).not.toContain('\r');
    expect(r.err).toMatch(/^compare: deer: \d+ iterations/m);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      system: { T: number; dim: number };
      lle: { perStep: number };
      advice: { recommended: string } | null;
      runs: { method: string; iterations: number; converged: boolean; maxError: number; trace: { delta: number[]; merit: number[]; maxError: number[] } }[];
    };
    expectValid('compare', report);
    expect(report.system).toMatchObject({ T: 300, dim: 4 });
    expect(report.runs.map((x) => x.method)).toEqual(['deer', 'quasi-deer', 'picard', 'jacobi']);
    for (const run of report.runs) {
      expect(run.converged).toBe(true);
      expect(run.maxError).toBeLessThan(1e-6);
      expect(run.trace.delta).toHaveLength(run.iterations);
      expect(run.trace.maxError).toHaveLength(run.iterations);
      expect(run.trace.maxError.at(-1)).toBe(run.maxError);
    }
    // The CLI's plumbing adds nothing: the same system solved here takes the same iterations,
    // and its rollout is what the errors were measured against.
    const e = catalog.find((c) => c.name === 'gru');
    const sys = e?.build({ dim: 4, input: 2 }, 300, 3);
    if (sys === undefined) throw new Error('gru missing from the catalog');
    for (const run of report.runs) {
      const direct = solve(sys.dynamics, sys.s0, 300, { method: run.method as 'deer' });
      expect(direct.iterations).toBe(run.iterations);
    }
    // The error column, checked against a hand-written rollout: stop Jacobi after one
    // iteration (far from converged) and recompute its error here.
    const capped = join(tmp, 'capped.json');
    expect(unroll('compare', '--system', 'gru', '-p', 'dim=4', '-p', 'input=2', '-T', '300', '--seed', '3', '--methods', 'jacobi', '--max-iterations', '1', '--no-advise', '--json', capped).code).toBe(0);
    const one = (JSON.parse(readFileSync(capped, 'utf8')) as { runs: { maxError: number; converged: boolean }[] }).runs.at(0);
    const rolled = new Float64Array(300 * 4);
    const prev = Float64Array.from(sys.s0), next = new Float64Array(4);
    for (let t = 1; t <= 300; t++) {
      sys.dynamics.step(t, prev, 0, next, 0);
      rolled.set(next, (t - 1) * 4);
      prev.set(next);
    }
    const first = solve(sys.dynamics, sys.s0, 300, { method: 'jacobi', maxIterations: 1 }).states;
    const expected = Math.max(...Array.from(first, (v, i) => Math.abs(v - (rolled[i] ?? 0))));
    expect(one?.converged).toBe(false);
    expect(expected).toBeGreaterThan(1e-3);
    expect(one?.maxError).toBe(expected);
    expect(report.lle.perStep).toBeLessThan(0);
    const deer = report.runs.find((x) => x.method === 'deer');
    const picard = report.runs.find((x) => x.method === 'picard');
    expect(deer?.iterations).toBeLessThan(picard?.iterations ?? 0);
  });

  it('compare reports a method that cannot run as a row with its error, and exits 1', () => {
    const json = join(tmp, 'budget.json');
    // Dense DEER at D = 300 stores T·D² numbers: over the 1 GiB budget at T = 2000.
    const r = unroll('compare', '--system', 'mean-field', '-p', 'dim=300', '-T', '2000', '--methods', 'deer,jacobi', '--no-advise', '--quiet', '--max-iterations', '2', '--json', json);
    expect(r.code).toBe(1);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/deer \(cpu\): .*quasi/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { runs: { method: string; error?: { code: string } }[] };
    expectValid('compare', report);
    expect(report.runs[0]?.error?.code).toBe('MEMORY_BUDGET');
    expect(report.runs[1]?.error).toBeUndefined();
  });

  it('a user module exporting a Dynamics is a system; DEER solves an affine map in 2 iterations', () => {
    const file = join(tmp, 'affine.mjs');
    writeFileSync(file, 'export const dynamics = { dim: 1, name: "affine", step(t, s, so, out, oo) { out[oo] = 0.5 * s[so] + 1; } };\nexport const s0 = [3];\n');
    const json = join(tmp, 'affine.json');
    const r = unroll('compare', '--system', file, '-T', '64', '--methods', 'deer,jacobi', '--json', json, '--no-advise');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { system: { label: string }; runs: { method: string; iterations: number; maxError: number }[] };
    expectValid('compare', report);
    expect(report.system.label).toBe('affine');
    expect(report.runs[0]).toMatchObject({ method: 'deer', iterations: 2 });
    expect(report.runs[0]?.maxError).toBeLessThan(1e-12);
    // A factory receives T, the seed and the -p settings (numbers when they parse as numbers).
    const factory = join(tmp, 'factory.mjs');
    writeFileSync(factory, 'export function dynamics({ T, params }) { if (T !== 40) throw new Error("T"); const a = params.a; return { dim: 1, name: `affine(${typeof a} ${a})`, step(t, s, so, out, oo) { out[oo] = a * s[so] + 1; } }; }\n');
    const fjson = join(tmp, 'factory.json');
    expect(unroll('compare', '--system', factory, '-T', '40', '-p', 'a=0.25', '--methods', 'deer', '--no-advise', '--json', fjson).code).toBe(0);
    const freport = JSON.parse(readFileSync(fjson, 'utf8')) as { system: { label: string; params: Record<string, unknown> }; lle: { perStep: number } };
    expect(freport.system.label).toBe('affine(number 0.25)');
    expect(freport.system.params).toEqual({ a: 0.25 });
    expect(freport.lle.perStep).toBeCloseTo(Math.log(0.25), 6); // closed form: λ = ln|a|
    const bad = join(tmp, 'bad.mjs');
    writeFileSync(bad, 'export const dynamics = { dim: 0 };\n');
    expectUsageError(unroll('compare', '--system', bad), /must export `dynamics`/);
    expectUsageError(unroll('compare', '--system', join(tmp, 'missing.mjs')), /system module .*missing\.mjs not found/);
  });

  it('lle: the logistic map at r = 4 has λ = ln 2 (closed form); a sweep crosses zero', () => {
    const json = join(tmp, 'lle.json');
    const r = unroll('lle', '--system', 'logistic', '-p', 'r=4', '-T', '20000', '--json', json);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { rows: { perStep: number; predictable: boolean }[] };
    expectValid('lle', report);
    expect(report.rows[0]?.perStep).toBeCloseTo(Math.LN2, 1);
    expect(report.rows[0]?.predictable).toBe(false);
    const sweepJson = join(tmp, 'sweep.json');
    const s = unroll('lle', '--system', 'logistic', '--sweep', 'r=2.5,3.2,4', '-T', '4000', '--json', sweepJson);
    expect(s.code).toBe(0);
    const sweep = JSON.parse(readFileSync(sweepJson, 'utf8')) as { rows: { value: number; perStep: number }[] };
    expectValid('lle', sweep);
    expect(sweep.rows.map((x) => x.value)).toEqual([2.5, 3.2, 4]);
    // Closed forms: λ = ln|2 − r| at the stable fixed point for r < 3.
    expect(sweep.rows[0]?.perStep).toBeCloseTo(Math.log(0.5), 2);
    expect(sweep.rows[2]?.perStep).toBeGreaterThan(0.6);
  });

  it('advise writes JSON that validates, and recommends a parallel method for a predictable GRU', () => {
    const json = join(tmp, 'advise.json');
    const r = unroll('advise', '--system', 'gru', '-T', '20000', '--json', json);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { advice: { recommended: string; predictable: boolean } };
    expectValid('advise', report);
    expect(report.advice.predictable).toBe(true);
    expect(report.advice.recommended).not.toBe('sequential');
  });

  it('plot writes SVG figures: convergence (one curve per method, also from a saved report) and an LLE sweep', () => {
    const svg = join(tmp, 'figs', 'conv.svg');
    const r = unroll('plot', 'convergence', '--system', 'mean-field', '-p', 'dim=6', '-T', '200', '--methods', 'deer,quasi-deer', '-o', svg);
    expect(r.code).toBe(0);
    const text = readFileSync(svg, 'utf8');
    expect(text).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(text.match(/<path /g)?.length).toBe(4); // 2 methods × (merit, error)
    expect(text).not.toMatch(/NaN|Infinity/);
    const from = join(tmp, 'figs', 'from.svg');
    expect(unroll('plot', 'convergence', '--from', join(tmp, 'gru.json'), '-o', from).code).toBe(0);
    expect(readFileSync(from, 'utf8').match(/<path /g)?.length).toBe(8);
    const lle = join(tmp, 'figs', 'lle.svg');
    expect(unroll('plot', 'lle', '--system', 'logistic', '--sweep', 'r=2.8:4:0.4', '-T', '2000', '-o', lle).code).toBe(0);
    expect(readFileSync(lle, 'utf8').match(/<circle /g)?.length).toBe(5); // a marker at each of the 4 values, and one in the legend
    expectUsageError(unroll('plot', 'convergence', '--from', join(tmp, 'lle.json')), /is not an `unroll compare --json` report/);
  });

  it.runIf(gpuAvailable)('compare --gpu adds GPU rows (float32, the same dynamics through their WGSL) that converge to the CPU rollout', () => {
    const json = join(tmp, 'gpu.json');
    const r = unroll('compare', '--system', 'mean-field', '-p', 'dim=4', '-T', '128', '--methods', 'quasi-deer,jacobi', '--gpu', '--no-advise', '--json', json);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { sequential: { gpuMs: number }; runs: { method: string; device: string; converged: boolean; maxError: number; trace: { maxError: number[] } }[] };
    expectValid('compare', report);
    const gpu = report.runs.filter((x) => x.device === 'gpu');
    expect(gpu.map((x) => x.method)).toEqual(['quasi-deer', 'jacobi']);
    for (const run of gpu) {
      expect(run.converged).toBe(true);
      expect(run.maxError).toBeLessThan(1e-4);
      expect(run.trace.maxError).toEqual([]);
    }
    expect(report.sequential.gpuMs).toBeGreaterThan(0);
    expectUsageError(unroll('compare', '--system', 'word-s5', '--gpu'), /--gpu: word-s5.*has no WGSL form/);
  });

  it('demo: runs the chosen case studies, prints their tables and the papers\u2019 numbers, writes JSON that validates', () => {
    const json = join(tmp, 'demo.json');
    const r = unroll('demo', '--only', 'word-s5,7', '--json', json);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^1\. Group word problem over S5/m);
    expect(r.out).toMatch(/^7\. Step-parallel optimization/m);
    expect(r.out).toContain('vs the papers');
    expect(r.out).toMatch(/\[(agrees|differs)\]/);
    expect(r.out).toMatch(/2 of 2 case studies done/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { studies: { id: string; tables: unknown[]; comparisons: { verdict: string; note?: string }[] }[] };
    expectValid('demo', report);
    expect(report.studies.map((x) => x.id)).toEqual(['word-s5', 'optimizers']);
    for (const study of report.studies) {
      expect(study.tables.length).toBeGreaterThan(0);
      for (const c of study.comparisons) if (c.verdict === 'differs') expect(c.note).toBeTruthy();
    }
    const md = unroll('demo', '--only', '1', '--markdown', '--quiet');
    expect(md.code).toBe(0);
    expect(md.out).toMatch(/^### 1\. Group word problem/m);
    expect(md.out).toMatch(/^\| T \| method/m);
    expect(md.err).toBe('');
  });

  it('demo --svg writes each figure of the chosen studies as an SVG, lists them in the JSON, and links them in Markdown', () => {
    const json = join(tmp, 'demo-figures.json');
    const dir = join(tmp, 'figures');
    const r = unroll('demo', '--only', 'rates', '--svg', dir, '--json', json);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`figure written to ${join(dir, 'rates.svg')}`);
    const svg = readFileSync(join(dir, 'rates.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('Jacobi measured');
    expect(svg).not.toMatch(/NaN|Infinity/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { studies: { figures?: { file: string; caption: string }[] }[] };
    expectValid('demo', report);
    expect(report.studies[0]?.figures?.map((f) => f.file)).toEqual(['rates.svg']);
    const md = unroll('demo', '--only', 'rates', '--markdown', '--quiet');
    expect(md.out).toMatch(/^!\[s_t = α s_\{t−1\} \+ 1.*\]\(figures\/rates\.svg\)$/m);
  });

  it('systems lists the catalog and one system’s parameters', () => {
    const r = unroll('systems');
    expect(r.code).toBe(0);
    for (const e of catalog) expect(r.out).toContain(e.name);
    const one = unroll('systems', 'lorenz96');
    expect(one.out).toMatch(/forcing\s+8/);
    expect(existsSync(bin)).toBe(true);
  });
});

describe('catalog', () => {
  it('every named system builds at its defaults, with a finite start and a matching dimension', () => {
    for (const e of catalog) {
      const params = Object.fromEntries(e.params.map((p) => [p.name, p.default]));
      const s = e.build(params, 32, 0);
      expect(s.s0.length).toBe(s.dynamics.dim);
      expect(s.s0.every((v) => Number.isFinite(v))).toBe(true);
      const r = solve(s.dynamics, s.s0, 32, { method: 'sequential' });
      expect(r.states.every((v) => Number.isFinite(v))).toBe(true);
    }
  });
});
