// Drives the buyer's event page the way a keyboard or screen-reader user
// would: through the accessible "Choose from a list" picker.
import type { Page } from '@playwright/test';
import { expect } from './fixtures';

export async function openEvent(page: Page, eventId: string): Promise<void> {
  await page.goto(`/events/${eventId}`);
  // The live snapshot has arrived when the map carries a version.
  await expect(page.locator('canvas[data-version]')).toHaveCount(1, { timeout: 20_000 });
}

/** Shows a row in the list picker (section by its visible name, row by label "Row X"). */
export async function showRow(page: Page, section: string, row: string): Promise<void> {
  await page.getByLabel('Section', { exact: true }).selectOption({ label: section });
  await page.getByLabel('Row', { exact: true }).selectOption({ label: `Row ${row}` });
}

export function seatCheckbox(page: Page, seatId: string) {
  return page.locator(`input[type="checkbox"][data-seat-id="${seatId}"]`);
}

/** The selection panel's hold button (on a phone the sticky bar has one of the same name too). */
export function holdButton(page: Page) {
  return page.getByRole('region', { name: 'Your selection' }).getByRole('button', { name: /^Hold \d+ seats?$/ });
}

export function holdPanel(page: Page) {
  return page.locator('section[data-hold-id]');
}
