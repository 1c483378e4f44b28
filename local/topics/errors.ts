/** An SNS Query-protocol error; the SDK maps `code` (e.g. NotFound) to its exception class. */
export class SnsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

export const topicNotFound = (): SnsError => new SnsError('NotFound', 'Topic does not exist', 404);
export const invalidParameter = (message: string): SnsError => new SnsError('InvalidParameter', `Invalid parameter: ${message}`);
