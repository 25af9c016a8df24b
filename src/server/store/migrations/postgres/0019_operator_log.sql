-- Who changed which operator's access, and when: every operator added, revoked, restored,
-- given a token or new roles, appended in the same transaction as the change (rows are
-- never updated or deleted). `by_whom` is who ran the command (the system user and host
-- of the `ca-counter operator` process, or the embedded platform).
CREATE TABLE operator_log (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            BIGINT NOT NULL,
    operator_id   TEXT NOT NULL REFERENCES operators(id),
    operator_name TEXT NOT NULL,
    action        TEXT NOT NULL,
    detail        TEXT,
    by_whom       TEXT NOT NULL
);
CREATE INDEX operator_log_at ON operator_log(at);
