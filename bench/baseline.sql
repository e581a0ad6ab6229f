-- The benchmark's baseline: the contract's partner_period figures computed by hand in one DuckDB
-- script, straight over the CSV files partners sent, the way a careful analyst would.
--
-- bench/baseline.py runs it. It sets, from programme.yaml and the list of files:
--   variables nl_vacancies, en_vacancies, nl_contributions, en_contributions: lists of file paths
--     (Dutch exports: ';', decimal comma with dot thousands, dd-mm-yyyy; English: ',', ISO dates)
--   table partners(partner, cost_per_hire, time_to_fill_days): every partner and its baseline
--   table valuation(hour_rate, vacancy_day_cost, deadweight, attribution): one row
--   table driving(channel): the driving channels
-- It leaves table partner_period: one row per partner and period, with running sums (_cum).
-- What it does not do: reject bad rows, keep a history of submissions, fall back when a partner
-- has no baseline. The benchmark's programmes are clean and every partner has a baseline.

CREATE OR REPLACE TABLE vacancy_rows AS
WITH dutch AS (
    SELECT filename, vacature_id AS vacancy_id, geopend_op AS opened_on, vervuld_op AS filled_on,
           kanaal AS channel,
           CAST(replace(replace(kosten, '.', ''), ',', '.') AS DECIMAL(18,2)) AS cost,
           CAST(replace(uren, ',', '.') AS DECIMAL(18,2)) AS hours
    FROM read_csv(getvariable('nl_vacancies'), delim = ';', header = true, quote = '"',
                  dateformat = '%d-%m-%Y', filename = true,
                  columns = {'vacature_id': 'VARCHAR', 'rol': 'VARCHAR', 'geopend_op': 'DATE',
                             'vervuld_op': 'DATE', 'kanaal': 'VARCHAR', 'kosten': 'VARCHAR',
                             'uren': 'VARCHAR'})
),
english AS (
    SELECT filename, vacancy_id, opened_on, filled_on, channel, cost, hours
    FROM read_csv(getvariable('en_vacancies'), delim = ',', header = true, quote = '"',
                  dateformat = '%Y-%m-%d', filename = true,
                  columns = {'vacancy_id': 'VARCHAR', 'role': 'VARCHAR', 'opened_on': 'DATE',
                             'filled_on': 'DATE', 'channel': 'VARCHAR',
                             'cost': 'DECIMAL(18,2)', 'hours': 'DECIMAL(18,2)'})
)
SELECT regexp_extract(filename, '([0-9]{4}Q[1-4])[/\\]vacancies_', 1) AS period,
       regexp_extract(filename, 'vacancies_([^/\\]+)\.csv$', 1) AS partner,
       vacancy_id, opened_on, filled_on,
       -- 'Talent pool' in a Dutch export is talent_pool
       regexp_replace(lower(trim(channel)), '\s+', '_', 'g') AS channel,
       cost, hours
FROM (SELECT * FROM dutch UNION ALL SELECT * FROM english);

-- The latest row of every vacancy: a later period's row supersedes an earlier open one.
CREATE OR REPLACE TABLE vacancies AS
SELECT *
FROM vacancy_rows
QUALIFY row_number() OVER (PARTITION BY partner, vacancy_id ORDER BY period DESC) = 1;

CREATE OR REPLACE TABLE contribution_rows AS
WITH dutch AS (
    SELECT filename, soort AS kind,
           CAST(replace(replace(aantal, '.', ''), ',', '.') AS DECIMAL(18,2)) AS amount
    FROM read_csv(getvariable('nl_contributions'), delim = ';', header = true, filename = true,
                  columns = {'soort': 'VARCHAR', 'taak': 'VARCHAR', 'aantal': 'VARCHAR',
                             'toelichting': 'VARCHAR'})
),
english AS (
    SELECT filename, kind, amount
    FROM read_csv(getvariable('en_contributions'), delim = ',', header = true, filename = true,
                  columns = {'kind': 'VARCHAR', 'task': 'VARCHAR', 'amount': 'DECIMAL(18,2)',
                             'note': 'VARCHAR'})
)
SELECT regexp_extract(filename, '([0-9]{4}Q[1-4])[/\\]contributions_', 1) AS period,
       regexp_extract(filename, 'contributions_([^/\\]+)\.csv$', 1) AS partner,
       CASE lower(trim(kind)) WHEN 'geld' THEN 'money' WHEN 'uren' THEN 'hours'
            WHEN 'taak' THEN 'task' ELSE lower(trim(kind)) END AS kind,
       amount
FROM (SELECT * FROM dutch UNION ALL SELECT * FROM english);

CREATE OR REPLACE TABLE partner_period AS
WITH periods AS (
    SELECT DISTINCT period FROM vacancy_rows
),
hires AS (
    SELECT v.partner, v.period,
           count(*) FILTER (WHERE d.channel IS NOT NULL) AS driving_hires,
           count(*) FILTER (WHERE d.channel IS NULL) AS hunting_hires,
           sum(v.cost + v.hours * p.hour_rate) FILTER (WHERE d.channel IS NOT NULL)
               AS own_driving_cost,
           sum(date_diff('day', v.opened_on, v.filled_on)) FILTER (WHERE d.channel IS NOT NULL)
               AS driving_days
    FROM vacancies AS v
    LEFT JOIN driving AS d USING (channel)
    CROSS JOIN valuation AS p
    WHERE v.filled_on IS NOT NULL
    GROUP BY v.partner, v.period
),
delivered AS (
    SELECT partner, period,
           sum(amount) FILTER (WHERE kind = 'money') AS money,
           sum(amount) FILTER (WHERE kind = 'hours') AS hours
    FROM contribution_rows
    GROUP BY partner, period
),
figures AS (
    SELECT pa.partner, pe.period,
           coalesce(c.money, 0) + coalesce(c.hours, 0) * v.hour_rate AS contribution,
           coalesce(h.driving_hires, 0) AS driving_hires,
           coalesce(h.hunting_hires, 0) AS hunting_hires,
           coalesce(h.own_driving_cost, 0) AS own_driving_cost,
           coalesce(h.driving_hires, 0) * pa.cost_per_hire AS counterfactual_cost,
           coalesce(h.driving_hires, 0) * pa.time_to_fill_days - coalesce(h.driving_days, 0)
               AS days_saved,
           v.vacancy_day_cost, v.deadweight, v.attribution
    FROM partners AS pa
    CROSS JOIN periods AS pe
    CROSS JOIN valuation AS v
    LEFT JOIN hires AS h ON h.partner = pa.partner AND h.period = pe.period
    LEFT JOIN delivered AS c ON c.partner = pa.partner AND c.period = pe.period
),
valued AS (
    SELECT *,
           counterfactual_cost - own_driving_cost AS cost_savings,
           days_saved * vacancy_day_cost AS time_savings,
           counterfactual_cost - own_driving_cost + days_saved * vacancy_day_cost AS gross_benefit,
           CAST(CAST(counterfactual_cost - own_driving_cost + days_saved * vacancy_day_cost
                     AS DECIMAL(38,4)) * (1 - deadweight) * (1 - attribution) AS DECIMAL(38,12))
               AS benefit
    FROM figures
),
netted AS (
    SELECT *, CAST(benefit - contribution AS DECIMAL(38,12)) AS net_benefit FROM valued
)
SELECT partner, period, contribution, driving_hires, hunting_hires, own_driving_cost,
       counterfactual_cost, cost_savings, days_saved, time_savings, gross_benefit, benefit,
       net_benefit,
       CASE WHEN contribution <> 0 THEN net_benefit / contribution END AS roi,
       sum(contribution) OVER w AS contribution_cum,
       sum(driving_hires) OVER w AS driving_hires_cum,
       sum(hunting_hires) OVER w AS hunting_hires_cum,
       sum(cost_savings) OVER w AS cost_savings_cum,
       sum(time_savings) OVER w AS time_savings_cum,
       sum(benefit) OVER w AS benefit_cum,
       sum(net_benefit) OVER w AS net_benefit_cum,
       CASE WHEN sum(contribution) OVER w <> 0
            THEN sum(net_benefit) OVER w / sum(contribution) OVER w END AS roi_cum
FROM netted
WINDOW w AS (PARTITION BY partner ORDER BY period)
ORDER BY partner, period;
