import { createHash } from 'node:crypto';
import { collectWebAssets, contentSecurityPolicy, findRepoRoot } from './web-assets.js';

describe('web assets', () => {
  it('given the repository, when collecting, then the page, its modules and exactly the vendor allow-list are served', () => {
    const assets = collectWebAssets(findRepoRoot());
    expect([...assets.keys()]).toEqual(expect.arrayContaining(['index.html', 'app.js', 'styles.css', 'pages/portfolio.js', 'vendor/preact.mjs', 'vendor/chart.umd.min.js']));
    const vendor = [...assets.keys()].filter((k) => k.startsWith('vendor/')).sort();
    expect(vendor).toEqual(['vendor/chart.umd.min.js', 'vendor/htm-preact.mjs', 'vendor/htm.mjs', 'vendor/preact-hooks.mjs', 'vendor/preact.mjs']);
    for (const [name, asset] of assets) {
      expect(name).not.toContain('..');
      expect(asset.contentType).toMatch(/^(text\/|image\/|application\/)/);
    }
  });

  it('given a page with an import map, when building the CSP, then only that inline script is allowed, by its sha256', () => {
    const map = '{"imports":{"preact":"/app/vendor/preact.mjs"}}';
    const csp = contentSecurityPolicy(`<html><script type="importmap">${map}</script><script>alert(1)</script></html>`);
    const hash = createHash('sha256').update(map).digest('base64');
    expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
