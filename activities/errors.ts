// Errors an activity raises for bad input data. Their class name becomes the Temporal failure
// type, which the workflows list as non-retryable: retrying cannot fix a bad object or file.
export class BadDataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BadDataError';
  }
}
