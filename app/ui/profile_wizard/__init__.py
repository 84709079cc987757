"""The six-step wizard that creates or edits a sync profile (``wizard.ProfileWizard``)."""
