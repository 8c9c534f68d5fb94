import { describeOptions, flag, parseCommandArgs, type OptionValues } from './args.js';
import type { Command, Io } from './command.js';
import { UsageError } from './usage-error.js';

/**
 * The start every command shares: parse its arguments strictly, answer `--help` (then
 * undefined: nothing more to do), refuse stray positional arguments beyond `maxPositionals`.
 */
export function readInvocation(
  command: Pick<Command, 'name' | 'usage' | 'options'>,
  argv: readonly string[],
  io: Io,
  more: { readonly maxPositionals?: number; readonly help?: string } = {},
): { values: OptionValues; positionals: string[] } | undefined {
  const { values, positionals } = parseCommandArgs(command.name, command.options, argv);
  if (flag(values, 'help')) {
    io.out.write(`usage: unroll ${command.usage}\n\n${describeOptions(command.options)}\n${more.help ?? ''}`);
    return undefined;
  }
  const max = more.maxPositionals ?? 0;
  const extra = positionals.at(max);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}" (see \`unroll ${command.name} --help\`).`);
  return { values, positionals };
}
