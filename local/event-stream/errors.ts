/** An error the Kinesis API answers in AWS JSON shape; the SDK throws it by `__type` name. */
export class KinesisError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export const notFound = (what: string): KinesisError => new KinesisError('ResourceNotFoundException', what);
export const invalidArgument = (message: string): KinesisError => new KinesisError('InvalidArgumentException', message);
