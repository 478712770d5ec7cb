CREATE TABLE "unit_registry_version" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"token" text DEFAULT gen_random_uuid()::text NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "unit_registry_version_one_row" CHECK ("unit_registry_version"."id")
);
--> statement-breakpoint
CREATE INDEX "items_issued_by_idx" ON "items" USING btree ("issued_by","id") WHERE "items"."status" in ('open', 'result_submitted');--> statement-breakpoint
CREATE INDEX "items_leader_in_charge_idx" ON "items" USING btree ("leader_in_charge","id") WHERE "items"."status" in ('open', 'result_submitted') and "items"."leader_in_charge" is not null;
--> statement-breakpoint
-- A version is the next value of a sequence: never used twice, even when the transaction that
-- took it rolls back (a cache filled inside that transaction then holds a version no committed
-- state will ever have).
CREATE SEQUENCE "unit_registry_version_seq";
--> statement-breakpoint
INSERT INTO "unit_registry_version" ("id", "version") VALUES (true, nextval('unit_registry_version_seq'));
--> statement-breakpoint
-- Every statement that writes units or unit_aliases (insert, update, delete, truncate; by the bot,
-- the CLI or by hand) moves the version on, in the writer's transaction: the new version becomes
-- visible to other instances exactly when the change does.
CREATE OR REPLACE FUNCTION unit_registry_changed() RETURNS trigger AS $$
BEGIN
  UPDATE unit_registry_version SET version = nextval('unit_registry_version_seq');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER units_registry_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "units"
  FOR EACH STATEMENT EXECUTE FUNCTION unit_registry_changed();
--> statement-breakpoint
CREATE TRIGGER unit_aliases_registry_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "unit_aliases"
  FOR EACH STATEMENT EXECUTE FUNCTION unit_registry_changed();
