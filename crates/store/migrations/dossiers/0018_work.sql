-- Whose move each open dossier waits for (issue 15, point 11): the worklist
-- it belongs on, kept with every write from the dossier's state
-- (`Dossier::work`). Dossiers stored before knew no approval step: one
-- being processed is the specialist's, as its state says too.
ALTER TABLE dossiers ADD COLUMN work TEXT;
UPDATE dossiers SET work = CASE status
    WHEN 'submitted' THEN 'receive'
    WHEN 'accepted' THEN 'assign'
    WHEN 'processing' THEN 'process'
    WHEN 'approved' THEN 'return'
    WHEN 'supplement_requested' THEN 'citizen'
    WHEN 'returned_incomplete' THEN 'citizen'
    ELSE NULL END;
CREATE INDEX dossiers_current_work ON dossiers (current_agency, work);
CREATE INDEX dossiers_receiving_work ON dossiers (receiving_agency, work);
CREATE INDEX dossiers_assignee_work ON dossiers (assignee_id, work);
