import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/client.js';
import { runMigrations } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated template database to copy per test file, or null when no PostgreSQL answers. */
    pgTemplate: { baseUrl: string; template: string } | null;
  }
}

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Once per test run: checks that PostgreSQL answers and builds a template database from the
 * migrations; each test file then copies it (CREATE DATABASE ... TEMPLATE), which is fast and
 * keeps files isolated. Without PostgreSQL the suite says so and runs on PGlite alone, except
 * with CI=true, where an unreachable PostgreSQL is a failure.
 */
export default async function setup(project: TestProject) {
  const baseUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_TEST_DATABASE_URL;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    await admin`select 1`;
  } catch (error) {
    await admin.end({ timeout: 1 }).catch(() => {});
    const message = `PostgreSQL at ${baseUrl} does not answer (${(error as Error).message}).`;
    if (process.env.CI === 'true') {
      throw new Error(`${message} CI=true requires a real PostgreSQL; start it or set TEST_DATABASE_URL.`);
    }
    process.stderr.write(
      `\n[duban tests] ${message}\n[duban tests] Running on the embedded PGlite only; PostgreSQL-only tests are skipped. Set TEST_DATABASE_URL to run them.\n\n`,
    );
    project.provide('pgTemplate', null);
    return;
  }
  const template = `duban_tpl_${process.pid}_${Date.now().toString(36)}`;
  await admin.unsafe(`create database "${template}"`);
  const database = await openDatabase({ databaseUrl: withDatabase(baseUrl, template), max: 1 });
  await runMigrations(database);
  await database.close();
  project.provide('pgTemplate', { baseUrl, template });
  return async () => {
    await admin.unsafe(`drop database if exists "${template}" with (force)`);
    await admin.end({ timeout: 5 });
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
