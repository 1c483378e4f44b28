/** A function's environment (process.env on Lambda; a plain object in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * A variable a function cannot work without. The error names it and what sets it, so whoever reads
 * the function's log knows what to fix: `setBy` is e.g. "services/search/serverless.yml sets it".
 */
export function requiredEnv(name: string, setBy: string, env: Env = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set: ${setBy}`);
  return value;
}

/**
 * Builds a handler's dependencies on first use, not at import: importing a handler never throws, and
 * a bad setting fails each invocation with its message (Lambda logs it) instead of an import error.
 * A build that throws is tried again on the next call.
 */
export function lazily<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
