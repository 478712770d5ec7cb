CREATE TABLE "notice_queue" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"chat_id" bigint NOT NULL,
	"thread_id" integer DEFAULT 0 NOT NULL,
	"locale" text DEFAULT 'zh' NOT NULL,
	"item_id" integer NOT NULL,
	"unit_id" integer DEFAULT 0 NOT NULL,
	"kind" text NOT NULL,
	"severity" integer NOT NULL,
	"line" text NOT NULL,
	"buttons" jsonb,
	"fallback" jsonb,
	"queued_at" timestamp with time zone NOT NULL,
	"bundled_at" timestamp with time zone,
	"bundle_key" text
);
--> statement-breakpoint
CREATE TABLE "calendar_days" (
	"year" integer NOT NULL,
	"date" text NOT NULL,
	"kind" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	CONSTRAINT "calendar_days_date_pk" PRIMARY KEY("date")
);
--> statement-breakpoint
CREATE TABLE "calendar_years" (
	"year" integer PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"via" text NOT NULL,
	"imported_by" bigint,
	"imported_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "item_messages" ADD COLUMN "thread_id" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "item_messages" ADD COLUMN "audience" text;--> statement-breakpoint
ALTER TABLE "item_messages" ADD COLUMN "locale" text;--> statement-breakpoint
ALTER TABLE "item_messages" ADD COLUMN "headline" text;--> statement-breakpoint
ALTER TABLE "item_messages" ADD COLUMN "compact" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "item_messages" ADD COLUMN "headline_status" text;--> statement-breakpoint
ALTER TABLE "item_messages" ADD COLUMN "rendered_hash" text;--> statement-breakpoint
ALTER TABLE "item_messages" ADD COLUMN "edited_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "item_messages" ADD COLUMN "gone_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "lead_unit" integer GENERATED ALWAYS AS ((jsonb_path_query_first(state, '$.units[*] ? (@.role == "lead" && @.removedAt == null).unitId'))::integer) STORED;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "lead_count" integer GENERATED ALWAYS AS (jsonb_array_length(jsonb_path_query_array(state, '$.units[*] ? (@.role == "lead" && @.removedAt == null)'))) STORED;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "unacked_units" jsonb GENERATED ALWAYS AS (jsonb_path_query_array(state, '$.units[*] ? (@.acknowledgedAt == null && @.removedAt == null).unitId')) STORED;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "unacked_count" integer GENERATED ALWAYS AS (jsonb_array_length(jsonb_path_query_array(state, '$.units[*] ? (@.acknowledgedAt == null && @.removedAt == null)'))) STORED;--> statement-breakpoint
ALTER TABLE "chat_send_state" ADD COLUMN "recent_sends" timestamp with time zone[] DEFAULT '{}'::timestamptz[] NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "card" jsonb;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "edit_message_id" integer;--> statement-breakpoint
ALTER TABLE "calendar_days" ADD CONSTRAINT "calendar_days_year_calendar_years_year_fk" FOREIGN KEY ("year") REFERENCES "public"."calendar_years"("year") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notice_queue_waiting_idx" ON "notice_queue" USING btree ("chat_id","id") WHERE "notice_queue"."bundled_at" is null;--> statement-breakpoint
CREATE INDEX "notice_queue_named_idx" ON "notice_queue" USING btree ("chat_id","item_id","bundled_at");--> statement-breakpoint
CREATE INDEX "calendar_days_year_idx" ON "calendar_days" USING btree ("year");--> statement-breakpoint
CREATE INDEX "item_messages_live_idx" ON "item_messages" USING btree ("item_id") WHERE "item_messages"."audience" is not null and "item_messages"."gone_at" is null;--> statement-breakpoint
CREATE INDEX "item_units_unacked_idx" ON "item_units" USING btree ("unit_id","assigned_at","item_id") WHERE "item_units"."acknowledged_at" is null;--> statement-breakpoint
CREATE INDEX "items_lead_overdue_idx" ON "items" USING btree ("lead_unit","deadline_at","id") WHERE "items"."status" = 'open' and not "items"."excused";--> statement-breakpoint
CREATE INDEX "items_waiting_idx" ON "items" USING btree ("result_submitted_at","id") WHERE "items"."status" = 'result_submitted';--> statement-breakpoint
CREATE INDEX "items_due_idx" ON "items" USING btree ("deadline_at","id") WHERE "items"."status" = 'open';--> statement-breakpoint
CREATE INDEX "items_lead_waiting_idx" ON "items" USING btree ("lead_unit","result_submitted_at","id") WHERE "items"."status" = 'result_submitted';--> statement-breakpoint
CREATE INDEX "items_opened_at_idx" ON "items" USING btree ("opened_at");--> statement-breakpoint
CREATE INDEX "items_closed_at_idx" ON "items" USING btree ("closed_at");--> statement-breakpoint
CREATE INDEX "items_unacked_count_idx" ON "items" USING btree ("unacked_count") WHERE "items"."status" = 'open';--> statement-breakpoint
CREATE INDEX "items_multi_lead_idx" ON "items" USING btree ("id") WHERE "items"."lead_count" > 1 and "items"."status" in ('open', 'result_submitted', 'closed');--> statement-breakpoint
CREATE INDEX "items_pending_extension_idx" ON "items" USING btree ("id") WHERE "items"."status" in ('open', 'result_submitted') and jsonb_typeof("items"."state" -> 'pendingExtension') = 'object';--> statement-breakpoint
CREATE INDEX "outbox_edit_idx" ON "outbox" USING btree ("chat_id","edit_message_id") WHERE "outbox"."edit_message_id" is not null and "outbox"."status" = 'pending';