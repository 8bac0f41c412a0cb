import { memoryDisk, openMemoryStore } from "../../src/store/index.ts";
import { storeContract } from "./contract.ts";

storeContract("memory", () => {
  const disk = memoryDisk();
  return (schema) => openMemoryStore({ disk, schema });
});
