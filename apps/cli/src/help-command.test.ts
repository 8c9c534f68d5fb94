import { describe, expect, it } from 'vitest';
import { commands } from './main.js';
import { spawnCli } from './spawn-cli.js';

describe('unroll help (spawned)', () => {
  it('unroll help <command> prints exactly what unroll <command> --help prints', () => {
    for (const { name } of commands) {
      const viaHelp = spawnCli(['help', name]);
      expect(viaHelp.code).toBe(0);
      expect(viaHelp.out).toMatch(new RegExp(`^usage: unroll ${name} `));
      expect(viaHelp.out).toBe(spawnCli([name, '--help']).out);
    }
  });

  it('unroll help alone is the overview, which names `unroll help <command>` and --version', () => {
    const r = spawnCli(['help']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(spawnCli(['--help']).out);
    expect(r.out).toContain('unroll help <command>');
    expect(r.out).toContain('unroll --version');
    expect(r.out).toContain('130 interrupted (Ctrl-C');
  });

  it('help for an unknown command, or for two, is a usage error (exit 2, one line)', () => {
    const unknown = spawnCli(['help', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^unroll: unknown command "frobnicate"; commands: compare, lle/);
    const two = spawnCli(['help', 'compare', 'lle']);
    expect(two.code).toBe(2);
    expect(two.err).toBe('unroll: help takes one command, got 2: compare lle (see `unroll --help`).\n');
  });
});
