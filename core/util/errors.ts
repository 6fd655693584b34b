// Typed errors: a code a program can switch on, a message a person can act on, and the
// mPlane field at fault when there is one. Thrown only inside core; the Host boundary
// carries errors as values (HostError) instead.

export class ProbeError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  constructor(code: string, message: string, field?: string) {
    super(field !== undefined ? field + ": " + message : message);
    this.code = code;
    this.field = field;
  }
}

/** A Lua runtime error reaches `catch` as a string, not an Error: normalise both. */
export function asProbeError(e: unknown): ProbeError {
  if (e instanceof ProbeError) return e;
  if (typeof e === "string") return new ProbeError("EINTERNAL", e);
  if (e instanceof Error) return new ProbeError("EINTERNAL", e.message);
  return new ProbeError("EINTERNAL", "unknown error");
}
