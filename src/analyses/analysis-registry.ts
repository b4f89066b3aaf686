import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { AnalysisDefinition } from './analysis.js';

export type AnalysisRegistry = ReadonlyMap<string, AnalysisDefinition>;

const here = dirname(fileURLToPath(import.meta.url));

/** Loads every `*.analysis.{js,ts}` file beside this one: adding an analysis touches no other file. */
export async function loadAnalyses(): Promise<AnalysisRegistry> {
  const files = (await readdir(here)).filter((f) => /\.analysis\.(js|ts)$/.test(f) && !f.endsWith('.d.ts')).sort();
  const registry = new Map<string, AnalysisDefinition>();
  for (const file of files) {
    const module = (await import(pathToFileURL(`${here}/${file}`).href)) as { analysis?: AnalysisDefinition };
    if (!module.analysis) throw new Error(`${file} does not export \`analysis\``);
    if (registry.has(module.analysis.name)) throw new Error(`two analyses are named ${module.analysis.name}`);
    registry.set(module.analysis.name, module.analysis);
  }
  return registry;
}
