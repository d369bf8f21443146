// `afas-sync simulator …`: the AFAS Profit simulator on its own (flags are the simulator's).
import type { Command } from 'commander';
import type { CliRun } from '../context.js';

export function registerSimulator(program: Command, cli: CliRun): void {
  program
    .command('simulator')
    .description('run the AFAS Profit simulator (a local stand-in for an AFAS environment)')
    .argument('[options...]', 'simulator options (see `afas-sync simulator --help`)')
    .helpOption(false)
    .allowUnknownOption()
    .passThroughOptions()
    .addHelpText(
      'after',
      `
Examples:
  $ afas-sync simulator --port 8080 --control
  $ afas-sync simulator --scale 10 --administrations 3 --token mytoken1`,
    )
    .action(async (args: string[]) => {
      const { simulatorMain } = await import('../../simulator/index.js');
      await simulatorMain(args);
      // simulatorMain reports bad flags itself (one line) and sets the exit code.
      const code = process.exitCode;
      cli.exit(typeof code === 'number' ? code : 0);
    });
}
