import { rename, writeFile } from "node:fs/promises";
import { DOMParser, parseHTML } from "linkedom";
import { parse, serialize } from "../notebook/index.ts";
import { exportKitHtml, importKitHtml } from "../notebook/kit.ts";
import { readTextFile } from "./notebook-file.ts";

/** Converts an Observable Notebook Kit HTML notebook into a Weft Markdown notebook (written atomically). */
export async function importKit(htmlFile: string, mdFile: string): Promise<number> {
  const notebook = importKitHtml(await readTextFile(htmlFile, "Notebook Kit page"), { parser: new DOMParser() as unknown as globalThis.DOMParser });
  await atomicWrite(mdFile, serialize(notebook));
  return notebook.cells.length;
}

/** Converts a Weft Markdown notebook into an Observable Notebook Kit HTML notebook (written atomically). */
export async function exportKit(mdFile: string, htmlFile: string): Promise<number> {
  const notebook = parse(await readTextFile(mdFile));
  const { document } = parseHTML("<!doctype html><html><head></head><body></body></html>");
  await atomicWrite(htmlFile, exportKitHtml(notebook, { document: document as unknown as Document }));
  return notebook.cells.length;
}

async function atomicWrite(file: string, text: string): Promise<void> {
  const temp = `${file}.weft-tmp`;
  await writeFile(temp, text, "utf8");
  await rename(temp, file);
}
