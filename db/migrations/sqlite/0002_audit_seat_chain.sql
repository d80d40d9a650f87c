-- A seat's history becomes a chain (audit_log.prev_seat_entry, newest row in
-- audit_seat_heads) instead of an index on (event_id, seat_id): that index
-- took a random insert per seat change into an ever-growing b-tree, so the
-- loop's commits got slower the longer a sale ran. See db/schema.ts.
CREATE TABLE `audit_seat_heads` (
	`event_id` text NOT NULL,
	`seat_id` text NOT NULL,
	`last_entry` integer NOT NULL,
	PRIMARY KEY(`event_id`, `seat_id`)
) WITHOUT ROWID;
--> statement-breakpoint
ALTER TABLE `audit_log` ADD `prev_seat_entry` integer;
--> statement-breakpoint
-- Link the rows already written (the old index still serves these look-ups).
-- The append-only trigger is lifted for this one backfill and restored below.
DROP TRIGGER `audit_log_no_update`;
--> statement-breakpoint
UPDATE `audit_log` SET `prev_seat_entry` = (
	SELECT max(a.`id`) FROM `audit_log` a
	WHERE a.`event_id` = `audit_log`.`event_id` AND a.`seat_id` = `audit_log`.`seat_id` AND a.`id` < `audit_log`.`id`
) WHERE `seat_id` IS NOT NULL;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--> statement-breakpoint
INSERT INTO `audit_seat_heads` (`event_id`, `seat_id`, `last_entry`)
	SELECT `event_id`, `seat_id`, max(`id`) FROM `audit_log` WHERE `seat_id` IS NOT NULL GROUP BY `event_id`, `seat_id`;
--> statement-breakpoint
DROP INDEX `audit_event_seat`;
--> statement-breakpoint
CREATE INDEX `audit_event` ON `audit_log` (`event_id`);
