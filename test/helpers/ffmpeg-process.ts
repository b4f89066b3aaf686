import { spawn } from 'node:child_process';

/** An ffmpeg the camera simulators run (an encoder feeding HLS segments or RTP packets). */
export interface Ffmpeg {
  /** Resolves with the exit code (null when killed by a signal or it failed to start). */
  exited: Promise<number | null>;
  exitCode(): number | null;
  stderrTail(): string;
  /** Kills ffmpeg and waits until it is gone, so nothing writes into a removed folder. */
  stop(): Promise<void>;
}

export function spawnFfmpeg(args: string[]): Ffmpeg {
  const child = spawn('ffmpeg', ['-hide_banner', '-nostdin', '-loglevel', 'warning', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  let done = false;
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    tail = (tail + text).slice(-2000);
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (error) => {
      tail += String(error);
      done = true;
      resolve(null);
    });
    child.once('close', (code) => {
      done = true;
      resolve(code);
    });
  });
  return {
    exited,
    exitCode: () => (done ? (child.exitCode ?? -1) : null),
    stderrTail: () => tail.trim(),
    stop: async () => {
      if (!done) child.kill('SIGKILL');
      await exited;
    },
  };
}
