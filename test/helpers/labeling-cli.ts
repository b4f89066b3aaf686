import assert from 'node:assert/strict';
import type { CliResult, Processes } from './cli.js';
import type { TestEnv } from './test-library.js';

/** `camtrove` on a test's library, with the checks the labeling tests make of a run. */
export function labelingCli(processes: Processes, env: () => TestEnv) {
  const cli = (args: string[]) => processes.run(args, env().env(), { timeoutMs: 90_000 });
  const ok = (result: CliResult, what: string) => assert.equal(result.code, 0, `${what}: exit ${result.code}\n${result.stderr}`);
  /** A run that succeeds, with --json: its output, parsed. */
  const json = async <T>(args: string[]): Promise<T> => {
    const result = await cli([...args, '--json']);
    ok(result, args.join(' '));
    return JSON.parse(result.stdout) as T;
  };
  /** A refusal: the exit code, and one line on stderr with the code and what is wrong. */
  const refused = async (args: string[], exit: number, ...named: string[]): Promise<CliResult> => {
    const result = await cli(args);
    assert.equal(result.code, exit, `${args.join(' ')}: exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
    const lines = result.stderr.trim().split('\n').filter((l) => !l.startsWith('(run with --help'));
    assert.equal(lines.length, 1, `one line for ${args.join(' ')}:\n${result.stderr}`);
    for (const text of named) assert.ok(lines[0]!.includes(text), `${args.join(' ')}: "${lines[0]}" names ${text}`);
    return result;
  };
  return { cli, ok, json, refused };
}
