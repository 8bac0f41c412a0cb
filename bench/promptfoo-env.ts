import path from "node:path";

/** Environment that keeps promptfoo's home, config and cache under `dir` and turns off everything that reaches the network. */
export function promptfooEnv(dir: string): NodeJS.ProcessEnv {
  return {
    HOME: path.join(dir, "home"),
    PROMPTFOO_CONFIG_DIR: path.join(dir, "promptfoo"),
    PROMPTFOO_CACHE_PATH: path.join(dir, "promptfoo/cache"),
    PROMPTFOO_DISABLE_TELEMETRY: "1",
    PROMPTFOO_DISABLE_UPDATE: "1",
    PROMPTFOO_DISABLE_SHARING: "1",
    PROMPTFOO_DISABLE_REMOTE_GENERATION: "1",
    PROMPTFOO_DISABLE_REDTEAM_REMOTE_GENERATION: "1",
    PROMPTFOO_DISABLE_SHARE_EMAIL_REQUEST: "1",
    OPENAI_API_KEY: "sk-bench",
  };
}
