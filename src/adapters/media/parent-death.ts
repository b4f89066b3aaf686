import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** util-linux's setpriv, where Debian, Ubuntu, Fedora and Alpine (util-linux package) put it. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'];

let setpriv: string | null | undefined;

/**
 * The program and arguments that run `command` so that the kernel kills it (SIGKILL) when this
 * process dies, however it dies: `setpriv --pdeathsig KILL -- command args…` sets the child's
 * parent-death signal, then execs the command in place (same pid). ffmpeg ignores SIGPIPE, so
 * without it an ffmpeg whose camtrove was killed -9 runs on, orphaned, to the end of its input.
 *
 * Where setpriv is missing (not Linux, or a system without util-linux ≥ 2.33) the command runs
 * as it is; so does a command that cannot be found, so that spawning it fails with ENOENT as usual.
 */
export function diesWithParent(command: string, args: readonly string[]): { command: string; args: string[] } {
  setpriv ??= findSetpriv();
  if (!setpriv || !findCommand(command)) return { command, args: [...args] };
  return { command: setpriv, args: ['--pdeathsig', 'KILL', '--', command, ...args] };
}

/** Whether child processes are tied to this one (for logs and docs). */
export function parentDeathSupported(): boolean {
  setpriv ??= findSetpriv();
  return setpriv !== null;
}

function findSetpriv(): string | null {
  if (process.platform !== 'linux') return null;
  const path = SETPRIV.find(isExecutable);
  if (!path) return null;
  // Older setpriv has no --pdeathsig; its help lists the options it has.
  const help = spawnSync(path, ['--help'], { encoding: 'utf8', timeout: 5000 });
  return help.status === 0 && help.stdout.includes('--pdeathsig') ? path : null;
}

/** The command's path as spawn would find it (through PATH when it has no slash), or null. */
function findCommand(command: string): string | null {
  if (command.includes('/')) return isExecutable(command) ? command : null;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, command))) return join(dir, command);
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
