import type { Reporter } from 'vitest/reporters';

type Task = { type: string; mode?: string; result?: { state?: string }; tasks?: Task[] };

/** Ends the run with the plain 'N passed, N failed, N skipped' line that CI reads. */
export default class SummaryLineReporter implements Reporter {
  onFinished(files: Task[] = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const visit = (t: Task) => {
      if (t.type === 'test') {
        if (t.result?.state === 'pass') passed++;
        else if (t.result?.state === 'fail') failed++;
        else skipped++;
      }
      t.tasks?.forEach(visit);
    };
    files.forEach(visit);
    // A file that failed to load has no tests but must still fail the line.
    failed += files.filter((f) => f.result?.state === 'fail' && !f.tasks?.length).length;
    console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}
