import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { studies } from './demo/studies.js';
import { gpuEnvironment } from './gpu-environment.js';
import { startCli, spawnCli } from './spawn-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'unroll-interrupt-'));
function validator(name: 'compare' | 'lle' | 'demo') {
  const schema = JSON.parse(readFileSync(fileURLToPath(new URL(`../schema/${name}.schema.json`, import.meta.url)), 'utf8')) as object;
  return new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);
}

/** Whether `--gpu` makes the CLI run itself again in a child (SwiftShader found, no Vulkan driver chosen). */
const gpuReruns = gpuEnvironment(process.env) !== undefined;

/** A run whose first method (quasi-DEER on a small GRU) ends in well under a second and whose second (Picard) takes minutes. */
const fastThenSlow = ['compare', '--system', 'gru', '-p', 'dim=4', '-T', '5000', '--methods', 'quasi-deer,picard', '--no-advise'];
const progressEveryTenth = { UNROLL_PROGRESS_SECONDS: '0.1' };

/** The processes whose parent is `pid` (Linux: /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        // Field 4 of /proc/<pid>/stat is the parent's pid; the command name before it is in parentheses.
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('Ctrl-C (spawned)', () => {
  it('compare: prints the rows finished so far, writes the partial JSON (valid, `interrupted`), exits 130', async () => {
    const json = join(tmp, 'partial.json');
    const run = startCli([...fastThenSlow, '--json', json], { env: progressEveryTenth });
    await run.waitForErr(/compare: picard: iteration \d+/);
    run.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.out).toMatch(/quasi-deer\s+cpu\s+\d+\s+yes/);
    expect(r.out).not.toMatch(/picard\s+cpu/);
    expect(r.out).toContain('interrupted (Ctrl-C): the row above is the one finished.');
    expect(r.err).toMatch(/unroll: interrupted — keeping the rows finished so far/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { interrupted: boolean; runs: { method: string; converged: boolean }[] };
    const validate = validator('compare');
    expect(validate(report)).toBe(true);
    expect(report.interrupted).toBe(true);
    expect(report.runs.map((x) => [x.method, x.converged])).toEqual([['quasi-deer', true]]);
  });

  it('compare: Ctrl-C during the first method prints no table, says so, and writes an empty runs list', async () => {
    const json = join(tmp, 'none.json');
    const run = startCli(['compare', '--system', 'gru', '-p', 'dim=4', '-T', '5000', '--methods', 'picard', '--no-advise', '--json', json], { env: progressEveryTenth });
    await run.waitForErr(/compare: picard: iteration \d+/);
    run.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.out).not.toMatch(/method\s+device/);
    expect(r.out).toContain('interrupted (Ctrl-C): no method had finished.');
    expect(JSON.parse(readFileSync(json, 'utf8'))).toMatchObject({ interrupted: true, runs: [] });
  });

  it('a run that is not interrupted says so in its JSON (interrupted: false)', () => {
    const json = join(tmp, 'whole.json');
    expect(spawnCli(['compare', '--system', 'gru', '-p', 'dim=4', '-T', '100', '--methods', 'quasi-deer', '--no-advise', '--quiet', '--json', json]).code).toBe(0);
    expect((JSON.parse(readFileSync(json, 'utf8')) as { interrupted: boolean }).interrupted).toBe(false);
  });

  it('lle --sweep: prints the values done, writes them (interrupted: true), exits 130', async () => {
    const json = join(tmp, 'sweep.json');
    // Each estimate takes about a second: Ctrl-C lands inside one, which finishes; the sweep stops there.
    const run = startCli(['lle', '--system', 'mean-field', '-p', 'dim=32', '--sweep', 'g=0.5,1,1.5,2,2.5,3', '-T', '100000', '--json', json]);
    await run.waitForErr(/^lle: mean-field\(dim=32, g=0\.5\): /m);
    run.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { interrupted: boolean; rows: { value: number }[] };
    expect(validator('lle')(report)).toBe(true);
    expect(report.interrupted).toBe(true);
    expect(report.rows.length).toBeGreaterThanOrEqual(1);
    expect(report.rows.length).toBeLessThan(6);
    expect(report.rows.map((x) => x.value)).toEqual([0.5, 1, 1.5, 2, 2.5, 3].slice(0, report.rows.length));
    expect(r.out).toContain(`interrupted (Ctrl-C): ${report.rows.length} of 6 values of g done.`);
  });

  it('demo: the studies done stay printed and written (interrupted: true), exit 130', async () => {
    const json = join(tmp, 'demo.json');
    const run = startCli(['demo', '--json', json]);
    await run.waitForErr(/^demo: 1\. .*: done/m);
    run.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(130);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { interrupted: boolean; studies: { id: string }[] };
    expect(validator('demo')(report)).toBe(true);
    expect(report.interrupted).toBe(true);
    expect(report.studies[0]?.id).toBe('word-s5');
    expect(report.studies.length).toBeLessThan(studies.length);
    expect(r.out).toMatch(/^1\. Group word problem over S5/m);
    expect(r.out).toContain(`interrupted (Ctrl-C) after ${report.studies.length} of ${studies.length} case studies.`);
  });

  it.runIf(gpuReruns)('--gpu (the CLI re-runs itself): Ctrl-C sent to the command reaches the run once, its rows are printed, and no child is left', async () => {
    const run = startCli([...fastThenSlow, '--gpu'], { env: progressEveryTenth });
    await run.waitForErr(/compare: picard: iteration \d+/);
    const children = childrenOf(run.pid);
    expect(children).toHaveLength(1); // the re-run, holding the Vulkan environment
    run.kill('SIGINT'); // the command's process only, as a process manager would
    const r = await run.done;
    expect(r.code).toBe(130);
    expect(r.out).toMatch(/quasi-deer\s+cpu\s+\d+\s+yes/);
    expect(r.err.match(/unroll: interrupted/g)).toHaveLength(1); // forwarded once: a second would have quit without the rows
    for (const pid of children) expect(isRunning(pid) && existsSync(`/proc/${pid}`)).toBe(false);
  });

  it.runIf(gpuReruns)('--gpu: SIGTERM to the command ends the re-run too (exit 143), leaving nothing running', async () => {
    const run = startCli([...fastThenSlow, '--gpu'], { env: progressEveryTenth });
    await run.waitForErr(/compare: picard: iteration \d+/);
    const children = childrenOf(run.pid);
    expect(children).toHaveLength(1);
    run.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    for (const pid of children) expect(isRunning(pid)).toBe(false);
  });
});

describe('compare --gpu when the GPU cannot start (spawned)', () => {
  it('keeps the CPU rows, adds GPU rows carrying the reason (said once), exits 1', () => {
    const json = join(tmp, 'no-gpu.json');
    // A Vulkan driver file that does not exist: the loader finds no driver, WebGPU no adapter.
    const r = spawnCli(['compare', '--system', 'mean-field', '-p', 'dim=4', '-T', '100', '--methods', 'quasi-deer,jacobi', '--gpu', '--no-advise', '--quiet', '--json', json], { env: { VK_ICD_FILENAMES: join(tmp, 'no-such-driver.json') } });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/quasi-deer\s+cpu\s+\d+\s+yes/);
    expect(r.out).toMatch(/jacobi\s+cpu\s+\d+\s+yes/);
    expect(r.out.match(/^ {2}quasi-deer \(gpu\), jacobi \(gpu\): .+$/gm)).toHaveLength(1);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { runs: { method: string; device: string; converged: boolean; error?: { message: string } }[] };
    expect(report.runs.map((x) => `${x.method}/${x.device}/${x.error === undefined ? 'ok' : 'error'}`)).toEqual(['quasi-deer/cpu/ok', 'jacobi/cpu/ok', 'quasi-deer/gpu/error', 'jacobi/gpu/error']);
  });
});
