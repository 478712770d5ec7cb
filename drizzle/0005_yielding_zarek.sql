ALTER TABLE "items" ADD COLUMN "lead_unit" integer GENERATED ALWAYS AS ((jsonb_path_query_first(state, '$.units[*] ? (@.role == "lead" && @.removedAt == null).unitId'))::integer) STORED;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "lead_count" integer GENERATED ALWAYS AS (jsonb_array_length(jsonb_path_query_array(state, '$.units[*] ? (@.role == "lead" && @.removedAt == null)'))) STORED;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "unacked_units" jsonb GENERATED ALWAYS AS (jsonb_path_query_array(state, '$.units[*] ? (@.acknowledgedAt == null && @.removedAt == null).unitId')) STORED;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "unacked_count" integer GENERATED ALWAYS AS (jsonb_array_length(jsonb_path_query_array(state, '$.units[*] ? (@.acknowledgedAt == null && @.removedAt == null)'))) STORED;--> statement-breakpoint
CREATE INDEX "item_units_unacked_idx" ON "item_units" USING btree ("unit_id","assigned_at","item_id") WHERE "item_units"."acknowledged_at" is null;--> statement-breakpoint
CREATE INDEX "items_lead_overdue_idx" ON "items" USING btree ("lead_unit","deadline_at","id") WHERE "items"."status" = 'open' and not "items"."excused";--> statement-breakpoint
CREATE INDEX "items_waiting_idx" ON "items" USING btree ("result_submitted_at","id") WHERE "items"."status" = 'result_submitted';--> statement-breakpoint
CREATE INDEX "items_due_idx" ON "items" USING btree ("deadline_at","id") WHERE "items"."status" = 'open';--> statement-breakpoint
CREATE INDEX "items_lead_waiting_idx" ON "items" USING btree ("lead_unit","result_submitted_at","id") WHERE "items"."status" = 'result_submitted';--> statement-breakpoint
CREATE INDEX "items_opened_at_idx" ON "items" USING btree ("opened_at");--> statement-breakpoint
CREATE INDEX "items_closed_at_idx" ON "items" USING btree ("closed_at");--> statement-breakpoint
CREATE INDEX "items_unacked_count_idx" ON "items" USING btree ("unacked_count") WHERE "items"."status" = 'open';--> statement-breakpoint
CREATE INDEX "items_multi_lead_idx" ON "items" USING btree ("id") WHERE "items"."lead_count" > 1 and "items"."status" in ('open', 'result_submitted', 'closed');--> statement-breakpoint
CREATE INDEX "items_pending_extension_idx" ON "items" USING btree ("id") WHERE "items"."status" in ('open', 'result_submitted') and jsonb_typeof("items"."state" -> 'pendingExtension') = 'object';