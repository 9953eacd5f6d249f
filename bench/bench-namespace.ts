// A benchmark's own Temporal namespace on the test stack: the test suite's workers poll the
// pipeline's task-queue names in the `default` namespace, and they would take (or lose) a
// benchmark run's tasks if both shared it.
import { msToTs } from '@temporalio/common/lib/time';
import protos from '@temporalio/proto';
import { searchAttributeTypes } from '../contracts/search-attributes';
import { connectionFromStack, type Connection } from '../infra/connection';
import { waitFor } from '../infra/processes';
import { readStackRecord } from '../infra/stack-record';
import { connectClient } from '../infra/temporal-client';

/** The test stack's connection, in a benchmark's own namespace. */
export function stackConnection(namespace: string): Connection {
  const record = readStackRecord();
  if (!record) throw new Error(`no stack record in ${process.env.R1FLOW_STATE_DIR}: the test stack is not running`);
  const connection = connectionFromStack(record.settings);
  return { ...connection, temporal: { ...connection.temporal, namespace } };
}

/** Registers the benchmark namespace with the pipeline's search attributes, once; waits until usable. */
export async function ensureBenchNamespace(connection: Connection): Promise<void> {
  const client = await connectClient(connection.temporal);
  const namespace = connection.temporal.namespace;
  try {
    try {
      await client.workflowService.describeNamespace({ namespace });
    } catch {
      await client.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
    }
    const types = protos.temporal.api.enums.v1.IndexedValueType;
    const registered = async () =>
      (await client.connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
    // the frontend learns of a new namespace on its next cache refresh
    const hint = () => "see the test stack's temporal.log";
    await waitFor(`namespace ${namespace}`, async () => Boolean(await registered()), 60000, hint);
    const have = await registered();
    const missing = Object.entries(searchAttributeTypes()).filter(([name]) => !(name in have));
    if (missing.length > 0) {
      await client.connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(
          missing.map(([name, type]) => [
            name,
            type === 'Int' ? types.INDEXED_VALUE_TYPE_INT : types.INDEXED_VALUE_TYPE_KEYWORD,
          ]),
        ),
      });
    }
    await waitFor(
      `search attributes of namespace ${namespace}`,
      async () => {
        const now = await registered();
        return Object.keys(searchAttributeTypes()).every((name) => name in now);
      },
      60000,
      hint,
    );
  } finally {
    await client.connection.close();
  }
}
