CREATE TABLE "waiting_room_entries" (
	"event_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"joined_at" bigint NOT NULL,
	"shuffle_key" text NOT NULL,
	"number" integer,
	"admitted_at" bigint,
	"admitted_until" bigint,
	"checked_out_at" bigint,
	CONSTRAINT "waiting_room_entries_event_id_buyer_id_pk" PRIMARY KEY("event_id","buyer_id")
);
--> statement-breakpoint
CREATE TABLE "waiting_rooms" (
	"event_id" text PRIMARY KEY NOT NULL,
	"enabled" integer DEFAULT 0 NOT NULL,
	"admit_per_minute" integer NOT NULL,
	"max_active_shoppers" integer,
	"shopping_window_ms" bigint NOT NULL,
	"opens_at" bigint,
	"paused" integer DEFAULT 0 NOT NULL,
	"pow_required" integer DEFAULT 0 NOT NULL,
	"shuffle_seed" text NOT NULL,
	"seed_commitment" text NOT NULL,
	"opened_at" bigint,
	"pre_queue_count" integer DEFAULT 0 NOT NULL,
	"next_number" integer DEFAULT 0 NOT NULL,
	"serving" integer DEFAULT 0 NOT NULL,
	"admitted_total" integer DEFAULT 0 NOT NULL,
	"admit_credit" double precision DEFAULT 0 NOT NULL,
	"credit_at" bigint,
	"step_token" text NOT NULL,
	"sold_out" integer DEFAULT 0 NOT NULL,
	"waiting_count" integer DEFAULT 0 NOT NULL,
	"active_count" integer DEFAULT 0 NOT NULL,
	"admitted_last_minute" integer DEFAULT 0 NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "waiting_room_entries" ADD CONSTRAINT "waiting_room_entries_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "waiting_rooms" ADD CONSTRAINT "waiting_rooms_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "waiting_room_entries_number" ON "waiting_room_entries" USING btree ("event_id","number");--> statement-breakpoint
CREATE INDEX "waiting_room_entries_waiting" ON "waiting_room_entries" USING btree ("event_id","number") WHERE admitted_at IS NULL;--> statement-breakpoint
CREATE INDEX "waiting_room_entries_active" ON "waiting_room_entries" USING btree ("event_id","admitted_until") WHERE admitted_at IS NOT NULL AND checked_out_at IS NULL;--> statement-breakpoint
CREATE INDEX "waiting_room_entries_unnumbered" ON "waiting_room_entries" USING btree ("event_id","joined_at") WHERE number IS NULL;