import { parse, protocol, type PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';

type Field = { name: string; dataTypeID: number };
type Parser = (value: string, typeId: number) => unknown;

/**
 * PGlite's result of one statement from its messages (bind, rows, command complete), as its own
 * parseResults makes it, given the statement's fields. parseResults merges PGlite's 318 type
 * parsers with the query's own into a new object on every query; here each column's parser is
 * looked up once per query.
 */
function readResults(messages: readonly { name: string }[], fields: readonly Field[], parsers: Record<number, Parser>, options?: QueryOptions): Results {
  const own = options?.parsers as Record<number, Parser> | undefined;
  const columnParsers = fields.map((f) => own?.[f.dataTypeID] ?? parsers[f.dataTypeID]);
  const parseValue = (value: string | null, i: number): unknown => {
    if (value === null) return null;
    const parser = columnParsers[i];
    return parser ? parser(value, fields[i]!.dataTypeID) : value;
  };
  const asArrays = options?.rowMode === 'array';
  const rows: Results['rows'] = [];
  let affectedRows = 0;
  for (const message of messages) {
    if (message.name === 'dataRow') {
      const values = (message as unknown as { fields: (string | null)[] }).fields;
      if (asArrays) rows.push(values.map(parseValue));
      else {
        const row: Record<string, unknown> = {};
        for (let i = 0; i < values.length; i++) row[fields[i]!.name] = parseValue(values[i]!, i);
        rows.push(row);
      }
    } else if (message.name === 'commandComplete') {
      const words = (message as unknown as { text: string }).text.split(' ');
      const command = words[0]!;
      const count = Number.parseInt(words[words.length - 1]!, 10);
      if (['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE'].includes(command)) affectedRows += count;
      const result: Results & { command: string } = { rows, fields: fields.map((f) => ({ ...f })), command, affectedRows };
      if (!Number.isNaN(count)) (result as { rowCount?: number }).rowCount = count;
      return result;
    }
  }
  return { rows: [], fields: [], affectedRows: 0 };
}

/**
 * PGlite runs every query as an unnamed statement, in six trips through its WebAssembly
 * backend (parse, describe the statement, bind, describe the portal, execute, sync): the
 * backend parses and plans the text each time, and each trip costs its own round of message
 * parsing on the JavaScript side. drizzle's PGlite driver calls `query` for everything.
 *
 * This gives drizzle a PGlite whose queries with parameters (in transactions too) run as named
 * prepared statements, kept by their text: the first time, one trip parses and describes the
 * statement (its parameter types and its row description are kept); after that, one trip binds,
 * executes and syncs, and the kept row description names the columns. PostgreSQL keeps each
 * statement's plan (a generic one once it pays) and re-plans by itself when a table under it
 * changes. Reads without parameters are prepared too; other statements without parameters (DDL,
 * BEGIN, a savepoint, a migration's statements) go as before.
 *
 * At most `capacity` statements are kept: the least recently used one is closed when another
 * is prepared. A statement that PostgreSQL refuses to run again ("cached plan must not change
 * result type", after a table's columns changed) is forgotten, and run once more outside a
 * transaction.
 */
export function preparedPglite(pg: PGlite, options: { capacity?: number } = {}): PGlite {
  const capacity = options.capacity ?? 400;
  type Statement = { name: string; paramTypes: number[]; fields: Field[]; used: number };
  const statements = new Map<string, Statement>();
  let counter = 0;
  let uses = 0;
  let inTransaction = false;
  /** Statements forgotten (evicted, or refused to run again): closed with the next one prepared. */
  const toClose: string[] = [];

  const { serialize } = protocol;
  const wrapError = (error: unknown, text: string, params: unknown[], queryOptions?: QueryOptions): unknown => {
    if (error && typeof error === 'object' && 'code' in error) Object.assign(error, { query: text, params, queryOptions });
    return error;
  };

  async function prepare(text: string, queryOptions?: QueryOptions): Promise<Statement> {
    const known = statements.get(text);
    if (known) {
      known.used = ++uses; // one lookup of the text (it is long, and a new string each time)
      return known;
    }
    if (statements.size >= capacity) {
      // The least recently used goes: a scan, once in a while, rather than reordering a map on every query.
      let oldest: [string, Statement] | null = null;
      for (const entry of statements) if (!oldest || entry[1].used < oldest[1].used) oldest = entry;
      statements.delete(oldest![0]);
      toClose.push(oldest![1].name);
    }
    const parts = toClose.splice(0).map((old) => serialize.close({ type: 'S', name: old }));
    const name = `duban_${++counter}`;
    parts.push(serialize.parse({ name, text, types: queryOptions?.paramTypes ?? [] }), serialize.describe({ type: 'S', name }), serialize.sync());
    const { messages } = await pg.execProtocol(Buffer.concat(parts), { syncToFs: false });
    const statement: Statement = {
      name,
      used: ++uses,
      paramTypes: parse.parseDescribeStatementResults(messages),
      fields: ((messages.find((m) => m.name === 'rowDescription') as { fields?: Field[] } | undefined)?.fields ?? []).map((f) => ({
        name: f.name,
        dataTypeID: f.dataTypeID,
      })),
    };
    statements.set(text, statement);
    return statement;
  }

  async function run(text: string, params: unknown[], queryOptions: QueryOptions | undefined, retry: boolean): Promise<Results> {
    try {
      return await pg.runExclusive(async () => {
        const statement = await prepare(text, queryOptions);
        const values = params.map((value, i) => {
          if (value === null || value === undefined) return null;
          const type = statement.paramTypes[i]!;
          const serializer = queryOptions?.serializers?.[type] ?? pg.serializers[type];
          return serializer ? serializer(value) : String(value);
        });
        const { messages } = await pg.execProtocol(
          Buffer.concat([serialize.bind({ statement: statement.name, values: values as never }), serialize.execute({}), serialize.sync()]),
          { syncToFs: false },
        );
        if (!inTransaction) await pg.syncToFs();
        return readResults(messages, statement.fields, pg.parsers, queryOptions);
      });
    } catch (error) {
      const stale = statements.get(text);
      if ((error as { code?: string }).code === '0A000' && stale) {
        // cached plan must not change result type: a table under it changed. Prepared again next time.
        statements.delete(text);
        toClose.push(stale.name);
        if (retry && !inTransaction) return run(text, params, queryOptions, false);
      }
      throw wrapError(error, text, params, queryOptions);
    }
  }

  // A query with parameters, or a read without any (one statement): the rest (DDL, BEGIN, a
  // savepoint, a migration's statements) runs as before.
  const preparable = (text: string, params: unknown[] | undefined) =>
    (params !== undefined && params.length > 0) || (/^\s*\(?\s*(select|with)\b/i.test(text) && !text.includes(';'));
  /** Prepared when it can be, else PGlite's own way (`plain`); at the top level under PGlite's transaction lock, as its own query. */
  const query = <T>(
    text: string,
    params: unknown[] | undefined,
    queryOptions: QueryOptions | undefined,
    plain: () => Promise<Results<T>>,
    topLevel: boolean,
  ): Promise<Results<T>> => {
    if (!preparable(text, params)) return plain();
    const prepared = () => run(text, params ?? [], queryOptions, true) as Promise<Results<T>>;
    return topLevel ? pg._runExclusiveTransaction(prepared) : prepared();
  };

  return new Proxy(pg, {
    get(target, property, receiver) {
      if (property === 'query') {
        return <T>(text: string, params?: unknown[], queryOptions?: QueryOptions) =>
          query<T>(text, params, queryOptions, () => target.query<T>(text, params, queryOptions), true);
      }
      if (property === 'transaction') {
        return <T>(callback: (tx: Transaction) => Promise<T>) =>
          target.transaction(async (tx) => {
            inTransaction = true;
            try {
              const wrapped: Transaction = Object.create(tx, {
                query: {
                  value: async <R>(text: string, params?: unknown[], queryOptions?: QueryOptions) => {
                    if (tx.closed) throw new Error('Transaction is closed');
                    return query<R>(text, params, queryOptions, () => tx.query<R>(text, params, queryOptions), false);
                  },
                },
              }) as Transaction;
              return await callback(wrapped);
            } finally {
              inTransaction = false;
            }
          });
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
