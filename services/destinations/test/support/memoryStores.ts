import type { EventStore, IdempotencyRecord, IdempotencyStore, Lifecycle, ReadModelStore } from '../../src/app/ports.js';
import type { DestinationEvent } from '../../src/domain/events.js';
import { isNewer, type DestinationView } from '../../src/domain/readModel.js';

/** In-memory adapters with the DynamoDB adapters' semantics (the contract suites hold both to it). */
export function memoryEventStore(): EventStore & { events: DestinationEvent[]; failNext?: Error } {
  const store = {
    events: [] as DestinationEvent[],
    failNext: undefined as Error | undefined,
    async append(event: DestinationEvent) {
      takeFailure(store);
      if (store.events.some((e) => e.partitionKey === event.partitionKey && e.id === event.id)) return 'duplicate' as const;
      store.events.push(structuredClone(event));
      return 'appended' as const;
    },
    async history(destinationId: string) {
      takeFailure(store);
      return store.events.filter((e) => e.partitionKey === destinationId).map((e) => structuredClone(e));
    },
    async lifecycle(destinationId: string): Promise<Lifecycle> {
      const types = store.events.filter((e) => e.partitionKey === destinationId).map((e) => e.type);
      if (types.includes('destinationRemoved')) return 'removed';
      return types.includes('destinationProposed') ? 'active' : 'unknown';
    },
  };
  return store;
}

export function memoryReadModel(): ReadModelStore & { items: Map<string, DestinationView>; writes: number } {
  const store = {
    items: new Map<string, DestinationView>(),
    writes: 0,
    async get(id: string) {
      const item = store.items.get(id);
      return item && structuredClone(item);
    },
    async save(view: DestinationView) {
      if (!isNewer(view, store.items.get(view.id))) return 'stale' as const;
      store.items.set(view.id, structuredClone(view));
      store.writes++;
      return 'written' as const;
    },
  };
  return store;
}

function takeFailure(store: { failNext?: Error | undefined }): void {
  const failure = store.failNext;
  if (failure) {
    store.failNext = undefined;
    throw failure;
  }
}

/** Idempotency records in memory, with the DynamoDB adapter's rules (expired records are absent; the first live one wins). */
export function memoryIdempotencyStore(): IdempotencyStore & { records: Map<string, IdempotencyRecord>; puts: number } {
  const records = new Map<string, IdempotencyRecord>();
  const live = (scope: string, now: number) => {
    const record = records.get(scope);
    return record && record.expiresAt > now ? structuredClone(record) : undefined;
  };
  const store = {
    records,
    puts: 0,
    async get(scope: string, now: number) {
      return live(scope, now);
    },
    async keep(record: IdempotencyRecord, now: number) {
      const existing = live(record.scope, now);
      if (existing) return { kept: false as const, existing };
      store.puts++;
      records.set(record.scope, structuredClone(record));
      return { kept: true as const };
    },
  };
  return store;
}
