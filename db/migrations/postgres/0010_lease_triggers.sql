-- Fenced ownership (issue 11); the same guarantees as the SQLite triggers.
-- The history of every grant and release of an event's lease is written by
-- the database itself, in the statement that grants or releases; it is append-only.
CREATE FUNCTION seatline_lease_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO lease_history (event_id, epoch, owner_id, at, reason) VALUES (NEW.event_id, NEW.epoch, NEW.owner_id, NEW.acquired_at, 'acquired');
  ELSIF NEW.epoch <> OLD.epoch THEN
    INSERT INTO lease_history (event_id, epoch, owner_id, at, reason)
    VALUES (NEW.event_id, NEW.epoch, NEW.owner_id, NEW.acquired_at,
            CASE WHEN OLD.owner_id = NEW.owner_id THEN 'reacquired' WHEN OLD.released_at IS NOT NULL THEN 'handoff' ELSE 'takeover' END);
  ELSE
    INSERT INTO lease_history (event_id, epoch, owner_id, at, reason) VALUES (NEW.event_id, NEW.epoch, NEW.owner_id, NEW.released_at, 'released');
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER event_leases_first_grant AFTER INSERT ON event_leases
FOR EACH ROW EXECUTE FUNCTION seatline_lease_history();
--> statement-breakpoint
-- Renewals (the frequent update) fire nothing.
CREATE TRIGGER event_leases_grant_or_release AFTER UPDATE ON event_leases
FOR EACH ROW WHEN (NEW.epoch <> OLD.epoch OR (OLD.released_at IS NULL AND NEW.released_at IS NOT NULL))
EXECUTE FUNCTION seatline_lease_history();
--> statement-breakpoint
-- A fencing token only ever grows: an old owner's epoch can never become current again.
CREATE FUNCTION seatline_lease_epoch_grows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'integrity: a lease epoch only grows' USING ERRCODE = 'integrity_constraint_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER event_leases_epoch_grows BEFORE UPDATE ON event_leases
FOR EACH ROW WHEN (NEW.epoch < OLD.epoch) EXECUTE FUNCTION seatline_lease_epoch_grows();
--> statement-breakpoint
CREATE FUNCTION seatline_lease_history_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'lease_history is append-only' USING ERRCODE = 'integrity_constraint_violation';
END $$;
--> statement-breakpoint
CREATE TRIGGER lease_history_no_update BEFORE UPDATE OR DELETE ON lease_history
FOR EACH ROW EXECUTE FUNCTION seatline_lease_history_append_only();
--> statement-breakpoint
CREATE TRIGGER lease_history_no_truncate BEFORE TRUNCATE ON lease_history
FOR EACH STATEMENT EXECUTE FUNCTION seatline_lease_history_append_only();
--> statement-breakpoint
-- The fence: the first statement of every batch transaction of a loop opened
-- with an epoch. The event's lease must still carry that epoch, else the
-- transaction aborts (SQLSTATE SLF01, read as StoreFencedError). FOR SHARE
-- makes the order total: a takeover (an UPDATE of this row) waits until this
-- transaction has ended, and this check, if a takeover is in progress or
-- done, waits for it and reads the new epoch. So no batch of the old owner can
-- commit after the new owner was granted the event (and so after it read the
-- state it rebuilds from).
CREATE FUNCTION seatline_fence(p_event_id text, p_epoch bigint) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  current_epoch bigint;
BEGIN
  SELECT epoch INTO current_epoch FROM event_leases WHERE event_id = p_event_id FOR SHARE;
  IF current_epoch IS DISTINCT FROM p_epoch THEN
    RAISE EXCEPTION 'fenced: event % is at lease epoch %, this writer holds %', p_event_id, current_epoch, p_epoch USING ERRCODE = 'SLF01';
  END IF;
END $$;
