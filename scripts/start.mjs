#!/usr/bin/env node
// `npm start`: build the studio and open it in Electron, or fall back to `skipvit serve` where Electron's
// binary cannot be had (see src-main/app/electron/launch.ts). Arguments after `--` go to the app.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { launch } = await import('../src-main/app/electron/launch.ts');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
process.exitCode = await launch(root, process.argv.slice(2));
