/**
 * Image sources after Bitnami's 2025 catalog change (FACTS §3): registry mirrors, repository prefixes and the
 * frozen docker.io/bitnamilegacy catalog, and what each means for the chart's image verification. Pure.
 */
import type { ChartSource, EnvironmentSpec } from "../model.js";
import { chartImages, chartKindOf, verifiesImages, type ChartImage } from "./charts.js";

export const DEFAULT_IMAGE_REGISTRY = "docker.io";
export const BITNAMI_NAMESPACE = "bitnami";
export const LEGACY_NAMESPACE = "bitnamilegacy";

export interface ResolvedImage extends ChartImage {
  registry: string;
  repository: string;
  /** Pulled from somewhere the chart does not recognize: its verification fails without allowInsecureImages. */
  substituted: boolean;
}

type ImageEnv = Pick<EnvironmentSpec, "images" | "topology" | "metrics">;

export function resolveImages(env: ImageEnv, chart: ChartSource): ResolvedImage[] {
  const registry = env.images.registry ?? DEFAULT_IMAGE_REGISTRY;
  const namespace = env.images.bitnamiLegacy ? LEGACY_NAMESPACE : (env.images.repositoryPrefix ?? BITNAMI_NAMESPACE);
  const legacyOnly = registry === DEFAULT_IMAGE_REGISTRY && namespace === LEGACY_NAMESPACE;
  return chartImages(chartKindOf(env), chart.version).map((image) => {
    const repository = `${namespace}/${image.name}`;
    const changed = registry !== DEFAULT_IMAGE_REGISTRY || namespace !== BITNAMI_NAMESPACE;
    // Only a move to docker.io/bitnamilegacy is a mere warning in the chart's check (common _errors.tpl).
    return { ...image, registry, repository, substituted: changed && !legacyOnly };
  });
}

/** Images the environment's pods actually run (the others stay disabled in the chart). */
function inUse(env: ImageEnv, image: ChartImage): boolean {
  if (image.path === "image") return true;
  if (image.path === "sentinel.image") return env.topology === "sentinel";
  if (image.path === "metrics.image") return env.metrics.enabled;
  return false;
}

const fullName = (image: ResolvedImage): string => `${image.registry}/${image.repository}:${image.tag}`;

/** The image keys of the values overlay: `global.imageRegistry`, each image's repository, allowInsecureImages. */
export function imageValues(env: ImageEnv, chart: ChartSource): { global: Record<string, unknown>; repositories: Map<string, string> } {
  const images = resolveImages(env, chart);
  const global: Record<string, unknown> = {};
  if (env.images.registry) global.imageRegistry = env.images.registry;
  if (images.some((image) => image.substituted) && verifiesImages(chartKindOf(env), chart.version)) {
    global.security = { allowInsecureImages: true };
  }
  const repositories = new Map<string, string>();
  if (env.images.bitnamiLegacy || env.images.repositoryPrefix) {
    for (const image of images) repositories.set(`${image.path}.repository`, image.repository);
  }
  return { global, repositories };
}

/** Warnings for the pull request body and the command output. */
export function imageWarnings(env: ImageEnv, chart: ChartSource): string[] {
  const images = resolveImages(env, chart).filter((image) => inUse(env, image));
  const names = images.map(fullName).join(", ");
  if (images.some((image) => image.substituted)) {
    const bypass = verifiesImages(chartKindOf(env), chart.version)
      ? "; the chart's image verification is switched off for them (global.security.allowInsecureImages: true), so make sure the mirror holds exactly these images"
      : "";
    return [`images are pulled from a substitute source: ${names}${bypass}`];
  }
  if (env.images.bitnamiLegacy) {
    return [`images come from docker.io/bitnamilegacy (${names}), which Bitnami no longer updates; plan a move to a maintained registry`];
  }
  return [
    `the chart's versioned docker.io/bitnami images (${names}) left the free Bitnami catalog on 2025-08-28 and may not pull; ` +
      "use --bitnami-legacy, --image-registry <mirror> or a Bitnami Secure Images subscription",
  ];
}
