-- marts.partner_period: one row per programme partner and period of clean.periods, every figure
-- of the contract per period and cumulatively. Parameters come from temp tables built from
-- programme.yaml: p_valuation (one row), p_partners, p_baselines, p_median (zero or one row).
-- Scales: hours x hour_rate has 4 decimals, benefit 12 (4 x two factors of 4); nothing rounds
-- except the means (4 decimals), roi (10) and a derived baseline (2).

CREATE OR REPLACE TEMP TABLE pp_periods AS
SELECT period, year * 4 + quarter - 1 AS quarter_number FROM clean.periods;

-- Filled vacancies belong to the quarter they were filled in (clean.vacancies.period).
CREATE OR REPLACE TEMP TABLE pp_hires AS
SELECT v.partner, v.period,
       count(*) FILTER (WHERE v.field = 'driving') AS driving_hires,
       count(*) FILTER (WHERE v.field = 'hunting') AS hunting_hires,
       sum(v.cost + v.hours * p.hour_rate) FILTER (WHERE v.field = 'driving') AS own_driving_cost,
       sum(v.cost + v.hours * p.hour_rate) FILTER (WHERE v.field = 'hunting') AS own_hunting_cost,
       sum(v.days_to_fill) FILTER (WHERE v.field = 'driving') AS driving_days_to_fill,
       sum(v.days_to_fill) FILTER (WHERE v.field = 'hunting') AS hunting_days_to_fill
FROM clean.vacancies AS v
CROSS JOIN p_valuation AS p
WHERE v.status = 'filled'
GROUP BY v.partner, v.period;

-- A vacancy is open at the end of every quarter from the one it was opened in (at the earliest
-- first_period) up to the quarter before it was filled or, while unfilled, up to the last
-- quarter it was reported in. Counted with +1/-1 steps and a running sum, linear in vacancies.
CREATE OR REPLACE TEMP TABLE pp_open AS
WITH spans AS (
    SELECT v.partner,
           greatest(year(v.opened_on) * 4 + quarter(v.opened_on) - 1,
                    (SELECT min(quarter_number) FROM pp_periods)) AS first_open,
           CAST(left(v.period, 4) AS INTEGER) * 4 + CAST(right(v.period, 1) AS INTEGER) - 1
               - CASE WHEN v.filled_on IS NULL THEN 0 ELSE 1 END AS last_open
    FROM clean.vacancies AS v
),
steps AS (
    SELECT partner, first_open AS quarter_number, 1 AS step FROM spans WHERE first_open <= last_open
    UNION ALL
    SELECT partner, last_open + 1 AS quarter_number, -1 AS step FROM spans WHERE first_open <= last_open
),
per_quarter AS (
    SELECT partner, quarter_number, sum(step) AS step FROM steps GROUP BY partner, quarter_number
)
SELECT partner, quarter_number,
       sum(step) OVER (PARTITION BY partner ORDER BY quarter_number) AS open_vacancies
FROM per_quarter;

CREATE OR REPLACE TEMP TABLE pp_contributions AS
SELECT partner, period,
       sum(amount) FILTER (WHERE kind = 'money') AS money,
       sum(amount) FILTER (WHERE kind = 'hours') AS hours
FROM clean.contributions
GROUP BY partner, period;

CREATE OR REPLACE TEMP TABLE pp_base AS
WITH grid AS (
    SELECT pa.partner, pe.period, pe.quarter_number
    FROM p_partners AS pa CROSS JOIN pp_periods AS pe
),
counted AS (
    SELECT g.partner, g.period,
           CAST(coalesce(c.money, 0) AS DECIMAL(38,2)) AS contribution_money,
           CAST(coalesce(c.hours, 0) AS DECIMAL(38,2)) AS contribution_hours,
           CAST(coalesce(h.driving_hires, 0) AS BIGINT) AS driving_hires,
           CAST(coalesce(h.hunting_hires, 0) AS BIGINT) AS hunting_hires,
           CAST(coalesce(o.open_vacancies, 0) AS BIGINT) AS open_vacancies,
           CAST(coalesce(h.own_driving_cost, 0) AS DECIMAL(38,4)) AS own_driving_cost,
           CAST(coalesce(h.own_hunting_cost, 0) AS DECIMAL(38,4)) AS own_hunting_cost,
           CAST(coalesce(h.driving_days_to_fill, 0) AS BIGINT) AS driving_days_to_fill,
           CAST(coalesce(h.hunting_days_to_fill, 0) AS BIGINT) AS hunting_days_to_fill
    FROM grid AS g
    LEFT JOIN pp_contributions AS c ON c.partner = g.partner AND c.period = g.period
    LEFT JOIN pp_hires AS h ON h.partner = g.partner AND h.period = g.period
    ASOF LEFT JOIN pp_open AS o
        ON o.partner = g.partner AND o.quarter_number <= g.quarter_number
)
SELECT c.*,
       -- the baseline: the programme's for this partner; else its own hunting hires of the
       -- period (rounded to 2 decimals); else the median of the programme's baselines
       CASE WHEN b.partner IS NOT NULL THEN 'programme'
            WHEN c.hunting_hires > 0 THEN 'own_hunting'
            WHEN m.cost_per_hire IS NOT NULL THEN 'programme_median'
            ELSE 'none' END AS baseline_source,
       CASE WHEN b.partner IS NOT NULL THEN b.cost_per_hire
            WHEN c.hunting_hires > 0 THEN quotient2(c.own_hunting_cost, c.hunting_hires)
            ELSE m.cost_per_hire END AS baseline_cost_per_hire,
       CASE WHEN b.partner IS NOT NULL THEN b.time_to_fill_days
            WHEN c.hunting_hires > 0 THEN quotient2(c.hunting_days_to_fill, c.hunting_hires)
            ELSE m.time_to_fill_days END AS baseline_time_to_fill_days
FROM counted AS c
LEFT JOIN p_baselines AS b ON b.partner = c.partner
LEFT JOIN p_median AS m ON TRUE;

CREATE OR REPLACE TEMP TABLE pp_figures AS
WITH savings AS (
    SELECT b.*,
           -- without driving hires nothing was saved, whatever the baseline
           CAST(CASE WHEN b.driving_hires = 0 THEN 0
                     ELSE b.driving_hires * b.baseline_cost_per_hire END AS DECIMAL(38,2))
               AS counterfactual_cost,
           CAST(CASE WHEN b.driving_hires = 0 THEN 0
                     ELSE b.driving_hires * b.baseline_time_to_fill_days - b.driving_days_to_fill
                END AS DECIMAL(38,2)) AS days_saved,
           CAST(b.contribution_money + b.contribution_hours * p.hour_rate AS DECIMAL(38,4))
               AS contribution
    FROM pp_base AS b CROSS JOIN p_valuation AS p
),
benefits AS (
    SELECT s.*,
           CAST(s.counterfactual_cost - s.own_driving_cost AS DECIMAL(38,4)) AS cost_savings,
           CAST(s.days_saved * p.vacancy_day_cost AS DECIMAL(38,4)) AS time_savings
    FROM savings AS s CROSS JOIN p_valuation AS p
),
valued AS (
    SELECT b.*,
           CAST(b.cost_savings + b.time_savings AS DECIMAL(38,4)) AS gross_benefit,
           CAST(CAST(b.cost_savings + b.time_savings AS DECIMAL(38,4))
                * (1 - p.deadweight) * (1 - p.attribution) AS DECIMAL(38,12)) AS benefit
    FROM benefits AS b CROSS JOIN p_valuation AS p
)
SELECT v.*, CAST(v.benefit - v.contribution AS DECIMAL(38,12)) AS net_benefit
FROM valued AS v;

CREATE OR REPLACE TABLE marts.partner_period AS
SELECT partner, period,
       contribution_money, contribution_hours, contribution,
       driving_hires, hunting_hires, open_vacancies,
       own_driving_cost, counterfactual_cost, cost_savings, days_saved, time_savings,
       gross_benefit, benefit, net_benefit,
       CASE WHEN contribution <> 0 THEN quotient10(net_benefit, contribution) END AS roi,
       CAST(baseline_cost_per_hire AS DECIMAL(38,2)) AS baseline_cost_per_hire,
       CAST(baseline_time_to_fill_days AS DECIMAL(38,2)) AS baseline_time_to_fill_days,
       baseline_source,
       CASE WHEN driving_hires > 0 THEN quotient4(own_driving_cost, driving_hires) END
           AS driving_cost_per_hire,
       CASE WHEN driving_hires > 0 THEN quotient4(driving_days_to_fill, driving_hires) END
           AS driving_time_to_fill,
       CASE WHEN hunting_hires > 0 THEN quotient4(own_hunting_cost, hunting_hires) END
           AS hunting_cost_per_hire,
       CASE WHEN hunting_hires > 0 THEN quotient4(hunting_days_to_fill, hunting_hires) END
           AS hunting_time_to_fill,
       -- the sums behind the means, so that any group's mean can be recomputed exactly
       own_hunting_cost, driving_days_to_fill, hunting_days_to_fill,
       CAST(sum(contribution) OVER w AS DECIMAL(38,4)) AS contribution_cum,
       CAST(sum(driving_hires) OVER w AS BIGINT) AS driving_hires_cum,
       CAST(sum(hunting_hires) OVER w AS BIGINT) AS hunting_hires_cum,
       CAST(sum(own_driving_cost) OVER w AS DECIMAL(38,4)) AS own_driving_cost_cum,
       -- a figure that could not be computed in one period leaves its running sum empty from
       -- then on: a sum that silently skips a period would look complete and be wrong
       CAST(CASE WHEN count(counterfactual_cost) OVER w = count(*) OVER w
                 THEN sum(counterfactual_cost) OVER w END AS DECIMAL(38,2)) AS counterfactual_cost_cum,
       CAST(CASE WHEN count(cost_savings) OVER w = count(*) OVER w
                 THEN sum(cost_savings) OVER w END AS DECIMAL(38,4)) AS cost_savings_cum,
       CAST(CASE WHEN count(days_saved) OVER w = count(*) OVER w
                 THEN sum(days_saved) OVER w END AS DECIMAL(38,2)) AS days_saved_cum,
       CAST(CASE WHEN count(time_savings) OVER w = count(*) OVER w
                 THEN sum(time_savings) OVER w END AS DECIMAL(38,4)) AS time_savings_cum,
       CAST(CASE WHEN count(gross_benefit) OVER w = count(*) OVER w
                 THEN sum(gross_benefit) OVER w END AS DECIMAL(38,4)) AS gross_benefit_cum,
       CAST(CASE WHEN count(benefit) OVER w = count(*) OVER w
                 THEN sum(benefit) OVER w END AS DECIMAL(38,12)) AS benefit_cum,
       CAST(CASE WHEN count(net_benefit) OVER w = count(*) OVER w
                 THEN sum(net_benefit) OVER w END AS DECIMAL(38,12)) AS net_benefit_cum,
       CASE WHEN sum(contribution) OVER w <> 0 AND count(net_benefit) OVER w = count(*) OVER w
            THEN quotient10(sum(net_benefit) OVER w, sum(contribution) OVER w) END AS roi_cum
FROM pp_figures
WINDOW w AS (PARTITION BY partner ORDER BY period ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
ORDER BY partner, period;

-- No baseline at all (no programme baseline, no hunting hire in the period, no baselines in the
-- programme): the savings stay empty and say so, instead of a silent zero.
INSERT INTO stage_warnings
SELECT partner, period, figure, 'no_baseline',
       'no baseline for ' || partner || ' in ' || period || ': no programme baseline, no own '
           || 'hunting hire in the period and no baselines in the programme to take the median of; '
           || figure || ' and every figure built on it (benefit, net_benefit, roi) stay empty'
FROM marts.partner_period
CROSS JOIN (VALUES ('cost_savings'), ('time_savings')) AS f(figure)
WHERE baseline_source = 'none' AND driving_hires > 0
ORDER BY partner, period, figure;
