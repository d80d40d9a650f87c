CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`seat_id` text,
	`at` integer NOT NULL,
	`action` text NOT NULL,
	`hold_id` text,
	`order_id` text,
	`buyer_id` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `audit_event_seat` ON `audit_log` (`event_id`,`seat_id`);--> statement-breakpoint
CREATE TABLE `blocked_seats` (
	`event_id` text NOT NULL,
	`seat_id` text NOT NULL,
	`reason` text,
	`blocked_at` integer NOT NULL,
	PRIMARY KEY(`event_id`, `seat_id`)
);
--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`venue_name` text NOT NULL,
	`starts_at` integer NOT NULL,
	`currency` text DEFAULT 'EUR' NOT NULL,
	`hold_ttl_ms` integer,
	`max_seats_per_buyer` integer DEFAULT 8 NOT NULL,
	`max_extensions` integer DEFAULT 1 NOT NULL,
	`sale_status` text DEFAULT 'open' NOT NULL,
	`sale_opens_at` integer,
	`sale_closes_at` integer,
	`version` integer DEFAULT 0 NOT NULL,
	`layout_json` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `held_seats` (
	`event_id` text NOT NULL,
	`seat_id` text NOT NULL,
	`hold_id` text NOT NULL,
	PRIMARY KEY(`event_id`, `seat_id`),
	FOREIGN KEY (`hold_id`) REFERENCES `holds`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `held_seats_hold` ON `held_seats` (`hold_id`);--> statement-breakpoint
CREATE TABLE `holds` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`buyer_id` text NOT NULL,
	`seat_ids_json` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`extensions` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `holds_event_status` ON `holds` (`event_id`,`status`);--> statement-breakpoint
CREATE INDEX `holds_buyer` ON `holds` (`buyer_id`);--> statement-breakpoint
CREATE TABLE `orders` (
	`id` text PRIMARY KEY NOT NULL,
	`event_id` text NOT NULL,
	`hold_id` text NOT NULL,
	`buyer_id` text NOT NULL,
	`buyer_name` text NOT NULL,
	`buyer_email` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`total_cents` integer NOT NULL,
	`currency` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `orders_hold` ON `orders` (`hold_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `orders_idempotency` ON `orders` (`event_id`,`buyer_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `orders_email` ON `orders` (`buyer_email`);--> statement-breakpoint
CREATE TABLE `seats` (
	`event_id` text NOT NULL,
	`id` text NOT NULL,
	`section` text NOT NULL,
	`row` text NOT NULL,
	`number` text NOT NULL,
	`category` text NOT NULL,
	`price_cents` integer NOT NULL,
	`x` real NOT NULL,
	`y` real NOT NULL,
	`accessible` text,
	`ga_area` text,
	PRIMARY KEY(`event_id`, `id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`event_id` text NOT NULL,
	`seat_id` text NOT NULL,
	`price_cents` integer NOT NULL,
	`code` text NOT NULL,
	`status` text DEFAULT 'valid' NOT NULL,
	`cancelled_at` integer,
	`cancel_reason` text,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_one_sale_per_seat` ON `tickets` (`event_id`,`seat_id`) WHERE status = 'valid';--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_code` ON `tickets` (`code`);--> statement-breakpoint
CREATE INDEX `tickets_order` ON `tickets` (`order_id`);