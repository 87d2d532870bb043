/**
 * Names people write for service tags that the service-tag files do not contain. Microsoft's docs and older ARM
 * templates use `KeyVault.<region>` / `Keyvault.<region>` and `ContainerRegistry.<region>`, and the Front Door
 * docs write `AzureFrontDoor.FrontEnd`; the files spell them `AzureKeyVault.*`, `AzureContainerRegistry.*` and
 * `AzureFrontDoor.Frontend`.
 */

/** Lower-case service part as written → the service part in the files. */
const SERVICE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['keyvault', 'AzureKeyVault'],
  ['containerregistry', 'AzureContainerRegistry'],
]);

/** Whole names documented with a spelling that differs only in case from the file's. */
const DOCUMENTED_SPELLINGS: ReadonlySet<string> = new Set(['AzureFrontDoor.FrontEnd']);

/** The file's service name for a documented alias, or undefined when `service` is not an alias. */
export function serviceAlias(service: string): string | undefined {
  return SERVICE_ALIASES.get(service.toLowerCase());
}

export function isDocumentedSpelling(name: string): boolean {
  return DOCUMENTED_SPELLINGS.has(name);
}

/** `Storage.WestUS` → { service: 'Storage', region: 'WestUS' }; the region part is undefined without a dot. */
export function splitTagName(name: string): { service: string; region: string | undefined } {
  const dot = name.indexOf('.');
  return dot < 0 ? { service: name, region: undefined } : { service: name.slice(0, dot), region: name.slice(dot + 1) };
}
