/** Credentials for the local cloud: fixed, so no SDK credential chain ever reaches for the network. */
export const localCredentials = { accessKeyId: 'meridianlocal', secretAccessKey: 'meridianlocal' } as const;
