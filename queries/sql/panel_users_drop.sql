-- Drops one superseded generation of a panel period (its own partition).
ALTER TABLE {{local "panel_users"}}{{on_cluster}} DROP PARTITION tuple({period:Date}, {generation:UInt64})
