-- Integrity the loop must never violate, enforced by the database as well
-- (the same guarantees as the SQLite triggers, in PL/pgSQL).
-- A seat with a valid ticket cannot be held, a held seat cannot get a ticket,
-- and a blocked seat cannot be held.
CREATE FUNCTION seatline_held_seat_is_free() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM tickets WHERE event_id = NEW.event_id AND seat_id = NEW.seat_id AND status = 'valid') THEN
    RAISE EXCEPTION 'integrity: seat already sold' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM blocked_seats WHERE event_id = NEW.event_id AND seat_id = NEW.seat_id) THEN
    RAISE EXCEPTION 'integrity: seat is blocked' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER held_seats_free BEFORE INSERT OR UPDATE ON held_seats
FOR EACH ROW EXECUTE FUNCTION seatline_held_seat_is_free();
--> statement-breakpoint
CREATE FUNCTION seatline_ticket_seat_not_held() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'valid' AND EXISTS (SELECT 1 FROM held_seats WHERE event_id = NEW.event_id AND seat_id = NEW.seat_id) THEN
    RAISE EXCEPTION 'integrity: seat is held' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER tickets_not_held BEFORE INSERT OR UPDATE ON tickets
FOR EACH ROW EXECUTE FUNCTION seatline_ticket_seat_not_held();
--> statement-breakpoint
-- The audit log is append-only (TRUNCATE too: it bypasses row triggers).
CREATE FUNCTION seatline_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION seatline_audit_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION seatline_audit_append_only();
--> statement-breakpoint
-- The batch writer pipelines its statements; a check that fails must abort
-- the transaction inside the server, before COMMIT, so it raises.
CREATE FUNCTION seatline_expect(ok boolean, message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF NOT ok THEN
    RAISE EXCEPTION 'integrity: %', message USING ERRCODE = 'integrity_constraint_violation';
  END IF;
END $$;
