import type { itemEvents, items } from '../../db/schema/index.js';
import type { ItemState } from './types.js';

/**
 * An item as the repository hands it out: its row and its decoded state. The type lives with the
 * model, not in items.repository.ts, so that the layers below the use-cases (notifications, the
 * reminders model, refs) can name what they are given without importing a repository. Only the
 * table's row type is borrowed from the schema (a type import: no database code comes with it).
 */
export type ItemRow = typeof items.$inferSelect;
export type StoredItem = { id: number; row: ItemRow; state: ItemState };
export type StoredEvent = typeof itemEvents.$inferSelect;
