/** The largest id a PostgreSQL integer column holds (items, units): a larger one names nothing. */
export const MAX_DB_ID = 2_147_483_647;
