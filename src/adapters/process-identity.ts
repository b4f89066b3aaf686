import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { ownerGone, ownerTag, type ProcessOwner } from '../domain/process-owner.js';

let me: ProcessOwner | null = null;

/** This process, as scratch names record it (see domain/process-owner.ts). */
export function currentOwner(): ProcessOwner {
  me ??= {
    host: digest8(hostname()),
    boot: digest8(readText('/proc/sys/kernel/random/boot_id') ?? 'unknown'),
    pid: process.pid,
    start: startTicks(process.pid) ?? 0,
  };
  return me;
}

export function currentOwnerTag(): string {
  return ownerTag(currentOwner());
}

/** Whether the process that made a scratch file is certainly gone (never true for another host's). */
export function isOwnerGone(owner: ProcessOwner): boolean {
  return ownerGone(owner, currentOwner(), (pid) => (processExists(pid) ? (startTicks(pid) ?? 0) : null));
}

/** Whether a process with this pid exists on this machine (whoever it belongs to). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Field 22 of /proc/<pid>/stat (after the command name, which may hold spaces and parentheses). */
function startTicks(pid: number): number | null {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const start = Number(fields[19]);
  return Number.isSafeInteger(start) ? start : null;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Eight hex characters: names stay short, and nothing about the machine is spelled out in them. */
function digest8(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
