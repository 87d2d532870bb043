import { describe, expect, it } from 'vitest';
import { DOWNLOAD_CENTER_IDS, serviceTagLinks } from './fetch.js';

describe('serviceTagLinks (the Download Center page)', () => {
  const page = 'https://www.microsoft.com/en-us/download/details.aspx?id=56519';

  it('finds the link in HTML and in JSON with escaped slashes, newest first, each once', () => {
    const html =
      '<a href="https://download.microsoft.com/download/7/1/D/G/ServiceTags_Public_20261123.json">old</a>' +
      '{"url":"https:\\/\\/download.microsoft.com\\/download\\/7\\/1\\/D\\/G\\/ServiceTags_Public_20261130.json"}' +
      '<a href="https://download.microsoft.com/download/7/1/D/G/ServiceTags_Public_20261130.json">new</a>';
    expect(serviceTagLinks(html, 'Public', page)).toEqual([
      'https://download.microsoft.com/download/7/1/D/G/ServiceTags_Public_20261130.json',
      'https://download.microsoft.com/download/7/1/D/G/ServiceTags_Public_20261123.json',
    ]);
  });

  it("follows no link to another host, or to plain http on Microsoft's, or of another cloud", () => {
    const html =
      '<a href="https://evil.example/ServiceTags_Public_20261130.json">x</a>' +
      '<a href="http://download.microsoft.com/download/ServiceTags_Public_20261130.json">x</a>' +
      '<a href="https://download.microsoft.com/download/ServiceTags_China_20261130.json">x</a>';
    expect(serviceTagLinks(html, 'Public', page)).toEqual([]);
    expect(serviceTagLinks(html, 'China', page)).toEqual(['https://download.microsoft.com/download/ServiceTags_China_20261130.json']);
  });

  it("accepts the page's own host (a mirror)", () => {
    expect(serviceTagLinks('<a href="http://mirror.corp/dl/ServiceTags_AzureGovernment_20261130.json">', 'AzureGovernment', 'http://mirror.corp/dl/details.aspx?id=57063')).toEqual([
      'http://mirror.corp/dl/ServiceTags_AzureGovernment_20261130.json',
    ]);
  });

  it('knows the three Download Center ids', () => {
    expect(DOWNLOAD_CENTER_IDS).toEqual({ Public: 56519, AzureGovernment: 57063, China: 57062 });
  });
});
