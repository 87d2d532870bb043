/** A workspace region per cloud for tests that run every scenario in every cloud (each cloud's own region names). */
export const REGION_BY_CLOUD: Readonly<Record<'Public' | 'AzureGovernment' | 'China', string>> = {
  Public: 'westus',
  AzureGovernment: 'usgovvirginia',
  China: 'chinanorth3',
};
