/**
 * The five source articles (shared/seeds), by the title each gives itself. Provenance cites these titles plus a
 * section; purposes in the catalogue are tagwall's own words.
 */
export const ARTICLES = {
  training: 'Secure an Azure Machine Learning training environment with virtual networks',
  traffic: 'Configure inbound and outbound network traffic',
  legacy2019: 'Secure experiments and inference in virtual network',
  tutorial: 'Tutorial: How to create a secure workspace with an Azure Virtual Network',
  planning: 'Plan for network isolation',
} as const;

export type ArticleKey = keyof typeof ARTICLES;
