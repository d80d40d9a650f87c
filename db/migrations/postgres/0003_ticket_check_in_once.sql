-- A ticket is admitted at the door once, and only while it is valid: even a
-- buggy loop cannot store a second admission or admit a cancelled ticket.
-- (Cancelling an admitted ticket is allowed: it does not touch checked_in_at.)
CREATE FUNCTION seatline_check_in_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.checked_in_at IS DISTINCT FROM OLD.checked_in_at AND (OLD.checked_in_at IS NOT NULL OR OLD.status <> 'valid') THEN
    RAISE EXCEPTION 'integrity: ticket already checked in or not valid' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER tickets_check_in_once BEFORE UPDATE OF checked_in_at ON tickets
FOR EACH ROW EXECUTE FUNCTION seatline_check_in_once();
