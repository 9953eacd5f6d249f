// The S3 artifact store: every write returns the object's sha256 and size (computed while
// streaming), and every read can verify them. Large files go up in parts and come down as
// streams, so memory stays bounded whatever the checkpoint size.
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3ServiceException,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AccessDeniedError, ChecksumMismatchError, ObjectNotFoundError } from './errors';
import { HashingStream, sha256Hex, type Digest } from './hashing';
import { validateKey } from './keys';
import { withRetry as retryWith, type RetryOptions } from './retry';

/** An object as written: what a manifest records and what a read verifies against. */
export interface ObjectRecord extends Digest {
  key: string;
}

export interface ObjectInfo {
  key: string;
  size: number;
  etag?: string;
  lastModified?: Date;
}

/** The version of a small object as read, for a conditional write back (compare-and-swap). */
export interface VersionedBytes {
  bytes: Buffer;
  etag?: string;
}

/** `ifMatch`: replace only this version; `ifAbsent`: create only if no object exists. */
export type WriteCondition = { ifMatch: string } | { ifAbsent: true };

export interface ArtifactStoreOptions {
  /** Objects larger than this go up as multipart uploads of this part size (S3 minimum 5 MiB). */
  partSize?: number;
  /** Parts in flight at once; memory use is about partSize × queueSize. */
  queueSize?: number;
  /** retries of whole operations, and how long an unreachable store is waited for (storage/retry) */
  retry?: RetryOptions;
  /** signs browser links (storage/presign) with a read-only credential; without it there are none */
  linkSigner?: S3Client;
}

/** The bytes as a Buffer over the same memory (no copy). */
function asBuffer(bytes: Uint8Array | string): Buffer {
  return typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class ArtifactStore {
  private readonly partSize: number;
  private readonly queueSize: number;
  private readonly retry: RetryOptions;
  readonly linkSigner?: S3Client;
  /** false once the store has answered a conditional write with 501 Not Implemented */
  private conditionalWrites = true;

  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    options: ArtifactStoreOptions = {},
  ) {
    this.partSize = Math.max(5 * 1024 * 1024, options.partSize ?? 8 * 1024 * 1024);
    this.queueSize = options.queueSize ?? 2;
    this.retry = options.retry ?? {};
    this.linkSigner = options.linkSigner;
  }

  private withRetry<T>(op: () => Promise<T>): Promise<T> {
    return retryWith(op, this.retry);
  }

  uri(key: string): string {
    return `s3://${this.bucket}/${validateKey(key)}`;
  }

  async putBytes(
    key: string,
    bytes: Uint8Array | string,
    contentType = 'application/octet-stream',
  ): Promise<ObjectRecord> {
    validateKey(key);
    const chunk = asBuffer(bytes);
    return this.withRetry(() => this.upload(key, Readable.from([chunk]), contentType));
  }

  /** Streams a local file up (multipart above the part size); a transient failure re-reads the file. */
  async putFile(key: string, path: string, contentType = 'application/octet-stream'): Promise<ObjectRecord> {
    validateKey(key);
    return this.withRetry(() => this.upload(key, createReadStream(path), contentType));
  }

  private async upload(key: string, source: Readable, contentType: string): Promise<ObjectRecord> {
    const hashing = new HashingStream();
    const body = source.pipe(hashing);
    source.on('error', (err) => hashing.destroy(err));
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (err) {
      throw this.translate(err, key);
    }
    return { key, ...hashing.digest() };
  }

  /**
   * Opens an object as a stream. With `expected`, the stream errors with ChecksumMismatchError
   * at its end if the bytes differ from what was written.
   */
  async getStream(key: string, expected?: Digest): Promise<Readable> {
    validateKey(key);
    const response = await this.withRetry(() =>
      this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })),
    ).catch((err) => {
      throw this.translate(err, key);
    });
    const body = response.Body as Readable | undefined;
    if (!body) throw new ObjectNotFoundError(key, this.bucket);
    if (!expected) return body;
    const verifier = new HashingStream((actual) =>
      actual.sha256 === expected.sha256 && actual.size === expected.size
        ? undefined
        : new ChecksumMismatchError(key, expected, actual),
    );
    body.on('error', (err) => verifier.destroy(err));
    return body.pipe(verifier);
  }

  async getBytes(key: string, expected?: Digest): Promise<Buffer> {
    const stream = await this.getStream(key, expected);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * Downloads to a file through a temporary name and renames only after verification, so a bad
   * or interrupted download never replaces a good local file.
   */
  async getToFile(key: string, path: string, expected?: Digest): Promise<ObjectRecord> {
    const tmp = `${path}.partial-${process.pid}`;
    const hashing = new HashingStream();
    try {
      await pipeline(await this.getStream(key, expected), hashing, createWriteStream(tmp));
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { key, ...hashing.digest() };
  }

  /** A small object with its ETag, or undefined when there is none. */
  async getVersioned(key: string): Promise<VersionedBytes | undefined> {
    validateKey(key);
    try {
      const response = await this.withRetry(() =>
        this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })),
      );
      const bytes = Buffer.from(await response.Body!.transformToByteArray());
      return { bytes, etag: response.ETag };
    } catch (err) {
      const translated = this.translate(err, key);
      if (translated instanceof ObjectNotFoundError) return undefined;
      throw translated;
    }
  }

  /**
   * Writes a small object only if it is still the version that was read (S3 conditional writes:
   * AWS, MinIO, SeaweedFS, R2). Returns undefined when another writer got there first. A store
   * that does not implement the condition (HTTP 501) gets a plain write: last writer wins.
   */
  async putBytesIf(
    key: string,
    bytes: Uint8Array | string,
    condition: WriteCondition,
    contentType = 'application/octet-stream',
  ): Promise<ObjectRecord | undefined> {
    validateKey(key);
    const body = asBuffer(bytes);
    const record: ObjectRecord = { key, sha256: sha256Hex(body), size: body.byteLength };
    const put = (withCondition: boolean) =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentType: contentType,
          ...(withCondition ? ('ifMatch' in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: '*' }) : {}),
        }),
      );
    try {
      await this.withRetry(() => put(this.conditionalWrites));
      return record;
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      // 412: the object changed since it was read; 409: a concurrent conditional write is in progress
      if (status === 412 || status === 409) return undefined;
      if (status === 501 && this.conditionalWrites) {
        this.conditionalWrites = false;
        await this.withRetry(() => put(false)).catch((e) => {
          throw this.translate(e, key);
        });
        return record;
      }
      throw this.translate(err, key);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    validateKey(key);
    try {
      const r = await this.withRetry(() => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })));
      return { key, size: r.ContentLength ?? 0, etag: r.ETag, lastModified: r.LastModified };
    } catch (err) {
      const translated = this.translate(err, key);
      if (translated instanceof ObjectNotFoundError) return undefined;
      throw translated;
    }
  }

  async exists(key: string): Promise<boolean> {
    return (await this.head(key)) !== undefined;
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    if (prefix !== '') validateKey(prefix);
    let token: string | undefined;
    do {
      const page = await this.withRetry(() =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ContinuationToken: token,
          }),
        ),
      ).catch((err) => {
        throw this.translate(err, prefix);
      });
      for (const o of page.Contents ?? []) {
        if (o.Key) yield { key: o.Key, size: o.Size ?? 0, etag: o.ETag, lastModified: o.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    await this.deleteMany([validateKey(key)]);
  }

  async deletePrefix(prefix: string): Promise<number> {
    const keys: string[] = [];
    for await (const o of this.list(validateKey(prefix))) keys.push(o.key);
    await this.deleteMany(keys);
    return keys.length;
  }

  private async deleteMany(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      await this.withRetry(() =>
        this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
          }),
        ),
      ).catch((err) => {
        throw this.translate(err, batch[0] ?? '');
      });
    }
  }

  /** Maps SDK errors onto errors that name the key. */
  private translate(err: unknown, key: string): unknown {
    if (err instanceof S3ServiceException) {
      const status = err.$metadata.httpStatusCode;
      if (err.name === 'NoSuchKey' || err.name === 'NotFound' || status === 404)
        return new ObjectNotFoundError(key, this.bucket, { cause: err });
      if (err.name === 'AccessDenied' || err.name === 'Forbidden' || status === 403)
        return new AccessDeniedError(key, this.bucket, { cause: err });
      if (err.name === 'NoSuchBucket') return new ObjectNotFoundError(key, this.bucket, { cause: err });
    }
    return err;
  }
}
