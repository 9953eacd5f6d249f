// One configured S3 client: path-style (MinIO, SeaweedFS, R2 and AWS all accept it) and the
// SDK's standard retry mode, which backs off on throttling and transient network errors.
import { S3Client } from '@aws-sdk/client-s3';
import type { S3Settings } from './s3-settings';

export function createS3Client(s3: S3Settings): S3Client {
  return new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials:
      s3.accessKeyId && s3.secretAccessKey
        ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey }
        : undefined,
    retryMode: 'standard',
    maxAttempts: 5,
  });
}

/** The client that signs browser links with the read-only link credential, or none without one. */
export function createLinkSigner(s3: S3Settings): S3Client | undefined {
  if (!s3.linkAccessKeyId || !s3.linkSecretAccessKey) return undefined;
  return createS3Client({ ...s3, accessKeyId: s3.linkAccessKeyId, secretAccessKey: s3.linkSecretAccessKey });
}
