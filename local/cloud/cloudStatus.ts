import type { ReplicationStatus } from '../global-tables/globalTableReplicator.js';
import type { RegionStatusReport } from '../region/hostMessages.js';
import type { RegionState } from './regionProcess.js';

/** One region in `GET /_meridian/status` (what `meridian status` prints). */
export interface RegionStatus {
  region: string;
  state: RegionState;
  endpoints: Record<string, string>;
  pid: number | null;
  lastExit?: { code: number | null; signal: string | null; at: string };
  /**
   * What the front door's health checks say: routed to or not, and the last check's status and the
   * checks it named as failed (absent before the first check).
   */
  health?: { state: 'healthy' | 'unhealthy'; last?: { at: string; status: number; failed: string[]; error?: string } };
  /** What the region reports deployed (absent while it is down). */
  deployed?: RegionStatusReport;
}

/** The answer of `GET /_meridian/status` on the front door. */
export interface CloudStatus {
  ready: boolean;
  pid: number;
  startedAt: string;
  frontDoor: string;
  recovery: { account: string; objects: string };
  regions: RegionStatus[];
  replication: ReplicationStatus;
}
