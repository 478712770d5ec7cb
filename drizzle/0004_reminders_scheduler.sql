CREATE TABLE "cron_runs" (
	"name" text NOT NULL,
	"slot" text NOT NULL,
	"instance" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"outcome" text,
	CONSTRAINT "cron_runs_name_slot_pk" PRIMARY KEY("name","slot")
);
--> statement-breakpoint
CREATE TABLE "reminders" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"item_id" integer NOT NULL,
	"unit_id" integer DEFAULT 0 NOT NULL,
	"kind" text NOT NULL,
	"slot" text NOT NULL,
	"rung" integer DEFAULT 1 NOT NULL,
	"colour" text,
	"planned_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "next_check_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cron_runs_started_idx" ON "cron_runs" USING btree ("name","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "reminders_unique" ON "reminders" USING btree ("item_id","unit_id","kind","slot");--> statement-breakpoint
CREATE INDEX "reminders_unit_idx" ON "reminders" USING btree ("unit_id","kind","planned_at");--> statement-breakpoint
CREATE INDEX "items_next_check_idx" ON "items" USING btree ("next_check_at") WHERE "items"."next_check_at" is not null;