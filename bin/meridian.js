#!/usr/bin/env node
// The `meridian` command: runs the TypeScript CLI through tsx (no build step; the same sources run everywhere).
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
await import('../orchestrator/cli/main.ts');
