-- The event sequencer as one call, its plan kept by the session (see store/events.rs for
-- why its steps give every reader every event once, in one order). It takes the
-- sequencer's advisory lock (0x63616576, "caev") for the rest of the caller's transaction;
-- then, in a statement whose snapshot is taken after the lock is held (a VOLATILE
-- function takes one per statement), numbers at most `max_events` committed, unnumbered
-- events in id order after the highest number and NOTIFYs the new highest.
--
-- Rows (k, v): ('', the highest number now), ('+', how many it numbered), ('!', whether
-- it notified), and with `with_counts` the per-status order counts of that same snapshot
-- (statuses without orders omitted), so counts and the number they include agree.
CREATE FUNCTION ca_counter_sequence(max_events BIGINT, with_counts BOOLEAN)
RETURNS TABLE (k TEXT, v BIGINT)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(1667327350);
    RETURN QUERY
    WITH next AS (
        SELECT e.id, row_number() OVER (ORDER BY e.id) AS n FROM events e
        WHERE e.seq IS NULL ORDER BY e.id LIMIT max_events
    ), base AS (
        SELECT COALESCE(MAX(e.seq), 0) AS top FROM events e
    ), numbered AS (
        UPDATE events e SET seq = base.top + next.n FROM next, base
        WHERE e.id = next.id RETURNING e.seq
    ), notified AS (
        SELECT pg_notify('ca_counter_events', CAST(MAX(numbered.seq) AS TEXT)) FROM numbered
        HAVING COUNT(*) > 0
    )
    SELECT '', GREATEST((SELECT base.top FROM base),
                        COALESCE((SELECT MAX(numbered.seq) FROM numbered), 0))
    UNION ALL SELECT '+', (SELECT COUNT(*) FROM numbered)
    UNION ALL SELECT '!', (SELECT COUNT(*) FROM notified)
    UNION ALL SELECT oc.status, CAST(SUM(oc.n) AS BIGINT) FROM order_counts oc
        WHERE with_counts GROUP BY oc.status HAVING SUM(oc.n) <> 0;
END;
$$;
