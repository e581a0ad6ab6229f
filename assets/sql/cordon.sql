-- marts.cordon: one row per partner, period of clean.periods and element of the commitment that
-- covers it (temp table p_commitments: one row per partner, from/until and element: 'money',
-- 'hours' or 'task:<name>'). Only elements with something committed (> 0) are rows.
CREATE OR REPLACE TEMP TABLE cordon_delivered AS
SELECT partner, period,
       CASE WHEN kind = 'task' THEN 'task:' || task ELSE kind END AS commitment,
       sum(amount) AS delivered
FROM clean.contributions
GROUP BY ALL;

CREATE OR REPLACE TABLE marts.cordon AS
WITH owed AS (
    SELECT c.partner, p.period, c.commitment, c.committed
    FROM p_commitments AS c
    JOIN clean.periods AS p
        ON p.period >= c.from_period AND (c.until_period IS NULL OR p.period <= c.until_period)
    WHERE c.committed > 0
),
measured AS (
    SELECT o.partner, o.period, o.commitment, o.committed,
           s.partner IS NOT NULL AS submitted,
           -- without a contributions file nothing was delivered, whatever else arrived
           CAST(CASE WHEN s.partner IS NULL THEN 0 ELSE coalesce(d.delivered, 0) END
                AS DECIMAL(38,2)) AS delivered
    FROM owed AS o
    LEFT JOIN cordon_delivered AS d
        ON d.partner = o.partner AND d.period = o.period AND d.commitment = o.commitment
    LEFT JOIN clean.contribution_submissions AS s
        ON s.partner = o.partner AND s.period = o.period
)
SELECT partner, period, commitment, committed, delivered,
       CAST(greatest(committed - delivered, 0) AS DECIMAL(38,2)) AS gap,
       CASE WHEN NOT submitted THEN 'no_submission'
            WHEN delivered >= committed THEN 'kept'
            ELSE 'gap' END AS status
FROM measured
ORDER BY partner, period, commitment;
