/**
 * Upload of a 100 MB object to the local object store: through lib-storage (multipart, 5 MiB parts,
 * 4 at once) against one 100 MB PutObject, interleaved A/B three times in the same run, with the
 * store process's resident memory before, at its peak during, and after each upload (parts and bodies
 * stream to disk, so it should stay flat whatever the object's size).
 *   node --import tsx bench/objectStore/multipart.ts [--out result.json]
 */
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SIZE = 100 * 1000 * 1000;
const ROUNDS = 3;
const Bucket = 'bench';

type Method = 'multipart' | 'put';

export interface UploadRun {
  method: Method;
  round: number;
  seconds: number;
  mbPerS: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
}

export interface MultipartBenchResult {
  objectMb: number;
  runs: UploadRun[];
  median: Record<Method, { mbPerS: number; rssPeakMb: number }>;
  storeRssIdleMb: number;
}

function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const round1 = (x: number) => Math.round(x * 10) / 10;

async function startStore(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const script = fileURLToPath(new URL('./serveStore.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const line of createInterface({ input: child.stdout! })) {
    const url = /^READY (\S+)/.exec(line)?.[1];
    if (url) return { child, url };
  }
  throw new Error('the object store process exited before it was ready');
}

/** Samples the store's RSS every 25 ms while `work` runs; returns the peak. */
async function peakRssDuring(pid: number, work: () => Promise<unknown>): Promise<number> {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 25);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, rssMb(pid));
}

export async function benchMultipartUpload(): Promise<MultipartBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-bench-s3-'));
  const { child, url } = await startStore(dataDir);
  const pid = child.pid!;
  const s3 = new S3Client({ endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' } });
  try {
    await s3.send(new CreateBucketCommand({ Bucket }));
    const body = randomBytes(SIZE);
    // Warm both paths (connections, JIT) before anything is timed.
    await new Upload({ client: s3, queueSize: 4, params: { Bucket, Key: 'warm-mp', Body: body.subarray(0, 12 * 1024 * 1024) } }).done();
    await s3.send(new PutObjectCommand({ Bucket, Key: 'warm-put', Body: body.subarray(0, 1024 * 1024) }));
    const storeRssIdleMb = rssMb(pid);
    const upload: Record<Method, (Key: string) => Promise<unknown>> = {
      multipart: (Key) => new Upload({ client: s3, queueSize: 4, partSize: 5 * 1024 * 1024, params: { Bucket, Key, Body: body } }).done(),
      put: (Key) => s3.send(new PutObjectCommand({ Bucket, Key, Body: body })),
    };
    const runs: UploadRun[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // A/B, then B/A: neither method always goes first.
      const order: Method[] = round % 2 === 1 ? ['multipart', 'put'] : ['put', 'multipart'];
      for (const method of order) {
        const Key = `${method}-${round}`;
        const rssBeforeMb = rssMb(pid);
        const began = performance.now();
        const rssPeakMb = await peakRssDuring(pid, () => upload[method](Key));
        const seconds = (performance.now() - began) / 1000;
        await s3.send(new DeleteObjectCommand({ Bucket, Key }));
        const run = { method, round, seconds: Math.round(seconds * 100) / 100, mbPerS: round1(SIZE / 1e6 / seconds), rssBeforeMb, rssPeakMb, rssAfterMb: rssMb(pid) };
        runs.push(run);
        console.log(`${method.padEnd(9)} round ${round}: ${run.mbPerS} MB/s (${seconds.toFixed(2)} s); store RSS ${rssBeforeMb} → peak ${rssPeakMb} → ${run.rssAfterMb} MB`);
      }
    }
    const of = (m: Method) => runs.filter((r) => r.method === m);
    return {
      objectMb: SIZE / 1e6,
      runs,
      median: {
        multipart: { mbPerS: median(of('multipart').map((r) => r.mbPerS)), rssPeakMb: median(of('multipart').map((r) => r.rssPeakMb)) },
        put: { mbPerS: median(of('put').map((r) => r.mbPerS)), rssPeakMb: median(of('put').map((r) => r.rssPeakMb)) },
      },
      storeRssIdleMb,
    };
  } finally {
    s3.destroy();
    child.kill('SIGTERM');
    await once(child, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchMultipartUpload();
  console.log(
    `median: multipart ${result.median.multipart.mbPerS} MB/s (store peak RSS ${result.median.multipart.rssPeakMb} MB), ` +
      `single PUT ${result.median.put.mbPerS} MB/s (peak ${result.median.put.rssPeakMb} MB); store idle RSS ${result.storeRssIdleMb} MB`,
  );
  const out = process.argv.indexOf('--out');
  if (out !== -1 && process.argv[out + 1]) writeFileSync(process.argv[out + 1]!, `${JSON.stringify(result, null, 2)}\n`);
}
