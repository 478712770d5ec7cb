ALTER TABLE "items" ADD COLUMN "deadline_defaulted" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "draft_notes" jsonb;