import { join } from 'node:path';

/** One SQLite file per region holds streams, records and consumer checkpoints. */
export const eventStreamDbPath = (dataDir: string): string => join(dataDir, 'event-stream.sqlite');
