// What only the rendered workbench shows (the status bar, a click in the Problems panel), the suite inside
// the extension host cannot see; it asks this harness, which drives the page with Playwright. The suite
// appends `ui? <id> <action> <json argument>` to its report; the answer goes to <dir>/<id>.json as
// `{ "value": … }` or `{ "error": "…" }`, written whole and then renamed, so the suite never reads half a file.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const UI_TIMEOUT_MS = 15_000;
const REQUEST = /^ui\? (\S+) (\w+) (.*)$/;

const actions = {
  /** The text of the visible status-bar item whose accessible label starts with `label`, or null. */
  async statusBarItem(page, { label }) {
    // Read in one step in the page: the item may go between two Playwright calls (a locator would wait).
    return page.evaluate((prefix) => {
      const items = document.querySelectorAll('.statusbar-item');
      for (const item of items) {
        const labelled = [item, ...item.querySelectorAll('[aria-label]')].find((element) =>
          element.getAttribute('aria-label')?.startsWith(prefix),
        );
        if (labelled && item.checkVisibility()) return item.textContent.trim();
      }
      return null;
    }, label);
  },
  /** Clicks the code link (the rule name) of a `rule` diagnostic in the Problems panel, as a person would. */
  async clickProblemCodeLink(page, { rule }) {
    // The tree (default) and the table view of the panel both render the code as a link widget.
    const link = page.locator('.markers-panel .monaco-list-row a.monaco-link', { hasText: rule }).first();
    await link.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    await link.click();
    return true;
  },
};

/** Answers a request line of the suite's report; false for any other line. */
export function answerWorkbenchRequest(page, dir, line) {
  const match = REQUEST.exec(line);
  if (!match) return false;
  const [, id, action, argument] = match;
  const reply = (answer) => {
    const file = join(dir, `${id}.json`);
    writeFileSync(`${file}.part`, JSON.stringify(answer));
    renameSync(`${file}.part`, file);
  };
  const run = actions[action];
  if (!page || !run) {
    reply({ error: page ? `no workbench action ${action}` : 'the workbench is not open yet' });
    return true;
  }
  run(page, JSON.parse(argument)).then(
    (value) => reply({ value }),
    (error) => reply({ error: String(error?.message ?? error) }),
  );
  return true;
}
