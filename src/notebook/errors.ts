/** A notebook file that cannot be parsed; `line` is 1-based. */
export class NotebookSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`${message} (line ${line})`);
    this.name = "NotebookSyntaxError";
    this.line = line;
  }
}

/** A notebook that cannot be converted to or from another format, e.g. a cell kind Notebook Kit has no mode for. */
export class NotebookInteropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotebookInteropError";
  }
}
