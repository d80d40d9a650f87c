CREATE TABLE `order_access` (
	`order_id` text PRIMARY KEY NOT NULL,
	`generation` integer NOT NULL,
	`revoked_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`order_id` text,
	`recipient` text NOT NULL,
	`payload_json` text NOT NULL,
	`created_at` integer NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`claimed_by` text,
	`claim_until` integer,
	`sent_at` integer,
	`failed_at` integer,
	`last_error` text,
	`message_id` text
);
--> statement-breakpoint
CREATE INDEX `outbox_pending` ON `outbox` (`next_attempt_at`) WHERE sent_at IS NULL AND failed_at IS NULL;--> statement-breakpoint
CREATE INDEX `outbox_order` ON `outbox` (`order_id`);--> statement-breakpoint
DROP INDEX `orders_email`;--> statement-breakpoint
CREATE INDEX `orders_email_lower` ON `orders` (lower("buyer_email"));