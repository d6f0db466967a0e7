#!/usr/bin/env bash
# The floor `add-env` is measured against: the same git work typed by hand, plus one API call for the PR.
set -euo pipefail
repo=$1 branch=$2 staged=$3 url=$4 token=$5
cd "$repo"
git switch --quiet -c "$branch" main
cp -R "$staged"/. .
git add -A
git commit --quiet -m "feat($branch): add Redis environment"
git push --quiet origin "$branch"
curl -sf -o /dev/null -X POST -H "Authorization: token $token" -H "Content-Type: application/json" \
  -d "{\"title\":\"add $branch\",\"head\":\"$branch\",\"base\":\"main\"}" "$url"
git switch --quiet main
