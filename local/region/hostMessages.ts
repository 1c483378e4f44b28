/** Where a running region answers (each is a real local endpoint). */
export interface RegionEndpoints {
  api: string;
  dynamodb: string;
  objects: string;
  streams: string;
  topics: string;
  search: string;
}

/** What a region host tells the supervisor over the IPC channel. */
export type HostMessage =
  | { type: 'ready'; endpoints: RegionEndpoints }
  | { type: 'failed'; error: string };
