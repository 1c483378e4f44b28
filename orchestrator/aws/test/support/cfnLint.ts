import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';

/**
 * AWS's own cfn-lint (Python), which validates against CloudFormation's current resource schemas: every
 * packaged template must pass it with no error and no warning. It is a Python tool, installed beside Node
 * (`.ci/run` installs it where it is missing); a machine without it fails with what to run.
 */
export const CFN_LINT_VERSION = '1.51.0';

const INSTALL = `pip install cfn-lint==${CFN_LINT_VERSION} (or: pipx install cfn-lint==${CFN_LINT_VERSION}); .ci/run installs it`;

/** One finding, as cfn-lint's JSON output gives it. */
export interface LintFinding {
  rule: string;
  level: string;
  message: string;
  /** Where in the template: Resources/<id>/Properties/... */
  path: string;
  file: string;
}

const checked = new Map<string, { path: string; version: string }>();

/**
 * The Python cfn-lint on PATH, skipping node_modules/.bin: npm scripts and vitest put that first, and an
 * npm package of the same name (a different, older validator) may be installed there.
 */
function findCfnLint(command: string): string | undefined {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '' && !d.split(sep).includes('node_modules'));
  for (const dir of dirs) {
    const path = join(dir, command);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The installed cfn-lint's version; throws with the install command when it is missing or not 1.x. */
export function cfnLintVersion(command = 'cfn-lint'): string {
  return cfnLint(command).version;
}

function cfnLint(command = 'cfn-lint'): { path: string; version: string } {
  const known = checked.get(command);
  if (known) return known;
  const path = findCfnLint(command);
  if (path === undefined) throw new Error(`AWS's cfn-lint (Python) is not installed, or not on PATH: ${INSTALL}`);
  const run = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (run.error) throw new Error(`${path} did not run (${run.error.message}): ${INSTALL}`);
  const version = /cfn-lint (\d+\.\d+\.\d+)/.exec(`${run.stdout}${run.stderr}`)?.[1];
  if (version === undefined || !version.startsWith('1.')) {
    throw new Error(`cfn-lint --version said "${`${run.stdout}${run.stderr}`.trim()}"; the tests need AWS's Python cfn-lint 1.x: ${INSTALL}`);
  }
  const found = { path, version };
  checked.set(command, found);
  return found;
}

/**
 * Lints template files deployed to `region` (one cfn-lint run for all of them) and returns every error and
 * warning; informational findings are not reported (cfn-lint's default).
 */
export function lintFiles(files: string[], region: string): LintFinding[] {
  if (files.length === 0) return [];
  const run = spawnSync(cfnLint().path, ['--format', 'json', '--regions', region, '--', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (run.error) throw new Error(`cfn-lint did not run: ${run.error.message}`);
  // Exit status: a bit mask of what was found (2 errors, 4 warnings, 8 informational); 1 is cfn-lint failing.
  if (run.status === 1 || run.status === null) throw new Error(`cfn-lint failed (exit ${String(run.status)}): ${run.stderr.trim() || run.stdout.trim()}`);
  if (run.stdout.trim() === '') return [];
  const raw = JSON.parse(run.stdout) as {
    Rule: { Id: string };
    Level: string;
    Message: string;
    Filename: string;
    Location: { Path?: (string | number)[] };
  }[];
  return raw.map((f) => ({ rule: f.Rule.Id, level: f.Level, message: f.Message, path: (f.Location.Path ?? []).join('/'), file: f.Filename }));
}

/** Lints a template held in memory (written to a temporary file first). */
export function lintTemplate(template: unknown, region: string): LintFinding[] {
  const file = join(mkdtempSync(join(tmpdir(), 'meridian-cfn-lint-')), 'template.json');
  writeFileSync(file, JSON.stringify(template, null, 1));
  return lintFiles([file], region);
}

/** A finding as one line for a test's failure message. */
export function formatFinding(f: LintFinding): string {
  return `${f.rule} (${f.level}) at ${f.path}: ${f.message}`;
}
