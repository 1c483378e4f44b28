/** Where a running region answers (each is a real local endpoint). */
export interface RegionEndpoints {
  api: string;
  dynamodb: string;
  objects: string;
  streams: string;
  topics: string;
  search: string;
}

/** What a region host tells the supervisor over the IPC channel (requests and replies go through ipcRpc). */
export type HostMessage =
  | { type: 'ready'; endpoints: RegionEndpoints; services: string[] }
  | { type: 'failed'; error: string };

/** A region's answer to `status`: what is deployed in it and what keeps failing there. */
export interface RegionStatusReport {
  services: { service: string; stage: string; deployedAt: string; functions: string[]; routes: string[] }[];
  functionFaults: number;
  topicFaults: number;
}

/** The supervisor's `deploy` request to a region host. */
export interface DeployCall {
  serviceDir: string;
  stage: string;
  /** Deploy even if nothing changed since the service's recorded deployment in the region. */
  force: boolean;
}
