ALTER TABLE `holds` ADD `request_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `holds_buyer_request` ON `holds` (`event_id`,`buyer_id`,`request_id`) WHERE request_id IS NOT NULL;