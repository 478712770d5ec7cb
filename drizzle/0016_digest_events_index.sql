DROP INDEX "item_events_at_idx";--> statement-breakpoint
CREATE INDEX "item_events_at_idx" ON "item_events" USING btree ("at","type","unit_id");