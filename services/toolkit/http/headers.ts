import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * A request header by name, whatever case the client used (API Gateway passes names as sent).
 * API Gateway sends `headers: null` for a request without any, whatever the type says.
 */
export function header(event: { headers: APIGatewayProxyEvent['headers'] | null }, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
