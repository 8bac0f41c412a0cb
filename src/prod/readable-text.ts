// A value as readable text: what embedding and clustering compare (a call's inputs, a dataset column).

/**
 * A value as the text a reader would see: a string as is; chat messages as their contents
 * (the user's when there are any); an object as its string values, depth first; nothing as "".
 */
export function readableText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    const messages = value.filter((m): m is { role: unknown; content: unknown } => !!m && typeof m === "object" && "role" in m && "content" in m);
    if (messages.length && messages.length === value.length) {
      const user = messages.filter((m) => m.role === "user");
      return (user.length ? user : messages).map((m) => readableText(m.content)).join("\n");
    }
    return value.map(readableText).filter(Boolean).join("\n");
  }
  if (typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (Array.isArray(o.messages)) return readableText(o.messages);
    return Object.values(o).map(readableText).filter(Boolean).join("\n");
  }
  return "";
}
