// The embedded dev stack's settings: ports, credentials, bucket. Defaults are the well-known ports
// of each service; every one can be moved (two stacks side by side, or a port already taken).
import { z } from 'zod';

const port = z.number().int().min(1).max(65535);

export const StackSettingsSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  temporalPort: port.default(7233),
  temporalUiPort: port.default(8233),
  namespace: z.string().default('default'),
  s3Port: port.default(8333),
  seaweedMasterPort: port.default(9333),
  seaweedVolumePort: port.default(9340),
  seaweedFilerPort: port.default(8888),
  bucket: z.string().default('r1flow'),
  accessKeyId: z.string().default('r1flow-dev'),
  secretAccessKey: z.string().default('r1flow-dev-secret'),
  // a second, read-only identity that signs the report links the UI shows (storage/presign)
  linkAccessKeyId: z.string().default('r1flow-dev-links'),
  linkSecretAccessKey: z.string().default('r1flow-dev-links-secret'),
});

export type StackSettings = z.infer<typeof StackSettingsSchema>;

/** SeaweedFS gRPC ports are its HTTP ports + 10000; all of them must be free. */
export const SEAWEED_GRPC_OFFSET = 10000;

/** The two services of the embedded stack, by the names the stack record uses. */
export type StackService = 'temporal' | 'seaweedfs';

export function stackPorts(
  s: StackSettings,
): Array<{ port: number; what: string; flag: string; service: StackService }> {
  const t = 'temporal' as const;
  const w = 'seaweedfs' as const;
  return [
    { port: s.temporalPort, what: 'Temporal gRPC', flag: '--temporal-port', service: t },
    { port: s.temporalUiPort, what: 'Temporal Web UI', flag: '--ui-port', service: t },
    { port: s.s3Port, what: 'SeaweedFS S3', flag: '--s3-port', service: w },
    { port: s.seaweedMasterPort, what: 'SeaweedFS master', flag: '--seaweed-master-port', service: w },
    { port: s.seaweedVolumePort, what: 'SeaweedFS volume', flag: '--seaweed-volume-port', service: w },
    { port: s.seaweedFilerPort, what: 'SeaweedFS filer', flag: '--seaweed-filer-port', service: w },
    { port: s.s3Port + SEAWEED_GRPC_OFFSET, what: 'SeaweedFS S3 gRPC', flag: '--s3-port', service: w },
    {
      port: s.seaweedMasterPort + SEAWEED_GRPC_OFFSET,
      what: 'SeaweedFS master gRPC',
      flag: '--seaweed-master-port',
      service: w,
    },
    {
      port: s.seaweedVolumePort + SEAWEED_GRPC_OFFSET,
      what: 'SeaweedFS volume gRPC',
      flag: '--seaweed-volume-port',
      service: w,
    },
    {
      port: s.seaweedFilerPort + SEAWEED_GRPC_OFFSET,
      what: 'SeaweedFS filer gRPC',
      flag: '--seaweed-filer-port',
      service: w,
    },
  ];
}

export function temporalAddress(s: StackSettings): string {
  return `${s.host}:${s.temporalPort}`;
}

export function s3Endpoint(s: StackSettings): string {
  return `http://${s.host}:${s.s3Port}`;
}

export function uiUrl(s: StackSettings): string {
  return `http://${s.host}:${s.temporalUiPort}`;
}
