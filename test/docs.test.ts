import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/main.js';
import { configKeys } from '../src/config/config.js';
import { importJobStatuses, shardStatuses } from '../src/domain/import/shards.js';
import { errorCatalogue } from '../src/domain/errors.js';

const root = join(import.meta.dirname, '..');
const docs = join(root, 'docs');

/** README.md and every docs/*.md, by name. */
async function allDocs(): Promise<Map<string, string>> {
  const names = (await readdir(docs)).filter((name) => name.endsWith('.md')).map((name) => join('docs', name));
  return new Map(await Promise.all(['README.md', ...names].map(async (name) => [name, await readFile(join(root, name), 'utf8')] as const)));
}

/** The text of every file below `dir` (node_modules and dot folders aside). */
async function textBelow(dir: string): Promise<string> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const files = entries.filter((e) => e.isFile() && /\.(ts|js|mjs|sh)$|^run$/.test(e.name) && !join(e.parentPath, e.name).includes('node_modules'));
  return (await Promise.all(files.map((e) => readFile(join(e.parentPath, e.name), 'utf8')))).join('\n');
}

/**
 * The camtrove command lines the docs show: inline code spans and lines of shell blocks (joined
 * across `\` continuations) from "camtrove" up to a shell separator. An escaped `\|` (a table's
 * "or") does not end one. Plain blocks are diagrams and prose.
 */
function commandLines(markdown: string): string[] {
  const fenced = [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].filter((m) => ['sh', 'bash', 'console'].includes(m[1]!)).flatMap((m) => m[2]!.replace(/\\\n/g, ' ').split('\n'));
  const inline = [...markdown.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  return [...fenced, ...inline].flatMap((text) => [...text.matchAll(/(?:^|[\s=(])camtrove\s+([a-z][\w-]*)(.*)/g)].map((m) => `${m[1]} ${m[2]!.split(/&&|;|\s#\s|(?<!\\)\|(?!\|)|\|\|/)[0]}`));
}

/** The --help of a command and of all its sub-commands. */
function helpBelow(command: Command): string {
  return [command.helpInformation(), ...command.commands.map(helpBelow)].join('\n');
}

describe('documentation stays complete', () => {
  it('docs/errors.md documents every error code with its status, and no code that does not exist', async () => {
    const text = await readFile(join(docs, 'errors.md'), 'utf8');
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      assert.match(text, new RegExp(`\\| \`${code}\` \\| ${entry.status} \\|`), `${code} (${entry.status}) is not documented`);
    }
    for (const [code] of text.matchAll(/CAMTROVE_ERR_[A-Z_]+/g)) assert.ok(code in errorCatalogue, `docs name ${code}, which is not in the catalogue`);
  });
  it('docs/configuration.md lists every key with its environment variable', async () => {
    const text = await readFile(join(docs, 'configuration.md'), 'utf8');
    for (const [key, spec] of Object.entries(configKeys)) {
      assert.match(text, new RegExp(`\\| \`${key}\` \\| \`${spec.env}\` \\|`), `${key} (${spec.env}) is not documented`);
    }
  });
});

describe('documentation matches the code', () => {
  it('every CAMTROVE_* variable the README and docs name is read by camtrove or by its tests, benchmarks or CI', async () => {
    const code = (await Promise.all(['src', 'test', 'bench', 'eval', 'scripts', '.ci'].map((dir) => textBelow(join(root, dir))))).join('\n');
    const problems: string[] = [];
    for (const [name, text] of await allDocs()) {
      for (const variable of new Set(text.match(/CAMTROVE_[A-Z0-9_]+/g) ?? [])) {
        if (!variable.startsWith('CAMTROVE_ERR_') && !code.includes(variable)) problems.push(`${name}: ${variable}`);
      }
    }
    assert.deepEqual(problems, [], 'variables no code reads');
  });

  it('every `camtrove COMMAND … --flag` the README and docs show names a command and a flag its --help lists', async () => {
    const program = buildProgram();
    const problems: string[] = [];
    let checked = 0;
    for (const [name, text] of await allDocs()) {
      for (const line of commandLines(text)) {
        const [word, ...rest] = line.split(' ');
        const command = program.commands.find((c) => c.name() === word);
        if (!command) {
          problems.push(`${name}: camtrove ${word} is not a command (in "${line}")`);
          continue;
        }
        const help = helpBelow(command);
        for (const [flag] of rest.join(' ').matchAll(/(?<![\w-])--[a-z][a-z0-9-]*/g)) {
          checked += 1;
          if (!new RegExp(`(?<![\\w-])${flag}(?![\\w-])`).test(help) && flag !== '--help') problems.push(`${name}: camtrove ${word} has no ${flag} (in "${line}")`);
        }
      }
    }
    assert.ok(checked > 50, `only ${checked} flags found: the docs' commands are not being read`);
    assert.deepEqual(problems, []);
  });

  it('every file path and `npm run` script the README and docs name exists', async () => {
    const scripts = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const problems: string[] = [];
    for (const [name, text] of await allDocs()) {
      for (const [path] of text.matchAll(/(?<![\w/.-])(?:src|test|bench|eval|scripts|docs)\/[\w/.-]+\.(?:ts|mjs|sh|json|md)\b/g)) {
        if (!existsSync(join(root, path))) problems.push(`${name}: ${path} does not exist`);
      }
      for (const [, script] of text.matchAll(/npm run ([\w:-]+)/g)) if (!(script! in scripts)) problems.push(`${name}: npm run ${script} is not a script of package.json`);
    }
    assert.deepEqual(problems, []);
  });

  it('docs/import.md names exactly the shard and job statuses the code gives', async () => {
    const text = await readFile(join(docs, 'import.md'), 'utf8');
    const tableAfter = (heading: string) => [...text.split(`| ${heading} | meaning |`)[1]!.split('\n\n')[0]!.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    assert.deepEqual(tableAfter('shard status'), [...shardStatuses]);
    assert.deepEqual(tableAfter('job status'), [...importJobStatuses]);
  });

  it('the README gives the Node versions package.json supports', async () => {
    const engines = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    for (const [, major, minor] of engines.matchAll(/\^(\d+)\.(\d+)\.\d+/g)) assert.match(readme, new RegExp(`Node\\.js[^\\n]*\\b${major}(\\.${minor})?\\b`), `the README does not name Node ${major}`);
  });
});
