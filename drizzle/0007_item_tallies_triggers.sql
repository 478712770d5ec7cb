-- item_units.item_open for the rows already there (the index of unacknowledged units reads it).
UPDATE item_units iu SET item_open = true FROM items i WHERE i.id = iu.item_id AND i.status = 'open';
--> statement-breakpoint
-- items.extension_requested_at for the open items with a pending request.
UPDATE items SET extension_requested_at = (state -> 'pendingExtension' ->> 'requestedAt')::timestamptz
WHERE status = 'open' AND jsonb_typeof(state -> 'pendingExtension') = 'object';
--> statement-breakpoint
-- item_tallies (see src/db/schema/items.ts) follows every change of `items`: one statement
-- trigger per event, whose transition tables give the rows before and after; the keys of the
-- rows removed count -1, those of the rows written +1, and only the keys whose sum is not zero are
-- appended (an update that changes no key appends nothing). Appending never waits on another
-- writer; readers sum the rows per key and fold them from time to time. One function per event
-- with static SQL, so that each keeps its plan (about 0.1 ms per single-row update).
CREATE OR REPLACE FUNCTION item_tallies_on_insert() RETURNS trigger AS $$
BEGIN
  WITH r AS (select *, 1 as d from new_rows)
    insert into item_tallies (kind, unit_id, status, unacked, n)
    select kind, unit_id, status, unacked, sum(d)::int from (
      select 1::smallint as kind, coalesce(r.lead_unit, 0) as unit_id, r.status, (r.status = 'open' and r.unacked_count > 0) as unacked, r.d
      from r where r.code_number is not null and r.status in ('open', 'result_submitted')
      union all
      select 2::smallint, u.value::int, 'open', true, r.d
      from r cross join lateral jsonb_array_elements_text(r.unacked_units) u
      where r.code_number is not null and r.status = 'open'
    ) k
    group by kind, unit_id, status, unacked
    having sum(d) <> 0;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION item_tallies_on_update() RETURNS trigger AS $$
BEGIN
  WITH r AS (select *, 1 as d from new_rows union all select *, -1 as d from old_rows)
    insert into item_tallies (kind, unit_id, status, unacked, n)
    select kind, unit_id, status, unacked, sum(d)::int from (
      select 1::smallint as kind, coalesce(r.lead_unit, 0) as unit_id, r.status, (r.status = 'open' and r.unacked_count > 0) as unacked, r.d
      from r where r.code_number is not null and r.status in ('open', 'result_submitted')
      union all
      select 2::smallint, u.value::int, 'open', true, r.d
      from r cross join lateral jsonb_array_elements_text(r.unacked_units) u
      where r.code_number is not null and r.status = 'open'
    ) k
    group by kind, unit_id, status, unacked
    having sum(d) <> 0;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION item_tallies_on_delete() RETURNS trigger AS $$
BEGIN
  WITH r AS (select *, -1 as d from old_rows)
    insert into item_tallies (kind, unit_id, status, unacked, n)
    select kind, unit_id, status, unacked, sum(d)::int from (
      select 1::smallint as kind, coalesce(r.lead_unit, 0) as unit_id, r.status, (r.status = 'open' and r.unacked_count > 0) as unacked, r.d
      from r where r.code_number is not null and r.status in ('open', 'result_submitted')
      union all
      select 2::smallint, u.value::int, 'open', true, r.d
      from r cross join lateral jsonb_array_elements_text(r.unacked_units) u
      where r.code_number is not null and r.status = 'open'
    ) k
    group by kind, unit_id, status, unacked
    having sum(d) <> 0;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER items_tallies_insert AFTER INSERT ON items REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION item_tallies_on_insert();
--> statement-breakpoint
CREATE TRIGGER items_tallies_update AFTER UPDATE ON items REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION item_tallies_on_update();
--> statement-breakpoint
CREATE TRIGGER items_tallies_delete AFTER DELETE ON items REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION item_tallies_on_delete();
--> statement-breakpoint
-- TRUNCATE fires no row or statement trigger of the other events: the tallies empty with it.
CREATE OR REPLACE FUNCTION item_tallies_truncate() RETURNS trigger AS $$
BEGIN
  DELETE FROM item_tallies;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER items_tallies_truncate AFTER TRUNCATE ON items
  FOR EACH STATEMENT EXECUTE FUNCTION item_tallies_truncate();
--> statement-breakpoint
-- The items already there.
INSERT INTO item_tallies (kind, unit_id, status, unacked, n)
SELECT kind, unit_id, status, unacked, count(*)::int FROM (
  SELECT 1::smallint AS kind, coalesce(i.lead_unit, 0) AS unit_id, i.status, (i.status = 'open' AND i.unacked_count > 0) AS unacked
  FROM items i WHERE i.code_number IS NOT NULL AND i.status IN ('open', 'result_submitted')
  UNION ALL
  SELECT 2::smallint, u.value::int, 'open', true
  FROM items i CROSS JOIN LATERAL jsonb_array_elements_text(i.unacked_units) u
  WHERE i.code_number IS NOT NULL AND i.status = 'open'
) k
GROUP BY kind, unit_id, status, unacked;
