-- Drops one superseded generation of a panel period (its own partition).
ALTER TABLE panel_users_local ON CLUSTER `imscope` DROP PARTITION tuple({period:Date}, {generation:UInt64})
