import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Command } from 'commander';
import { parse } from 'yaml';
import { buildProgram } from '../src/cli/main.js';
import { configKeys, resolveConfig } from '../src/config/config.js';

// The container files cannot be built here (no container engine in CI): these checks keep them true
// to the code instead. Each failure names the line to fix.

const root = join(import.meta.dirname, '..');

interface ComposeService {
  build?: string;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  ports?: string[];
  entrypoint?: string[];
}

/** The AWS settings the S3 client reads from the environment. */
const AWS_SETTINGS = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'];

/** `${NAME:-default}` and `${NAME:?message}` as compose would expand them with `.env` = `values`. */
function interpolate(text: string, values: Record<string, string>): string {
  return text.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, fallback?: string) => {
    const value = values[name];
    if (value !== undefined && value !== '') return value;
    assert.notEqual(kind, '?', `${name} is required: ${fallback}`);
    return fallback ?? '';
  });
}

async function compose(): Promise<Record<string, ComposeService>> {
  const document = parse(await readFile(join(root, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
  return document.services;
}

/** The values compose.env.example offers for `.env`. */
async function exampleEnv(): Promise<Record<string, string>> {
  const text = await readFile(join(root, 'compose.env.example'), 'utf8');
  return Object.fromEntries([...text.matchAll(/^(\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

function camtroveServices(services: Record<string, ComposeService>): [string, ComposeService][] {
  return Object.entries(services).filter(([, service]) => service.build === '.');
}

/** The sub-command a command line names, and the long flags it passes. */
function commandOf(program: Command, argv: string[]): { command: Command; flags: string[] } {
  let command = program;
  let rest = argv;
  for (;;) {
    const next = command.commands.find((c) => c.name() === rest[0]);
    if (!next) break;
    command = next;
    rest = rest.slice(1);
  }
  assert.notEqual(command, program, `"${argv.join(' ')}" names no camtrove command`);
  return { command, flags: rest.filter((arg) => arg.startsWith('--')).map((arg) => arg.split('=')[0]!) };
}

function assertCommandExists(argv: string[], where: string): void {
  const { command, flags } = commandOf(buildProgram(), argv);
  const known = new Set(command.options.flatMap((o) => [o.long, o.negate ? o.long : undefined]).filter((f): f is string => f !== undefined));
  for (const flag of flags) assert.ok(known.has(flag), `${where}: camtrove ${command.name()} has no ${flag}`);
}

describe('compose.yaml', () => {
  it('sets only configuration keys camtrove knows, the AWS settings it reads, and values camtrove accepts', async () => {
    const services = camtroveServices(await compose());
    assert.deepEqual(services.map(([name]) => name).sort(), ['api', 'migrate', 'worker']);
    const knownEnv = new Map(Object.entries(configKeys).map(([key, spec]) => [spec.env, key]));
    const values = await exampleEnv();
    for (const [name, service] of services) {
      const env: Record<string, string> = {};
      for (const [variable, raw] of Object.entries(service.environment ?? {})) {
        assert.ok(knownEnv.has(variable) || AWS_SETTINGS.includes(variable), `service ${name} sets ${variable}, which camtrove does not read`);
        env[variable] = interpolate(String(raw), values);
      }
      // The values themselves pass camtrove's own validation.
      const config = resolveConfig({ env });
      assert.equal(config.databaseUrl.startsWith('postgres://'), true, `${name} uses PostgreSQL`);
      assert.equal(config.queue.kind, 'redis', `${name} uses the Redis queue`);
      assert.equal(config.storage.kind, 's3', `${name} stores files in the bucket`);
    }
  });

  it('runs commands and flags camtrove has, migrating before the API and workers start', async () => {
    const services = await compose();
    for (const [name, service] of camtroveServices(services)) assertCommandExists(service.command ?? ['serve'], `service ${name}`);
    assert.deepEqual(services.migrate!.command, ['migrate']);
    for (const name of ['api', 'worker']) assert.equal(services[name]!.depends_on?.migrate?.condition, 'service_completed_successfully', `${name} waits for the migration`);
    assert.deepEqual(services.api!.command, ['serve', '--no-workers']);
    assert.ok(services.api!.ports?.every((port) => port.startsWith('127.0.0.1:')), 'the API is published on the host\'s loopback only');
  });

  it('points camtrove at the database, Redis and bucket it starts, with the same credentials', async () => {
    const services = await compose();
    const values = await exampleEnv();
    const env = Object.fromEntries(Object.entries(services.api!.environment!).map(([k, v]) => [k, interpolate(String(v), values)]));
    const postgres = Object.fromEntries(Object.entries(services.postgres!.environment!).map(([k, v]) => [k, interpolate(String(v), values)]));
    const database = new URL(env.CAMTROVE_DATABASE_URL!);
    assert.equal(database.hostname, 'postgres');
    assert.equal(decodeURIComponent(database.username), postgres.POSTGRES_USER);
    assert.equal(decodeURIComponent(database.password), postgres.POSTGRES_PASSWORD);
    assert.equal(database.pathname, `/${postgres.POSTGRES_DB}`);

    assert.equal(new URL(env.CAMTROVE_QUEUE!).hostname, 'redis');
    const redis = services.redis!.command!.join(' ');
    assert.match(redis, /--appendonly yes/, 'Redis persists the queue');
    assert.match(redis, /--maxmemory-policy noeviction/, 'Redis never evicts a job');

    const minio = Object.fromEntries(Object.entries(services.minio!.environment!).map(([k, v]) => [k, interpolate(String(v), values)]));
    assert.equal(new URL(env.AWS_ENDPOINT_URL!).hostname, 'minio');
    assert.equal(env.AWS_ACCESS_KEY_ID, minio.MINIO_ROOT_USER);
    assert.equal(env.AWS_SECRET_ACCESS_KEY, minio.MINIO_ROOT_PASSWORD);
    const bucket = /^s3:\/\/([^/]+)/.exec(env.CAMTROVE_STORAGE!)![1]!;
    assert.match((services.bucket!.entrypoint ?? []).join(' '), new RegExp(`mc mb --ignore-existing store/${bucket}\\b`), 'the bucket camtrove uses is created');
  });
});

describe('Dockerfile', () => {
  it('builds as the README says, on a Node the package supports, and runs ffmpeg-equipped as a non-root user', async () => {
    const text = await readFile(join(root, 'Dockerfile'), 'utf8');
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const lines = text.replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#'));
    const stages = lines.map((l, i) => [l, i] as const).filter(([l]) => /^FROM /.test(l));
    assert.ok(stages.length >= 2, 'a build stage and a smaller run stage');

    assert.match(readme, /npm ci/, 'the README sets up with npm ci');
    assert.ok(lines.some((l) => /^RUN .*\bnpm ci\b/.test(l)), 'the image is set up with npm ci, as the README says');
    const engines = (JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const supported = [...engines.matchAll(/\^(\d+)\./g)].map((m) => m[1]);
    for (const [line] of stages) {
      const major = /node:(\d+)/.exec(line)?.[1];
      assert.ok(major !== undefined && supported.includes(major), `${line}: Node ${major} is not in package.json's engines (${engines})`);
    }

    const run = lines.slice(stages.at(-1)![1]);
    assert.ok(run.some((l) => /^RUN .*apt-get install .*\bffmpeg\b/.test(l)), 'ffmpeg is installed where camtrove runs');
    const user = run.filter((l) => /^USER /.test(l)).at(-1);
    assert.ok(user !== undefined && !/^USER (root|0)\b/.test(user), 'camtrove runs as a user other than root');
    const entrypoint = run.find((l) => /^ENTRYPOINT /.test(l));
    assert.match(entrypoint ?? '', /"\/app\/bin\/camtrove\.js"/);
    assert.ok(existsSync(join(root, 'bin', 'camtrove.js')));
    const cmd = JSON.parse(run.find((l) => /^CMD /.test(l))!.slice(4)) as string[];
    assertCommandExists(cmd, 'Dockerfile CMD');
    for (const variable of run.flatMap((l) => [...l.matchAll(/\b(CAMTROVE_\w+)=/g)].map((m) => m[1]!))) {
      assert.ok(Object.values(configKeys).some((spec) => spec.env === variable), `the Dockerfile sets ${variable}, which camtrove does not read`);
    }
  });

  it('leaves local build output, dependencies and libraries out of the build context', async () => {
    const ignored = (await readFile(join(root, '.dockerignore'), 'utf8')).split('\n').map((l) => l.trim());
    for (const entry of ['node_modules', 'dist', 'camtrove-data', '.git', '.env']) assert.ok(ignored.includes(entry), `.dockerignore lists ${entry}`);
  });
});
