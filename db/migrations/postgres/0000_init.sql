CREATE SEQUENCE "public"."audit_log_id_seq" INCREMENT BY 16384 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigint PRIMARY KEY DEFAULT nextval('audit_log_id_seq') NOT NULL,
	"event_id" text NOT NULL,
	"seat_id" text,
	"at" bigint NOT NULL,
	"action" text NOT NULL,
	"hold_id" text,
	"order_id" text,
	"buyer_id" text,
	"detail" text,
	"prev_seat_entry" bigint
);
--> statement-breakpoint
CREATE TABLE "audit_seat_heads" (
	"event_id" text NOT NULL,
	"seat_id" text NOT NULL,
	"last_entry" bigint NOT NULL,
	CONSTRAINT "audit_seat_heads_event_id_seat_id_pk" PRIMARY KEY("event_id","seat_id")
);
--> statement-breakpoint
CREATE TABLE "blocked_seats" (
	"event_id" text NOT NULL,
	"seat_id" text NOT NULL,
	"reason" text,
	"blocked_at" bigint NOT NULL,
	CONSTRAINT "blocked_seats_event_id_seat_id_pk" PRIMARY KEY("event_id","seat_id")
);
--> statement-breakpoint
CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"venue_name" text NOT NULL,
	"starts_at" bigint NOT NULL,
	"currency" text DEFAULT 'EUR' NOT NULL,
	"hold_ttl_ms" bigint,
	"max_seats_per_buyer" integer DEFAULT 8 NOT NULL,
	"max_extensions" integer DEFAULT 1 NOT NULL,
	"sale_status" text DEFAULT 'open' NOT NULL,
	"sale_opens_at" bigint,
	"sale_closes_at" bigint,
	"version" bigint DEFAULT 0 NOT NULL,
	"layout_json" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "held_seats" (
	"event_id" text NOT NULL,
	"seat_id" text NOT NULL,
	"hold_id" text NOT NULL,
	CONSTRAINT "held_seats_event_id_seat_id_pk" PRIMARY KEY("event_id","seat_id")
);
--> statement-breakpoint
CREATE TABLE "holds" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"seat_ids_json" text NOT NULL,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"extensions" integer DEFAULT 0 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"ended_at" bigint
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"hold_id" text NOT NULL,
	"buyer_id" text NOT NULL,
	"buyer_name" text NOT NULL,
	"buyer_email" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"total_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "seats" (
	"event_id" text NOT NULL,
	"id" text NOT NULL,
	"section" text NOT NULL,
	"row" text NOT NULL,
	"number" text NOT NULL,
	"category" text NOT NULL,
	"price_cents" integer NOT NULL,
	"x" double precision NOT NULL,
	"y" double precision NOT NULL,
	"accessible" text,
	"ga_area" text,
	CONSTRAINT "seats_event_id_id_pk" PRIMARY KEY("event_id","id")
);
--> statement-breakpoint
CREATE TABLE "settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" text PRIMARY KEY NOT NULL,
	"order_id" text NOT NULL,
	"event_id" text NOT NULL,
	"seat_id" text NOT NULL,
	"price_cents" integer NOT NULL,
	"code" text NOT NULL,
	"status" text DEFAULT 'valid' NOT NULL,
	"cancelled_at" bigint,
	"cancel_reason" text
);
--> statement-breakpoint
ALTER TABLE "held_seats" ADD CONSTRAINT "held_seats_hold_id_holds_id_fk" FOREIGN KEY ("hold_id") REFERENCES "public"."holds"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "holds" ADD CONSTRAINT "holds_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "seats" ADD CONSTRAINT "seats_event_id_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_order_id_orders_id_fk" FOREIGN KEY ("order_id") REFERENCES "public"."orders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_event" ON "audit_log" USING btree ("event_id");--> statement-breakpoint
CREATE INDEX "held_seats_hold" ON "held_seats" USING btree ("hold_id");--> statement-breakpoint
CREATE INDEX "holds_event_status" ON "holds" USING btree ("event_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_hold" ON "orders" USING btree ("hold_id");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_idempotency" ON "orders" USING btree ("event_id","buyer_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "orders_email" ON "orders" USING btree (lower("buyer_email"));--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_one_sale_per_seat" ON "tickets" USING btree ("event_id","seat_id") WHERE status = 'valid';--> statement-breakpoint
CREATE UNIQUE INDEX "tickets_code" ON "tickets" USING btree ("code");--> statement-breakpoint
CREATE INDEX "tickets_order" ON "tickets" USING btree ("order_id");