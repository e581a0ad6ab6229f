-- marts.target_progress: one row per target of programme.yaml (temp table p_targets), its actual
-- over the target's quarter or its year to date, from marts.partner_period / programme_period.
-- p_indicators names every indicator this file knows; p_partners the scopes besides 'programme'.

CREATE OR REPLACE TEMP TABLE tp_figures AS
SELECT partner AS scope, period,
       contribution_money, contribution_hours, contribution, driving_hires, hunting_hires,
       open_vacancies, own_driving_cost, counterfactual_cost, cost_savings, days_saved,
       time_savings, gross_benefit, benefit, net_benefit, own_hunting_cost,
       driving_days_to_fill, hunting_days_to_fill,
       contribution_cum, driving_hires_cum, hunting_hires_cum, own_driving_cost_cum,
       counterfactual_cost_cum, cost_savings_cum, days_saved_cum, time_savings_cum,
       gross_benefit_cum, benefit_cum, net_benefit_cum, roi_cum
FROM marts.partner_period
UNION ALL BY NAME
SELECT 'programme' AS scope, period,
       contribution_money, contribution_hours, contribution, driving_hires, hunting_hires,
       open_vacancies, own_driving_cost, counterfactual_cost, cost_savings, days_saved,
       time_savings, gross_benefit, benefit, net_benefit, own_hunting_cost,
       driving_days_to_fill, hunting_days_to_fill,
       contribution_cum, driving_hires_cum, hunting_hires_cum, own_driving_cost_cum,
       counterfactual_cost_cum, cost_savings_cum, days_saved_cum, time_savings_cum,
       gross_benefit_cum, benefit_cum, net_benefit_cum, roi_cum
FROM marts.programme_period;

-- The quarters a target looks at: its own quarter, or every quarter of its year that has data.
CREATE OR REPLACE TEMP TABLE tp_windows AS
SELECT t.target_no, p.period
FROM p_targets AS t
JOIN clean.periods AS p
    ON p.period = t.period OR (t.period_kind = 'year' AND p.year = t.year);

-- Sums over the window (empty if any quarter's value is empty); ratios are recomputed from them.
CREATE OR REPLACE TEMP TABLE tp_sums AS
SELECT w.target_no,
       max(w.period) AS as_of_period,
       CASE WHEN count(f.contribution_money) = count(*) THEN sum(f.contribution_money) END AS contribution_money,
       CASE WHEN count(f.contribution_hours) = count(*) THEN sum(f.contribution_hours) END AS contribution_hours,
       CASE WHEN count(f.contribution) = count(*) THEN sum(f.contribution) END AS contribution,
       CASE WHEN count(f.driving_hires) = count(*) THEN sum(f.driving_hires) END AS driving_hires,
       CASE WHEN count(f.hunting_hires) = count(*) THEN sum(f.hunting_hires) END AS hunting_hires,
       CASE WHEN count(f.own_driving_cost) = count(*) THEN sum(f.own_driving_cost) END AS own_driving_cost,
       CASE WHEN count(f.counterfactual_cost) = count(*) THEN sum(f.counterfactual_cost) END AS counterfactual_cost,
       CASE WHEN count(f.cost_savings) = count(*) THEN sum(f.cost_savings) END AS cost_savings,
       CASE WHEN count(f.days_saved) = count(*) THEN sum(f.days_saved) END AS days_saved,
       CASE WHEN count(f.time_savings) = count(*) THEN sum(f.time_savings) END AS time_savings,
       CASE WHEN count(f.gross_benefit) = count(*) THEN sum(f.gross_benefit) END AS gross_benefit,
       CASE WHEN count(f.benefit) = count(*) THEN sum(f.benefit) END AS benefit,
       CASE WHEN count(f.net_benefit) = count(*) THEN sum(f.net_benefit) END AS net_benefit,
       CASE WHEN count(f.own_hunting_cost) = count(*) THEN sum(f.own_hunting_cost) END AS own_hunting_cost,
       CASE WHEN count(f.driving_days_to_fill) = count(*) THEN sum(f.driving_days_to_fill) END AS driving_days_to_fill,
       CASE WHEN count(f.hunting_days_to_fill) = count(*) THEN sum(f.hunting_days_to_fill) END AS hunting_days_to_fill
FROM tp_windows AS w
JOIN p_targets AS t USING (target_no)
JOIN tp_figures AS f ON f.scope = t.scope AND f.period = w.period
GROUP BY w.target_no;

CREATE OR REPLACE TEMP TABLE tp_actuals AS
SELECT t.target_no, s.as_of_period,
       -- every branch is cast to one type: DuckDB unifies DECIMAL(38,a) and DECIMAL(38,b) to
       -- the smaller scale, which would round silently
       CASE t.indicator
           WHEN 'contribution_money' THEN CAST(s.contribution_money AS DECIMAL(38,12))
           WHEN 'contribution_hours' THEN CAST(s.contribution_hours AS DECIMAL(38,12))
           WHEN 'contribution' THEN CAST(s.contribution AS DECIMAL(38,12))
           WHEN 'driving_hires' THEN CAST(s.driving_hires AS DECIMAL(38,12))
           WHEN 'hunting_hires' THEN CAST(s.hunting_hires AS DECIMAL(38,12))
           WHEN 'own_driving_cost' THEN CAST(s.own_driving_cost AS DECIMAL(38,12))
           WHEN 'own_hunting_cost' THEN CAST(s.own_hunting_cost AS DECIMAL(38,12))
           WHEN 'counterfactual_cost' THEN CAST(s.counterfactual_cost AS DECIMAL(38,12))
           WHEN 'cost_savings' THEN CAST(s.cost_savings AS DECIMAL(38,12))
           WHEN 'days_saved' THEN CAST(s.days_saved AS DECIMAL(38,12))
           WHEN 'time_savings' THEN CAST(s.time_savings AS DECIMAL(38,12))
           WHEN 'gross_benefit' THEN CAST(s.gross_benefit AS DECIMAL(38,12))
           WHEN 'benefit' THEN CAST(s.benefit AS DECIMAL(38,12))
           WHEN 'net_benefit' THEN CAST(s.net_benefit AS DECIMAL(38,12))
           -- ratios of the window's sums, never a mean of quarterly ratios
           WHEN 'roi' THEN CAST(
               CASE WHEN s.contribution <> 0 THEN quotient10(s.net_benefit, s.contribution) END
               AS DECIMAL(38,12))
           WHEN 'driving_cost_per_hire' THEN CAST(
               CASE WHEN s.driving_hires > 0 THEN quotient4(s.own_driving_cost, s.driving_hires) END
               AS DECIMAL(38,12))
           WHEN 'driving_time_to_fill' THEN CAST(
               CASE WHEN s.driving_hires > 0 THEN quotient4(s.driving_days_to_fill, s.driving_hires) END
               AS DECIMAL(38,12))
           WHEN 'hunting_cost_per_hire' THEN CAST(
               CASE WHEN s.hunting_hires > 0 THEN quotient4(s.own_hunting_cost, s.hunting_hires) END
               AS DECIMAL(38,12))
           WHEN 'hunting_time_to_fill' THEN CAST(
               CASE WHEN s.hunting_hires > 0 THEN quotient4(s.hunting_days_to_fill, s.hunting_hires) END
               AS DECIMAL(38,12))
           -- stocks: the value at the end of the window
           WHEN 'open_vacancies' THEN CAST(a.open_vacancies AS DECIMAL(38,12))
           WHEN 'contribution_cum' THEN CAST(a.contribution_cum AS DECIMAL(38,12))
           WHEN 'driving_hires_cum' THEN CAST(a.driving_hires_cum AS DECIMAL(38,12))
           WHEN 'hunting_hires_cum' THEN CAST(a.hunting_hires_cum AS DECIMAL(38,12))
           WHEN 'own_driving_cost_cum' THEN CAST(a.own_driving_cost_cum AS DECIMAL(38,12))
           WHEN 'counterfactual_cost_cum' THEN CAST(a.counterfactual_cost_cum AS DECIMAL(38,12))
           WHEN 'cost_savings_cum' THEN CAST(a.cost_savings_cum AS DECIMAL(38,12))
           WHEN 'days_saved_cum' THEN CAST(a.days_saved_cum AS DECIMAL(38,12))
           WHEN 'time_savings_cum' THEN CAST(a.time_savings_cum AS DECIMAL(38,12))
           WHEN 'gross_benefit_cum' THEN CAST(a.gross_benefit_cum AS DECIMAL(38,12))
           WHEN 'benefit_cum' THEN CAST(a.benefit_cum AS DECIMAL(38,12))
           WHEN 'net_benefit_cum' THEN CAST(a.net_benefit_cum AS DECIMAL(38,12))
           WHEN 'roi_cum' THEN CAST(a.roi_cum AS DECIMAL(38,12))
       END AS actual
FROM p_targets AS t
JOIN tp_sums AS s USING (target_no)
JOIN tp_figures AS a ON a.scope = t.scope AND a.period = s.as_of_period;

CREATE OR REPLACE TEMP TABLE tp_checked AS
SELECT t.*, i.lower_is_better,
       CASE WHEN i.indicator IS NULL THEN 'unknown_indicator'
            WHEN t.scope <> 'programme' AND t.scope NOT IN (SELECT partner FROM p_partners)
                THEN 'unknown_scope'
            WHEN a.target_no IS NULL THEN 'period_outside_data'
            WHEN a.actual IS NULL THEN 'no_actual'
       END AS problem,
       a.as_of_period, a.actual
FROM p_targets AS t
LEFT JOIN p_indicators AS i USING (indicator)
LEFT JOIN tp_actuals AS a USING (target_no);

CREATE OR REPLACE TABLE marts.target_progress AS
SELECT scope, indicator, period, period_kind,
       CASE WHEN problem IS NULL OR problem = 'no_actual' THEN as_of_period END AS as_of_period,
       expected,
       CASE WHEN problem IS NULL THEN actual END AS actual,
       CASE WHEN problem IS NOT NULL OR expected <= 0 THEN NULL
            WHEN lower_is_better THEN CASE WHEN actual > 0 THEN quotient10(expected, actual) END
            ELSE quotient10(actual, expected) END AS ratio,
       -- compared exactly, not through the rounded ratio
       CASE WHEN problem IS NOT NULL THEN 'unknown'
            WHEN lower_is_better AND actual <= expected THEN 'met'
            WHEN NOT lower_is_better AND actual >= expected THEN 'met'
            WHEN expected > 0 AND lower_is_better AND 0.8 * actual <= expected THEN 'at_risk'
            WHEN expected > 0 AND NOT lower_is_better AND actual >= 0.8 * expected THEN 'at_risk'
            ELSE 'behind' END AS status,
       lower_is_better
FROM tp_checked
ORDER BY scope, indicator, period;

INSERT INTO stage_warnings
SELECT scope, period, indicator, problem,
       'target ' || scope || ' / ' || indicator || ' / ' || period || ': ' ||
       CASE problem
           WHEN 'unknown_indicator' THEN 'the indicator is not one of the figures; it is not evaluated'
           WHEN 'unknown_scope' THEN 'the scope is neither ''programme'' nor a partner id; it is not evaluated'
           WHEN 'period_outside_data' THEN 'no data for this period (the data run from the first '
               || 'period to the last period received); it is not evaluated'
           WHEN 'no_actual' THEN 'the figure could not be computed for this period (no hires, '
               || 'no contribution or no baseline); it is not evaluated'
       END
FROM tp_checked
WHERE problem IS NOT NULL
ORDER BY scope, indicator, period;
