-- marts.joint_pot: one row per period of clean.periods: money contributed to the joint pot
-- (clean.contributions of kind money) against the regisseur's spending (clean.ledger).
CREATE OR REPLACE TABLE marts.joint_pot AS
WITH contributed AS (
    SELECT period, sum(amount) AS contributed FROM clean.contributions
    WHERE kind = 'money' GROUP BY period
),
spent AS (
    SELECT period, sum(cost) AS spent FROM clean.ledger GROUP BY period
),
per_period AS (
    SELECT p.period,
           CAST(coalesce(c.contributed, 0) AS DECIMAL(38,2)) AS contributed,
           CAST(coalesce(s.spent, 0) AS DECIMAL(38,2)) AS spent
    FROM clean.periods AS p
    LEFT JOIN contributed AS c ON c.period = p.period
    LEFT JOIN spent AS s ON s.period = p.period
)
SELECT period, contributed, spent,
       CAST(contributed - spent AS DECIMAL(38,2)) AS balance,
       CAST(sum(contributed) OVER w AS DECIMAL(38,2)) AS contributed_cum,
       CAST(sum(spent) OVER w AS DECIMAL(38,2)) AS spent_cum,
       CAST(sum(contributed - spent) OVER w AS DECIMAL(38,2)) AS balance_cum
FROM per_period
WINDOW w AS (ORDER BY period ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
ORDER BY period;
