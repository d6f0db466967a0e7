/** Name, quantity and port rules shared by flag parsing, config loading and validate. Pure. */

export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const MAX_RELEASE_NAME = 53;
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;
/** `<env>-redis` must stay a valid Helm release name (<= 53). */
/**
 * A StatefulSet's name must leave room in the 63-character controller-revision-hash label of its pods
 * (`<name>-<hash>`), so at most 52. The longest the charts make is `<env>-redis-replicas`.
 */
export const MAX_STATEFULSET_NAME = 52;
const LONGEST_STATEFULSET_SUFFIX = "-redis-replicas";
export const MAX_ENV_NAME = MAX_STATEFULSET_NAME - LONGEST_STATEFULSET_SUFFIX.length;

const BINARY_SUFFIXES = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

/** Returns a problem description, or undefined when `value` is a storage quantity Kubernetes accepts. */
export function checkStorageQuantity(value: string): string | undefined {
  const quantity = QUANTITY.exec(value);
  if (quantity) return Number(quantity[1]) > 0 ? undefined : "expected more than 0";
  const unit = /^[0-9.]+\s*([a-zA-Z]+)$/.exec(value)?.[1];
  const binary = unit ? BINARY_SUFFIXES.find((s) => s[0]?.toLowerCase() === unit[0]?.toLowerCase()) : undefined;
  const hint = binary ? ` (did you mean ${value.replace(/\s*[a-zA-Z]+$/, "")}${binary}?)` : "";
  return `expected a Kubernetes quantity such as 8Gi or 500Mi${hint}`;
}

export function checkCpuQuantity(value: string): string | undefined {
  return /^([0-9]+m|[0-9]+(\.[0-9]+)?)$/.test(value) ? undefined : "expected CPU such as 250m or 1";
}

export function checkEnvName(value: string): string | undefined {
  if (value.length > MAX_ENV_NAME) {
    return `at most ${MAX_ENV_NAME} characters, so the StatefulSet ${value}${LONGEST_STATEFULSET_SUFFIX} stays within the ${MAX_STATEFULSET_NAME} Kubernetes allows (its pods' controller-revision-hash label)`;
  }
  if (!DNS1035_LABEL.test(value)) {
    return "lowercase letters, digits and '-', starting with a letter and ending with a letter or digit (DNS-1035: it prefixes Service names)";
  }
  return undefined;
}

export function checkNamespace(value: string): string | undefined {
  if (value.length > 63) return "at most 63 characters (DNS-1123 label)";
  return DNS1123_LABEL.test(value) ? undefined : "lowercase letters, digits and '-', starting and ending with a letter or digit (DNS-1123 label)";
}

export function checkResourceName(value: string): string | undefined {
  if (value.length > 253) return "at most 253 characters (DNS-1123 subdomain)";
  return DNS1123_SUBDOMAIN.test(value) ? undefined : "lowercase letters, digits, '-' and '.' (DNS-1123 subdomain)";
}

export function checkNodePort(port: number): string | undefined {
  if (!Number.isInteger(port) || port < NODE_PORT_MIN || port > NODE_PORT_MAX) {
    return `the NodePort range is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`;
  }
  return undefined;
}

export function checkAbsolutePath(value: string): string | undefined {
  if (!value.startsWith("/")) return "expected an absolute path such as /data/redis";
  if (value.split("/").includes("..")) return "'..' is not allowed in the path";
  return undefined;
}

export function checkHostname(value: string): string | undefined {
  return DNS1123_SUBDOMAIN.test(value) && value.length <= 253 ? undefined : "expected a node name (kubernetes.io/hostname, DNS-1123 subdomain)";
}

/** Parses 8Gi / 512Mi / 1G into bytes, for comparing capacities. */
export function quantityToBytes(value: string): number {
  const match = QUANTITY.exec(value);
  if (!match) return Number.NaN;
  const units: Record<string, number> = {
    Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
    k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  };
  return Number(match[1]) * (match[2] ? (units[match[2]] ?? 1) : 1);
}
