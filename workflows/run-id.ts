// The run id is the pipeline's workflow id, made safe for S3 keys. Schedules append a timestamp
// with ':' to their workflow ids, so anything outside [A-Za-z0-9._-] becomes '-'.
export function runIdFromWorkflowId(workflowId: string): string {
  const cleaned = workflowId.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return (cleaned || 'run').slice(0, 128);
}

export function stageWorkflowId(pipelineWorkflowId: string, stage: string): string {
  return `${pipelineWorkflowId}/${stage}`;
}
