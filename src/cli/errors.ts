/** A mistake of the user's (bad option, missing file, bad ELF): printed as one line, exit status 2. */
export class UsageError extends Error {
  constructor(message: string, readonly status = 2) { super(message); }
}
