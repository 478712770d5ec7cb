import { describe } from 'vitest';
import { pgAvailable } from '../helpers/db.js';
import { clockFaults } from './clock.faults.js';
import { commandFaults } from './commands.faults.js';
import { pollingFaults } from './polling.faults.js';
import { sendFaults } from './sends.faults.js';

/**
 * The fault suite (issue 12): the bot as real processes (`node --import tsx src/main.ts`) against
 * the fake Bot API and PostgreSQL, killed, stopped, duplicated, cut off, and with its clock moved.
 * The process tests run concurrently: they mostly wait on real time (leases, backoff, a minute
 * boundary), and each has its own fake Bot API, gateway, database and processes (harness.ts Scope).
 * Each prints its figures as a `[faults]` line.
 *
 * FAULTS_FULL=1 runs the command bursts at the size (180 commands, three kills); CI runs
 * shorter ones (commands.faults.ts).
 */
(pgAvailable() ? describe : describe.skip)('faults (real processes)', () => {
  describe.concurrent('processes and the Bot API', () => {
    describe('send bursts', sendFaults);
    describe('polling and the Bot API out of reach', pollingFaults);
    describe('the clock moved', clockFaults);
  });
  // One after another, after the above: seeding a burst keeps this process (where the fake Bot
  // API and the gateways run) busy for seconds, which would skew the others' timings.
  describe('command bursts', commandFaults);
});
