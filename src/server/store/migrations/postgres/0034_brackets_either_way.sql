-- A name's search terms hold its brackets ASCII, with no space beside them (`（湖南）` and
-- ` (湖南)` are both `(湖南)`), so a clerk finds an organisation whichever brackets they
-- type. Orders whose names hold a bracket are given those terms again: marked as lacking
-- their terms (no ID hash), which the platform's indexing job makes beside the clerks —
-- counted first, searches saying so until it is done. Their earlier terms stay (harmless).
UPDATE orders SET id_hash = NULL
WHERE applicant_name LIKE '%(%' OR applicant_name LIKE '%)%'
   OR applicant_name LIKE '%（%' OR applicant_name LIKE '%）%'
   OR display_name LIKE '%(%' OR display_name LIKE '%)%'
   OR display_name LIKE '%（%' OR display_name LIKE '%）%';
