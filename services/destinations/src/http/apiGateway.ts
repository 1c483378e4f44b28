/** API Gateway REST proxy (v1) event and result: the fields this service reads and writes. */
export interface ApiGatewayProxyEvent {
  resource?: string;
  path: string;
  httpMethod: string;
  headers?: Record<string, string | undefined> | null;
  pathParameters?: Record<string, string | undefined> | null;
  queryStringParameters?: Record<string, string | undefined> | null;
  requestContext?: {
    requestId?: string;
    authorizer?: { principalId?: unknown; claims?: Record<string, unknown> | null } | null;
  } | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface ApiGatewayProxyResult {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** A header by name, whatever case the client (or API Gateway) used. */
export function header(event: ApiGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
