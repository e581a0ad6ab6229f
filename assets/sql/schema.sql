-- The warehouse's tables up to the clean stage: the interface between ingestion and the figures.
-- Money and hours are DECIMAL end to end; rounding happens only on the page.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS clean;
CREATE SCHEMA IF NOT EXISTS marts;

-- One row per file seen in the inbox (key: sha256 + path). A file replaced at a later run
-- stays here with superseded_by = the sha256 of the file that replaced it.
CREATE TABLE IF NOT EXISTS raw.submissions (
    sha256        VARCHAR NOT NULL,
    path          VARCHAR NOT NULL,   -- relative to the programme folder, e.g. inbox/2026Q1/vacancies_hhnk.csv
    partner       VARCHAR,            -- NULL when the file name names no known partner
    period        VARCHAR NOT NULL,
    kind          VARCHAR,            -- vacancies | contributions | ledger; NULL when unknown
    archive_path  VARCHAR NOT NULL,   -- relative to --out
    size_bytes    BIGINT NOT NULL,
    rows          INTEGER NOT NULL,   -- data rows read (0 when the file could not be read)
    accepted      INTEGER NOT NULL,
    rejected      INTEGER NOT NULL,
    received_at   TIMESTAMP NOT NULL, -- first time this run saw the file
    superseded_by VARCHAR,
    PRIMARY KEY (sha256, path)
);

-- One row per problem: row_number is the line as a spreadsheet shows it (header = line 1);
-- file-level problems have row_number NULL.
CREATE TABLE IF NOT EXISTS raw.rejections (
    sha256      VARCHAR NOT NULL,
    path        VARCHAR NOT NULL,
    partner     VARCHAR,
    period      VARCHAR NOT NULL,
    kind        VARCHAR,
    row_number  INTEGER,
    "column"    VARCHAR,             -- canonical column name (vacancy_id, cost, ...)
    source_column VARCHAR,           -- the header as the partner wrote it (kosten, ...)
    value       VARCHAR,
    rule        VARCHAR NOT NULL,
    message     VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.vacancy_rows (
    sha256 VARCHAR NOT NULL, path VARCHAR NOT NULL, partner VARCHAR NOT NULL,
    period VARCHAR NOT NULL, row_number INTEGER NOT NULL,
    vacancy_id VARCHAR NOT NULL, role VARCHAR, opened_on DATE NOT NULL, filled_on DATE,
    channel VARCHAR NOT NULL, cost DECIMAL(18,2) NOT NULL, hours DECIMAL(18,2) NOT NULL
);

CREATE TABLE IF NOT EXISTS raw.contribution_rows (
    sha256 VARCHAR NOT NULL, path VARCHAR NOT NULL, partner VARCHAR NOT NULL,
    period VARCHAR NOT NULL, row_number INTEGER NOT NULL,
    kind VARCHAR NOT NULL,              -- money | hours | task (Dutch synonyms already mapped)
    task VARCHAR, amount DECIMAL(18,2) NOT NULL, note VARCHAR
);

CREATE TABLE IF NOT EXISTS raw.ledger_rows (
    sha256 VARCHAR NOT NULL, path VARCHAR NOT NULL, period VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,
    date DATE NOT NULL, activity VARCHAR, cost DECIMAL(18,2) NOT NULL, channel VARCHAR
);

-- One row per expectation of a suite run over one period's batch of one kind.
CREATE TABLE IF NOT EXISTS raw.validation_results (
    period VARCHAR NOT NULL, kind VARCHAR NOT NULL, expectation VARCHAR NOT NULL,
    "column" VARCHAR, success BOOLEAN NOT NULL, unexpected_count BIGINT NOT NULL
);

-- The periods whose raw rows were written since the clean vacancies were last built: written in
-- the same transaction as the rows, emptied in the one that builds clean.vacancies from them.
CREATE TABLE IF NOT EXISTS raw.periods_to_clean (period VARCHAR PRIMARY KEY);

-- What each incrementally kept clean table was last built from besides the raw rows (its SQL and
-- the programme settings it reads), as a sha256: when it differs, the table is rebuilt whole.
CREATE TABLE IF NOT EXISTS clean.build_state (
    target VARCHAR PRIMARY KEY, fingerprint VARCHAR NOT NULL
);
