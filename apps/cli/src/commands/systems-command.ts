import type { OptionSpecs } from '../args.js';
import type { Command, Io } from '../command.js';
import { readInvocation } from '../invocation.js';
import { formatCell, renderTable } from '../format.js';
import { catalog } from '../systems/catalog.js';
import { findSystem } from '../systems/resolve-system.js';

const options: OptionSpecs = { help: { type: 'boolean', short: 'h', description: 'show this help' } };

export const systemsCommand: Command = {
  name: 'systems',
  summary: 'list the named systems, or one system\'s parameters',
  usage: 'systems [name]',
  options,
  examples: ['unroll systems', 'unroll systems mean-field'],
  run(argv: readonly string[], io: Io): Promise<number> {
    const invocation = readInvocation(systemsCommand, argv, io, { maxPositionals: 1 });
    if (invocation === undefined) return Promise.resolve(0);
    const { positionals } = invocation;
    const name = positionals.at(0);
    if (name === undefined) {
      io.out.write(`${renderTable(['system', 'default T', 'what it is'], catalog.map((e) => [e.name, e.defaultSteps, e.summary]))}\n\n`);
      io.out.write('  Parameters: `unroll systems <name>`; set them with -p key=value. Your own system: --system ./file.mjs\n');
      io.out.write('  exporting `dynamics` (a Dynamics, or ({ T, seed, params }) => Dynamics) and optionally `s0` and `dt`.\n');
      return Promise.resolve(0);
    }
    const entry = findSystem(name);
    io.out.write(`${entry.name}: ${entry.summary} (default T = ${entry.defaultSteps})\n\n`);
    io.out.write(
      `${renderTable(
        ['parameter', 'default', 'allowed', 'meaning'],
        entry.params.map((p) => [
          p.name,
          formatCell(p.default),
          p.kind === 'choice' ? (p.choices ?? []).join(' | ') : `${p.kind}${p.min === undefined ? '' : p.exclusiveMin === true ? ` > ${p.min}` : ` ≥ ${p.min}`}${p.max === undefined ? '' : ` ≤ ${p.max}`}`,
          p.description,
        ]),
      )}\n`,
    );
    return Promise.resolve(0);
  },
};
