import { type TelesyncConfig, unscreenedRegistries } from "./schema.js";

/**
 * One line per campaign that leaves a registry country unscreened (`requiredRegistries: none` or a
 * list without it), with the reason the config gives: what `telesync check` and start-up print.
 */
export function unscreenedRegistryWarnings(config: TelesyncConfig): string[] {
  return Object.entries(config.campaigns).flatMap(([id, campaign]) => {
    const unscreened = unscreenedRegistries(campaign.compliance.requiredRegistries);
    if (unscreened.length === 0) return [];
    return [
      `NOT SCREENED: campaign "${id}" calls numbers in ${unscreened.join(", ")} without checking the national do-not-call registry (reason given: ${campaign.compliance.unscreenedReason ?? "none"})`,
    ];
  });
}
