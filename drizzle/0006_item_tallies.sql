CREATE TABLE "item_tallies" (
	"kind" smallint NOT NULL,
	"unit_id" integer NOT NULL,
	"status" text NOT NULL,
	"unacked" boolean NOT NULL,
	"n" integer NOT NULL
);
--> statement-breakpoint
DROP INDEX "item_units_unacked_idx";--> statement-breakpoint
DROP INDEX "items_lead_overdue_idx";--> statement-breakpoint
DROP INDEX "items_opened_at_idx";--> statement-breakpoint
DROP INDEX "items_closed_at_idx";--> statement-breakpoint
DROP INDEX "items_pending_extension_idx";--> statement-breakpoint
ALTER TABLE "item_units" ADD COLUMN "item_open" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "extension_requested_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "items_open_deadline_lead_idx" ON "items" USING btree ("deadline_at","lead_unit","excused") WHERE "items"."status" = 'open' and "items"."code_number" is not null;--> statement-breakpoint
CREATE INDEX "item_units_unacked_idx" ON "item_units" USING btree ("unit_id","assigned_at","item_id") WHERE "item_units"."acknowledged_at" is null and "item_units"."item_open";--> statement-breakpoint
CREATE INDEX "items_lead_overdue_idx" ON "items" USING btree ("lead_unit","deadline_at","id","code_year","code_number","deadline") WHERE "items"."status" = 'open' and not "items"."excused";--> statement-breakpoint
CREATE INDEX "items_opened_at_idx" ON "items" USING btree ("opened_at","lead_unit","status","code_number");--> statement-breakpoint
CREATE INDEX "items_closed_at_idx" ON "items" USING btree ("closed_at","lead_unit","status","code_number");--> statement-breakpoint
CREATE INDEX "items_pending_extension_idx" ON "items" USING btree ("extension_requested_at","id") WHERE "items"."status" = 'open' and "items"."extension_requested_at" is not null;