ALTER TABLE `tickets` ADD `checked_in_at` integer;--> statement-breakpoint
ALTER TABLE `tickets` ADD `checked_in_door` text;--> statement-breakpoint
ALTER TABLE `tickets` ADD `checked_in_by` text;