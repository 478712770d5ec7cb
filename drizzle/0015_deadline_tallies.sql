CREATE TABLE "item_deadline_summary" (
	"unit_id" integer NOT NULL,
	"excused" boolean NOT NULL,
	"deadlines" timestamp with time zone[] NOT NULL,
	"counts" integer[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_deadline_tallies" (
	"unit_id" integer NOT NULL,
	"excused" boolean NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"n" integer NOT NULL
);
--> statement-breakpoint
-- The triggers of drizzle/0007 also append the open items' deadlines to item_deadline_tallies
-- (see src/db/schema/items.ts): per first lead unit, excused flag and deadline, -1 for the rows
-- before and +1 for the rows after, only the keys whose sum is not zero (an update that moves no
-- deadline, lead unit, excused flag or status appends nothing). A data-modifying WITH runs once
-- whether or not the main statement reads it.
--> statement-breakpoint
CREATE OR REPLACE FUNCTION item_tallies_on_insert() RETURNS trigger AS $$
BEGIN
  WITH r AS (select *, 1 as d from new_rows),
  deadlines AS (
    insert into item_deadline_tallies (unit_id, excused, deadline_at, n)
    select coalesce(r.lead_unit, 0), r.excused, r.deadline_at, sum(r.d)::int
    from r where r.code_number is not null and r.status = 'open' and r.deadline_at is not null
    group by 1, 2, 3
    having sum(r.d) <> 0
  )
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
  WITH r AS (select *, 1 as d from new_rows union all select *, -1 as d from old_rows),
  deadlines AS (
    insert into item_deadline_tallies (unit_id, excused, deadline_at, n)
    select coalesce(r.lead_unit, 0), r.excused, r.deadline_at, sum(r.d)::int
    from r where r.code_number is not null and r.status = 'open' and r.deadline_at is not null
    group by 1, 2, 3
    having sum(r.d) <> 0
  )
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
  WITH r AS (select *, -1 as d from old_rows),
  deadlines AS (
    insert into item_deadline_tallies (unit_id, excused, deadline_at, n)
    select coalesce(r.lead_unit, 0), r.excused, r.deadline_at, sum(r.d)::int
    from r where r.code_number is not null and r.status = 'open' and r.deadline_at is not null
    group by 1, 2, 3
    having sum(r.d) <> 0
  )
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
CREATE OR REPLACE FUNCTION item_tallies_truncate() RETURNS trigger AS $$
BEGIN
  DELETE FROM item_tallies;
  DELETE FROM item_deadline_tallies;
  DELETE FROM item_deadline_summary;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- The items already there, folded: per unit and flag the distinct deadlines in order and the
-- running number due up to each.
INSERT INTO item_deadline_summary (unit_id, excused, deadlines, counts)
SELECT unit_id, excused, array_agg(deadline_at ORDER BY deadline_at), array_agg(cum ORDER BY deadline_at)
FROM (
  SELECT unit_id, excused, deadline_at, (sum(n) OVER (PARTITION BY unit_id, excused ORDER BY deadline_at))::int AS cum
  FROM (
    SELECT coalesce(lead_unit, 0) AS unit_id, excused, deadline_at, count(*) AS n
    FROM items WHERE code_number IS NOT NULL AND status = 'open' AND deadline_at IS NOT NULL
    GROUP BY 1, 2, 3
  ) k
) c
GROUP BY unit_id, excused;
