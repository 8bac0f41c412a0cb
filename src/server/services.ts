import type { ProviderConfig } from "../llm/index.ts";
import type { TraceStore } from "../store/index.ts";
import { monitorsService } from "./monitors-service.ts";
import { useNodeSha256 } from "./node-sha256.ts";
import { datasetsService } from "./datasets-service.ts";
import { promptsService } from "./prompts-service.ts";
import { rulesService } from "./rules-service.ts";
import { alertsService } from "./alerts-service.ts";
import { createProductionServices, type ProductionServices, type ServiceFactory } from "./prod-services.ts";

/** Every production service a collector runs, in start order. */
const FACTORIES: readonly ServiceFactory[] = [datasetsService, promptsService, (ctx) => rulesService(ctx), monitorsService, (ctx) => alertsService(ctx, { defaultWebhook: process.env.WEFT_ALERT_WEBHOOK || null })];

/** The production services (datasets, prompts, curation rules, monitors, alerts) on a store, for `weft collect` and `weft serve`. */
export function productionServices(store: TraceStore, options: { readonly providers?: readonly ProviderConfig[]; readonly log?: (message: string) => void; readonly now?: () => number } = {}): ProductionServices {
  // Sampling and digests in the services use Node's native SHA-256.
  useNodeSha256();
  return createProductionServices(store, options, FACTORIES);
}
