#!/usr/bin/env bash
# The README quick start: a GitOps repository with two environments, made in a temporary folder.
set -euo pipefail
cli="node $(cd "$(dirname "$0")/.." && pwd)/dist/cli.cjs"
demo=$(mktemp -d "${TMPDIR:-/tmp}/gitops-redis-demo.XXXXXX")
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-demo} GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-demo@example.invalid}
export GIT_COMMITTER_NAME=${GIT_COMMITTER_NAME:-demo} GIT_COMMITTER_EMAIL=${GIT_COMMITTER_EMAIL:-demo@example.invalid}
cd "$demo"
git init --quiet --bare --initial-branch=main remote.git
echo "\$ gitops-redis init repo --remote file://$demo/remote.git --repo-url https://github.com/acme/redis-gitops.git"
$cli init repo --remote "file://$demo/remote.git" --repo-url https://github.com/acme/redis-gitops.git
cd repo
echo
echo "\$ gitops-redis add-env prod --namespace redis --storage openebs-hostpath --base-path /dataspace1/redis-data/redis --replicas 2 --expose nodeport:31379 --image-registry myharbor.com/bigdata"
$cli add-env prod --namespace redis --storage openebs-hostpath --base-path /dataspace1/redis-data/redis \
  --replicas 2 --expose nodeport:31379 --image-registry myharbor.com/bigdata
echo
echo "\$ gitops-redis add-env dev --storage existing:nfs"
$cli add-env dev --storage existing:nfs
echo
echo "\$ git branch -a"
git branch -a
echo
echo "\$ git show --stat gitops-redis/add-env-prod"
git --no-pager show --stat --format='%h %s' gitops-redis/add-env-prod
echo
echo "\$ git show gitops-redis/add-env-prod:envs/prod/values.yaml"
git --no-pager show gitops-redis/add-env-prod:envs/prod/values.yaml
echo
echo "The demo repository is in $demo/repo (remote: $demo/remote.git)."
