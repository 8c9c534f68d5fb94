import { UnrollError } from '@unroll/scan';
import { cliPackage } from './cli-package.js';
import type { Command, Io } from './command.js';
import { adviseCommand } from './commands/advise-command.js';
import { compareCommand } from './commands/compare-command.js';
import { demoCommand } from './commands/demo-command.js';
import { lleCommand } from './commands/lle-command.js';
import { plotCommand } from './commands/plot-command.js';
import { routeWarnings } from './route-warnings.js';
import { systemsCommand } from './commands/systems-command.js';
import { UsageError } from './usage-error.js';

/** The subcommands, in the order `unroll --help` lists them. */
export const commands: readonly Command[] = [compareCommand, lleCommand, adviseCommand, plotCommand, demoCommand, systemsCommand];

function help(): string {
  const w = Math.max(...commands.map((c) => c.name.length));
  return [
    'unroll — evaluate sequential computations in parallel over the sequence length',
    '',
    'usage: unroll <command> [options]        (unroll help <command> for its options)',
    '       unroll --version',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(w)}  ${c.summary}`),
    '',
    'examples:',
    ...commands.flatMap((c) => c.examples.slice(0, 1).map((e) => `  ${e}`)),
    '',
    'Exit codes: 0 done, 1 the run failed (a method could not run, a system threw), 2 bad arguments,',
    '130 interrupted (Ctrl-C: the rows finished so far are printed, and written with --json).',
  ].join('\n');
}

/**
 * Runs `unroll <argv>` and resolves to the exit code. Bad arguments print one line
 * (`unroll: …`) and give 2; an error of the library (`UnrollError`) prints its code and
 * message and gives 1; anything else is a bug and prints its stack.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const name = argv.at(0), rest = argv.slice(1);
  if (name === '--version' || name === '-V') {
    const { name: packageName, version } = cliPackage();
    io.out.write(`${packageName} ${version}\n`);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    io.out.write(`${help()}\n`);
    return name === undefined ? 2 : 0;
  }
  const restoreWarnings = routeWarnings(io.err);
  try {
    // `unroll help <command>` is `unroll <command> --help`.
    const [commandName, commandArgv] = name === 'help' ? [rest[0] ?? '', ['--help']] : [name, rest];
    if (name === 'help' && rest.length > 1) throw new UsageError(`help takes one command, got ${rest.length}: ${rest.join(' ')} (see \`unroll --help\`).`);
    const command = commands.find((c) => c.name === commandName);
    if (command === undefined) throw new UsageError(`unknown command "${commandName}"; commands: ${commands.map((c) => c.name).join(', ')} (see \`unroll --help\`).`);
    return await command.run(commandArgv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err.write(`unroll: ${error.message}\n`);
      return 2;
    }
    if (error instanceof UnrollError) {
      io.err.write(`unroll: ${error.code}: ${error.message}\n`);
      return 1;
    }
    io.err.write(`unroll: unexpected error — ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    restoreWarnings();
  }
}
