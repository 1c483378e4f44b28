import type { ProposalInput, UpdateInput } from '../domain/commandInput.js';
import { destinationProposed, destinationRemoved, destinationUpdated, type EventOrigin } from '../domain/eventFactory.js';
import type { DestinationEvent } from '../domain/events.js';
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

export interface Commands {
  propose(input: ProposalInput, user: string): Promise<CommandOutcome>;
  update(destinationId: string, changes: UpdateInput, user: string): Promise<CommandOutcome>;
  remove(destinationId: string, user: string): Promise<CommandOutcome>;
}

export function createCommands(deps: CommandDeps): Commands {
  const origin = (user: string): EventOrigin => {
    const timestamp = deps.clock.now();
    return { id: deps.newEventId(timestamp), timestamp, tags: { region: deps.region, user } };
  };
  const appendNew = async (event: DestinationEvent): Promise<CommandOutcome> => {
    // A fresh event id cannot exist yet; 'duplicate' would mean the id generator repeated itself.
    if ((await deps.store.append(event)) !== 'appended') throw new Error(`event id ${event.id} already in the event store`);
    return { accepted: true, event };
  };
  // Updates and removals need a destination this region knows and that is not removed. A destination
  // proposed in the other region a moment ago may not have replicated here yet: that is a 404 now
  // and succeeds once replication catches up (eventual consistency, said in the README).
  const whenActive = async (destinationId: string, command: () => Promise<CommandOutcome>): Promise<CommandOutcome> => {
    const lifecycle = await deps.store.lifecycle(destinationId);
    return lifecycle === 'active' ? command() : { accepted: false, reason: lifecycle };
  };
  return {
    propose: (input, user) => appendNew(destinationProposed(deps.newDestinationId(), input, origin(user))),
    update: (id, changes, user) => whenActive(id, () => appendNew(destinationUpdated(id, changes, origin(user)))),
    remove: (id, user) => whenActive(id, () => appendNew(destinationRemoved(id, origin(user)))),
  };
}
