import { readFileSync } from 'node:fs';
import { CamtroveError } from '../domain/errors.js';
import { resolveConfig, type Config, type ConfigSource } from './config.js';

/** Reads the optional JSON config file (`--config` or CAMTROVE_CONFIG) and resolves the configuration. */
export function loadConfig(flags: ConfigSource & { config?: string }, env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const { config: fileName = env.CAMTROVE_CONFIG, ...rest } = flags;
  let file: Record<string, unknown> | undefined;
  if (fileName) {
    let textContent: string;
    try {
      textContent = readFileSync(fileName, 'utf8');
    } catch (error) {
      throw new CamtroveError('CAMTROVE_ERR_CONFIG', `cannot read config file ${fileName}: ${(error as Error).message}`);
    }
    try {
      const parsed: unknown = JSON.parse(textContent);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('it is not a JSON object');
      file = parsed as Record<string, unknown>;
    } catch (error) {
      throw new CamtroveError('CAMTROVE_ERR_CONFIG', `config file ${fileName} is not valid: ${(error as Error).message}`);
    }
  }
  return resolveConfig({ file, fileName, env, flags: rest });
}
