import type { GgufHeader, GgufValue } from './gguf-file';

// Typed access to GGUF metadata: each getter names the file and the key when a value is missing
// or of the wrong kind, so a malformed model is refused with one sentence.

export class MetadataFields {
  constructor(private readonly header: GgufHeader) {}

  has(key: string): boolean {
    return this.header.metadata.has(key);
  }

  error(key: string, problem: string): Error {
    return new Error(`GGUF file ${this.header.file}: metadata "${key}" ${problem}.`);
  }

  string(key: string): string {
    const value = this.optionalString(key);
    if (value === undefined) throw this.error(key, 'is missing');
    return value;
  }

  optionalString(key: string): string | undefined {
    const entry = this.header.metadata.get(key);
    if (!entry) return undefined;
    if (entry.type !== 'STRING') throw this.error(key, `must be a STRING, not ${entry.type}`);
    return entry.value as string;
  }

  /** A non-negative integer of any integer type, as a safe JS number. */
  integer(key: string): number {
    const value = this.optionalInteger(key);
    if (value === undefined) throw this.error(key, 'is missing');
    return value;
  }

  optionalInteger(key: string): number | undefined {
    const entry = this.header.metadata.get(key);
    if (!entry) return undefined;
    return this.asInteger(key, entry.value, entry.type);
  }

  optionalFloat(key: string): number | undefined {
    const entry = this.header.metadata.get(key);
    if (!entry) return undefined;
    if (entry.type !== 'FLOAT32' && entry.type !== 'FLOAT64')
      throw this.error(key, `must be a FLOAT32, not ${entry.type}`);
    return entry.value as number;
  }

  float(key: string): number {
    const value = this.optionalFloat(key);
    if (value === undefined) throw this.error(key, 'is missing');
    return value;
  }

  optionalBool(key: string): boolean | undefined {
    const entry = this.header.metadata.get(key);
    if (!entry) return undefined;
    if (entry.type !== 'BOOL') throw this.error(key, `must be a BOOL, not ${entry.type}`);
    return entry.value as boolean;
  }

  optionalStringArray(key: string): string[] | undefined {
    const entry = this.header.metadata.get(key);
    if (!entry) return undefined;
    if (entry.type !== 'ARRAY' || entry.elementType !== 'STRING')
      throw this.error(key, `must be an ARRAY of STRING, not ${describe(entry.type, entry.elementType)}`);
    return entry.value as string[];
  }

  optionalIntegerArray(key: string): number[] | undefined {
    const entry = this.header.metadata.get(key);
    if (!entry) return undefined;
    if (entry.type !== 'ARRAY' || !isIntegerType(entry.elementType))
      throw this.error(key, `must be an ARRAY of integers, not ${describe(entry.type, entry.elementType)}`);
    return (entry.value as GgufValue[]).map((value) => this.asInteger(key, value, entry.elementType!));
  }

  private asInteger(key: string, value: GgufValue, type: string): number {
    if (!isIntegerType(type)) throw this.error(key, `must be an integer, not ${type}`);
    const number = typeof value === 'bigint' ? Number(value) : (value as number);
    if (!Number.isSafeInteger(number) || number < 0)
      throw this.error(key, `is ${String(value)}, not a usable count or id`);
    return number;
  }
}

function isIntegerType(type: string | undefined): boolean {
  return type !== undefined && /^U?INT(8|16|32|64)$/.test(type);
}

function describe(type: string, elementType: string | undefined): string {
  return elementType ? `${type} of ${elementType}` : type;
}
