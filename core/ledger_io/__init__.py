"""台账 in and out: the Excel layout (columns), the blank template, the import with its
rejection report, and the export. The GUI uses `plan_import` / `ImportPlan.commit`."""
