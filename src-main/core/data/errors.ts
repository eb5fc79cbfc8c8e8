/**
 * Every data problem is a DataError naming the file and what is wrong with it, so a user can fix
 * the input instead of reading a stack trace.
 */
export class DataError extends Error {
  constructor(
    /** The file or folder at fault. */
    readonly file: string,
    /** What is wrong, in words. */
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DataError';
  }
}
