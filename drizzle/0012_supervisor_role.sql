ALTER TABLE "roles" DROP CONSTRAINT "roles_role_check";--> statement-breakpoint
ALTER TABLE "roles" ADD CONSTRAINT "roles_role_check" CHECK ("roles"."role" in ('admin', 'leader', 'supervisor'));