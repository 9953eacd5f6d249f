// sha256 and byte count computed while data streams past, so no file is ever held in memory
// just to checksum it.
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface Digest {
  sha256: string;
  size: number;
}

export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;

  constructor(private readonly onEnd?: (digest: Digest) => Error | undefined) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const failure = this.onEnd?.(this.digest());
    done(failure ?? null);
  }

  private digestValue: Digest | undefined;

  /** Valid once the stream has ended. */
  digest(): Digest {
    this.digestValue ??= { sha256: this.hash.digest('hex'), size: this.bytes };
    return this.digestValue;
  }
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
