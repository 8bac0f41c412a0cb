// Preloaded into every benchmarked Node process (NODE_OPTIONS=--require) when $PROBE_FILE is
// set. It appends JSON lines to that file:
//   {pid, connect: {host, port} | {path}}  for every socket a client opens (http, undici's
//                                           fetch, tls and pipes all go through net.Socket#connect),
//   {pid, exit: true, maxRssKb}              at exit: the process's peak resident set size.
// run.ts reads them to show that only 127.0.0.1 was contacted, and each tool's peak RSS.
"use strict";
const net = require("node:net");
const fs = require("node:fs");
const file = process.env.PROBE_FILE;
if (file) {
  const write = (entry) => {
    try {
      fs.appendFileSync(file, JSON.stringify({ pid: process.pid, ...entry }) + "\n");
    } catch {}
  };
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (...args) {
    const a = Array.isArray(args[0]) ? args[0][0] : args[0];
    let where;
    if (a && typeof a === "object") where = a.path ? { path: String(a.path) } : { host: String(a.host ?? "localhost"), port: Number(a.port) };
    else if (typeof a === "string" && Number.isNaN(Number(a))) where = { path: a };
    else where = { host: typeof args[1] === "string" ? args[1] : "localhost", port: Number(a) };
    write({ connect: where });
    return connect.apply(this, args);
  };
  process.on("exit", () => write({ exit: true, maxRssKb: process.resourceUsage().maxRSS }));
}
