/** The three PRODUCT.md scenarios every renderer is checked against. */
export interface Scenario {
  name: string;
  env: string;
  args: string[];
}

export const SCENARIOS: Scenario[] = [
  { name: "existing-nfs", env: "dev", args: ["add-env", "dev", "--storage", "existing:nfs"] },
  {
    name: "openebs-nodeport-registry",
    env: "prod",
    args: [
      "add-env", "prod", "--namespace", "redis", "--storage", "openebs-hostpath",
      "--base-path", "/dataspace1/redis-data/redis", "--replicas", "2", "--expose", "nodeport:31379",
      "--image-registry", "myharbor.com/bigdata",
    ],
  },
  {
    name: "local-two-nodes",
    env: "edge",
    args: ["add-env", "edge", "--storage", "local", "--replicas", "1", "--node", "node1=/mnt/redis", "--node", "node2=/mnt/redis"],
  },
];

export const GOLDEN_REPO_URL = "https://github.com/acme/redis-gitops.git";
