/**
 * The chart key lists validate ships (src/validate/chart-keys.json) are what scripts/chart-keys.mjs makes from the
 * pinned charts in ../shared/charts. The values contract itself (every key written exists, merged values pass
 * values.schema.json) is test/contract.test.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_CHARTS_DIR, OUTPUT, generate, serialize } from "../scripts/chart-keys.mjs";

const present = existsSync(DEFAULT_CHARTS_DIR);
if (!present) console.warn(`SKIPPED chart key list check: ${DEFAULT_CHARTS_DIR} (../shared/charts from the project root) is absent`);

describe.skipIf(!present)("pinned chart data (../shared/charts)", () => {
  it("src/validate/chart-keys.json is what scripts/chart-keys.mjs generates (run it after adding a chart)", () => {
    expect(readFileSync(OUTPUT, "utf8")).toBe(serialize(generate(DEFAULT_CHARTS_DIR)));
  });
});
