// The artifact store of a set of S3 settings: its client, its bucket and, when a read-only link
// credential is configured, the signer of browser links.
import { ArtifactStore, type ArtifactStoreOptions } from './artifact-store';
import { createLinkSigner, createS3Client } from './s3-client';
import type { S3Settings } from './s3-settings';

export function openArtifactStore(
  s3: S3Settings,
  options: Omit<ArtifactStoreOptions, 'linkSigner'> = {},
): ArtifactStore {
  return new ArtifactStore(createS3Client(s3), s3.bucket, { ...options, linkSigner: createLinkSigner(s3) });
}
