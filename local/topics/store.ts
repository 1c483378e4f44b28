import type { Sqlite } from '../storage/sqlite.js';
import type { DeliveryFault, SnsEvent, Subscription } from './types.js';
import { StatementCache } from '../storage/statementCache.js';

export interface TopicRow {
  arn: string;
  name: string;
  attributes: Record<string, string>;
}

export interface PendingDelivery {
  id: number;
  subscriptionArn: string;
  functionArn: string;
  event: SnsEvent;
  attempts: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS topics (arn TEXT PRIMARY KEY, name TEXT NOT NULL, attributes TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS subscriptions (
  arn TEXT PRIMARY KEY, topic_arn TEXT NOT NULL, protocol TEXT NOT NULL, endpoint TEXT NOT NULL, created_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS subscriptions_by_topic ON subscriptions (topic_arn, created_ms);
-- One row per (message, subscription) until delivered or faulted; the event is stored whole so a
-- retry after a restart hands over exactly what the first attempt did. leased marks in-flight rows.
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT, subscription_arn TEXT NOT NULL, function_arn TEXT NOT NULL,
  event TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER NOT NULL,
  leased INTEGER NOT NULL DEFAULT 0, last_error TEXT);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (leased, next_attempt_ms);
CREATE TABLE IF NOT EXISTS faults (
  id INTEGER PRIMARY KEY AUTOINCREMENT, subscription_arn TEXT NOT NULL, function_arn TEXT NOT NULL,
  event TEXT NOT NULL, error TEXT NOT NULL, attempts INTEGER NOT NULL, failed_ms INTEGER NOT NULL);
`;

interface TopicDbRow {
  arn: string;
  name: string;
  attributes: string;
}
interface SubscriptionDbRow {
  arn: string;
  topic_arn: string;
  protocol: string;
  endpoint: string;
}
interface DeliveryDbRow {
  id: number;
  subscription_arn: string;
  function_arn: string;
  event: string;
  attempts: number;
}
interface FaultDbRow {
  subscription_arn: string;
  function_arn: string;
  event: string;
  error: string;
  attempts: number;
  failed_ms: number;
}

const toTopic = (r: TopicDbRow): TopicRow => ({ arn: r.arn, name: r.name, attributes: JSON.parse(r.attributes) as Record<string, string> });
const toSubscription = (r: SubscriptionDbRow): Subscription => ({
  subscriptionArn: r.arn,
  topicArn: r.topic_arn,
  protocol: r.protocol,
  endpoint: r.endpoint,
});

/** Topics, subscriptions, pending deliveries and faults, all in the region's topics database. */
export class TopicStore {
  /** Each statement prepared once: preparing costs more than running most of them. */
  private readonly sql: StatementCache;
  constructor(private readonly db: Sqlite) {
    this.sql = new StatementCache(this.db);
    db.exec(SCHEMA);
    // Deliveries in flight when the process stopped are due again: at-least-once.
    db.prepare('UPDATE deliveries SET leased = 0 WHERE leased = 1').run();
  }

  findTopic(arn: string): TopicRow | undefined {
    const row = this.sql.get<[string], TopicDbRow>('SELECT arn, name, attributes FROM topics WHERE arn = ?').get(arn);
    return row && toTopic(row);
  }

  /** Inserts the topic unless it exists; returns whether it was new. */
  createTopic(arn: string, name: string, attributes: Record<string, string>, nowMs: number): boolean {
    return (
      this.sql
        .get('INSERT INTO topics (arn, name, attributes, created_ms) VALUES (?, ?, ?, ?) ON CONFLICT (arn) DO NOTHING')
        .run(arn, name, JSON.stringify(attributes), nowMs).changes === 1
    );
  }

  setTopicAttributes(arn: string, attributes: Record<string, string>): void {
    this.sql.get('UPDATE topics SET attributes = ? WHERE arn = ?').run(JSON.stringify(attributes), arn);
  }

  listTopics(): TopicRow[] {
    return this.sql.get<[], TopicDbRow>('SELECT arn, name, attributes FROM topics ORDER BY arn').all().map(toTopic);
  }

  /** Deleting a topic deletes its subscriptions and drops what was still pending for them. */
  deleteTopic(arn: string): void {
    this.db
      .transaction(() => {
        this.sql.get('DELETE FROM deliveries WHERE subscription_arn IN (SELECT arn FROM subscriptions WHERE topic_arn = ?)').run(arn);
        this.sql.get('DELETE FROM subscriptions WHERE topic_arn = ?').run(arn);
        this.sql.get('DELETE FROM topics WHERE arn = ?').run(arn);
      })
      .immediate();
  }

  findSubscription(arn: string): Subscription | undefined {
    const row = this.sql.get<[string], SubscriptionDbRow>('SELECT * FROM subscriptions WHERE arn = ?').get(arn);
    return row && toSubscription(row);
  }

  findSubscriptionTo(topicArn: string, protocol: string, endpoint: string): Subscription | undefined {
    const row = this.sql
      .get<[string, string, string], SubscriptionDbRow>('SELECT * FROM subscriptions WHERE topic_arn = ? AND protocol = ? AND endpoint = ?')
      .get(topicArn, protocol, endpoint);
    return row && toSubscription(row);
  }

  addSubscription(s: Subscription, nowMs: number): void {
    this.sql
      .get('INSERT INTO subscriptions (arn, topic_arn, protocol, endpoint, created_ms) VALUES (?, ?, ?, ?, ?)')
      .run(s.subscriptionArn, s.topicArn, s.protocol, s.endpoint, nowMs);
  }

  removeSubscription(arn: string): void {
    this.db
      .transaction(() => {
        this.sql.get('DELETE FROM deliveries WHERE subscription_arn = ?').run(arn);
        this.sql.get('DELETE FROM subscriptions WHERE arn = ?').run(arn);
      })
      .immediate();
  }

  subscriptionsOf(topicArn?: string): Subscription[] {
    const rows =
      topicArn === undefined
        ? this.sql.get<[], SubscriptionDbRow>('SELECT * FROM subscriptions ORDER BY created_ms, arn').all()
        : this.sql.get<[string], SubscriptionDbRow>('SELECT * FROM subscriptions WHERE topic_arn = ? ORDER BY created_ms, arn').all(topicArn);
    return rows.map(toSubscription);
  }

  /** Records one pending delivery per subscriber in one transaction; Publish answers only after it commits. */
  enqueue(deliveries: ReadonlyArray<{ subscriptionArn: string; functionArn: string; event: SnsEvent }>, nowMs: number): void {
    const insert = this.sql.get('INSERT INTO deliveries (subscription_arn, function_arn, event, next_attempt_ms) VALUES (?, ?, ?, ?)');
    this.db
      .transaction(() => {
        for (const d of deliveries) insert.run(d.subscriptionArn, d.functionArn, JSON.stringify(d.event), nowMs);
      })
      .immediate();
  }

  /** Leases up to `limit` due deliveries so no other pass picks them while they are in flight. */
  leaseDue(nowMs: number, limit: number): PendingDelivery[] {
    return this.db
      .transaction(() =>
        this.sql
          .get<[number, number], DeliveryDbRow>(
            'UPDATE deliveries SET leased = 1 WHERE id IN (SELECT id FROM deliveries WHERE leased = 0 AND next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?) RETURNING id, subscription_arn, function_arn, event, attempts',
          )
          .all(nowMs, limit)
          .sort((a, b) => a.id - b.id)
          .map((r) => ({
            id: r.id,
            subscriptionArn: r.subscription_arn,
            functionArn: r.function_arn,
            event: JSON.parse(r.event) as SnsEvent,
            attempts: r.attempts,
          })),
      )
      .immediate();
  }

  delivered(id: number): void {
    this.sql.get('DELETE FROM deliveries WHERE id = ?').run(id);
  }

  retryLater(id: number, attempts: number, error: string, nextAttemptMs: number): void {
    this.sql.get('UPDATE deliveries SET leased = 0, attempts = ?, last_error = ?, next_attempt_ms = ? WHERE id = ?').run(attempts, error, nextAttemptMs, id);
  }

  /** Moves a delivery that used up its attempts to the faults list, atomically. */
  fault(d: PendingDelivery, attempts: number, error: string, nowMs: number): void {
    this.db
      .transaction(() => {
        const gone = this.sql.get('DELETE FROM deliveries WHERE id = ?').run(d.id).changes === 0;
        if (gone) return; // unsubscribed meanwhile: nothing to report
        this.sql
          .get('INSERT INTO faults (subscription_arn, function_arn, event, error, attempts, failed_ms) VALUES (?, ?, ?, ?, ?, ?)')
          .run(d.subscriptionArn, d.functionArn, JSON.stringify(d.event), error, attempts, nowMs);
      })
      .immediate();
  }

  pendingCount(): number {
    return this.sql.get<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries').get()?.n ?? 0;
  }

  nextDueMs(): number | undefined {
    return this.sql.get<[], { due: number | null }>('SELECT MIN(next_attempt_ms) AS due FROM deliveries WHERE leased = 0').get()?.due ?? undefined;
  }

  faults(): DeliveryFault[] {
    return this.sql
      .get<[], FaultDbRow>('SELECT * FROM faults ORDER BY id')
      .all()
      .map((r) => {
        const event = JSON.parse(r.event) as SnsEvent;
        const sns = event.Records[0]?.Sns;
        return {
          subscriptionArn: r.subscription_arn,
          functionArn: r.function_arn,
          topicArn: sns?.TopicArn ?? '',
          messageId: sns?.MessageId ?? '',
          message: sns?.Message ?? '',
          event,
          error: r.error,
          attempts: r.attempts,
          failedAt: new Date(r.failed_ms).toISOString(),
        };
      });
  }
}
