import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { RunningServer } from '../../src/main/server.js';
import { expect } from '../support/chai.js';
import { sqliteUrl } from '../support/databases.js';
import { startTestServer } from '../support/server.js';

/** Debian's Chromium (`apt-get install -y chromium`); .ci/run installs it when missing. */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(import.meta.dirname, '../../test-results/e2e');

// Headless, and nothing that phones home or waits on the network beyond the page itself.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** An operation's block on the page: Swagger UI's deep-linking id is `operations-<tag>-<id>`. */
function operation(page: Page, tag: string, operationId: string): Locator {
  return page.locator(`#operations-${tag}-${operationId}`);
}

/** Opens the operation, clicks "Try it out", lets `fill` set its inputs, and executes it. */
async function tryItOut(
  block: Locator,
  fill: (block: Locator) => Promise<void> = async () => {},
): Promise<{ status: string; body: string }> {
  await block.locator('.opblock-summary').first().click();
  await block.getByRole('button', { name: 'Try it out' }).click();
  await fill(block);
  await block.getByRole('button', { name: 'Execute' }).click();
  // The live response of the call just made (the documented responses have the same cells).
  const live = block.locator('.live-responses-table .response');
  await live.waitFor();
  return {
    status: (await live.locator('.response-col_status').innerText()).trim(),
    body: await live.locator('.response-col_description pre').first().innerText(),
  };
}

describe('Swagger UI in a real browser', function () {
  this.timeout(120_000);

  let running: RunningServer | undefined;
  let context: BrowserContext | undefined;
  let userDataDir: string | undefined;

  before(async function () {
    // Fails, never skips: a missing browser must not pass for a working page.
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`).to.equal(
      true,
    );
    mkdirSync(SCREENSHOTS, { recursive: true });
    running = await startTestServer(sqliteUrl());
    userDataDir = mkdtempSync(join(tmpdir(), 'gatehouse-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
  });

  after(async () => {
    await context?.close(); // a persistent context is its browser: this ends Chromium
    await running?.close();
    if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('registers, authorizes with the token and calls GET /auth/user from the page', async () => {
    if (context === undefined || running === undefined) throw new Error('not started');
    const page = await context.newPage();
    // Anything the page's Content-Security-Policy blocks, or any script error, fails the test.
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${running.url}/api/v1/ui`);
    await expect(page.locator('.info .title').innerText()).to.eventually.match(/^Gatehouse/);

    const email = `browser-${Date.now()}@example.com`;
    const registered = await tryItOut(operation(page, 'auth', 'register'), async (block) => {
      await block
        .locator('textarea.body-param__text')
        .fill(JSON.stringify({ email, password: 'correct horse battery' }));
    });
    expect(registered.status).to.equal('201');
    const token = (JSON.parse(registered.body) as { access_token: string }).access_token;
    expect(token).to.match(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    await page.screenshot({ path: join(SCREENSHOTS, '1-registered.png'), fullPage: true });

    await page.locator('.scheme-container button.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.getByLabel('auth-bearer-value').fill(token);
    await dialog.getByRole('button', { name: 'Apply credentials' }).click();
    // Applied: the dialog now offers to remove it.
    await dialog.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Collapse register, so the screenshot shows the call that needed the token.
    await operation(page, 'auth', 'register').locator('.opblock-summary').first().click();
    const user = operation(page, 'auth', 'getCurrentUser');
    const me = await tryItOut(user);
    expect(me.status).to.equal('200');
    expect(JSON.parse(me.body)).to.include({ email, admin: false });
    // The page shows it too, and the request it made carried the bearer token.
    await expect(user.locator('.live-responses-table').innerText()).to.eventually.include(email);
    await expect(user.locator('.curl-command').innerText()).to.eventually.include(
      `Authorization: Bearer ${token}`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, '2-authorized-user.png'), fullPage: true });
    // README's picture (docs/swagger-ui.png is a copy): from the title and the Authorize
    // button, now locked, down to the body of the live 200 with the email.
    const top = await page.locator('.information-container').boundingBox();
    const bottom = await user.locator('.live-responses-table pre').first().boundingBox();
    if (top === null || bottom === null) throw new Error('the page has no such elements');
    await page.screenshot({
      path: join(SCREENSHOTS, '3-authorized-user-call.png'),
      fullPage: true,
      clip: { x: 0, y: top.y - 16, width: 1280, height: bottom.y + bottom.height + 32 - top.y },
    });

    expect(problems).to.deep.equal([]);
  });
});
