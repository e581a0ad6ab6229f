CREATE OR REPLACE TABLE clean.contributions AS
SELECT r.partner, r.period, r.kind, r.task, r.amount, r.note, r.sha256, r.path, r.row_number
FROM raw.contribution_rows AS r
JOIN clean.periods USING (period)
JOIN clean.partners USING (partner)
ORDER BY r.partner, r.period, r.path, r.row_number;

-- A partner "submitted" for a period when a current contributions file exists, even one whose
-- rows were all rejected: that is a gap in delivery, not a missing submission.
CREATE OR REPLACE TABLE clean.contribution_submissions AS
SELECT DISTINCT s.partner, s.period
FROM raw.submissions AS s
JOIN clean.periods USING (period)
JOIN clean.partners USING (partner)
WHERE s.kind = 'contributions' AND s.superseded_by IS NULL
ORDER BY s.partner, s.period;
