/** Whether the front door may send requests to an origin, as its health check judges it. */
export type OriginHealth = 'healthy' | 'unhealthy';

/** A region's API as the front door sees it. */
export interface Origin {
  region: string;
  /** Base URL of the region's API endpoint. */
  api: string;
  health: OriginHealth;
}

/**
 * Where the front door may route (Route 53's latency records with their health checks): every region,
 * nearest first, each with its health now. Asked on every request, so a change of health applies to the
 * next one. Whoever answers decides what "healthy" means (the local cloud: the region's process is up);
 * the front door only reads it.
 */
export interface OriginDirectory {
  originsNearestFirst(): Origin[];
}
