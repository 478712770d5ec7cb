#!/usr/bin/env node
// `npx duban ...`: runs the TypeScript CLI through tsx, so no build step is needed.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../cli/index.ts');
process.exitCode = await runCli(process.argv.slice(2));
