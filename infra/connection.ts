// How a client, worker or CLI finds Temporal and S3. Precedence: env vars (production: any
// Temporal cluster or Temporal Cloud, any S3) over the running embedded stack's recorded
// settings over the embedded defaults.
import { z } from 'zod';
import { S3SettingsSchema } from '../storage/s3-settings';
import { readStackRecord } from './stack-record';
import { s3Endpoint, StackSettingsSchema, temporalAddress, type StackSettings } from './stack-settings';

export const ConnectionSchema = z.object({
  temporal: z.object({
    address: z.string().min(1),
    namespace: z.string().min(1),
    /** Temporal Cloud API key; enables TLS */
    apiKey: z.string().optional(),
    tls: z.boolean().default(false),
    uiUrl: z.string().optional(),
  }),
  s3: S3SettingsSchema,
});

export type Connection = z.infer<typeof ConnectionSchema>;
export type TemporalSettings = Connection['temporal'];

export function connectionFromStack(s: StackSettings): Connection {
  return ConnectionSchema.parse({
    temporal: { address: temporalAddress(s), namespace: s.namespace, uiUrl: `http://${s.host}:${s.temporalUiPort}` },
    s3: {
      endpoint: s3Endpoint(s),
      bucket: s.bucket,
      accessKeyId: s.accessKeyId,
      secretAccessKey: s.secretAccessKey,
      linkAccessKeyId: s.linkAccessKeyId,
      linkSecretAccessKey: s.linkSecretAccessKey,
    },
  });
}

/** Resolves the connection for this process. */
export function loadConnection(env: NodeJS.ProcessEnv = process.env): Connection {
  const recorded = readStackRecord();
  const base = connectionFromStack(recorded?.settings ?? StackSettingsSchema.parse({}));
  const address = env.R1FLOW_TEMPORAL_ADDRESS ?? env.TEMPORAL_ADDRESS;
  return ConnectionSchema.parse({
    temporal: {
      address: address ?? base.temporal.address,
      namespace: env.R1FLOW_TEMPORAL_NAMESPACE ?? env.TEMPORAL_NAMESPACE ?? base.temporal.namespace,
      apiKey: env.R1FLOW_TEMPORAL_API_KEY ?? env.TEMPORAL_API_KEY,
      // an API key turns TLS on unless R1FLOW_TEMPORAL_TLS says otherwise (a local TLS-terminating proxy)
      tls:
        env.R1FLOW_TEMPORAL_TLS !== undefined && env.R1FLOW_TEMPORAL_TLS !== ''
          ? env.R1FLOW_TEMPORAL_TLS === 'true'
          : Boolean(env.R1FLOW_TEMPORAL_API_KEY ?? env.TEMPORAL_API_KEY),
      uiUrl: env.R1FLOW_TEMPORAL_UI_URL ?? (address ? undefined : base.temporal.uiUrl),
    },
    s3: {
      endpoint: env.R1FLOW_S3_ENDPOINT ?? base.s3.endpoint,
      region: env.R1FLOW_S3_REGION ?? env.AWS_REGION ?? base.s3.region,
      bucket: env.R1FLOW_S3_BUCKET ?? base.s3.bucket,
      accessKeyId: env.R1FLOW_S3_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID ?? base.s3.accessKeyId,
      secretAccessKey: env.R1FLOW_S3_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY ?? base.s3.secretAccessKey,
      // the embedded stack's link identity only while the store is the embedded one
      linkAccessKeyId:
        env.R1FLOW_S3_LINK_ACCESS_KEY_ID ?? (env.R1FLOW_S3_ENDPOINT ? undefined : base.s3.linkAccessKeyId),
      linkSecretAccessKey:
        env.R1FLOW_S3_LINK_SECRET_ACCESS_KEY ?? (env.R1FLOW_S3_ENDPOINT ? undefined : base.s3.linkSecretAccessKey),
      forcePathStyle: env.R1FLOW_S3_FORCE_PATH_STYLE !== 'false',
    },
  });
}
