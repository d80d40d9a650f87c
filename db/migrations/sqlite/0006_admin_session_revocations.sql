CREATE TABLE `admin_session_revocations` (
	`session_id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `admin_session_revocations_expiry` ON `admin_session_revocations` (`expires_at`);