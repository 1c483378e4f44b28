/**
 * Elasticsearch-shaped errors. Every failure the engine reports goes through EsError so the
 * clients see `{error: {root_cause, type, reason}, status}` and map it to their ResponseError.
 */
export class EsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(reason);
    this.name = 'EsError';
  }

  toBody(): { error: Record<string, unknown>; status: number } {
    const cause = { type: this.type, reason: this.reason, ...this.extra };
    return { error: { root_cause: [cause], ...cause }, status: this.status };
  }
}

export function indexNotFound(index: string): EsError {
  return new EsError(404, 'index_not_found_exception', `no such index [${index}]`, {
    'resource.type': 'index_or_alias',
    'resource.id': index,
    index_uuid: '_na_',
    index,
  });
}

export function indexAlreadyExists(index: string, uuid: string): EsError {
  return new EsError(400, 'resource_already_exists_exception', `index [${index}/${uuid}] already exists`, {
    index_uuid: uuid,
    index,
  });
}

export function versionConflict(index: string, id: string, detail: string): EsError {
  return new EsError(409, 'version_conflict_engine_exception', `[${id}]: version conflict, ${detail}`, {
    index_uuid: '_na_',
    shard: '0',
    index,
  });
}

export function parsingError(reason: string): EsError {
  return new EsError(400, 'parsing_exception', reason);
}

export function illegalArgument(reason: string): EsError {
  return new EsError(400, 'illegal_argument_exception', reason);
}

export function documentMissing(index: string, id: string): EsError {
  return new EsError(404, 'document_missing_exception', `[${id}]: document missing`, { index_uuid: '_na_', shard: '0', index });
}
