-- marts.programme_period: one row per period, the sums of marts.partner_period over partners.
-- ROI and the means are computed from the sums (ROI of sums, not mean of ROIs). A sum over a
-- partner whose figure is empty is empty too. The running sums are the sums of the partners'
-- running sums, which is the same as the running sum of the programme's sums.
CREATE OR REPLACE TEMP TABLE prog_sums AS
SELECT period,
       count(*) AS partners,
       CAST(sum(contribution_money) AS DECIMAL(38,2)) AS contribution_money,
       CAST(sum(contribution_hours) AS DECIMAL(38,2)) AS contribution_hours,
       CAST(sum(contribution) AS DECIMAL(38,4)) AS contribution,
       CAST(sum(driving_hires) AS BIGINT) AS driving_hires,
       CAST(sum(hunting_hires) AS BIGINT) AS hunting_hires,
       CAST(sum(open_vacancies) AS BIGINT) AS open_vacancies,
       CAST(sum(own_driving_cost) AS DECIMAL(38,4)) AS own_driving_cost,
       CAST(CASE WHEN count(counterfactual_cost) = count(*) THEN sum(counterfactual_cost) END
            AS DECIMAL(38,2)) AS counterfactual_cost,
       CAST(CASE WHEN count(cost_savings) = count(*) THEN sum(cost_savings) END
            AS DECIMAL(38,4)) AS cost_savings,
       CAST(CASE WHEN count(days_saved) = count(*) THEN sum(days_saved) END
            AS DECIMAL(38,2)) AS days_saved,
       CAST(CASE WHEN count(time_savings) = count(*) THEN sum(time_savings) END
            AS DECIMAL(38,4)) AS time_savings,
       CAST(CASE WHEN count(gross_benefit) = count(*) THEN sum(gross_benefit) END
            AS DECIMAL(38,4)) AS gross_benefit,
       CAST(CASE WHEN count(benefit) = count(*) THEN sum(benefit) END
            AS DECIMAL(38,12)) AS benefit,
       CAST(CASE WHEN count(net_benefit) = count(*) THEN sum(net_benefit) END
            AS DECIMAL(38,12)) AS net_benefit,
       CAST(sum(own_hunting_cost) AS DECIMAL(38,4)) AS own_hunting_cost,
       CAST(sum(driving_days_to_fill) AS BIGINT) AS driving_days_to_fill,
       CAST(sum(hunting_days_to_fill) AS BIGINT) AS hunting_days_to_fill,
       CAST(sum(contribution_cum) AS DECIMAL(38,4)) AS contribution_cum,
       CAST(sum(driving_hires_cum) AS BIGINT) AS driving_hires_cum,
       CAST(sum(hunting_hires_cum) AS BIGINT) AS hunting_hires_cum,
       CAST(sum(own_driving_cost_cum) AS DECIMAL(38,4)) AS own_driving_cost_cum,
       CAST(CASE WHEN count(counterfactual_cost_cum) = count(*) THEN sum(counterfactual_cost_cum) END
            AS DECIMAL(38,2)) AS counterfactual_cost_cum,
       CAST(CASE WHEN count(cost_savings_cum) = count(*) THEN sum(cost_savings_cum) END
            AS DECIMAL(38,4)) AS cost_savings_cum,
       CAST(CASE WHEN count(days_saved_cum) = count(*) THEN sum(days_saved_cum) END
            AS DECIMAL(38,2)) AS days_saved_cum,
       CAST(CASE WHEN count(time_savings_cum) = count(*) THEN sum(time_savings_cum) END
            AS DECIMAL(38,4)) AS time_savings_cum,
       CAST(CASE WHEN count(gross_benefit_cum) = count(*) THEN sum(gross_benefit_cum) END
            AS DECIMAL(38,4)) AS gross_benefit_cum,
       CAST(CASE WHEN count(benefit_cum) = count(*) THEN sum(benefit_cum) END
            AS DECIMAL(38,12)) AS benefit_cum,
       CAST(CASE WHEN count(net_benefit_cum) = count(*) THEN sum(net_benefit_cum) END
            AS DECIMAL(38,12)) AS net_benefit_cum
FROM marts.partner_period
GROUP BY period;

CREATE OR REPLACE TABLE marts.programme_period AS
SELECT s.period,
       s.partners,
       s.contribution_money, s.contribution_hours, s.contribution,
       s.driving_hires, s.hunting_hires, s.open_vacancies,
       s.own_driving_cost, s.counterfactual_cost, s.cost_savings, s.days_saved, s.time_savings,
       s.gross_benefit, s.benefit, s.net_benefit,
       CASE WHEN s.contribution <> 0 THEN quotient10(s.net_benefit, s.contribution) END AS roi,
       CASE WHEN s.driving_hires > 0 THEN quotient4(s.own_driving_cost, s.driving_hires) END
           AS driving_cost_per_hire,
       CASE WHEN s.driving_hires > 0 THEN quotient4(s.driving_days_to_fill, s.driving_hires) END
           AS driving_time_to_fill,
       CASE WHEN s.hunting_hires > 0 THEN quotient4(s.own_hunting_cost, s.hunting_hires) END
           AS hunting_cost_per_hire,
       CASE WHEN s.hunting_hires > 0 THEN quotient4(s.hunting_days_to_fill, s.hunting_hires) END
           AS hunting_time_to_fill,
       s.own_hunting_cost, s.driving_days_to_fill, s.hunting_days_to_fill,
       s.contribution_cum, s.driving_hires_cum, s.hunting_hires_cum, s.own_driving_cost_cum,
       s.counterfactual_cost_cum, s.cost_savings_cum, s.days_saved_cum, s.time_savings_cum,
       s.gross_benefit_cum, s.benefit_cum, s.net_benefit_cum,
       CASE WHEN s.contribution_cum <> 0 THEN quotient10(s.net_benefit_cum, s.contribution_cum) END
           AS roi_cum
FROM prog_sums AS s
ORDER BY s.period;
