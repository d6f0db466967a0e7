/**
 * Which chart an environment installs, and what that chart (at its pinned version) is made of: the images it
 * pulls and the version-dependent keys it knows. Shared by every controller's renderer. Pure.
 */
import type { ChartSource, EnvironmentSpec, RepoConfig } from "../model.js";
import { BASE_VALUES_FILE, CLUSTER_BASE_VALUES_FILE } from "../layout.js";

export type ChartKind = "redis" | "redis-cluster";

export const chartKindOf = (env: Pick<EnvironmentSpec, "topology">): ChartKind =>
  env.topology === "cluster" ? "redis-cluster" : "redis";

/** The pinned chart an environment installs: bitnami/redis, or bitnami/redis-cluster for topology cluster. */
export function chartFor(config: Pick<RepoConfig, "chart" | "clusterChart">, env: Pick<EnvironmentSpec, "topology">): ChartSource {
  return chartKindOf(env) === "redis-cluster" ? config.clusterChart : config.chart;
}

/** The shared values file applied before the environment's overlay; the two charts have different keys. */
export function baseValuesFileFor(env: Pick<EnvironmentSpec, "topology">): string {
  return chartKindOf(env) === "redis-cluster" ? CLUSTER_BASE_VALUES_FILE : BASE_VALUES_FILE;
}

export function compareVersions(a: string, b: readonly number[] | string): number {
  const left = a.split(/[.-]/).slice(0, 3).map(Number);
  const right = typeof b === "string" ? b.split(/[.-]/).slice(0, 3).map(Number) : b;
  for (let i = 0; i < 3; i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** One image the chart pulls: where its values live and its default `bitnami/<name>:<tag>`. */
export interface ChartImage {
  /** Dot path of the image map in values.yaml (registry/repository/tag live below it). */
  path: string;
  name: string;
  tag: string;
}

interface KnownChart {
  version: string;
  images: ChartImage[];
}

/**
 * Images of the pinned chart versions, read from each version's values.yaml (../shared/charts, FACTS §1, §4).
 * A version between two known ones is treated like the older one.
 */
const KNOWN: Record<ChartKind, KnownChart[]> = {
  redis: [
    {
      version: "17.3.7",
      images: [
        { path: "image", name: "redis", tag: "7.0.5-debian-11-r7" },
        { path: "sentinel.image", name: "redis-sentinel", tag: "7.0.5-debian-11-r6" },
        { path: "metrics.image", name: "redis-exporter", tag: "1.44.0-debian-11-r16" },
        { path: "volumePermissions.image", name: "bitnami-shell", tag: "11-debian-11-r40" },
        { path: "sysctl.image", name: "bitnami-shell", tag: "11-debian-11-r40" },
      ],
    },
    {
      version: "19.6.1",
      images: [
        { path: "image", name: "redis", tag: "7.2.5-debian-12-r2" },
        { path: "sentinel.image", name: "redis-sentinel", tag: "7.2.5-debian-12-r2" },
        { path: "metrics.image", name: "redis-exporter", tag: "1.61.0-debian-12-r2" },
        { path: "volumePermissions.image", name: "os-shell", tag: "12-debian-12-r24" },
        { path: "kubectl.image", name: "kubectl", tag: "1.30.2-debian-12-r2" },
        { path: "sysctl.image", name: "os-shell", tag: "12-debian-12-r24" },
      ],
    },
    {
      version: "23.1.1",
      images: [
        { path: "image", name: "redis", tag: "8.2.1-debian-12-r0" },
        { path: "sentinel.image", name: "redis-sentinel", tag: "8.2.1-debian-12-r0" },
        { path: "metrics.image", name: "redis-exporter", tag: "1.76.0-debian-12-r0" },
        { path: "volumePermissions.image", name: "os-shell", tag: "12-debian-12-r51" },
        { path: "kubectl.image", name: "kubectl", tag: "1.33.4-debian-12-r0" },
        { path: "sysctl.image", name: "os-shell", tag: "12-debian-12-r51" },
      ],
    },
  ],
  "redis-cluster": [
    {
      version: "13.0.5",
      images: [
        { path: "image", name: "redis-cluster", tag: "8.2.1-debian-12-r0" },
        { path: "metrics.image", name: "redis-exporter", tag: "1.76.0-debian-12-r0" },
        { path: "volumePermissions.image", name: "os-shell", tag: "12-debian-12-r51" },
        // redis-cluster names its sysctl image map `sysctlImage`, not `sysctl.image`.
        { path: "sysctlImage", name: "os-shell", tag: "12-debian-12-r51" },
      ],
    },
  ],
};

function knownChart(kind: ChartKind, version: string): KnownChart {
  const list = KNOWN[kind];
  return [...list].reverse().find((known) => compareVersions(version, known.version) >= 0) ?? list[0]!;
}

export function chartImages(kind: ChartKind, version: string): ChartImage[] {
  return knownChart(kind, version).images;
}

/**
 * Since these versions the charts refuse substituted images unless global.security.allowInsecureImages is true
 * (bitnami/redis 20.5.0, bitnami/redis-cluster 11.2.0; FACTS §2, §4).
 */
const IMAGE_VERIFICATION_SINCE: Record<ChartKind, string> = { redis: "20.5.0", "redis-cluster": "11.2.0" };

export const verifiesImages = (kind: ChartKind, version: string): boolean =>
  compareVersions(version, IMAGE_VERIFICATION_SINCE[kind]) >= 0;
