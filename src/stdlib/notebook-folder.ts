// The notebook's folder: where a host reads the files next to a notebook, the names
// `FileAttachment`, `exportData` and `trainingSet.export` accept in it, and their types. Kept
// apart from file-attachment.ts (the files themselves, on Observable's AbstractFile), which
// loads when a cell first uses `FileAttachment`.

/**
 * Where a host reads the files next to a notebook: `weft run` from disk, the editor through
 * `weft serve`. Both confine names to the notebook's folder; `FileAttachment` refuses names
 * that leave it before asking.
 */
export interface NotebookFileSource {
  /** The bytes of a file in the notebook's folder (`name` is normalized: relative, no `.` or `..`). */
  read(name: string): Promise<Uint8Array>;
  /** The URL the host serves the file at, for `url()` and `image()`; without it, a data: URL of its bytes. */
  url?(name: string): string;
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  csv: "text/csv", tsv: "text/tab-separated-values", json: "application/json", txt: "text/plain", md: "text/markdown", html: "text/html", xml: "application/xml", svg: "image/svg+xml",
  png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp", arrow: "application/vnd.apache.arrow.file", parquet: "application/vnd.apache.parquet", zip: "application/zip",
};

/** The MIME type of a file name by its extension (application/octet-stream when unknown). */
export function mimeTypeOf(name: string): string {
  const ext = /\.([^./]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";
  return MIME_TYPES[ext] ?? "application/octet-stream";
}

/**
 * A file name relative to the notebook's folder, normalized ("./a/b.csv" and "a/./b.csv" are
 * "a/b.csv"); throws, naming the file, for a URL, an absolute path, or a path that leaves the folder.
 */
export function notebookRelativeName(name: string): string {
  const raw = String(name);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) refuseFileAttachment(raw, "a URL is fetched over the network, which FileAttachment does not do (use fetch for remote data)");
  try {
    return folderPath(raw);
  } catch (error) {
    return refuseFileAttachment(raw, (error as Error).message);
  }
}

/** Throws FileAttachment's refusal of a name, saying why. */
function refuseFileAttachment(raw: string, why: string): never {
  throw new Error(`FileAttachment(${JSON.stringify(raw)}): ${why}; FileAttachment reads only files in the notebook's folder`);
}

/**
 * A path inside the notebook's folder, normalized ("./a/b.csv" and "a/./b.csv" are "a/b.csv");
 * throws saying why for a URL, an absolute path, an invalid name, or a path that leaves the folder.
 */
export function folderPath(raw: string): string {
  const refuse = (why: string): never => {
    throw new Error(why);
  };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) refuse("a URL is not a path in the notebook's folder");
  if (raw.startsWith("/") || raw.startsWith("\\") || /^[a-zA-Z]:/.test(raw)) refuse("absolute paths are refused");
  if (raw.includes("\\") || raw.includes("\0")) refuse("invalid file name");
  const parts: string[] = [];
  for (const part of raw.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (!parts.length) refuse("the path leaves the notebook's folder");
      parts.pop();
    } else parts.push(part);
  }
  if (!parts.length) refuse("no file name");
  return parts.join("/");
}
