-- marts.cordon_integrity: kept / all commitments of marts.cordon, per partner (every partner of
-- p_partners, every period) and for the programme, per period and cumulative. A period without
-- any commitment has total 0 and an empty integrity.
CREATE OR REPLACE TEMP TABLE integrity_counts AS
WITH per_partner AS (
    SELECT g.partner AS scope, g.period,
           count(c.status) FILTER (WHERE c.status = 'kept') AS kept,
           count(c.status) AS total
    FROM (SELECT pa.partner, pe.period FROM p_partners AS pa CROSS JOIN clean.periods AS pe) AS g
    LEFT JOIN marts.cordon AS c ON c.partner = g.partner AND c.period = g.period
    GROUP BY g.partner, g.period
)
SELECT scope, period, kept, total FROM per_partner
UNION ALL
SELECT 'programme', period, sum(kept), sum(total) FROM per_partner GROUP BY period;

CREATE OR REPLACE TABLE marts.cordon_integrity AS
WITH running AS (
    SELECT scope, period, CAST(kept AS BIGINT) AS kept, CAST(total AS BIGINT) AS total,
           CAST(sum(kept) OVER w AS BIGINT) AS kept_cum,
           CAST(sum(total) OVER w AS BIGINT) AS total_cum
    FROM integrity_counts
    WINDOW w AS (PARTITION BY scope ORDER BY period ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT scope, period, kept, total,
       CASE WHEN total > 0 THEN quotient10(kept, total) END AS integrity,
       kept_cum, total_cum,
       CASE WHEN total_cum > 0 THEN quotient10(kept_cum, total_cum) END AS integrity_cum
FROM running
ORDER BY scope = 'programme', scope, period;
