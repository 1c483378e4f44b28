type Env = Readonly<Record<string, string | undefined>>;

/** A variable the function cannot work without; the error names it and where its value comes from. */
export function required(env: Env, name: string, where: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`${name} is not set: ${where}`);
  return value;
}

/** Builds a handler's dependencies on first use, so importing the module never throws and every invocation reports a bad setting. */
export function lazily<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}
