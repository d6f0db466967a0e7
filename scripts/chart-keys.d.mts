export const OUTPUT: string;
export const DEFAULT_CHARTS_DIR: string;
export function keyPaths(values: Record<string, unknown>, prefix?: string): string[];
export function generate(chartsDir?: string): Record<string, string[]>;
export function serialize(data: Record<string, string[]>): string;
