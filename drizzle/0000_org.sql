CREATE TABLE "bound_chats" (
	"chat_id" bigint NOT NULL,
	"thread_id" integer DEFAULT 0 NOT NULL,
	"kind" text NOT NULL,
	"unit_id" integer,
	"title" text,
	"bound_by" bigint,
	"bound_at" timestamp with time zone NOT NULL,
	CONSTRAINT "bound_chats_chat_id_thread_id_pk" PRIMARY KEY("chat_id","thread_id"),
	CONSTRAINT "bound_chats_kind_check" CHECK ("bound_chats"."kind" in ('leaders', 'unit', 'discipline')),
	CONSTRAINT "bound_chats_unit_check" CHECK (("bound_chats"."kind" = 'unit') = ("bound_chats"."unit_id" is not null))
);
--> statement-breakpoint
CREATE TABLE "invites" (
	"token" text PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL,
	"created_by" bigint NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	"uses" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" bigint PRIMARY KEY NOT NULL,
	"username" text,
	"first_name" text DEFAULT '' NOT NULL,
	"last_name" text,
	"language_code" text,
	"started_bot" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "processed_updates" (
	"update_id" bigint PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"person_id" bigint NOT NULL,
	"role" text NOT NULL,
	"granted_by" bigint,
	"granted_at" timestamp with time zone NOT NULL,
	CONSTRAINT "roles_person_id_role_pk" PRIMARY KEY("person_id","role"),
	CONSTRAINT "roles_role_check" CHECK ("roles"."role" in ('admin', 'leader'))
);
--> statement-breakpoint
CREATE TABLE "unit_aliases" (
	"alias" text PRIMARY KEY NOT NULL,
	"unit_id" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "unit_members" (
	"unit_id" integer NOT NULL,
	"person_id" bigint NOT NULL,
	"joined_at" timestamp with time zone NOT NULL,
	"added_by" bigint,
	CONSTRAINT "unit_members_unit_id_person_id_pk" PRIMARY KEY("unit_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"head_person_id" bigint,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "units_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "bound_chats" ADD CONSTRAINT "bound_chats_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invites" ADD CONSTRAINT "invites_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roles" ADD CONSTRAINT "roles_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_aliases" ADD CONSTRAINT "unit_aliases_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_members" ADD CONSTRAINT "unit_members_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "unit_members" ADD CONSTRAINT "unit_members_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_head_person_id_people_id_fk" FOREIGN KEY ("head_person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "bound_chats_unit_unique" ON "bound_chats" USING btree ("unit_id") WHERE "bound_chats"."kind" = 'unit';--> statement-breakpoint
CREATE UNIQUE INDEX "bound_chats_discipline_unique" ON "bound_chats" USING btree ("kind") WHERE "bound_chats"."kind" = 'discipline';--> statement-breakpoint
CREATE INDEX "processed_updates_received_idx" ON "processed_updates" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "unit_aliases_unit_idx" ON "unit_aliases" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "unit_members_person_idx" ON "unit_members" USING btree ("person_id");