-- A ticket is admitted at the door once, and only while it is valid: even a
-- buggy loop cannot store a second admission or admit a cancelled ticket.
-- (Cancelling an admitted ticket is allowed: it does not touch checked_in_at.)
CREATE TRIGGER tickets_check_in_once BEFORE UPDATE OF checked_in_at ON tickets
WHEN OLD.checked_in_at IS NOT NULL OR OLD.status <> 'valid'
BEGIN SELECT RAISE(ABORT, 'integrity: ticket already checked in or not valid'); END;
