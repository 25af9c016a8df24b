-- A real-name code opened from a returned order checks the ID number typed against the
-- order's applicant (its keyed hash, as orders.id_hash): verifying someone else there
-- would leave the order never approvable and the customer unable to check again.
ALTER TABLE realname_sessions ADD COLUMN expected_id_hash TEXT;
