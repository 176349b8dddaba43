CREATE TABLE bureau_profile (
	id INTEGER NOT NULL, 
	full_name VARCHAR(100) NOT NULL, 
	region VARCHAR(100) NOT NULL, 
	signatory VARCHAR(100) NOT NULL, 
	document_date DATE, 
	report_year INTEGER, 
	enterprise_inspection_cap INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE campaign (
	name VARCHAR(200) NOT NULL, 
	start_date DATE NOT NULL, 
	end_date DATE, 
	lead_department VARCHAR(100) NOT NULL, 
	partner_departments TEXT NOT NULL, 
	personnel INTEGER NOT NULL, 
	institutions_checked INTEGER NOT NULL, 
	hazards_found INTEGER NOT NULL, 
	closed INTEGER NOT NULL, 
	rectified INTEGER NOT NULL, 
	cases_filed INTEGER NOT NULL, 
	note TEXT NOT NULL, 
	id INTEGER NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE TABLE custom_figure (
	year INTEGER NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	value FLOAT NOT NULL, 
	unit VARCHAR(20) NOT NULL, 
	sentence TEXT NOT NULL, 
	id INTEGER NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE TABLE inspection (
	date DATE NOT NULL, 
	category VARCHAR(10) NOT NULL, 
	method VARCHAR(20) NOT NULL, 
	unit_id INTEGER NOT NULL, 
	items TEXT NOT NULL, 
	lead_department VARCHAR(100) NOT NULL, 
	partner_departments TEXT NOT NULL, 
	personnel INTEGER NOT NULL, 
	problems_found INTEGER NOT NULL, 
	rectified_on_site INTEGER NOT NULL, 
	result VARCHAR(10) NOT NULL, 
	recorded BOOLEAN NOT NULL, 
	published_on DATE, 
	campaign_id INTEGER, 
	note TEXT NOT NULL, 
	id INTEGER NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(unit_id) REFERENCES unit (id) ON DELETE RESTRICT, 
	FOREIGN KEY(campaign_id) REFERENCES campaign (id) ON DELETE SET NULL
);
CREATE TABLE inspection_staff (
	inspection_id INTEGER NOT NULL, 
	staff_id INTEGER NOT NULL, 
	PRIMARY KEY (inspection_id, staff_id), 
	FOREIGN KEY(inspection_id) REFERENCES inspection (id) ON DELETE CASCADE, 
	FOREIGN KEY(staff_id) REFERENCES staff (id) ON DELETE RESTRICT
);
CREATE TABLE narrative_text (
	year INTEGER NOT NULL, 
	block VARCHAR(30) NOT NULL, 
	text TEXT NOT NULL, 
	needs_review BOOLEAN NOT NULL, 
	id INTEGER NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at DATETIME, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_narrative_year_block UNIQUE (year, block)
);
CREATE TABLE other_act (
	year INTEGER NOT NULL, 
	month INTEGER, 
	category VARCHAR(10) NOT NULL, 
	item VARCHAR(200) NOT NULL, 
	applied INTEGER NOT NULL, 
	accepted INTEGER NOT NULL, 
	granted INTEGER NOT NULL, 
	refused INTEGER NOT NULL, 
	revoked INTEGER NOT NULL, 
	count INTEGER NOT NULL, 
	id INTEGER NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE TABLE penalty_case (
	decision_no VARCHAR(100) NOT NULL, 
	party VARCHAR(200) NOT NULL, 
	party_type VARCHAR(20) NOT NULL, 
	unit_id INTEGER, 
	facts TEXT NOT NULL, 
	legal_basis TEXT NOT NULL, 
	procedure VARCHAR(10) NOT NULL, 
	kinds TEXT NOT NULL, 
	counted_kind VARCHAR(30) NOT NULL, 
	fine_cents INTEGER NOT NULL, 
	confiscation_cents INTEGER, 
	filed_on DATE, 
	decided_on DATE, 
	closed_on DATE, 
	legal_review BOOLEAN NOT NULL, 
	legal_review_on DATE, 
	legal_review_corrected BOOLEAN NOT NULL, 
	hearing BOOLEAN NOT NULL, 
	published_on DATE, 
	inspection_id INTEGER, 
	id INTEGER NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(unit_id) REFERENCES unit (id) ON DELETE SET NULL, 
	FOREIGN KEY(inspection_id) REFERENCES inspection (id) ON DELETE SET NULL
);
CREATE TABLE power_item (
	year INTEGER NOT NULL, 
	category VARCHAR(10) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	quantity INTEGER NOT NULL, 
	id INTEGER NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE TABLE review_case (
	kind VARCHAR(10) NOT NULL, 
	received_on DATE NOT NULL, 
	penalty_case_id INTEGER, 
	result VARCHAR(10) NOT NULL, 
	note TEXT NOT NULL, 
	id INTEGER NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at DATETIME, 
	PRIMARY KEY (id), 
	FOREIGN KEY(penalty_case_id) REFERENCES penalty_case (id) ON DELETE SET NULL
);
CREATE TABLE schema_info (version INTEGER NOT NULL);
CREATE TABLE staff (
	name VARCHAR(50) NOT NULL, 
	department VARCHAR(100) NOT NULL, 
	certificate_no VARCHAR(50), 
	certificate_issued DATE, 
	certificate_expires DATE, 
	status VARCHAR(10) NOT NULL, 
	cancelled_on DATE, 
	cancel_reason VARCHAR(50) NOT NULL, 
	is_established BOOLEAN NOT NULL, 
	is_legal_reviewer BOOLEAN NOT NULL, 
	id INTEGER NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE TABLE training (
	date DATE NOT NULL, 
	topic VARCHAR(200) NOT NULL, 
	form VARCHAR(20) NOT NULL, 
	hours FLOAT NOT NULL, 
	exam_takers INTEGER NOT NULL, 
	exam_passed INTEGER NOT NULL, 
	id INTEGER NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE TABLE training_staff (
	training_id INTEGER NOT NULL, 
	staff_id INTEGER NOT NULL, 
	PRIMARY KEY (training_id, staff_id), 
	FOREIGN KEY(training_id) REFERENCES training (id) ON DELETE CASCADE, 
	FOREIGN KEY(staff_id) REFERENCES staff (id) ON DELETE RESTRICT
);
CREATE TABLE unit (
	name VARCHAR(200) NOT NULL, 
	unit_type VARCHAR(20) NOT NULL, 
	credit_code VARCHAR(18) NOT NULL, 
	street VARCHAR(50) NOT NULL, 
	is_enterprise BOOLEAN NOT NULL, 
	id INTEGER NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	deleted_at DATETIME, 
	PRIMARY KEY (id)
);
CREATE INDEX ix_other_act_year ON other_act (year);
CREATE INDEX ix_training_date ON training (date);
CREATE INDEX ix_inspection_counting ON inspection (date, deleted_at, unit_id, category, method, result, personnel, problems_found, rectified_on_site, recorded);
CREATE INDEX ix_inspection_unit_date ON inspection (unit_id, date);
CREATE INDEX ix_penalty_decided ON penalty_case (decided_on);
