-- marts.fair_share: one row per partner and as_of_period, from the cumulative figures of
-- marts.partner_period. The equal-ROI settlement
--     settlement_p = net_total x contribution_p / contribution_total - net_benefit_p
-- is rounded to the cent; the rounding residue goes to the partner with the largest cumulative
-- contribution (ties: the smallest partner id), so that settlements add up to exactly zero.
CREATE OR REPLACE TEMP TABLE fair_totals AS
SELECT partner, period AS as_of_period, contribution_cum, benefit_cum, net_benefit_cum,
       sum(contribution_cum) OVER t AS contribution_total,
       CASE WHEN count(benefit_cum) OVER t = count(*) OVER t THEN sum(benefit_cum) OVER t END
           AS benefit_total,
       CASE WHEN count(net_benefit_cum) OVER t = count(*) OVER t THEN sum(net_benefit_cum) OVER t END
           AS net_total,
       row_number() OVER (PARTITION BY period ORDER BY contribution_cum DESC, partner) AS residue_rank
FROM marts.partner_period
WINDOW t AS (PARTITION BY period);

CREATE OR REPLACE TEMP TABLE fair_settlements AS
SELECT *,
       -- in cents: (net_total x c_p - net_p x c_total) / c_total x 100, on integers (units of
       -- 10^-12 and 10^-4), rounded half away from zero
       CASE WHEN contribution_total <> 0 AND net_total IS NOT NULL THEN
           rounded_quotient(units12(net_total) * units4(contribution_cum)
                                - units12(net_benefit_cum) * units4(contribution_total),
                            units4(contribution_total) * 10000000000)
       END AS settlement_cents
FROM fair_totals;

CREATE OR REPLACE TABLE marts.fair_share AS
WITH shares AS (
    SELECT partner, as_of_period,
           contribution_cum, benefit_cum, net_benefit_cum,
           CASE WHEN contribution_total <> 0 THEN quotient10(contribution_cum, contribution_total) END
               AS contribution_share,
           CASE WHEN benefit_total <> 0 THEN quotient10(benefit_cum, benefit_total) END
               AS benefit_share,
           settlement_cents
               - CASE WHEN residue_rank = 1
                      THEN sum(settlement_cents) OVER (PARTITION BY as_of_period) ELSE 0 END
               AS settlement_cents
    FROM fair_settlements
)
SELECT partner, as_of_period, contribution_cum, benefit_cum, net_benefit_cum,
       contribution_share, benefit_share,
       CAST(benefit_share - contribution_share AS DECIMAL(38,10)) AS share_gap,
       CAST(CAST(settlement_cents AS DECIMAL(38,0)) * 0.01 AS DECIMAL(38,2)) AS settlement
FROM shares
ORDER BY as_of_period, partner;

-- One warning per as_of_period and reason that left a share or the settlements empty.
CREATE OR REPLACE TEMP TABLE fair_periods AS
SELECT DISTINCT as_of_period, contribution_total, benefit_total, net_total FROM fair_totals;

INSERT INTO stage_warnings
SELECT 'programme', as_of_period, 'contribution_share', 'no_contribution',
       'no partner has contributed anything up to ' || as_of_period
           || ': contribution shares and settlements stay empty'
FROM fair_periods WHERE contribution_total = 0
UNION ALL
SELECT 'programme', as_of_period, 'settlement', 'no_net_benefit',
       'the net benefit of a partner up to ' || as_of_period
           || ' could not be computed (no baseline): settlements stay empty'
FROM fair_periods WHERE contribution_total <> 0 AND net_total IS NULL
UNION ALL
SELECT 'programme', as_of_period, 'benefit_share', 'no_benefit',
       CASE WHEN benefit_total IS NULL
            THEN 'the benefit of a partner up to ' || as_of_period
                 || ' could not be computed (no baseline): benefit shares stay empty'
            ELSE 'the partners'' benefits up to ' || as_of_period
                 || ' add up to zero: benefit shares stay empty' END
FROM fair_periods WHERE benefit_total IS NULL OR benefit_total = 0
ORDER BY 2, 3;
