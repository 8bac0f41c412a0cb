// The raw floor of OTLP ingest: a plain Node HTTP server that reads each request body and
// decodes it with Weft's own protobuf decoder (`decodeTraces`), then discards it and answers
// 200 with an empty ExportTraceServiceResponse. With `--map` it also maps the spans to call
// patches (`spansToPatches`), the collector's work short of the store. Prints its port.
//   node --import tsx bench/ingest/floor-server.ts [--map]

import { createServer } from "node:http";
import { decodeTraces, spansToPatches } from "../../src/prod/ingest.ts";

const map = process.argv.includes("--map");
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    try {
      const decoded = decodeTraces(Buffer.concat(chunks), "protobuf");
      if (map) spansToPatches(decoded);
      res.writeHead(200, { "content-type": "application/x-protobuf" });
      res.end();
    } catch (error) {
      res.writeHead(400, { "content-type": "text/plain" });
      res.end(String(error));
    }
  });
});
server.keepAliveTimeout = 5_000;
server.listen(0, "127.0.0.1", () => console.log(`listening on ${(server.address() as { port: number }).port}`));
process.on("SIGTERM", () => process.exit(0));
