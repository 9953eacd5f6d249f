import fs from 'node:fs';

/** Bytes read from the file at a time while parsing the header. */
const CHUNK_BYTES = 1 << 20;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a GGUF header front to back from an open file, a chunk at a time, so a header of many
 * megabytes (a 150k-token vocabulary) is never read whole and the tensor data is not read at
 * all. Every read checks that the bytes exist before it takes them, so a truncated file or an
 * absurd length field is a sentence naming the file, never an allocation of the claimed size.
 */
export class HeaderCursor {
  position = 0;
  private chunk = Buffer.alloc(0);
  private chunkStart = 0;

  constructor(
    private readonly fd: number,
    readonly fileSize: number,
    readonly file: string,
  ) {}

  get remaining(): number {
    return this.fileSize - this.position;
  }

  /** An error about the file, as one sentence: `GGUF file <file>: <what>.` */
  error(what: string): Error {
    return new Error(`GGUF file ${this.file}: ${what}.`);
  }

  // Each reader calls take() before touching this.chunk: take() may replace the chunk.
  u8(what: string): number {
    const at = this.take(1, what);
    return this.chunk[at];
  }
  i8(what: string): number {
    const at = this.take(1, what);
    return this.chunk.readInt8(at);
  }
  u16(what: string): number {
    const at = this.take(2, what);
    return this.chunk.readUInt16LE(at);
  }
  i16(what: string): number {
    const at = this.take(2, what);
    return this.chunk.readInt16LE(at);
  }
  u32(what: string): number {
    const at = this.take(4, what);
    return this.chunk.readUInt32LE(at);
  }
  i32(what: string): number {
    const at = this.take(4, what);
    return this.chunk.readInt32LE(at);
  }
  f32(what: string): number {
    const at = this.take(4, what);
    return this.chunk.readFloatLE(at);
  }
  f64(what: string): number {
    const at = this.take(8, what);
    return this.chunk.readDoubleLE(at);
  }
  u64(what: string): bigint {
    const at = this.take(8, what);
    return this.chunk.readBigUInt64LE(at);
  }
  i64(what: string): bigint {
    const at = this.take(8, what);
    return this.chunk.readBigInt64LE(at);
  }

  /**
   * A u64 count or size that must be at most `limit` (what the rest of the file can hold, or
   * the largest safe integer), checked before anything is allocated for it.
   */
  u64Count(what: string, limit: number): number {
    const at = this.position;
    const value = this.u64(what);
    if (value > BigInt(limit))
      throw this.error(
        `${what} at byte ${at} is ${value}, more than the ${limit} the rest of the file can hold (the file is truncated or the field corrupt)`,
      );
    return Number(value);
  }

  /** A GGUF string: u64 byte length, then UTF-8 bytes (no terminator). */
  string(what: string, maxBytes: number): string {
    const at = this.position;
    const length = this.u64(`the length of ${what}`);
    if (length > BigInt(Math.min(maxBytes, this.remaining))) {
      const limit = length > BigInt(this.remaining) ? `the ${this.remaining} bytes left in the file` : `${maxBytes}`;
      throw this.error(`${what} at byte ${at} claims ${length} bytes, more than ${limit}`);
    }
    const start = this.take(Number(length), what);
    try {
      return utf8.decode(this.chunk.subarray(start, start + Number(length)));
    } catch {
      throw this.error(`${what} at byte ${at} is not valid UTF-8`);
    }
  }

  /** Moves to an absolute position inside the file (used to skip the padding before the data). */
  seek(position: number): void {
    if (position > this.fileSize)
      throw this.error(
        `the tensor data would start at byte ${position}, past the end of the file (${this.fileSize} bytes)`,
      );
    this.position = position;
  }

  /** Makes `n` bytes at the position available in the chunk and returns their offset in it. */
  private take(n: number, what: string): number {
    if (n > this.remaining) {
      throw this.error(
        `it is truncated: ${what} needs ${n} bytes at byte ${this.position}, but the file ends at byte ${this.fileSize}`,
      );
    }
    let offset = this.position - this.chunkStart;
    if (offset < 0 || offset + n > this.chunk.length) {
      this.fill(Math.min(Math.max(n, CHUNK_BYTES), this.remaining));
      offset = 0;
    }
    this.position += n;
    return offset;
  }

  private fill(length: number): void {
    if (this.chunk.length !== length) this.chunk = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const read = fs.readSync(this.fd, this.chunk, done, length - done, this.position + done);
      if (read === 0) throw this.error(`it ended while reading byte ${this.position + done}`);
      done += read;
    }
    this.chunkStart = this.position;
  }
}
