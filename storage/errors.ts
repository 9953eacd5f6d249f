// Storage errors always carry the key, so a user can find the object that is wrong.

export class StorageError extends Error {
  constructor(
    message: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class InvalidKeyError extends StorageError {}

export class ObjectNotFoundError extends StorageError {
  constructor(key: string, bucket: string, options?: { cause?: unknown }) {
    super(`object ${key} not found in bucket ${bucket}`, key, options);
  }
}

export class AccessDeniedError extends StorageError {
  constructor(key: string, bucket: string, options?: { cause?: unknown }) {
    super(`access denied to ${key} in bucket ${bucket}: check the S3 credentials and their policy`, key, options);
  }
}

export class ChecksumMismatchError extends StorageError {
  constructor(
    key: string,
    readonly expected: { sha256: string; size: number },
    readonly actual: { sha256: string; size: number },
  ) {
    super(
      `checksum mismatch for ${key}: expected sha256 ${expected.sha256} (${expected.size} bytes), got ${actual.sha256} (${actual.size} bytes); the object was altered or truncated after it was written`,
      key,
    );
  }
}
