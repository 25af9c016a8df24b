-- The application reference whose form the customer last downloaded to print. A change to
-- what the form says after that gives the application a new reference, so a scan of the
-- paper printed before is refused as another application's, not taken as this one's —
-- whether or not the customer had said "printed" yet. Written without moving the draft's
-- version (downloading changes nothing the customer typed, and must not make the page
-- they are on stale).
ALTER TABLE customer_drafts ADD COLUMN printed_ref TEXT;
