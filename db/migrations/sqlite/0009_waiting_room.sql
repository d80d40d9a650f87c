CREATE TABLE `waiting_room_entries` (
	`event_id` text NOT NULL,
	`buyer_id` text NOT NULL,
	`joined_at` integer NOT NULL,
	`shuffle_key` text NOT NULL,
	`number` integer,
	`admitted_at` integer,
	`admitted_until` integer,
	`checked_out_at` integer,
	PRIMARY KEY(`event_id`, `buyer_id`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `waiting_room_entries_number` ON `waiting_room_entries` (`event_id`,`number`);--> statement-breakpoint
CREATE INDEX `waiting_room_entries_waiting` ON `waiting_room_entries` (`event_id`,`number`) WHERE admitted_at IS NULL;--> statement-breakpoint
CREATE INDEX `waiting_room_entries_active` ON `waiting_room_entries` (`event_id`,`admitted_until`) WHERE admitted_at IS NOT NULL AND checked_out_at IS NULL;--> statement-breakpoint
CREATE INDEX `waiting_room_entries_unnumbered` ON `waiting_room_entries` (`event_id`,`joined_at`) WHERE number IS NULL;--> statement-breakpoint
CREATE TABLE `waiting_rooms` (
	`event_id` text PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT 0 NOT NULL,
	`admit_per_minute` integer NOT NULL,
	`max_active_shoppers` integer,
	`shopping_window_ms` integer NOT NULL,
	`opens_at` integer,
	`paused` integer DEFAULT 0 NOT NULL,
	`pow_required` integer DEFAULT 0 NOT NULL,
	`shuffle_seed` text NOT NULL,
	`seed_commitment` text NOT NULL,
	`opened_at` integer,
	`pre_queue_count` integer DEFAULT 0 NOT NULL,
	`next_number` integer DEFAULT 0 NOT NULL,
	`serving` integer DEFAULT 0 NOT NULL,
	`admitted_total` integer DEFAULT 0 NOT NULL,
	`admit_credit` real DEFAULT 0 NOT NULL,
	`credit_at` integer,
	`step_token` text NOT NULL,
	`sold_out` integer DEFAULT 0 NOT NULL,
	`waiting_count` integer DEFAULT 0 NOT NULL,
	`active_count` integer DEFAULT 0 NOT NULL,
	`admitted_last_minute` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade
);
