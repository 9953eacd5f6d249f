/** Messages between the verifier and its CAS worker. */

export type CasRequest =
  { op: 'equal'; gold: string; pred: string; float: boolean } | { op: 'parses'; latex: string } | { op: 'spin' };

export type CasResponse = { ok: true; value: boolean } | { ok: false; error: string };
