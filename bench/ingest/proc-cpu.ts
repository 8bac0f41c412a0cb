// CPU time of another process from /proc (Linux): its main thread and all its threads.

import { readdirSync, readFileSync } from "node:fs";

/** CPU seconds so far of a process: the main (JS) thread and the whole process. Null where /proc is not there. */
export interface ProcCpu {
  readonly main: number;
  readonly total: number;
}

export function procCpu(pid: number): ProcCpu | null {
  try {
    let main = 0;
    let total = 0;
    const tick = 100; // USER_HZ on Linux
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      } catch {
        continue; // the thread ended
      }
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const seconds = (Number(fields[11]) + Number(fields[12])) / tick;
      total += seconds;
      if (tid === String(pid)) main = seconds;
    }
    return { main, total };
  } catch {
    return null;
  }
}
