import type { APIGatewayProxyEvent } from 'aws-lambda';

export const ANONYMOUS = 'anonymous';

/**
 * Who is calling: the authorizer's subject once commands require authentication (a Cognito user
 * pool authorizer puts claims.sub there; a Lambda authorizer principalId), 'anonymous' until then.
 * Events carry it as tags.user from the start, so adding authentication changes no event shape.
 */
export function callerOf(event: { requestContext: Pick<APIGatewayProxyEvent['requestContext'], 'authorizer'> }): string {
  // The authorizer's context is whatever the authorizer returned: read it as unknown, field by field.
  const authorizer: unknown = event.requestContext?.authorizer;
  const sub = field(field(authorizer, 'claims'), 'sub');
  if (typeof sub === 'string' && sub !== '') return sub;
  const principal = field(authorizer, 'principalId');
  if (typeof principal === 'string' && principal !== '') return principal;
  return ANONYMOUS;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
