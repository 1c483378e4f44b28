import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { allStreamEvents, ANSWER_TYPES, COMMAND_TYPES, eventually, REGIONS, sleep, type Cloud, type StreamEvent } from './cloudSupport.js';

/** What the e2e tests do as a user would, and the count they check, against one running cloud. */
export interface CommandRun {
  /** Destinations proposed by the run. */
  ids: string[];
  /** Commands accepted (202). */
  commands: number;
  /** Accepted commands that carry a location: each gets exactly one answer from the validator. */
  located: number;
}

export type UserActions = ReturnType<typeof userActions>;

export function userActions(cloud: Cloud) {
  const read = (region: string, id: string, until: (body: Record<string, unknown>) => boolean = () => true, ms?: number) =>
    eventually(`${id} readable in ${region}`, async () => {
      const res = await cloud.call(region, 'GET', `/destinations/${id}`);
      return res.status === 200 && until(res.body) ? res.body : undefined;
    }, ms);

  const propose = async (region: string, body: unknown): Promise<string> => {
    const res = await cloud.call(region, 'POST', '/destinations', body);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.id as string;
  };

  /**
   * A command as a user sends it: to the region's endpoint, or through the front door when that region
   * refuses connections (an outage). An update that reaches a region before the proposal has replicated
   * there is a 404 (nothing stored): it is sent again until the region knows the destination.
   */
  const command = async (region: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
    // One key for every attempt of this command: a retry after an answer that never arrived (a timeout on a
    // loaded machine, a region going down mid-request) is the same command, not a second one.
    const headers = { 'content-type': 'application/json', 'idempotency-key': randomUUID() };
    const attempt = () => cloud.call(region, method, path, body, headers).catch(() => cloud.call('front-door', method, path, body, headers));
    let res = await attempt();
    for (let tries = 0; res.status === 404 && method !== 'POST' && tries < 200; tries++) {
      await sleep(50);
      res = await attempt();
    }
    expect(res.status, `${region} ${method} ${path} → ${JSON.stringify(res.body)}`).toBe(202);
    return res.body;
  };

  /**
   * `count` commands alternating between the regions: the first half proposals (three in four with a
   * location), then updates of them (three in four moving the location), then removals of the first
   * three. `during(i)` runs before command i (an outage, a recovery).
   */
  const runCommands = async (opts: { count: number; during?: (i: number) => Promise<void> }): Promise<CommandRun> => {
    const run: CommandRun = { ids: [], commands: 0, located: 0 };
    const half = Math.floor(opts.count / 2);
    for (let i = 0; i < opts.count; i++) {
      await opts.during?.(i);
      const region = REGIONS[i % 2]!;
      const located = i % 4 !== 3;
      if (i < half) {
        const body = await command(region, 'POST', '/destinations', { name: `Run ${i}`, ...(located ? { location: { lat: (i % 180) - 89, lon: i } } : {}) });
        run.ids.push(body.id as string);
      } else if (i < opts.count - 3) {
        await command(region, 'PUT', `/destinations/${run.ids[i - half]!}`, { description: `changed by command ${i}`, ...(located ? { location: { lat: 200, lon: 0 } } : {}) });
      } else {
        await command(region, 'DELETE', `/destinations/${run.ids[opts.count - 1 - i]!}`);
      }
      run.commands++;
      if (located && i < opts.count - 3) run.located++;
    }
    return run;
  };

  /**
   * "Exactly once", precisely: over both regions' event streams, the events of the run's destinations
   * are one command event per accepted command and one answer per located command; no event id occurs
   * twice (on one stream or across both); each event is on the stream of the region that took it.
   */
  const expectExactlyOnce = async (run: CommandRun): Promise<StreamEvent[]> => {
    const mine = async () => (await allStreamEvents(cloud)).filter((e) => run.ids.includes(e.partitionKey));
    await eventually(`${run.commands} command events and ${run.located} answers`, async () => {
      const events = await mine();
      return events.filter((e) => COMMAND_TYPES.includes(e.type)).length >= run.commands && events.filter((e) => ANSWER_TYPES.includes(e.type)).length >= run.located ? true : undefined;
    }, 60_000);
    await sleep(2_000); // room for a duplicate to show up
    const events = await mine();
    const summary = JSON.stringify(events.map((e) => [e.type, e.id.slice(-8), e.partitionKey.slice(0, 8), e.streamRegion, e.tags.region, e.validates?.slice(-8), e.timestamp]));
    expect(events.filter((e) => COMMAND_TYPES.includes(e.type)), summary).toHaveLength(run.commands);
    expect(events.filter((e) => ANSWER_TYPES.includes(e.type)), summary).toHaveLength(run.located);
    expect(new Set(events.map((e) => e.id)).size, summary).toBe(events.length);
    for (const e of events) {
      expect(e.streamRegion, `${e.type} ${e.id} tagged ${e.tags.region}`).toBe(e.tags.region);
      expect(e.recordPartitionKey).toBe(e.partitionKey);
    }
    return events;
  };

  return { read, propose, command, runCommands, expectExactlyOnce };
}
