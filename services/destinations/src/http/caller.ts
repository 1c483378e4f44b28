import type { ApiGatewayProxyEvent } from './apiGateway.js';

export const ANONYMOUS = 'anonymous';

/**
 * Who is calling: the authorizer's subject once commands require authentication (a Cognito user
 * pool authorizer puts claims.sub there; a Lambda authorizer principalId), 'anonymous' until then.
 * Events carry it as tags.user from the start, so adding authentication changes no event shape.
 */
export function callerOf(event: ApiGatewayProxyEvent): string {
  const authorizer = event.requestContext?.authorizer;
  const sub = authorizer?.claims?.sub;
  if (typeof sub === 'string' && sub !== '') return sub;
  const principal = authorizer?.principalId;
  if (typeof principal === 'string' && principal !== '') return principal;
  return ANONYMOUS;
}
