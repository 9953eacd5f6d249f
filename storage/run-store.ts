// The artifacts of one run: keys under runs/<run>/, every write recorded in the run manifest and
// every read verified against it.
import type { ArtifactStore, ObjectRecord } from './artifact-store';
import { joinKey, runPrefix } from './keys';
import { ManifestError, readManifest, recordObjects, updateManifest, type RunManifest } from './manifest';

export class RunStore {
  readonly prefix: string;

  constructor(
    readonly store: ArtifactStore,
    readonly runId: string,
  ) {
    this.prefix = runPrefix(runId);
  }

  key(relative: string): string {
    return joinKey(this.prefix, relative);
  }

  async manifest(): Promise<RunManifest | undefined> {
    return readManifest(this.store, this.runId);
  }

  async putBytes(relative: string, bytes: Uint8Array | string, contentType?: string): Promise<ObjectRecord> {
    const record = await this.store.putBytes(this.key(relative), bytes, contentType);
    await this.record([record]);
    return record;
  }

  async putFile(relative: string, path: string, contentType?: string): Promise<ObjectRecord> {
    const record = await this.store.putFile(this.key(relative), path, contentType);
    await this.record([record]);
    return record;
  }

  async record(records: ObjectRecord[]): Promise<RunManifest> {
    return updateManifest(this.store, this.runId, (m) => recordObjects(m, records));
  }

  /** The manifest's entry for a key; an object the manifest does not list cannot be verified. */
  async expected(key: string, manifest?: RunManifest): Promise<{ sha256: string; size: number }> {
    const m = manifest ?? (await this.manifest());
    const entry = m?.objects[key];
    if (!entry)
      throw new ManifestError(
        `object ${key} is not listed in the manifest of run ${this.runId}, so it cannot be verified`,
        key,
      );
    return entry;
  }

  async getBytes(relative: string): Promise<Buffer> {
    const key = this.key(relative);
    return this.store.getBytes(key, await this.expected(key));
  }

  async getToFile(relative: string, path: string): Promise<ObjectRecord> {
    const key = this.key(relative);
    return this.store.getToFile(key, path, await this.expected(key));
  }
}
