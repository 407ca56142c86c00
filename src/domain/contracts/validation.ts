// Turns zod issues into one message a user can act on: the field's path and the problem.
import type { z } from 'zod';

export class ContractError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(path ? `${path}: ${reason}` : reason);
    this.name = 'ContractError';
  }
}

/** `["positions", 2, "markPrice"]` → `positions[2].markPrice`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

export function firstIssue(error: z.ZodError): ContractError {
  const issue = error.issues[0];
  if (!issue) return new ContractError('', 'invalid input');
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    return new ContractError(formatPath(issue.path), `unknown field${issue.keys.length > 1 ? 's' : ''} ${keys}`);
  }
  return new ContractError(formatPath(issue.path), issue.message);
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ContractError };

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, error: firstIssue(result.error) };
}
