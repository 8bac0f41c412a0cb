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

/** Environment that sends every proxied request to a local sink, so nothing but 127.0.0.1 is reached. */
export function sinkEnv(sinkUrl: string): NodeJS.ProcessEnv {
  return {
    HTTP_PROXY: sinkUrl,
    HTTPS_PROXY: sinkUrl,
    http_proxy: sinkUrl,
    https_proxy: sinkUrl,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
    NO_COLOR: "1",
  };
}
