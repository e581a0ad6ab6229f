CREATE OR REPLACE TABLE clean.ledger AS
SELECT r.period, r.date, r.activity, r.cost, r.channel, r.sha256, r.path, r.row_number
FROM raw.ledger_rows AS r
JOIN clean.periods USING (period)
ORDER BY r.period, r.date, r.path, r.row_number;
