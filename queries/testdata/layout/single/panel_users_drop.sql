-- Drops one superseded generation of a panel period (its own partition).
ALTER TABLE panel_users DROP PARTITION tuple({period:Date}, {generation:UInt64})
