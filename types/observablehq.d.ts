// @observablehq/runtime, inspector and parser ship no types; these cover what Weft uses.
declare module "@observablehq/runtime" {
  export interface Observer {
    pending?(): void;
    fulfilled?(value: unknown, name?: string | null): void;
    rejected?(error: unknown, name?: string | null): void;
  }
  export class Variable {
    define(name: string | null, inputs: readonly string[], definition: (...args: any[]) => unknown): this;
    define(inputs: readonly string[], definition: (...args: any[]) => unknown): this;
    delete(): this;
  }
  export class Module {
    variable(observer?: Observer | boolean, options?: { shadow?: Record<string, unknown> }): Variable;
    define(name: string, inputs: readonly string[], definition: (...args: any[]) => unknown): Variable;
    redefine(name: string, inputs: readonly string[], definition: (...args: any[]) => unknown): Variable;
    value(name: string): Promise<unknown>;
  }
  export class Runtime {
    constructor(builtins?: Record<string, unknown>, global?: (name: string) => unknown);
    module(): Module;
    dispose(): void;
  }
  export class RuntimeError extends Error {
    input?: string;
  }
}
declare module "@observablehq/inspector" {
  export class Inspector {
    constructor(node: Element);
    pending(): void;
    fulfilled(value: unknown, name?: string | null): void;
    rejected(error: unknown, name?: string | null): void;
    static into(container: Element | string): () => Inspector;
  }
}
declare module "@observablehq/inputs" {
  const Inputs: Record<string, (...args: any[]) => any>;
  export = Inputs;
}
declare module "weft:inspector.css";
declare module "weft:inputs.css";
