#!/usr/bin/env node
// Entry point installed as `camtrove`; the CLI itself lives in dist/cli/main.js (built by `npm ci`).
import { runCli } from '../dist/cli/main.js';

process.exitCode = await runCli(process.argv);
