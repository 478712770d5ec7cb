CREATE TABLE "item_code_counters" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"item_id" integer NOT NULL,
	"type" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor_id" bigint NOT NULL,
	"unit_id" integer,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_messages" (
	"chat_id" bigint NOT NULL,
	"message_id" integer NOT NULL,
	"item_id" integer NOT NULL,
	"purpose" text NOT NULL,
	"unit_id" integer,
	"person_id" bigint,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "item_messages_chat_id_message_id_pk" PRIMARY KEY("chat_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "item_units" (
	"item_id" integer NOT NULL,
	"unit_id" integer NOT NULL,
	"role" text NOT NULL,
	"assigned_at" timestamp with time zone,
	"acknowledged_at" timestamp with time zone,
	"last_progress_at" timestamp with time zone,
	"contribution_at" timestamp with time zone,
	CONSTRAINT "item_units_item_id_unit_id_pk" PRIMARY KEY("item_id","unit_id")
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" serial PRIMARY KEY NOT NULL,
	"code_year" integer,
	"code_number" integer,
	"status" text NOT NULL,
	"level" text NOT NULL,
	"instruction" text NOT NULL,
	"issued_by" bigint NOT NULL,
	"drafted_by" bigint NOT NULL,
	"leader_in_charge" bigint,
	"deadline" text,
	"deadline_time" text,
	"deadline_at" timestamp with time zone,
	"original_deadline" text,
	"extension_count" integer DEFAULT 0 NOT NULL,
	"return_count" integer DEFAULT 0 NOT NULL,
	"excused" boolean DEFAULT false NOT NULL,
	"source_chat_id" bigint NOT NULL,
	"source_thread_id" integer DEFAULT 0 NOT NULL,
	"source_message_id" integer,
	"draft_message_id" integer,
	"opened_at" timestamp with time zone,
	"result_submitted_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"version" integer NOT NULL,
	"state" jsonb NOT NULL,
	CONSTRAINT "items_deadline_format" CHECK ("items"."deadline" is null or "items"."deadline" ~ '^\d{4}-\d{2}-\d{2}$')
);
--> statement-breakpoint
CREATE TABLE "chat_send_state" (
	"chat_id" bigint PRIMARY KEY NOT NULL,
	"next_at" timestamp with time zone NOT NULL,
	"forbidden_at" timestamp with time zone,
	"forbidden_reason" text
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"chat_id" bigint NOT NULL,
	"thread_id" integer DEFAULT 0 NOT NULL,
	"method" text DEFAULT 'sendMessage' NOT NULL,
	"payload" jsonb NOT NULL,
	"item_id" integer,
	"purpose" text NOT NULL,
	"unit_id" integer,
	"fallback" jsonb,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"claimed_until" timestamp with time zone,
	"claimed_by" text,
	"sent_at" timestamp with time zone,
	"message_id" integer,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "outbox_key_unique" UNIQUE("key"),
	CONSTRAINT "outbox_status_check" CHECK ("outbox"."status" in ('pending', 'sending', 'sent', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "item_events" ADD CONSTRAINT "item_events_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_messages" ADD CONSTRAINT "item_messages_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_units" ADD CONSTRAINT "item_units_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "item_events_item_idx" ON "item_events" USING btree ("item_id","id");--> statement-breakpoint
CREATE INDEX "item_events_at_idx" ON "item_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "item_messages_item_idx" ON "item_messages" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "item_units_unit_idx" ON "item_units" USING btree ("unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "items_code_unique" ON "items" USING btree ("code_year","code_number");--> statement-breakpoint
CREATE INDEX "items_status_deadline_idx" ON "items" USING btree ("status","deadline_at");--> statement-breakpoint
CREATE INDEX "outbox_due_idx" ON "outbox" USING btree ("not_before","id") WHERE "outbox"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "outbox_item_idx" ON "outbox" USING btree ("item_id");