import type { ProposalInput, UpdateInput } from '../domain/commandInput.js';
import { destinationProposed, destinationRemoved, destinationUpdated, type EventOrigin } from '../domain/eventFactory.js';
import type { DestinationEvent } from '../domain/events.js';
import { destinationIdFor, eventIdFor } from '../domain/idempotencyKey.js';
import type { Clock, EventStore } from './ports.js';

/**
 * The command side: each accepted command is one event appended to this region's event store.
 * Nothing is published here; the table's stream trigger does that, once, in this region only.
 */
export interface CommandDeps {
  store: EventStore;
  region: string;
  clock: Clock;
  newEventId(nowMs: number): string;
  newDestinationId(): string;
}

export type CommandOutcome = { accepted: true; event: DestinationEvent } | { accepted: false; reason: 'unknown' | 'removed' };

/**
 * `scope` (domain/idempotencyKey.ts) is given for a command sent with an Idempotency-Key: its ids then
 * derive from it, so the command stored twice (a retry in this or another region) is one item.
 */
export interface Commands {
  propose(input: ProposalInput, user: string, scope?: string): Promise<CommandOutcome>;
  update(destinationId: string, changes: UpdateInput, user: string, scope?: string): Promise<CommandOutcome>;
  remove(destinationId: string, user: string, scope?: string): Promise<CommandOutcome>;
}

export function createCommands(deps: CommandDeps): Commands {
  const origin = (user: string, destinationId: string, scope: string | undefined): EventOrigin => {
    const timestamp = deps.clock.now();
    const id = scope === undefined ? deps.newEventId(timestamp) : eventIdFor(scope, destinationId);
    return { id, timestamp, tags: { region: deps.region, user } };
  };
  const appendNew = async (event: DestinationEvent, scope: string | undefined): Promise<CommandOutcome> => {
    if ((await deps.store.append(event)) === 'appended') return { accepted: true, event };
    // A keyed command's id is derived from its key: 'duplicate' is this very command stored by an
    // earlier attempt, which is its answer. A fresh id cannot exist yet: the generator repeated itself.
    if (scope !== undefined) return { accepted: true, event };
    throw new Error(`event id ${event.id} already in the event store`);
  };
  // Updates and removals need a destination this region knows and that is not removed. A destination
  // proposed in the other region a moment ago may not have replicated here yet: that is a 404 now
  // and succeeds once replication catches up (eventual consistency, said in the README).
  const whenActive = async (destinationId: string, command: () => Promise<CommandOutcome>): Promise<CommandOutcome> => {
    const lifecycle = await deps.store.lifecycle(destinationId);
    return lifecycle === 'active' ? command() : { accepted: false, reason: lifecycle };
  };
  return {
    propose: (input, user, scope) => {
      const id = scope === undefined ? deps.newDestinationId() : destinationIdFor(scope);
      return appendNew(destinationProposed(id, input, origin(user, id, scope)), scope);
    },
    update: (id, changes, user, scope) => whenActive(id, () => appendNew(destinationUpdated(id, changes, origin(user, id, scope)), scope)),
    remove: (id, user, scope) => whenActive(id, () => appendNew(destinationRemoved(id, origin(user, id, scope)), scope)),
  };
}
