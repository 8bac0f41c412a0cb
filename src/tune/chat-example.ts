/** A chat turn of a training example, as OpenAI's chat fine-tuning format has it (`weight` 0 or 1 on assistant turns). */
export interface ChatTurn {
  readonly role: "system" | "user" | "assistant" | "tool" | "function";
  readonly content: string;
  readonly name?: string;
  readonly weight?: 0 | 1;
}

/** One training example: `{messages: [...]}`. */
export interface ChatExample {
  readonly messages: readonly ChatTurn[];
}

/** The text of an example that near-duplicate detection compares: its non-system turns, in order. */
export function exampleText(example: ChatExample): string {
  return example.messages
    .filter((m) => m.role !== "system")
    .map((m) => m.content)
    .join("\n");
}

/** An example with its keys in the canonical order (`messages`; each turn `role`, `content`, `name`, `weight`), so its JSON is byte-stable. */
export function canonicalExample(example: ChatExample): ChatExample {
  return {
    messages: example.messages.map((m) => ({
      role: m.role,
      content: m.content,
      ...(m.name !== undefined ? { name: m.name } : {}),
      ...(m.weight !== undefined ? { weight: m.weight } : {}),
    })),
  };
}
