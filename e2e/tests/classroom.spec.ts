import { test, expect } from '../support/fixtures.js';
import { writeFile } from '../support/api.js';
import { uniqueUsername } from '../support/names.js';
import { terminalText, runInTerminal } from '../support/terminal.js';

// A class: the teacher makes an invite code, a learner joins with its link
// at another computer, the teacher leans over their shoulder (files and a
// console, under the banner), and the learner reads what the teacher did.

test('a teacher invites a learner, opens their files and console, and the learner reads it in the audit log', async ({ page, createTeacher, adoptUser, newPerson, saveScreenshot }) => {
  const teacher = await createTeacher();
  const login = await page.request.post('/api/auth/login', { data: { username: teacher.username, password: teacher.password } });
  expect(login.status()).toBe(200);

  const link = await test.step('the teacher makes an invite code on the Students page', async () => {
    await page.goto('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Students' }).click();
    await expect(page.getByRole('heading', { name: 'Students', level: 1 })).toBeVisible();
    await expect(page.getByText('No students yet.')).toBeVisible();
    await page.getByLabel('Label').fill('Django Girls e2e');
    await page.getByLabel('Max uses (optional)').fill('30');
    await page.getByRole('button', { name: 'Create invite code' }).click();
    const field = page.getByLabel('Sign-up link');
    await expect(field).toHaveValue(/\/signup\?code=/);
    await expect(page.getByRole('table', { name: 'Invite codes' }).getByRole('row', { name: /Django Girls e2e/ })).toContainText('0 of 30');
    return field.inputValue();
  });

  const username = uniqueUsername('l');
  const password = `pw-${username}-learner`;
  const learnerPage = await newPerson();
  await test.step('a learner signs up with the link in a browser of their own', async () => {
    await learnerPage.goto(link);
    await expect(learnerPage.getByRole('status').filter({ hasText: 'You are joining the class of' })).toContainText(teacher.username);
    await learnerPage.getByLabel('Username').fill(username);
    await learnerPage.getByLabel('Password').fill(password);
    await learnerPage.getByRole('button', { name: 'Create account' }).click();
    await expect(learnerPage.getByRole('heading', { name: 'Add a new web app' })).toBeVisible();
  });
  const learner = await adoptUser(username, password);
  await writeFile(learner, `/home/${username}/notes.txt`, 'my first notes\n');
  const started = await learner.api.post(`/api/v0/user/${username}/consoles/`, { data: { executable: 'bash' } });
  expect(started.status(), await started.text()).toBe(201);
  const consoleId = (await started.json()).id as number;

  const banner = page.getByRole('complementary', { name: 'Whose account this is' });
  await test.step("the teacher sees the learner on the Students page and opens their files", async () => {
    await page.reload();
    const row = page.getByRole('table', { name: 'Your students' }).getByRole('row', { name: new RegExp(username) });
    await expect(row).toBeVisible();
    await row.getByRole('link', { name: `Files of ${username}` }).click();
    await expect(page).toHaveURL(new RegExp(`/u/${username}/files/home/${username}`));
    await expect(banner).toContainText(`Viewing ${username} as teacher`);
    await expect(page.getByRole('table', { name: `Contents of /home/${username}` }).getByRole('link', { name: 'notes.txt', exact: true })).toBeVisible();
    await saveScreenshot(page, 'viewing-as-teacher');
  });

  await test.step("the teacher opens the learner's console and types in it", async () => {
    await banner.getByRole('link', { name: 'Consoles' }).click();
    await expect(banner).toContainText(`Viewing ${username} as teacher`);
    await page.getByRole('link', { name: `Bash console ${consoleId}` }).click();
    await expect(page).toHaveURL(new RegExp(`/u/${username}/consoles/${consoleId}$`));
    await expect(page.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
    await expect(banner).toContainText(`Viewing ${username} as teacher`);
    await expect.poll(() => terminalText(page)).toContain(`${username}@pyhost`);
    await runInTerminal(page, 'echo "helped by $(whoami)-teacher" > helped.txt');
    const helped = await learner.api.get(`/api/v0/user/${username}/files/path/home/${username}/helped.txt`);
    expect(await helped.text()).toBe(`helped by ${username}-teacher\n`);
  });

  await test.step('the learner reads on their Account page who their teacher is and what they did', async () => {
    await learnerPage.goto('/account');
    await expect(learnerPage.getByRole('region', { name: 'Your teacher' })).toContainText(`Your teacher is ${teacher.username}`);
    const audit = learnerPage.getByRole('table', { name: 'Audit log' });
    await expect(audit.getByRole('row').filter({ hasText: teacher.username }).filter({ hasText: `/consoles/${consoleId}` }).first()).toContainText('(teacher)');
    await expect(audit.getByRole('row').filter({ hasText: teacher.username }).filter({ hasText: '/files/' }).first()).toBeVisible();
  });

  await learner.api.delete(`/api/v0/user/${username}/consoles/${consoleId}/`);
});
