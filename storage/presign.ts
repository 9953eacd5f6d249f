// Browser links to objects: a presigned GET URL works in any browser for a while, without the
// bucket being public, on AWS S3, MinIO, SeaweedFS and R2 alike. The URL names its signer's
// access key id, so links are signed with the store's read-only link credential, never the
// credential the run writes with.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ArtifactStore } from './artifact-store';
import { validateKey } from './keys';

/** The longest a SigV4 presigned URL may live: 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export interface PresignedUrl {
  url: string;
  expiresAt: string;
}

/** A link was asked of a store that has no read-only link credential. */
export class NoLinkSignerError extends Error {
  constructor() {
    super(
      'no read-only link credential is configured (R1FLOW_S3_LINK_ACCESS_KEY_ID, R1FLOW_S3_LINK_SECRET_ACCESS_KEY)',
    );
    this.name = 'NoLinkSignerError';
  }
}

export async function presignedGetUrl(
  store: ArtifactStore,
  key: string,
  expiresInSeconds = MAX_PRESIGN_SECONDS,
  now = new Date(),
): Promise<PresignedUrl> {
  if (!store.linkSigner) throw new NoLinkSignerError();
  const seconds = Math.min(Math.max(1, Math.floor(expiresInSeconds)), MAX_PRESIGN_SECONDS);
  const url = await getSignedUrl(
    store.linkSigner,
    new GetObjectCommand({ Bucket: store.bucket, Key: validateKey(key) }),
    {
      expiresIn: seconds,
      signingDate: now,
    },
  );
  return { url, expiresAt: new Date(now.getTime() + seconds * 1000).toISOString() };
}
