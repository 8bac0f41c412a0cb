/** Input the production services refuse, naming the field at fault (`columns.answer`, `sample`); `missing` marks a name that does not exist (404). */
export class InputError extends Error {
  constructor(readonly field: string, message: string, readonly missing = false) {
    super(`${field}: ${message}`);
    this.name = "InputError";
  }
}
