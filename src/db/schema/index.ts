export * from './org.js';
export * from './items.js';
export * from './outbox.js';
export * from './reminders.js';
export * from './calendar.js';
