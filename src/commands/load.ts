/**
 * The command modules, each loaded when its command runs. In dist/ they and all they import are a second bundle
 * (commands.cjs) that `--help`, `--version` and a mistyped command never read; scripts/build.mjs builds it from this
 * file and puts a loader of that bundle in this file's place in the first.
 */
const modules = {
  init: () => import("./init.js"),
  "add-env": () => import("./add-env.js"),
  validate: () => import("./validate.js"),
  render: () => import("./render.js"),
};

type Modules = typeof modules;

export function loadCommand<Name extends keyof Modules>(name: Name): ReturnType<Modules[Name]> {
  return modules[name]() as ReturnType<Modules[Name]>;
}
