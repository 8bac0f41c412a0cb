/** A notebook file that cannot be parsed; `line` is 1-based. */
export class NotebookSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(`${message} (line ${line})`);
    this.name = "NotebookSyntaxError";
    this.line = line;
  }
}
