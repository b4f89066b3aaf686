/**
 * How camtrove's jobs map onto BullMQ's keys. BullMQ refuses custom ids that read as integers or
 * hold a colon, so every id gets a letter in front; our own keys sit next to BullMQ's under the prefix.
 */
export function toBullId(id: string): string {
  return `j${id}`;
}

export function fromBullId(bullId: string): string {
  return bullId.slice(1);
}

/** Keys of our own, beside BullMQ's queues (whose names are job names, so never these). */
export function ownKeys(prefix: string) {
  return {
    /** Hash: job id → job name, to find a job's BullMQ queue from its id alone. */
    names: `${prefix}:camtrove:job-names`,
    /** Set of the job names ever queued. */
    queues: `${prefix}:camtrove:queues`,
    /** Pub/sub channel carrying the ids of running jobs cancelled, to the workers running them. */
    cancels: `${prefix}:camtrove:cancels`,
  };
}

/** The field of a BullMQ job hash that marks a cancel asked for while the job was running. */
export const CANCEL_FIELD = 'camtroveCancel';

/** What a cancelled job holds as its return value: BullMQ keeps it among the completed jobs. */
export const CANCELLED_RESULT = { camtroveCancelled: true } as const;

export function isCancelledResult(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>).camtroveCancelled === true;
}

/**
 * Cancels a job atomically. Waiting, delayed or prioritized: taken out of its list and put among the
 * completed jobs with the cancelled marker (1). Running: flagged for its worker to stop it (2).
 * Unknown or finished: 0.
 * KEYS: job, wait, paused, delayed, prioritized, completed, failed. ARGV: bull id, now, marker JSON, flag field.
 */
export const CANCEL_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('ZSCORE', KEYS[6], ARGV[1]) or redis.call('ZSCORE', KEYS[7], ARGV[1]) then return 0 end
local removed = redis.call('LREM', KEYS[2], 0, ARGV[1]) + redis.call('LREM', KEYS[3], 0, ARGV[1])
  + redis.call('ZREM', KEYS[4], ARGV[1]) + redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('HSET', KEYS[1], ARGV[4], '1')
if removed > 0 then
  redis.call('HSET', KEYS[1], 'finishedOn', ARGV[2], 'returnvalue', ARGV[3])
  redis.call('ZADD', KEYS[6], ARGV[2], ARGV[1])
  return 1
end
return 2
`;
