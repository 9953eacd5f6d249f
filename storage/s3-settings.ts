// Where the artifact store lives: any S3-compatible service (AWS S3, MinIO, SeaweedFS, R2).
// infra/connection fills these from the environment or the embedded stack.
import { z } from 'zod';

export const S3SettingsSchema = z.object({
  endpoint: z.string().url().optional(),
  region: z.string().default('us-east-1'),
  bucket: z.string().min(3),
  accessKeyId: z.string().optional(),
  secretAccessKey: z.string().optional(),
  /**
   * A read-only credential that signs browser links (the report link in the UI). A link carries
   * its signer's access key id in the clear, so it must never be the run's own credential; with
   * none configured, runs show the report's s3:// URI instead of a link.
   */
  linkAccessKeyId: z.string().optional(),
  linkSecretAccessKey: z.string().optional(),
  /** path-style URLs (bucket in the path): what MinIO and SeaweedFS need; AWS and R2 accept them too */
  forcePathStyle: z.boolean().default(true),
});

export type S3Settings = z.infer<typeof S3SettingsSchema>;
