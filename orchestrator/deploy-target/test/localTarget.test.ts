import { describe, expect, it } from 'vitest';
import { CloudOperationError, type ControlClient } from '../../cli/controlClient.js';
import { localTarget } from '../localTarget.js';

/*
 * The adapter alone, against a stand-in for the control API (the end-to-end run through the real local cloud
 * is local/deploy/test/deploy.e2e.test.ts): what it asks the cloud, in which order, and the lines it prints.
 */
type Stream = ControlClient['stream'];

function harness(answer: (path: string, body: unknown, onProgress: (line: string) => void) => Promise<{ services: string[] }>) {
  const calls: string[] = [];
  const lines: string[] = [];
  const bodies: unknown[] = [];
  const stream: Stream = async (path, body, onProgress) => {
    calls.push(`stream ${path}`);
    bodies.push(body);
    return answer(path, body, onProgress);
  };
  const target = localTarget({
    control: { stream },
    ensureRunning: async () => void calls.push('ensureRunning'),
    log: (line) => lines.push(line),
  });
  return { target, calls, lines, bodies };
}

const req = { region: 'us-east-1', stage: 'local', serviceDirs: ['/s/destinations', '/s/search'] };

describe('the local target', () => {
  it('starts the cloud if needed, streams the deploy, relays progress and prints the summary users read', async () => {
    const h = harness(async (_path, _body, onProgress) => {
      onProgress('[us-east-1] destinations: 3 functions');
      return { services: ['destinations', 'search (unchanged)'] };
    });
    await h.target.deploy({ ...req, force: true });
    expect(h.calls).toEqual(['ensureRunning', 'stream /_meridian/deploy']);
    expect(h.bodies).toEqual([{ region: 'us-east-1', serviceDirs: req.serviceDirs, stage: 'local', force: true }]);
    expect(h.lines[0]).toBe('[us-east-1] destinations: 3 functions');
    expect(h.lines[1]).toMatch(/^deployed destinations, search \(unchanged\) into us-east-1 \(local, stage local\) in \d+\.\d s$/);
    expect(h.lines).toHaveLength(2);
  });

  it('removes, sending no force, and says so when nothing was deployed', async () => {
    const h = harness(async () => ({ services: [] }));
    await h.target.remove({ ...req, force: true });
    expect(h.calls).toEqual(['ensureRunning', 'stream /_meridian/remove']);
    expect(h.bodies).toEqual([{ region: 'us-east-1', serviceDirs: req.serviceDirs, stage: 'local' }]);
    expect(h.lines).toHaveLength(1);
    expect(h.lines[0]).toMatch(/^removed nothing from us-east-1 \(local, stage local\) in \d+\.\d s$/);
  });

  it("passes the cloud's refusal on as it stands and prints no summary", async () => {
    const h = harness(async () => {
      throw new CloudOperationError('Fn::ImportValue nobody-exports-this: no service deployed in us-east-1 exports it');
    });
    await expect(h.target.deploy(req)).rejects.toThrow(CloudOperationError);
    expect(h.lines).toEqual([]);
  });
});
