/**
 * A request body Weft cannot use as a whole: the server answers 400 and stores nothing.
 * `path` names the part at fault (`resourceSpans[0].scopeSpans[1].spans[3].spanId`), and is
 * empty when the body itself is at fault.
 */
export class IngestError extends Error {
  constructor(readonly path: string, message: string) {
    super(path ? `${path}: ${message}` : message);
    this.name = "IngestError";
  }
}
