import { expect, type Page } from '@playwright/test';

// Driving an xterm.js console like a person: keys go to the focused
// terminal, and what the screen shows is read back from its rows.

let marker = 1000;

/** Starts a Bash console from the Consoles page and waits until it is connected. */
export async function startBashConsole(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Bash', exact: true }).click();
  await expect(page).toHaveURL(/\/consoles\/\d+$/);
  await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  await expect.poll(() => terminalText(page)).toMatch(/@pyhost:[^\n]*\$/);
}

/** The terminal's visible rows, as text. */
export async function terminalText(page: Page): Promise<string> {
  return page.getByTestId('terminal').locator('.xterm-rows').innerText();
}

/** Types into the terminal as a person would ("\n" presses Enter). */
export async function typeInTerminal(page: Page, text: string): Promise<void> {
  await page.getByTestId('terminal').click();
  await page.keyboard.type(text);
}

/**
 * Types a command (heredocs included), then asks the shell for its exit
 * status with a marker the shell computes, so the echoed keystrokes never
 * match; fails unless the command succeeded.
 */
export async function runInTerminal(page: Page, command: string, timeoutMs = 60_000): Promise<void> {
  const n = marker++;
  await typeInTerminal(page, `${command}\n`);
  await typeInTerminal(page, `echo "status-$((${n}+1))=$?"\n`);
  let status: string | undefined;
  await expect
    .poll(
      async () => {
        status = new RegExp(`status-${n + 1}=(\\d+)`).exec(await terminalText(page))?.[1];
        return status !== undefined;
      },
      { timeout: timeoutMs, message: `${command.split('\n')[0]} to finish` },
    )
    .toBe(true);
  expect(status, `${command.split('\n')[0]} failed; the screen shows:\n${await terminalText(page)}`).toBe('0');
}
