import { Command, CommanderError } from 'commander';
import { isCamtroveError } from '../domain/errors.js';
import { redactText } from '../domain/redact.js';
import { analyzeCommand } from './commands/analyze.command.js';
import { archiveCommand } from './commands/archive.command.js';
import { assetsCommand } from './commands/assets.command.js';
import { labelsCommand } from './commands/labels.command.js';
import { camerasCommand } from './commands/cameras.command.js';
import { segmentCommand } from './commands/segment.command.js';
import { eventsCommand } from './commands/events.command.js';
import { filesCommand } from './commands/files.command.js';
import { framesCommand } from './commands/frames.command.js';
import { importCommand } from './commands/import.command.js';
import { jobsCommand } from './commands/jobs.command.js';
import { migrateCommand } from './commands/migrate.command.js';
import { projectsCommand } from './commands/projects.command.js';
import { serveCommand } from './commands/serve.command.js';
import { statusCommand } from './commands/status.command.js';
import { storageCommand } from './commands/storage.command.js';
import { tokenCommand } from './commands/token.command.js';
import { workerCommand } from './commands/worker.command.js';

export function buildProgram(): Command {
  const program = new Command('camtrove')
    .description('camtrove: a library of camera footage with analyses on a durable job queue')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addCommand(serveCommand())
    .addCommand(workerCommand())
    .addCommand(filesCommand())
    .addCommand(analyzeCommand())
    .addCommand(segmentCommand())
    .addCommand(camerasCommand())
    .addCommand(archiveCommand())
    .addCommand(framesCommand())
    .addCommand(importCommand())
    .addCommand(jobsCommand())
    .addCommand(eventsCommand())
    .addCommand(projectsCommand())
    .addCommand(assetsCommand())
    .addCommand(labelsCommand())
    .addCommand(tokenCommand())
    .addCommand(statusCommand())
    .addCommand(storageCommand())
    .addCommand(migrateCommand());
  // Sub-commands throw instead of exiting, so runCli decides the exit code in one place.
  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failed, 2 usage error. */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // A command that finished its work but has something to report (rows it could not import) sets the code.
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (isCamtroveError(error)) {
      process.stderr.write(`error: ${error.message} (${error.code})\n`);
      return 1;
    }
    // A user gets one line; the stack trace is for a bug report, asked for with a debug log level.
    const debug = ['debug', 'trace'].includes(process.env.CAMTROVE_LOG_LEVEL ?? '');
    const text = error instanceof Error ? (debug ? (error.stack ?? error.message) : error.message) : String(error);
    process.stderr.write(`error: ${redactText(text)} (CAMTROVE_ERR_INTERNAL)${debug ? '' : '; run again with CAMTROVE_LOG_LEVEL=debug for the stack trace'}\n`);
    return 1;
  }
}
