/**
 * Rule "images": the chart's versioned docker.io/bitnami images left the free Bitnami catalog on 2025-08-28 and
 * may no longer pull (FACTS §3). Read from the values Helm sees, so hand edits count too. Pure.
 */
import { chartImages, type ChartImage } from "../plan/charts.js";
import { getIn, valuesFinding, type EnvView, type RepoView } from "./repo.js";
import type { Finding } from "./types.js";

function inUse(values: Record<string, unknown>, image: ChartImage): boolean {
  if (image.path === "image") return true;
  if (image.path === "sentinel.image") return getIn(values, ["sentinel", "enabled"]) === true;
  if (image.path === "metrics.image") return getIn(values, ["metrics", "enabled"]) === true;
  return false;
}

function staleImages(view: RepoView, env: EnvView): string[] {
  const values = env.values;
  const globalRegistry = getIn(values, ["global", "imageRegistry"]);
  return chartImages(env.chart.name === "redis-cluster" ? "redis-cluster" : "redis", env.chart.version)
    .filter((image) => inUse(values, image))
    .flatMap((image) => {
      const path = image.path.split(".");
      const registry = String(globalRegistry || getIn(values, [...path, "registry"]) || "docker.io");
      const repository = String(getIn(values, [...path, "repository"]) ?? `bitnami/${image.name}`);
      const tag = String(getIn(values, [...path, "tag"]) ?? image.tag);
      return registry === "docker.io" && repository.startsWith("bitnami/") && tag !== "latest" ? [`${registry}/${repository}:${tag}`] : [];
    });
}

export function checkImages(view: RepoView): Finding[] {
  return view.envs.flatMap((env) => {
    const stale = staleImages(view, env);
    if (stale.length === 0) return [];
    const message =
      `versioned images ${stale.join(", ")} left the free Bitnami catalog on 2025-08-28 and may not pull; ` +
      "use add-env/set --bitnami-legacy, --image-registry <mirror>, or a Bitnami Secure Images subscription";
    return [valuesFinding(view, env, ["image"], "images", "warning", message)];
  });
}
