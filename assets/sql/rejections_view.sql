-- The contract's `rejections`: problems found while reading and validating a file, and problems
-- that only show across periods (a vacancy filled twice).
CREATE OR REPLACE VIEW main.rejections AS
SELECT sha256, path, partner, period, kind, row_number, "column", source_column, value, rule, message
FROM raw.rejections
UNION ALL
SELECT sha256, path, partner, period, kind, row_number, "column", source_column, value, rule, message
FROM clean.vacancy_rejections;
