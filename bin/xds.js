#!/usr/bin/env node
// Entry point of the published package: the compiled CLI (npm run build).
import '../dist/cli.js';
