-- Fenced ownership (issue 11). The history of every grant and release of an
-- event's lease is written by the database itself, in the statement that
-- grants or releases, so no code path can leave it out; it is append-only.
CREATE TRIGGER event_leases_first_grant AFTER INSERT ON event_leases
BEGIN
  INSERT INTO lease_history (event_id, epoch, owner_id, at, reason)
  VALUES (NEW.event_id, NEW.epoch, NEW.owner_id, NEW.acquired_at, 'acquired');
END;
--> statement-breakpoint
CREATE TRIGGER event_leases_grant AFTER UPDATE OF epoch ON event_leases WHEN NEW.epoch <> OLD.epoch
BEGIN
  INSERT INTO lease_history (event_id, epoch, owner_id, at, reason)
  VALUES (NEW.event_id, NEW.epoch, NEW.owner_id, NEW.acquired_at,
          CASE WHEN OLD.owner_id = NEW.owner_id THEN 'reacquired' WHEN OLD.released_at IS NOT NULL THEN 'handoff' ELSE 'takeover' END);
END;
--> statement-breakpoint
CREATE TRIGGER event_leases_release AFTER UPDATE OF released_at ON event_leases
WHEN OLD.released_at IS NULL AND NEW.released_at IS NOT NULL
BEGIN
  INSERT INTO lease_history (event_id, epoch, owner_id, at, reason)
  VALUES (NEW.event_id, NEW.epoch, NEW.owner_id, NEW.released_at, 'released');
END;
--> statement-breakpoint
-- A fencing token only ever grows: an old owner's epoch can never become current again.
CREATE TRIGGER event_leases_epoch_grows BEFORE UPDATE OF epoch ON event_leases WHEN NEW.epoch <= OLD.epoch
BEGIN SELECT RAISE(ABORT, 'integrity: a lease epoch only grows'); END;
--> statement-breakpoint
CREATE TRIGGER lease_history_no_update BEFORE UPDATE ON lease_history
BEGIN SELECT RAISE(ABORT, 'lease_history is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER lease_history_no_delete BEFORE DELETE ON lease_history
BEGIN SELECT RAISE(ABORT, 'lease_history is append-only'); END;
