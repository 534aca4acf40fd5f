-- 行政执法监督: bodies, officers, certificates, enforcement records and their warnings.

CREATE TABLE enforce_bodies (
    id TEXT PRIMARY KEY,
    organ_id TEXT NOT NULL REFERENCES organs(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    legal_basis TEXT NOT NULL DEFAULT '',
    categories TEXT NOT NULL DEFAULT '',
    items TEXT NOT NULL DEFAULT '',
    major_catalogue TEXT NOT NULL DEFAULT '',
    sector TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (organ_id, name)
);
CREATE INDEX enforce_bodies_name ON enforce_bodies (name);

CREATE TABLE enforce_officers (
    id TEXT PRIMARY KEY,
    body_id TEXT NOT NULL REFERENCES enforce_bodies(id),
    organ_id TEXT NOT NULL,
    name TEXT NOT NULL,
    post TEXT NOT NULL DEFAULT '',
    legal_qualified INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX enforce_officers_body ON enforce_officers (body_id);
CREATE INDEX enforce_officers_organ ON enforce_officers (organ_id);

-- One certificate per application; number is '' until 核发.
CREATE TABLE enforce_certificates (
    id TEXT PRIMARY KEY,
    officer_id TEXT NOT NULL REFERENCES enforce_officers(id),
    organ_id TEXT NOT NULL,
    number TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    applied_on TEXT NOT NULL,
    training_hours INTEGER NOT NULL DEFAULT 0,
    exam_score INTEGER NOT NULL DEFAULT 0,
    exam_passed INTEGER NOT NULL DEFAULT 0,
    issued_on TEXT NOT NULL DEFAULT '',
    valid_to TEXT NOT NULL DEFAULT '',
    ended_on TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX enforce_certificates_number ON enforce_certificates (number);
CREATE INDEX enforce_certificates_officer ON enforce_certificates (officer_id);
CREATE INDEX enforce_certificates_organ ON enforce_certificates (organ_id);

-- Validity and suspension periods of a certificate (核发/年审/换证 add a valid span, 暂扣 a
-- suspended one), so validity on any past date can be answered.
CREATE TABLE enforce_cert_spans (
    id TEXT PRIMARY KEY,
    cert_id TEXT NOT NULL REFERENCES enforce_certificates(id),
    kind TEXT NOT NULL,
    from_on TEXT NOT NULL,
    to_on TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX enforce_cert_spans_cert ON enforce_cert_spans (cert_id);

CREATE TABLE enforce_records (
    id TEXT PRIMARY KEY,
    organ_id TEXT NOT NULL,
    body_id TEXT NOT NULL REFERENCES enforce_bodies(id),
    category TEXT NOT NULL,
    case_no TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    subject_type TEXT NOT NULL DEFAULT '',
    procedure_kind TEXT NOT NULL DEFAULT '',
    filed_on TEXT NOT NULL DEFAULT '',
    decided_on TEXT NOT NULL DEFAULT '',
    officers TEXT NOT NULL DEFAULT '',
    amount_cents BIGINT NOT NULL DEFAULT 0,
    major INTEGER NOT NULL DEFAULT 0,
    reviewed_on TEXT NOT NULL DEFAULT '',
    published_on TEXT NOT NULL DEFAULT '',
    publish_due TEXT NOT NULL DEFAULT '',
    revoked_on TEXT NOT NULL DEFAULT '',
    withdrawn_on TEXT NOT NULL DEFAULT '',
    full_record INTEGER NOT NULL DEFAULT 0,
    random_draw_id TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (body_id, case_no)
);
CREATE INDEX enforce_records_organ_decided ON enforce_records (organ_id, decided_on);
CREATE INDEX enforce_records_body_decided ON enforce_records (body_id, decided_on);

-- 履职/三项制度 warnings; rebuilt for a record whenever it is written.
CREATE TABLE enforce_warnings (
    id TEXT PRIMARY KEY,
    organ_id TEXT NOT NULL,
    body_id TEXT NOT NULL DEFAULT '',
    record_id TEXT NOT NULL DEFAULT '',
    officer_id TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    basis TEXT NOT NULL DEFAULT '',
    due_on TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX enforce_warnings_organ ON enforce_warnings (organ_id, kind);
CREATE INDEX enforce_warnings_record ON enforce_warnings (record_id);
