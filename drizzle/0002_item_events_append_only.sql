-- The item history is append-only: the ledger and bulletins are built from it.
CREATE OR REPLACE FUNCTION item_events_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'item_events is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER item_events_no_update_delete
  BEFORE UPDATE OR DELETE ON item_events
  FOR EACH ROW EXECUTE FUNCTION item_events_append_only();
