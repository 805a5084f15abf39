"""The patient portal: a patient signed in by an email code sees what the clinic holds."""
