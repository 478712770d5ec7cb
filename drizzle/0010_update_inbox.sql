ALTER TABLE "processed_updates" ADD COLUMN "payload" text;--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "applied_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "processed_updates" ADD COLUMN "handled_at" timestamp with time zone;--> statement-breakpoint
-- Ids remembered before the inbox were claimed when their handling began: count them as handled.
UPDATE "processed_updates" SET "handled_at" = "received_at";--> statement-breakpoint
CREATE INDEX "processed_updates_pending_idx" ON "processed_updates" USING btree ("lease_until") WHERE "processed_updates"."handled_at" is null;