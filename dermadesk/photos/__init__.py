"""Clinical photos: before and after, per area, kept private, used only as the patient consented."""
