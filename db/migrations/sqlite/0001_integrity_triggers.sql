-- Integrity the loop must never violate, enforced by the database as well.
-- A seat with a valid ticket cannot be held, and a held seat cannot get a ticket.
CREATE TRIGGER held_seats_not_sold BEFORE INSERT ON held_seats
WHEN EXISTS (SELECT 1 FROM tickets WHERE event_id = NEW.event_id AND seat_id = NEW.seat_id AND status = 'valid')
BEGIN SELECT RAISE(ABORT, 'integrity: seat already sold'); END;
--> statement-breakpoint
CREATE TRIGGER tickets_not_held BEFORE INSERT ON tickets
WHEN EXISTS (SELECT 1 FROM held_seats WHERE event_id = NEW.event_id AND seat_id = NEW.seat_id)
BEGIN SELECT RAISE(ABORT, 'integrity: seat is held'); END;
--> statement-breakpoint
CREATE TRIGGER held_seats_not_blocked BEFORE INSERT ON held_seats
WHEN EXISTS (SELECT 1 FROM blocked_seats WHERE event_id = NEW.event_id AND seat_id = NEW.seat_id)
BEGIN SELECT RAISE(ABORT, 'integrity: seat is blocked'); END;
--> statement-breakpoint
-- The audit log is append-only.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
