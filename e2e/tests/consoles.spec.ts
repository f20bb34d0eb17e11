import type { Page } from '@playwright/test';
import { test, expect } from '../support/fixtures.js';
import { eventuallyApp } from '../support/app-http.js';
import { uniqueUsername } from '../support/names.js';
import { startBashConsole, terminalText, typeInTerminal, runInTerminal } from '../support/terminal.js';

// Consoles, only through the browser: the Django Girls tutorial's deploy
// from an empty account to a live site, and a console that outlives its tab.

const SETTINGS_EDIT = `python - <<'EOF'
from pathlib import Path
p = Path('mysite/settings.py')
s = p.read_text()
s = s.replace("DEBUG = True", "DEBUG = False")
s = s.replace("ALLOWED_HOSTS = []", "ALLOWED_HOSTS = ['.localhost']")
s = s.replace("'django.contrib.staticfiles',", "'django.contrib.staticfiles',\\n    'blog',")
s += "\\nSTATIC_ROOT = BASE_DIR / 'static'\\n"
p.write_text(s)
EOF`;

const MODELS = `cat > blog/models.py <<'EOF'
from django.db import models
from django.utils import timezone


class Post(models.Model):
    title = models.CharField(max_length=200)
    text = models.TextField()
    published_date = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.title
EOF`;

const ADMIN = `cat > blog/admin.py <<'EOF'
from django.contrib import admin
from .models import Post

admin.site.register(Post)
EOF`;

const VIEWS = `cat > blog/views.py <<'EOF'
from django.shortcuts import render
from .models import Post


def post_list(request):
    posts = Post.objects.order_by('published_date')
    return render(request, 'blog/post_list.html', {'posts': posts})
EOF`;

const TEMPLATE = `mkdir -p blog/templates/blog && cat > blog/templates/blog/post_list.html <<'EOF'
<html>
<head><title>Django Girls blog</title></head>
<body>
<h1>Django Girls blog</h1>
{% for post in posts %}<article><h2>{{ post.title }}</h2><p>{{ post.text|linebreaksbr }}</p></article>{% endfor %}
</body>
</html>
EOF`;

const URLS = `cat > mysite/urls.py <<'EOF'
from django.contrib import admin
from django.urls import path
from blog import views

urlpatterns = [
    path('admin/', admin.site.urls),
    path('', views.post_list, name='post_list'),
]
EOF`;

async function signUp(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Add a new web app' })).toBeVisible();
}

test('Django Girls deploy: sign up, build the blog in a Bash console, publish it with its static files', async ({ page, adoptUser, saveScreenshot }) => {
  test.setTimeout(360_000);
  const username = uniqueUsername('dg');
  const password = `pw-${username}-secret`;
  await test.step('sign up', () => signUp(page, username, password));
  const user = await adoptUser(username, password);
  const domain = `${username}.localhost`;
  const project = `/home/${username}/mysite`;

  await test.step('open a Bash console', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Consoles' }).click();
    await startBashConsole(page);
    await expect.poll(() => terminalText(page)).toContain(`${username}@pyhost:~$`);
  });

  await test.step('start a project and an app in a new folder', async () => {
    await runInTerminal(page, 'mkdir -p ~/mysite && cd ~/mysite && django-admin startproject mysite . && python manage.py startapp blog');
    await runInTerminal(page, SETTINGS_EDIT);
    for (const file of [MODELS, ADMIN, VIEWS, TEMPLATE, URLS]) await runInTerminal(page, file);
    await saveScreenshot(page, 'console-django');
  });

  await test.step('migrate, create a superuser without prompts, add a post, collect the static files', async () => {
    await runInTerminal(page, 'python manage.py makemigrations blog && python manage.py migrate', 120_000);
    await runInTerminal(page, 'DJANGO_SUPERUSER_PASSWORD=ola-from-pyhost python manage.py createsuperuser --noinput --username ola --email ola@example.com');
    await runInTerminal(page, `python manage.py shell -c "from blog.models import Post; Post.objects.create(title='Hello from a Pyhost console', text='Published from the browser.')"`);
    await runInTerminal(page, 'python manage.py collectstatic --noinput', 120_000);
    await expect.poll(() => terminalText(page)).toMatch(/static files copied to '\/home\/[a-z0-9]+\/mysite\/static'/);
  });

  await test.step('add a web app for the project (Django in the wizard)', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Web' }).click();
    await page.getByRole('link', { name: 'Add a new web app' }).click();
    await expect(page.getByRole('heading', { name: 'Add a new web app' })).toBeVisible();
    await page.getByRole('radio', { name: /Django/ }).check();
    await expect(page.getByLabel('Django project folder')).toHaveValue(project);
    await expect(page.getByLabel('Settings module')).toHaveValue('mysite.settings');
    await page.getByRole('button', { name: 'Create web app' }).click();
    await expect(page.getByRole('heading', { name: `Configuration for ${domain}` })).toBeVisible({ timeout: 90_000 });
  });

  await test.step('map /static/ to the collected files and reload', async () => {
    await page.getByLabel('URL to add').fill('/static/');
    await page.getByLabel('Directory to add').fill(`${project}/static`);
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await expect(page.getByRole('cell', { name: `${project}/static` })).toBeVisible();
    await page.getByRole('button', { name: `Reload ${domain}` }).click();
    await expect(page.getByText(/Reloaded in/)).toBeVisible({ timeout: 60_000 });
    await saveScreenshot(page, 'web-tab-django');
  });

  await test.step('the site shows the blog, and the admin login page comes with its CSS', async () => {
    await eventuallyApp(user, '/', (res) => expect(res.body).toContain('Hello from a Pyhost console'));
    const site = await page.context().newPage();
    await site.goto(user.appUrl);
    await expect(site.getByRole('heading', { name: 'Django Girls blog' })).toBeVisible();
    await expect(site.getByRole('heading', { name: 'Hello from a Pyhost console' })).toBeVisible();

    const css = site.waitForResponse((r) => r.url().endsWith('/static/admin/css/base.css'));
    await site.goto(new URL('/admin/login/', user.appUrl).toString());
    expect((await css).status()).toBe(200);
    // Django's admin paints its header blue; unstyled it would be transparent.
    await expect(site.locator('#header')).toHaveCSS('background-color', 'rgb(65, 118, 144)');
    await expect(site.getByRole('button', { name: 'Log in' })).toBeVisible();
    await saveScreenshot(site, 'django-admin-login');
    await site.close();
  });
});

test('Reattach: a command keeps running after the tab closes, and its output is there when it reopens', async ({ page, user }) => {
  await page.goto('/consoles');
  await startBashConsole(page);
  const consoleUrl = page.url();
  await typeInTerminal(page, 'for i in $(seq 1 600); do echo "tick-$i"; sleep 1; done\n');
  await expect.poll(() => terminalText(page), { timeout: 20_000 }).toContain('tick-3');
  const ticks = async (p: Page) => Math.max(0, ...[...(await terminalText(p)).matchAll(/tick-(\d+)/g)].map((m) => Number(m[1])));
  const lastSeen = await ticks(page);
  await page.close();

  // Nobody watches for a few seconds; the loop goes on in the console container.
  await new Promise((resolve) => setTimeout(resolve, 4000));
  const again = await page.context().newPage();
  await again.goto('/consoles');
  await expect(again.getByRole('row', { name: /Bash console \d+ running/ })).toBeVisible();
  await again.goto(consoleUrl);
  await expect(again.getByRole('status').filter({ hasText: 'Connected' })).toBeVisible();
  // The replay holds what was printed before and while the tab was closed…
  await expect.poll(() => terminalText(again)).toContain(`tick-${lastSeen + 3}`);
  // …and the command is still running.
  const now = await ticks(again);
  await expect.poll(() => ticks(again), { timeout: 10_000 }).toBeGreaterThan(now);

  // Ctrl-C stops it; the console itself stays.
  await again.keyboard.press('Control+c');
  await runInTerminal(again, 'echo "stopped at $(date +%s)"');

  await again.getByRole('button', { name: 'Kill' }).click();
  await again.getByRole('button', { name: 'Kill console' }).click();
  await expect(again).toHaveURL(/\/consoles$/);
  await expect(again.getByText('No consoles yet: start one above.')).toBeVisible();
  await again.close();
  expect(await (await user.api.get(`/api/v0/user/${user.username}/consoles/`)).json()).toEqual([]);
});
