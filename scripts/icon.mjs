// Renders docs/images/icon.svg to docs/images/icon.png (256×256, the Marketplace's icon) with the
// Chromium the e2e tests use (Debian's /usr/bin/chromium, driven by playwright-core; nothing downloaded).
// Run after changing the SVG: `node scripts/icon.mjs`; the PNG is committed.
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const svg = readFileSync('docs/images/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
try {
  const page = await browser.newPage({ viewport: { width: 256, height: 256 } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: 'docs/images/icon.png', omitBackground: true });
} finally {
  await browser.close();
}
console.log('wrote docs/images/icon.png');
