/**
 * Which process made a scratch file or folder (an upload's temp file, an analysis's work folder),
 * written into its name so that a later start-up can tell the leftovers of a process that is gone
 * from the work of one still running. A pid alone is not enough: pids are reused, so the process's
 * start time (clock ticks since boot) and the boot are part of it too.
 */
export interface ProcessOwner {
  /** A short digest of the host name: scratch names of other machines sharing a folder are left alone. */
  host: string;
  /** A short digest of the boot id: after a reboot every process of the boot before is gone. */
  boot: string;
  pid: number;
  /** Start time in clock ticks since boot (0 where the system does not say). */
  start: number;
}

const TAG = /^(\d{1,10})-(\d{1,20})-([0-9a-f]{8})-([0-9a-f]{8})$/;

/** `<pid>-<start>-<boot>-<host>`: safe in file names, parsed back by parseOwnerTag. */
export function ownerTag(owner: ProcessOwner): string {
  return `${owner.pid}-${owner.start}-${owner.boot}-${owner.host}`;
}

export function parseOwnerTag(tag: string): ProcessOwner | null {
  const match = TAG.exec(tag);
  if (!match) return null;
  return { pid: Number(match[1]), start: Number(match[2]), boot: match[3]!, host: match[4]! };
}

/**
 * Whether `owner` is certainly gone, seen from `me` (on this host) with `running(pid)` giving the
 * start time of the live process with that pid, or null when there is none. Scratch of another
 * host is never judged: its owner may be alive over there.
 */
export function ownerGone(owner: ProcessOwner, me: ProcessOwner, running: (pid: number) => number | null): boolean {
  if (owner.host !== me.host) return false;
  if (owner.boot !== me.boot) return true;
  if (owner.pid === me.pid) return owner.start !== me.start;
  const start = running(owner.pid);
  if (start === null) return true;
  // The pid is taken; by the same process only if it started at the same tick (0: unknown, assume so).
  return owner.start !== 0 && start !== 0 && start !== owner.start;
}

/** `<base>~<owner tag><extension>`: a scratch name that says which process made it. */
export function taggedName(base: string, tag: string, extension = ''): string {
  return `${base}~${tag}${extension}`;
}

/** The owner tag of a name made by taggedName, or null for any other name. */
export function tagOfName(name: string): string | null {
  const at = name.lastIndexOf('~');
  if (at < 0) return null;
  return name.slice(at + 1).split('.')[0] ?? null;
}
