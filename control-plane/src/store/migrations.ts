// Versioned schema migrations. Each entry runs once, in order, inside a
// transaction; `PRAGMA user_version` records how far a database has come.
// Never edit a released migration: add a new one.

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'users, sessions, API tokens, web apps, static file mappings',
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE users (
        id            INTEGER PRIMARY KEY,
        username      TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
        created_at    TEXT NOT NULL
      );
      CREATE TABLE sessions (
        id_hash    TEXT PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE TABLE api_tokens (
        id           INTEGER PRIMARY KEY,
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        name         TEXT NOT NULL,
        token_hash   TEXT NOT NULL UNIQUE,
        created_at   TEXT NOT NULL,
        last_used_at TEXT
      );
      CREATE INDEX api_tokens_user ON api_tokens(user_id);
      CREATE TABLE webapps (
        id                          INTEGER PRIMARY KEY,
        user_id                     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        domain_name                 TEXT NOT NULL UNIQUE,
        python_version              TEXT NOT NULL,
        source_directory            TEXT,
        working_directory           TEXT,
        virtualenv_path             TEXT,
        force_https                 INTEGER NOT NULL DEFAULT 0,
        password_protection_enabled INTEGER NOT NULL DEFAULT 0,
        password_protection_username TEXT,
        password_protection_hash    TEXT,
        server                      TEXT NOT NULL DEFAULT 'uwsgi' CHECK (server IN ('uwsgi', 'gunicorn')),
        workers                     INTEGER NOT NULL DEFAULT 1,
        env_json                    TEXT NOT NULL DEFAULT '{}',
        auto_reload                 INTEGER NOT NULL DEFAULT 0,
        enabled                     INTEGER NOT NULL DEFAULT 1,
        created_at                  TEXT NOT NULL,
        updated_at                  TEXT NOT NULL
      );
      CREATE INDEX webapps_user ON webapps(user_id);
      CREATE TABLE static_files (
        id         INTEGER PRIMARY KEY,
        webapp_id  INTEGER NOT NULL REFERENCES webapps(id) ON DELETE CASCADE,
        url        TEXT NOT NULL,
        path       TEXT NOT NULL,
        UNIQUE (webapp_id, url)
      );
    `,
  },
  {
    version: 2,
    description: 'container generations, last reload, crash-loop state',
    sql: `
      ALTER TABLE webapps ADD COLUMN active_generation INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE webapps ADD COLUMN next_generation INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE webapps ADD COLUMN last_reload_at TEXT;
      ALTER TABLE webapps ADD COLUMN last_reload_ms INTEGER;
      ALTER TABLE webapps ADD COLUMN last_reload_ok INTEGER;
      ALTER TABLE webapps ADD COLUMN last_reload_error TEXT;
      ALTER TABLE webapps ADD COLUMN crashed_reason TEXT;
    `,
  },
  {
    version: 3,
    description: 'consoles',
    sql: `
      -- AUTOINCREMENT: a console id is never handed out twice, even after
      -- the control plane restarts and forgets its consoles.
      CREATE TABLE consoles (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        executable        TEXT NOT NULL,
        arguments         TEXT NOT NULL DEFAULT '',
        working_directory TEXT,
        created_at        TEXT NOT NULL
      );
      CREATE INDEX consoles_user ON consoles(user_id);
    `,
  },
  {
    version: 4,
    description: 'web apps: why saved settings are not serving yet',
    sql: `
      -- Set when a container with the saved settings did not start (the
      -- previous one keeps serving); cleared when one with them does.
      ALTER TABLE webapps ADD COLUMN settings_warning TEXT;
    `,
  },
  {
    version: 5,
    description: 'routes_version moves with every change the router must see, by triggers',
    sql: `
      -- The router serves from the rows the api publishes whenever this
      -- counter moves. Triggers move it in the very transaction that changes
      -- what the router sees, so that no code path can forget to.
      INSERT OR IGNORE INTO meta (key, value) VALUES ('routes_version', '0');
      CREATE TRIGGER routes_webapp_added AFTER INSERT ON webapps BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
      END;
      CREATE TRIGGER routes_webapp_removed AFTER DELETE ON webapps BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
      END;
      CREATE TRIGGER routes_webapp_changed
        AFTER UPDATE OF user_id, domain_name, enabled, active_generation, force_https,
                        password_protection_enabled, password_protection_username, password_protection_hash ON webapps
        BEGIN
          UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
        END;
      CREATE TRIGGER routes_static_added AFTER INSERT ON static_files BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
      END;
      CREATE TRIGGER routes_static_removed AFTER DELETE ON static_files BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
      END;
      CREATE TRIGGER routes_static_changed AFTER UPDATE ON static_files BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
      END;
      CREATE TRIGGER routes_user_renamed AFTER UPDATE OF username ON users BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
      END;
    `,
  },
  {
    version: 6,
    description: 'classroom: disabled and expiring accounts, teachers and students, invite codes, audit log, per-user limits',
    sql: `
      -- disabled_reason: 'admin' (an administrator), 'expired' (expires_at
      -- passed) or 'deleting' (its removal has begun; the row goes once its
      -- files are gone, so the name is free only then).
      ALTER TABLE users ADD COLUMN disabled_at TEXT;
      ALTER TABLE users ADD COLUMN disabled_reason TEXT CHECK (disabled_reason IN ('admin', 'expired', 'deleting'));
      ALTER TABLE users ADD COLUMN expires_at TEXT;
      ALTER TABLE users ADD COLUMN last_login_at TEXT;
      ALTER TABLE users ADD COLUMN is_teacher INTEGER NOT NULL DEFAULT 0 CHECK (is_teacher IN (0, 1));
      ALTER TABLE users ADD COLUMN teacher_id INTEGER REFERENCES users(id) ON DELETE SET NULL;
      -- Overrides of the instance's default limits (domain/limits.ts), JSON.
      ALTER TABLE users ADD COLUMN limits_json TEXT NOT NULL DEFAULT '{}';
      CREATE INDEX users_teacher ON users(teacher_id);

      -- A user's uid is uid_base + id: ids are never handed out twice, even
      -- after the newest account is deleted, so no new user inherits what
      -- an old uid may have left anywhere.
      INSERT OR IGNORE INTO meta (key, value) SELECT 'last_user_id', COALESCE(MAX(id), 0) FROM users;
      CREATE TRIGGER users_high_water AFTER INSERT ON users BEGIN
        UPDATE meta SET value = MAX(CAST(value AS INTEGER), NEW.id) WHERE key = 'last_user_id';
      END;

      -- Only the SHA-256 of a code is kept; the code itself is shown once.
      CREATE TABLE invite_codes (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        code_sha256        TEXT NOT NULL UNIQUE,
        label              TEXT NOT NULL DEFAULT '',
        created_by         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at         TEXT NOT NULL,
        expires_at         TEXT,
        max_uses           INTEGER CHECK (max_uses IS NULL OR max_uses >= 1),
        uses               INTEGER NOT NULL DEFAULT 0,
        accounts_expire_at TEXT,
        limits_json        TEXT NOT NULL DEFAULT '{}',
        revoked_at         TEXT
      );
      CREATE INDEX invite_codes_creator ON invite_codes(created_by);

      -- What someone other than the owner (a teacher, an admin) did with the
      -- owner's things; the owner reads it. The actor's name is copied so
      -- that the entry outlives their account.
      CREATE TABLE audit_log (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        subject_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        actor_id       INTEGER REFERENCES users(id) ON DELETE SET NULL,
        actor_username TEXT NOT NULL,
        actor_role     TEXT NOT NULL CHECK (actor_role IN ('teacher', 'admin')),
        method         TEXT NOT NULL,
        path           TEXT NOT NULL,
        status         INTEGER NOT NULL,
        at             TEXT NOT NULL
      );
      CREATE INDEX audit_log_subject ON audit_log(subject_id, id);

      -- A disabled account's sites answer the router's "disabled" page.
      CREATE TRIGGER routes_user_disabled AFTER UPDATE OF disabled_at ON users BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
      END;
    `,
  },
  {
    version: 7,
    description: 'tasks: scheduled tasks and their runs, always-on tasks',
    sql: `
      -- hour is NULL exactly for hourly tasks (PythonAnywhere's rule).
      -- last_due_at: the latest due minute dealt with (run, skipped, or
      -- passed while disabled), so that minutes missed while the control
      -- plane was down are seen, and caught up once rather than replayed.
      CREATE TABLE scheduled_tasks (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        command     TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        interval    TEXT NOT NULL CHECK (interval IN ('daily', 'hourly')),
        hour        INTEGER CHECK (hour BETWEEN 0 AND 23),
        minute      INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 59),
        last_due_at TEXT,
        created_at  TEXT NOT NULL,
        CHECK ((interval = 'hourly') = (hour IS NULL))
      );
      CREATE INDEX scheduled_tasks_user ON scheduled_tasks(user_id);

      CREATE TABLE task_runs (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id      INTEGER NOT NULL REFERENCES scheduled_tasks(id) ON DELETE CASCADE,
        trigger      TEXT NOT NULL CHECK (trigger IN ('schedule', 'catch_up', 'run_now')),
        due_at       TEXT,
        started_at   TEXT,
        ended_at     TEXT,
        exit_code    INTEGER,
        outcome      TEXT NOT NULL CHECK (outcome IN ('running', 'ok', 'failed', 'killed', 'skipped')),
        detail       TEXT NOT NULL DEFAULT '',
        container_id TEXT
      );
      CREATE INDEX task_runs_task ON task_runs(task_id, id);
      CREATE INDEX task_runs_running ON task_runs(outcome) WHERE outcome = 'running';

      -- generation: bumped by every start a person asks for (create, change,
      -- restart/), so that an old container is never mistaken for the new.
      -- crashed_reason: set when restarts were given up on, until then.
      CREATE TABLE always_on_tasks (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        command        TEXT NOT NULL,
        description    TEXT NOT NULL DEFAULT '',
        enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        generation     INTEGER NOT NULL DEFAULT 0,
        crashed_reason TEXT,
        created_at     TEXT NOT NULL
      );
      CREATE INDEX always_on_tasks_user ON always_on_tasks(user_id);
    `,
  },
  {
    version: 8,
    description: 'websites: command-based web apps (PythonAnywhere v1), a domain unique across web apps and websites',
    sql: `
      -- active_generation: the container generation whose socket serves (0: none yet);
      -- next_generation: container names never repeat. last_error: the last failed
      -- start or reload, null after a success. crashed_reason: restarts given up on.
      CREATE TABLE websites (
        id                INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id           INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        domain_name       TEXT NOT NULL UNIQUE,
        command           TEXT NOT NULL,
        enabled           INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        active_generation INTEGER NOT NULL DEFAULT 0,
        next_generation   INTEGER NOT NULL DEFAULT 1,
        last_error        TEXT,
        crashed_reason    TEXT,
        created_at        TEXT NOT NULL
      );
      CREATE INDEX websites_user ON websites(user_id);

      -- One domain, one site: whichever kind takes it first.
      CREATE TRIGGER websites_domain_free BEFORE INSERT ON websites
        WHEN EXISTS (SELECT 1 FROM webapps WHERE domain_name = NEW.domain_name) BEGIN
        SELECT RAISE(ABORT, 'domain with this domain name already exists');
      END;
      CREATE TRIGGER webapps_domain_free BEFORE INSERT ON webapps
        WHEN EXISTS (SELECT 1 FROM websites WHERE domain_name = NEW.domain_name) BEGIN
        SELECT RAISE(ABORT, 'domain with this domain name already exists');
      END;

      CREATE TRIGGER routes_websites_insert AFTER INSERT ON websites BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
      END;
      CREATE TRIGGER routes_websites_update AFTER UPDATE OF domain_name, enabled, active_generation ON websites BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
      END;
      CREATE TRIGGER routes_websites_delete AFTER DELETE ON websites BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
      END;
    `,
  },
  {
    version: 9,
    description: 'websites: each runs in the runtime image of its own Python version',
    sql: `ALTER TABLE websites ADD COLUMN python_version TEXT NOT NULL DEFAULT '3.11';`,
  },
  {
    version: 10,
    description: 'compare servers: runs of a web app under each server, with their results',
    sql: `
      -- state: running | done | failed. result_json: the servers' measurements so
      -- far (domain/compare-servers.ts ServerResult[]); error: why a run failed.
      CREATE TABLE compare_runs (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        webapp_id      INTEGER NOT NULL REFERENCES webapps(id) ON DELETE CASCADE,
        user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        path           TEXT NOT NULL,
        seconds        INTEGER NOT NULL,
        current_server TEXT NOT NULL,
        state          TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
        result_json    TEXT NOT NULL DEFAULT '[]',
        winner         TEXT,
        summary        TEXT,
        error          TEXT,
        created_at     TEXT NOT NULL,
        finished_at    TEXT
      );
      CREATE INDEX compare_runs_webapp ON compare_runs(webapp_id, id);
    `,
  },
  {
    version: 11,
    description: 'certificates: the TLS certificates in PYHOST_DATA/tls, issued by ACME or uploaded, with their renewal state',
    sql: `
      -- id: the store's name (tls/certs/<id>.pem). names: JSON array of host names.
      -- owner: 'dashboard', 'webapp:<id>' or 'website:<id>'. The dates are ISO
      -- (not_before/not_after: the certificate's; next_attempt_at: when the
      -- renewer may try again); last_error: the last failed order, in words.
      CREATE TABLE certificates (
        id               TEXT PRIMARY KEY,
        names            TEXT NOT NULL,
        source           TEXT NOT NULL CHECK (source IN ('acme', 'upload')),
        owner            TEXT NOT NULL,
        issuer           TEXT,
        not_before       TEXT,
        not_after        TEXT,
        last_error       TEXT,
        last_attempt_at  TEXT,
        next_attempt_at  TEXT,
        failures         INTEGER NOT NULL DEFAULT 0,
        created_at       TEXT NOT NULL
      );
      CREATE INDEX certificates_owner ON certificates(owner);
    `,
  },
  {
    version: 12,
    description: "custom_domains: each custom domain's DNS check (a web app's or website's domain_name outside PYHOST_DOMAIN)",
    sql: `
      -- One row per custom domain a site of user_id's has claimed; the domain's
      -- uniqueness is the web apps' and websites' own (migration 8). dns_found:
      -- what a 'wrong' check found, in words; checked_at: ISO, null before the first.
      CREATE TABLE custom_domains (
        domain      TEXT PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        dns_status  TEXT NOT NULL DEFAULT 'pending' CHECK (dns_status IN ('pending', 'ok', 'wrong')),
        dns_found   TEXT,
        checked_at  TEXT
      );
    `,
  },
  {
    version: 13,
    description: "cpu_usage: each account's CPU time per UTC day, charged (consoles, tasks) and its web apps' apart",
    sql: `
      -- day: 'YYYY-MM-DD' (UTC). Microseconds, summed from the containers'
      -- cgroup counters by the CPU meter (services/accounts/cpu-meter.ts).
      CREATE TABLE cpu_usage (
        user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        day           TEXT NOT NULL,
        charged_usec  INTEGER NOT NULL DEFAULT 0,
        webapp_usec   INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, day)
      );
    `,
  },
  {
    version: 14,
    description: 'webapps.hsts_enabled: the router adds Strict-Transport-Security to the app\'s answers over HTTPS',
    sql: `
      ALTER TABLE webapps ADD COLUMN hsts_enabled INTEGER NOT NULL DEFAULT 0;
      -- The router must see it as it sees force_https: it is one more column of the route rows.
      DROP TRIGGER routes_webapp_changed;
      CREATE TRIGGER routes_webapp_changed
        AFTER UPDATE OF user_id, domain_name, enabled, active_generation, force_https, hsts_enabled,
                        password_protection_enabled, password_protection_username, password_protection_hash ON webapps
        BEGIN
          UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
        END;
    `,
  },
  {
    version: 15,
    description: 'sleeping web apps: asleep since when (no container while asleep), and kept awake by their owner',
    sql: `
      ALTER TABLE webapps ADD COLUMN sleeping_since TEXT;
      ALTER TABLE webapps ADD COLUMN keep_awake INTEGER NOT NULL DEFAULT 0;
      -- The router holds a sleeping app's requests and asks for it to wake,
      -- and answers a crashed web app's or website's 502 at once: route columns.
      DROP TRIGGER routes_webapp_changed;
      CREATE TRIGGER routes_webapp_changed
        AFTER UPDATE OF user_id, domain_name, enabled, active_generation, force_https, hsts_enabled, sleeping_since, crashed_reason,
                        password_protection_enabled, password_protection_username, password_protection_hash ON webapps
        BEGIN
          UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
        END;
      DROP TRIGGER routes_websites_update;
      CREATE TRIGGER routes_websites_update AFTER UPDATE OF domain_name, enabled, active_generation, crashed_reason ON websites BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'routes_version';
      END;
    `,
  },
  {
    version: 16,
    description: 'route_changes: which rows of the route table changed, so that the router is sent those rows and not the whole table; hosts_version: which names are served',
    sql: `
      -- Filled by triggers in the transaction that makes the change, beside
      -- routes_version; the api turns them into the rows it appends to
      -- ingress/routes.changes and then deletes them (route-publisher.ts).
      -- kind names what key is: a web app's or website's id, a user's id
      -- (every site of theirs), or a custom domain (the site with that name).
      CREATE TABLE route_changes (
        seq  INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL CHECK (kind IN ('webapp', 'website', 'user', 'domain')),
        key  NOT NULL
      );
      CREATE TRIGGER route_changes_webapp_added AFTER INSERT ON webapps BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('webapp', NEW.id);
      END;
      CREATE TRIGGER route_changes_webapp_removed AFTER DELETE ON webapps BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('webapp', OLD.id);
      END;
      CREATE TRIGGER route_changes_webapp_changed
        AFTER UPDATE OF user_id, domain_name, enabled, active_generation, force_https, hsts_enabled, sleeping_since, crashed_reason,
                        password_protection_enabled, password_protection_username, password_protection_hash ON webapps
        BEGIN
          INSERT INTO route_changes (kind, key) VALUES ('webapp', NEW.id);
        END;
      CREATE TRIGGER route_changes_static_added AFTER INSERT ON static_files BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('webapp', NEW.webapp_id);
      END;
      CREATE TRIGGER route_changes_static_removed AFTER DELETE ON static_files BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('webapp', OLD.webapp_id);
      END;
      CREATE TRIGGER route_changes_static_changed AFTER UPDATE ON static_files BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('webapp', OLD.webapp_id), ('webapp', NEW.webapp_id);
      END;
      CREATE TRIGGER route_changes_user_changed AFTER UPDATE OF username, disabled_at ON users BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('user', NEW.id);
      END;
      CREATE TRIGGER route_changes_website_added AFTER INSERT ON websites BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('website', NEW.id);
      END;
      CREATE TRIGGER route_changes_website_changed AFTER UPDATE OF domain_name, enabled, active_generation, crashed_reason ON websites BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('website', NEW.id);
      END;
      CREATE TRIGGER route_changes_website_removed AFTER DELETE ON websites BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('website', OLD.id);
      END;
      CREATE TRIGGER route_changes_domain_added AFTER INSERT ON custom_domains BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('domain', NEW.domain);
      END;
      CREATE TRIGGER route_changes_domain_checked AFTER UPDATE OF dns_status ON custom_domains BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('domain', NEW.domain);
      END;
      CREATE TRIGGER route_changes_domain_removed AFTER DELETE ON custom_domains BEGIN
        INSERT INTO route_changes (kind, key) VALUES ('domain', OLD.domain);
      END;

      -- hosts_version moves only when which names are served may change (not
      -- when an app sleeps, wakes or reloads): the certificate renewer looks
      -- at every site again when it moves (services/tls/renewer.ts).
      INSERT OR IGNORE INTO meta (key, value) VALUES ('hosts_version', '0');
      CREATE TRIGGER hosts_webapp_added AFTER INSERT ON webapps BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'hosts_version';
      END;
      CREATE TRIGGER hosts_webapp_removed AFTER DELETE ON webapps BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'hosts_version';
      END;
      CREATE TRIGGER hosts_webapp_changed AFTER UPDATE OF user_id, domain_name, enabled ON webapps BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'hosts_version';
      END;
      CREATE TRIGGER hosts_website_added AFTER INSERT ON websites BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'hosts_version';
      END;
      CREATE TRIGGER hosts_website_removed AFTER DELETE ON websites BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'hosts_version';
      END;
      CREATE TRIGGER hosts_website_changed AFTER UPDATE OF user_id, domain_name, enabled ON websites BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'hosts_version';
      END;
      CREATE TRIGGER hosts_user_changed AFTER UPDATE OF disabled_at ON users BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'hosts_version';
      END;
      CREATE TRIGGER hosts_domain_added AFTER INSERT ON custom_domains BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'hosts_version';
      END;
      CREATE TRIGGER hosts_domain_checked AFTER UPDATE OF dns_status ON custom_domains WHEN (OLD.dns_status = 'ok') <> (NEW.dns_status = 'ok') BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'hosts_version';
      END;
      CREATE TRIGGER hosts_domain_removed AFTER DELETE ON custom_domains BEGIN
        UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'hosts_version';
      END;
    `,
  },
];
