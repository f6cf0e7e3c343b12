#!/usr/bin/env node
// Sets process.exitCode from the CLI's main(); nothing else.
import { main } from '../dist/bin/main.js';

process.exitCode = await main(process.argv.slice(2));
