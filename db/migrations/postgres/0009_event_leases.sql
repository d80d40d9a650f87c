CREATE TABLE "event_leases" (
	"event_id" text PRIMARY KEY NOT NULL,
	"owner_id" text NOT NULL,
	"epoch" bigint NOT NULL,
	"acquired_at" bigint NOT NULL,
	"renewed_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"released_at" bigint
);
--> statement-breakpoint
CREATE TABLE "instances" (
	"instance_id" text PRIMARY KEY NOT NULL,
	"started_at" bigint NOT NULL,
	"heartbeat_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"meta_json" text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lease_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lease_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"event_id" text NOT NULL,
	"epoch" bigint NOT NULL,
	"owner_id" text NOT NULL,
	"at" bigint NOT NULL,
	"reason" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "event_leases" ADD CONSTRAINT "event_leases_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "lease_history_grant" ON "lease_history" USING btree ("event_id","epoch") WHERE reason <> 'released';