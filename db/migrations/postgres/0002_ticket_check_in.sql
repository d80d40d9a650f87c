ALTER TABLE "tickets" ADD COLUMN "checked_in_at" bigint;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "checked_in_door" text;--> statement-breakpoint
ALTER TABLE "tickets" ADD COLUMN "checked_in_by" text;