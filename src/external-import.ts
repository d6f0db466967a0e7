/**
 * import() of an installed ES module package: the Kubernetes schema models, loaded when `validate` meets their kind.
 * The built CLI runs its bundle as a compile-cached script (src/entry.ts), where Node 20 has no import(); the entry
 * hands in its own.
 */
export type Importer = (specifier: string) => Promise<unknown>;

let importer: Importer = (specifier) => import(specifier);

export function setExternalImporter(next: Importer): void {
  importer = next;
}

export function importExternal(specifier: string): Promise<unknown> {
  return importer(specifier);
}
