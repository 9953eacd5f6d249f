// Connections to Temporal for clients (CLI, tests) and workers, from the resolved Connection.
import { Client, Connection as ClientConnection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalSettings } from './connection';

// `tls` is passed as it is: an API key alone would make the SDK turn TLS on, even where
// R1FLOW_TEMPORAL_TLS=false says the endpoint is plain (a local TLS-terminating proxy).
export async function connectClient(t: TemporalSettings): Promise<Client> {
  const connection = await ClientConnection.connect({
    address: t.address,
    tls: t.tls,
    apiKey: t.apiKey,
    connectTimeout: 5000,
  });
  return new Client({ connection, namespace: t.namespace });
}

export async function connectWorker(t: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect({ address: t.address, tls: t.tls, apiKey: t.apiKey });
}
