import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isValidTimeZone } from './calendar/model/zoned-time.js';
import { LOCALES } from './i18n/translator.js';
import { isReportEvery, type ReportEvery } from './items/model/report-rhythm.js';

/**
 * All settings, from environment variables over an optional JSON file
 * (config/duban.json, or the file named by DUBAN_CONFIG). One zod schema validates both;
 * createConfig() is pure so tests can feed it any input.
 */

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:mm, e.g. 09:00');

/** How one level (key / special / routine) is reminded; all counts are on the working calendar. */
const levelPolicy = z.object({
  /** Warnings this many working days before the deadline and each milestone (0 = on the day). */
  warnDays: z.array(z.number().int().min(0).max(30)).default([1]),
  /** Nag a unit that has not acknowledged within this many working hours. */
  ackNagHours: z.number().int().positive().default(8),
  /**
   * After this many acknowledgement nags the unit is not nagged again: its head is told (rung 2),
   * and one more period later the leaders (rung 3). The leaders' digest shows it every day.
   */
  ackNagLimit: z.number().int().min(1).default(3),
  /** Nag an overdue item every this many working days. */
  overdueNagEveryDays: z.number().int().positive().default(1),
  /** Nag the confirming leader when a result has waited this many working days. */
  confirmNagDays: z.number().int().positive().default(2),
  /**
   * 限时报告 when the instruction names no rhythm: 'week' (by Friday), 'week:N' (weekday N, 1 =
   * Monday), 'half-month', 'month' (by its last day), 'month:N', 'quarter', 'day', or null for none.
   */
  reportEvery: z.string().refine(isReportEvery, 'use day, week, week:1..7, half-month, month, month:1..31 or quarter (or null)').nullable().default(null),
  /** 调查复核: a complete result waits for a supervisor's 核实属实 before a leader may confirm it. */
  verify: z.boolean().default(false),
  /** With `verify`: 核实属实 needs at least one file or photo (on the results or added by the supervisor). */
  evidence: z.boolean().default(false),
});
const rungThreshold = z.object({ nags: z.number().int().positive(), daysOverdue: z.number().int().positive() });
/**
 * Rung 4 (移交 to the discipline body) for one level: its own threshold instead of
 * reminders.escalation.rung4, or null for a level whose ladder stops at rung 3.
 */
const levelPolicyWithRung4 = levelPolicy.extend({ rung4: rungThreshold.nullable().optional() });

export const DEFAULT_LEVEL_POLICIES = {
  key: {
    warnDays: [3, 1, 0],
    ackNagHours: 4,
    ackNagLimit: 4,
    overdueNagEveryDays: 1,
    confirmNagDays: 1,
    reportEvery: 'week' as ReportEvery | null,
    verify: true,
    evidence: false,
  },
  special: {
    warnDays: [2, 0],
    ackNagHours: 8,
    ackNagLimit: 3,
    overdueNagEveryDays: 1,
    confirmNagDays: 2,
    reportEvery: null as ReportEvery | null,
    verify: false,
    evidence: false,
  },
  routine: {
    warnDays: [1],
    ackNagHours: 16,
    ackNagLimit: 2,
    overdueNagEveryDays: 2,
    confirmNagDays: 3,
    reportEvery: null as ReportEvery | null,
    verify: false,
    evidence: false,
  },
};
/** 屡推不动 before the deadline: report due days missed in a row (rung 2, rung 3), results returned (rung 3). */
const stalledPolicy = z.object({
  missedReports: z.object({ rung2: z.number().int().positive(), rung3: z.number().int().positive() }),
  returns: z.number().int().positive(),
});
export const DEFAULT_STALLED = { missedReports: { rung2: 2, rung3: 3 }, returns: 3 };
export const DEFAULT_ESCALATION = {
  rung2: { nags: 2, daysOverdue: 3 },
  rung3: { nags: 4, daysOverdue: 7 },
  rung4: { nags: 6, daysOverdue: 15 },
  stalled: DEFAULT_STALLED,
};

export const configSchema = z
  .object({
    botToken: z.string().min(1).optional(),
    botApiRoot: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. https://api.telegram.org' }).default('https://api.telegram.org'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\/[^\s]+$/, 'must be a PostgreSQL URL like postgres://user:password@host:5432/dbname')
      .optional(),
    dataDir: z.string().min(1).default('./data'),
    adminIds: z.array(z.number().int().positive()).default([]),
    timezone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
    locale: z.enum(LOCALES).default('zh'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Invite links expire after this many hours. */
    inviteTtlHours: z.number().int().positive().default(72),
    /** Without BOT_TOKEN, `npm start` serves the sandbox page here, on 127.0.0.1 only (0 = any free port). */
    sandboxPort: z.number({ error: 'must be a port number, e.g. 8080' }).int().min(0).max(65535).default(8080),
    /**
     * all: take updates from Telegram (long polling, or the webhook when WEBHOOK_URL is set) and run
     * the scheduler and the outbox dispatcher. worker: only the scheduler and the dispatcher
     * (Telegram allows one poller per token; without a webhook, run more instances as workers).
     */
    role: z.enum(['all', 'worker'], { error: 'must be all or worker' }).default('all'),
    /** The operators' HTTP endpoints (/healthz, /readyz, /metrics); off when unset (0 = any free port). */
    metricsPort: z.number({ error: 'must be a port number, e.g. 9464' }).int().min(0).max(65535).optional(),
    /** Where those endpoints listen: loopback unless the operator opens them up. */
    metricsHost: z.string().min(1).default('127.0.0.1'),
    /**
     * Set: an instance with ROLE=all does not poll; Telegram posts updates to this URL (a load
     * balancer in front of any number of instances) and the instance serves them on HOST:PORT.
     */
    webhookUrl: z.url({ protocol: /^https$/, error: 'must be an https URL (Telegram posts only to https), e.g. https://bot.example.org/telegram' }).optional(),
    /** Telegram sends it in X-Telegram-Bot-Api-Secret-Token with every update; a request without it is refused. */
    webhookSecret: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and - (e.g. the output of `openssl rand -hex 32`)')
      .optional(),
    /** The webhook's HTTP server (with WEBHOOK_URL): port (0 = any free port) and address. */
    port: z.number({ error: 'must be a port number, e.g. 8080' }).int().min(0).max(65535).default(8080),
    host: z.string().min(1).default('0.0.0.0'),
    items: z
      .object({
        codePrefix: z.string().min(1).max(10).default('督办'),
        /** Used when an instruction names no deadline, in working days from assignment. */
        defaultDeadlineWorkingDays: z
          .object({ key: z.number().int().positive(), special: z.number().int().positive(), routine: z.number().int().positive() })
          .default({ key: 5, special: 10, routine: 15 }),
      })
      .default({ codePrefix: '督办', defaultDeadlineWorkingDays: { key: 5, special: 10, routine: 15 } }),
    workingHours: z
      .object({ start: hhmm, end: hhmm })
      .refine((w) => w.start < w.end, 'start must be before end')
      .default({ start: '09:00', end: '18:00' }),
    reminders: z
      .object({
        /** node-cron expression of the sweep that plans warnings, nags and escalations. */
        sweepCron: z.string().min(9).default('* * * * *'),
        /**
         * Local times of the reminder bundles after the morning message (working days only): what fell
         * due since the last bundle goes to each chat as one message. The morning's reminders go with
         * the daily digest (digests.dailyTime).
         */
        bundleTimes: z.array(hhmm).max(4).default(['15:00']),
        levels: z.object({ key: levelPolicyWithRung4, special: levelPolicyWithRung4, routine: levelPolicyWithRung4 }).default(DEFAULT_LEVEL_POLICIES),
        /**
         * The escalation ladder: rung 1 is the unit's staff (every nag); a higher rung is reached when
         * the item's overdue nags reach `nags` or its working days overdue reach `daysOverdue`.
         * 2 = the unit head and the unit group, 3 = the leaders group and the leader in charge,
         * 4 = 移交 to the discipline group (屡督不办; the referral waits when none is bound). A level
         * may set its own rung 4 (levels.<level>.rung4), or null to stop its ladder at rung 3.
         */
        escalation: z
          .object({ rung2: rungThreshold, rung3: rungThreshold, rung4: rungThreshold, stalled: stalledPolicy.default(DEFAULT_STALLED) })
          .default(DEFAULT_ESCALATION),
      })
      .default({ sweepCron: '* * * * *', bundleTimes: ['15:00'], levels: DEFAULT_LEVEL_POLICIES, escalation: DEFAULT_ESCALATION }),
    digests: z
      .object({
        /** Daily digest to each leaders group and each unit group, local time, working days only. */
        dailyTime: hhmm.default('08:30'),
        /** Weekly bulletin (通报): node-cron expression in the organisation's timezone. */
        bulletinCron: z.string().min(9).default('0 9 * * 1'),
        /** A digest missed (bot down) by less than this is sent late with a note; older ones are skipped. */
        lateWindowMinutes: z.number().int().min(0).default(120),
        /**
         * Who reads 通报: the weekly bulletin and 点名通报 (/notify). 'leaders': the leaders groups (a
         * 点名通报 also reaches the named item's own units); 'all': the leaders groups and every unit group.
         */
        bulletinAudience: z.enum(['leaders', 'all']).default('leaders'),
      })
      .default({ dailyTime: '08:30', bulletinCron: '0 9 * * 1', lateWindowMinutes: 120, bulletinAudience: 'leaders' }),
  })
  .refine((config) => config.webhookUrl === undefined || config.webhookSecret !== undefined, {
    path: ['webhookSecret'],
    message: 'required when WEBHOOK_URL is set: 1-256 characters of A-Z, a-z, 0-9, _ and - (e.g. the output of `openssl rand -hex 32`)',
    // Checked even when other settings are wrong, so that every problem is listed at once.
    when: ({ value }) => typeof value === 'object' && value !== null,
  });

export type Config = z.infer<typeof configSchema>;

/** Which environment variable feeds which setting; also how errors name a setting. */
const ENV_NAMES: Record<string, string> = {
  botToken: 'BOT_TOKEN',
  botApiRoot: 'BOT_API_ROOT',
  databaseUrl: 'DATABASE_URL',
  dataDir: 'DATA_DIR',
  adminIds: 'ADMIN_IDS',
  timezone: 'TIMEZONE',
  locale: 'LOCALE',
  logLevel: 'LOG_LEVEL',
  inviteTtlHours: 'INVITE_TTL_HOURS',
  sandboxPort: 'SANDBOX_PORT',
  role: 'ROLE',
  metricsPort: 'METRICS_PORT',
  metricsHost: 'METRICS_HOST',
  webhookUrl: 'WEBHOOK_URL',
  webhookSecret: 'WEBHOOK_SECRET',
  port: 'PORT',
  host: 'HOST',
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function fromEnv(env: Env): { values: Record<string, unknown>; problems: string[] } {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') continue;
    const value = raw.trim();
    if (key === 'adminIds') {
      const parts = value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      const bad = parts.filter((p) => !/^\d+$/.test(p));
      if (bad.length > 0) {
        problems.push(`ADMIN_IDS: "${bad.join('", "')}" is not a Telegram user id; give numeric ids separated by commas, e.g. ADMIN_IDS=123456789,987654321`);
      } else {
        values[key] = parts.map(Number);
      }
    } else if (key === 'inviteTtlHours' || key === 'sandboxPort' || key === 'metricsPort' || key === 'port') {
      values[key] = /^\d+$/.test(value) ? Number(value) : value;
    } else {
      values[key] = value;
    }
  }
  return { values, problems };
}

export type ConfigInput = { env?: Env; file?: Record<string, unknown> };

/** Builds the configuration from env (winning) over file values. Throws ConfigError listing every problem. */
export function createConfig(input: ConfigInput = {}): Config {
  const { values, problems } = fromEnv(input.env ?? {});
  const merged = { ...(input.file ?? {}), ...values };
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.map(String).join('.');
      const top = String(issue.path[0] ?? '');
      const name = ENV_NAMES[top] && issue.path.length === 1 ? ENV_NAMES[top] : `config file: ${key}`;
      if (problems.some((p) => p.startsWith(`${name}:`))) continue;
      problems.push(`${name}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/** Reads the optional JSON config file: DUBAN_CONFIG, else config/duban.json when it exists. */
export function readConfigFile(env: Env, cwd = process.cwd()): Record<string, unknown> | undefined {
  const file = env.DUBAN_CONFIG ?? path.join(cwd, 'config', 'duban.json');
  if (!existsSync(file)) {
    if (env.DUBAN_CONFIG) throw new ConfigError([`DUBAN_CONFIG: file ${file} does not exist`]);
    return undefined;
  }
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ConfigError([`${file}: must hold one JSON object`]);
    }
    return value as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError([`${file}: not valid JSON (${(error as Error).message})`]);
  }
}

/** Loads config from process env and the config file; on failure prints every problem and exits 2. */
export function loadConfigOrExit(env: Env = process.env): Config {
  try {
    return createConfig({ env, file: readConfigFile(env) });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`duban: ${error.message}\nFix the settings above (environment variables or config/duban.json) and start again.\n`);
      process.exit(2);
    }
    throw error;
  }
}
